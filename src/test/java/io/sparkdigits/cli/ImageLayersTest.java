package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Convolutional layers, augmentation and dropout from the command line, and their refusals. */
@ExtendWith(SparkSessionExtension.class)
class ImageLayersTest {
    @TempDir
    Path dir;

    @Test
    void aSmallConvolutionalNetworkTrainsSavesAndPredicts() throws Exception {
        Path model = dir.resolve("cnn");
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "train", "--train", TestData.TRAIN.toString(), "--test",
                TestData.TEST.toString(), "--model", model.toString(), "--layers", "conv5x5x8,pool2,conv3x3x8:s2,dense32,10",
                "--augment", "shift=1,rotate=5", "--dropout", "0.2,0.3", "--epochs", "3", "--batch-size", "100");
        assertEquals(0, r.code(), r.toString());
        Model m = ModelStore.load(model.toString(), new Configuration());
        assertEquals("28x28 conv5x5x8,pool2,conv3x3x8:s2,dense32,10 relu", m.spec().toString());
        JsonNode info = new ObjectMapper().readTree(model.resolve("model.json").toFile()).get("info");
        assertTrue(info.at("/testMetrics/accuracy").asDouble() > 0.6, "learns: " + info.at("/testMetrics"));
        Cli.Result p = Cli.run(SparkSessionExtension.spark(), "predict", "--model", model.toString(), "--input",
                TestData.TEST.toString(), "--output", dir.resolve("pred").toString());
        assertEquals(0, p.code(), p.toString());
        assertTrue(p.out().contains("wrote 500 predictions"), p.toString());
        Path report = dir.resolve("report");
        Cli.Result rep = Cli.run(SparkSessionExtension.spark(), "report", "--model", model.toString(), "--data",
                TestData.TEST.toString(), "--output", report.toString());
        assertEquals(0, rep.code(), rep.toString());
        java.awt.image.BufferedImage filters = javax.imageio.ImageIO.read(report.resolve("filters.png").toFile());
        // 8 filters of 5x5, drawn 16 times larger, in one row of 8 with 6-pixel gaps.
        assertEquals(8 * (5 * 16 + 6) + 6, filters.getWidth());
        assertTrue(Files.readString(report.resolve("index.html")).contains("First-layer filters"));
    }

    @Test
    void imageLayersOnRowsThatAreNoImageAreOneLine() throws Exception {
        Path table = Files.write(dir.resolve("table.csv"), List.of("1,0,3", "0,2,1", "1,1,1"));
        Cli.Result conv = Cli.run(SparkSessionExtension.spark(), "train", "--train", table.toString(), "--model",
                dir.resolve("m1").toString(), "--layers", "conv3x3x4,10");
        assertEquals(2, conv.code(), conv.toString());
        assertTrue(conv.err().contains("'conv3x3x4' needs image input"), conv.toString());
        assertFalse(conv.err().contains("\tat "), conv.toString());
        Cli.Result augment = Cli.run(SparkSessionExtension.spark(), "train", "--train", table.toString(), "--model",
                dir.resolve("m2").toString(), "--hidden", "4", "--augment", "shift=1");
        assertEquals(2, augment.code(), augment.toString());
        assertTrue(augment.err().contains("--augment distorts images, but rows of 2 values are not square images"),
                augment.toString());
        assertFalse(Files.exists(dir.resolve("m1")) || Files.exists(dir.resolve("m2")));
    }

    @Test
    void badSyntaxIsRefusedBeforeSparkStarts() {
        String[][] cases = {
            {"--layers", "conv5x5,10", "unknown layer 'conv5x5'"},
            {"--layers", "conv5x5x8,pool2", "must end with the number of classes"},
            {"--augment", "shear=3", "unknown augmentation 'shear=3'"},
            {"--dropout", "0.5,1.2", "--dropout needs comma-separated rates in [0, 1)"},
            {"--dropout", "0.99999999", "--dropout needs comma-separated rates in [0, 1)"}, // 1f as a float
            {"--shape", "28by28", "an image shape is HxW or HxWxC"},
        };
        for (String[] c : cases) {
            Cli.Result r = Cli.run(null, "train", "--train", TestData.TRAIN.toString(), "--model",
                    dir.resolve("never").toString(), c[0], c[1]);
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains(c[2]), c[2] + " in\n" + r);
        }
    }
}
