package io.sparkdigits.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.eval.ConfusionMatrix;
import io.sparkdigits.eval.EvaluationReport;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report of a model the first format version wrote (no training history, 4 inputs, 2 classes),
 * written without Spark from a hand-made {@link ReportData}: no curves, every other figure, inputs
 * that are not 28 x 28 drawn as their own squares, and a page that says the history is missing.
 */
class ReportWithoutHistoryTest {
    @TempDir
    Path dir;

    @Test
    void aModelWithoutHistoryGetsEveryFigureButTheCurves() throws Exception {
        Path golden = Path.of(getClass().getResource("/golden/model-v1/model.json").toURI()).getParent();
        Model model = ModelStore.load(golden.toString(), new Configuration());
        ConfusionMatrix cm = new ConfusionMatrix(2);
        cm.add(0, 0);
        cm.add(0, 1);
        cm.add(1, 1);
        List<Sample> mistakes = List.of(new Sample(0, 1, 0, 1, 0.8f, new byte[] {0, (byte) 255, 40, 90}));
        List<Sample> correct = List.of(new Sample(0, 0, 0, 0, 0.6f, new byte[] {(byte) 200, 0, 0, 10}),
                new Sample(1, 0, 1, 1, 0.9f, new byte[] {1, 2, 3, 4}));
        ReportData d = new ReportData("golden", model, "rows.csv", "1 file", 3, 0, new EvaluationReport(cm, 1.5, 3),
                mistakes, correct, "local[1]", 1, Map.of("Spark", "test"), "now");
        Path out = dir.resolve("report");
        Reports.write(d, out.toString(), false, new Configuration());

        Map<String, int[]> images = ReportCommandTest.pageImages(out.resolve("index.html"));
        assertEquals(List.of("confusion.png", "per-class.png", "mistakes.png", "correct.png", "filters.png"),
                new ArrayList<>(images.keySet()));
        for (var e : images.entrySet()) {
            BufferedImage img = ImageIO.read(out.resolve(e.getKey()).toFile());
            assertNotNull(img, e.getKey());
            assertEquals(e.getValue()[0], img.getWidth(), e.getKey());
            assertEquals(e.getValue()[1], img.getHeight(), e.getKey());
        }
        // Two inputs a side at 3 pixels each; the mistake's second pixel (255) is drawn black.
        BufferedImage grid = ImageIO.read(out.resolve("mistakes.png").toFile());
        assertEquals(0x000000, grid.getRGB(6 + 3, 6) & 0xffffff);
        assertEquals(0xffffff, grid.getRGB(6, 6) & 0xffffff);
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("The model file has no training history."), html);
        assertTrue(Files.readString(out.resolve("report.json")).contains("\"history\" : [ ]"));
    }
}
