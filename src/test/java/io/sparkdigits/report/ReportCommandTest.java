package io.sparkdigits.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.Shard;
import io.sparkdigits.infer.Predictor;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.nn.SoftmaxCrossEntropy;
import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report} on the committed sample: every figure is there, decodes and has the size the
 * page gives it; the numbers are {@code evaluate}'s; the mistakes are the most confident ones of
 * the whole data, as a driver-side scan of every row finds them; and a folder that is not a report
 * is never replaced without {@code --overwrite}.
 */
@ExtendWith(SparkSessionExtension.class)
class ReportCommandTest {
    static final List<String> FIGURES = List.of("loss.png", "accuracy.png", "learning-rate.png", "confusion.png",
            "per-class.png", "mistakes.png", "correct.png", "filters.png");
    private static final Pattern IMG = Pattern.compile("<img src=\"([^\"]+)\" width=\"(\\d+)\" height=\"(\\d+)\"");

    @TempDir
    static Path dir;
    static Path model;
    static Path report;
    static Cli.Result made;

    @BeforeAll
    static void trainAndReport() {
        model = dir.resolve("model");
        report = dir.resolve("report");
        Cli.Result trained = Cli.run(SparkSessionExtension.spark(), "train", "--train", TestData.TRAIN.toString(),
                "--test", TestData.TEST.toString(), "--model", model.toString(), "--hidden", "8", "--epochs", "2",
                "--batch-size", "100");
        assertEquals(0, trained.code(), trained.toString());
        made = Cli.run(SparkSessionExtension.spark(), "report", "--model", model.toString(), "--data",
                TestData.TEST.toString(), "--output", report.toString());
    }

    /** The figures the page shows, file to (width, height) as its img tags give them. */
    static Map<String, int[]> pageImages(Path index) throws Exception {
        Map<String, int[]> out = new LinkedHashMap<>();
        Matcher m = IMG.matcher(Files.readString(index));
        while (m.find()) {
            out.put(m.group(1), new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))});
        }
        return out;
    }

    @Test
    void everyFigureIsOnThePageDecodesAndHasItsSize() throws Exception {
        assertEquals(0, made.code(), made.toString());
        assertTrue(made.out().contains("written to " + report + "/index.html"), made.toString());
        Map<String, int[]> images = pageImages(report.resolve("index.html"));
        assertEquals(FIGURES, new ArrayList<>(images.keySet()));
        for (Map.Entry<String, int[]> e : images.entrySet()) {
            BufferedImage img = ImageIO.read(report.resolve(e.getKey()).toFile());
            assertNotNull(img, e.getKey() + " is not a PNG");
            assertEquals(e.getValue()[0], img.getWidth(), e.getKey());
            assertEquals(e.getValue()[1], img.getHeight(), e.getKey());
            assertTrue(distinctColours(img) > 2, e.getKey() + " is blank");
        }
        assertTrue(Files.exists(report.resolve(Reports.MARKER)));
        String html = Files.readString(report.resolve("index.html"));
        assertFalse(html.contains("http://") || html.contains("https://"), "the page fetches nothing");
        assertTrue(html.contains("784-8-10 relu") && html.contains("Model card") && html.contains("seed"), html);
    }

    @Test
    void theNumbersAreEvaluatesAndTheMistakesAreTheMostConfidentOfAllRows() throws Exception {
        JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        Path eval = dir.resolve("eval.json");
        Cli.Result evaluated = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", model.toString(),
                "--data", TestData.TEST.toString(), "--report", eval.toString());
        assertEquals(0, evaluated.code(), evaluated.toString());
        // evaluate's file names its format first (what lets a later run recognise it); the numbers are the same.
        com.fasterxml.jackson.databind.node.ObjectNode evaluation =
                (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(eval.toFile());
        assertEquals("spark-digits-evaluation", evaluation.remove("format").asText());
        assertEquals(evaluation, json.get("evaluation"));
        assertEquals(2, json.get("history").size());

        List<Sample> expected = driverScan(ModelStore.load(model.toString(), new Configuration()));
        JsonNode mistakes = json.get("mistakes");
        assertEquals(Math.min(Reports.DEFAULT_MISTAKES, expected.size()), mistakes.size());
        for (int i = 0; i < mistakes.size(); i++) {
            Sample s = expected.get(i);
            JsonNode m = mistakes.get(i);
            assertEquals(List.of(s.partition(), s.row(), s.label(), s.predicted()), List.of(m.get("partition").asInt(),
                    m.get("row").asInt(), m.get("label").asInt(), m.get("predicted").asInt()), "mistake " + i);
        }
        assertEquals(Reports.DEFAULT_CORRECT, json.get("correctSamples").size());
        json.get("correctSamples").forEach(c -> assertEquals(c.get("label"), c.get("predicted")));
    }

    /** Every row of the sample scored on the driver, the mistakes sorted most confident first. */
    private static List<Sample> driverScan(Model m) {
        var spark = SparkSessionExtension.spark();
        DigitData data = DigitData.load(spark, TestData.TEST.toString(), new DigitData.Options(CsvLayout.Header.AUTO,
                false, spark.sparkContext().defaultParallelism(), 10), 784);
        try {
            List<Shard> shards = data.shards().collect();
            Predictor predictor = new Predictor(m.spec(), m.params(), m.inputScale());
            List<Sample> all = new ArrayList<>();
            short[] labels = new short[Predictor.CHUNK];
            for (int p = 0; p < shards.size(); p++) {
                Shard s = shards.get(p);
                for (int at = 0; at < s.rows(); at += Predictor.CHUNK) {
                    int end = Math.min(s.rows(), at + Predictor.CHUNK);
                    float[] prob = predictor.probabilities(s, null, at, end, labels);
                    for (int r = 0; r < end - at; r++) {
                        int k = SoftmaxCrossEntropy.argmax(prob, r * 10, 10);
                        if (k != labels[r]) {
                            all.add(new Sample(p, at + r, labels[r], k, prob[r * 10 + k], new byte[0]));
                        }
                    }
                }
            }
            all.sort(Sample.MOST_CONFIDENT);
            return all;
        } finally {
            data.release();
        }
    }

    @Test
    void aFolderThatIsNotAReportIsKeptUnlessOverwriteIsGiven() throws Exception {
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("thesis.tex"), "years of work");
        Cli.Result refused = Cli.run(SparkSessionExtension.spark(), "report", "--model", model.toString(), "--data",
                TestData.TEST.toString(), "--output", mine.toString());
        assertEquals(2, refused.code(), refused.toString());
        assertTrue(refused.err().contains("is not a spark-digits report folder"), refused.toString());
        assertEquals("years of work", Files.readString(mine.resolve("thesis.tex")));

        Path other = dir.resolve("other");
        Cli.Result first = Cli.run(SparkSessionExtension.spark(), "report", "--model", model.toString(), "--data",
                TestData.TEST.toString(), "--output", other.toString());
        assertEquals(0, first.code(), first.toString());
        assertTrue(Files.exists(other.resolve("correct.png")));
        Cli.Result again = Cli.run(SparkSessionExtension.spark(), "report", "--model", model.toString(), "--data",
                TestData.TEST.toString(), "--output", other.toString(), "--mistakes", "4", "--correct", "0");
        assertEquals(0, again.code(), again.toString());
        assertFalse(Files.exists(other.resolve("correct.png")), "an earlier report is replaced as a whole");

        Cli.Result forced = Cli.run(SparkSessionExtension.spark(), "report", "--model", model.toString(), "--data",
                TestData.TEST.toString(), "--output", mine.toString(), "--overwrite");
        assertEquals(0, forced.code(), forced.toString());
        assertFalse(Files.exists(mine.resolve("thesis.tex")));
        assertTrue(Files.exists(mine.resolve("index.html")));
    }

    @Test
    void badInputIsOneLineAndTrainChecksTheReportFolderBeforeTraining() throws Exception {
        Cli.Result noModel = Cli.run(SparkSessionExtension.spark(), "report", "--model", dir.resolve("none").toString(),
                "--data", TestData.TEST.toString(), "--output", dir.resolve("r1").toString());
        assertEquals(2, noModel.code(), noModel.toString());
        assertTrue(noModel.err().startsWith("spark-digits report: error: no model at "), noModel.toString());
        assertEquals(1, noModel.err().strip().lines().count(), noModel.toString());

        Path mine = Files.createDirectories(dir.resolve("photos"));
        Files.writeString(mine.resolve("holiday.jpg"), "not a report");
        Path unwritten = dir.resolve("unwritten-model");
        Cli.Result refused = Cli.run(SparkSessionExtension.spark(), "train", "--train", TestData.TRAIN.toString(),
                "--model", unwritten.toString(), "--hidden", "8", "--epochs", "1", "--report", mine.toString());
        assertEquals(2, refused.code(), refused.toString());
        assertTrue(refused.err().contains("is not a spark-digits report folder"), refused.toString());
        assertEquals("not a report", Files.readString(mine.resolve("holiday.jpg")));
        assertFalse(Files.exists(unwritten), "refused before training");
    }

    static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                seen.add(img.getRGB(x, y));
            }
        }
        return seen.size();
    }

}
