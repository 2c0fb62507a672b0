package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Early stopping: a run that overfits (200 rows, a high rate, many epochs) stops PATIENCE epochs
 * after its lowest validation loss and saves that epoch's weights, which {@code evaluate} on the
 * validation data confirms to the last digit of the loss.
 */
@ExtendWith(SparkSessionExtension.class)
class EarlyStoppingTest {
    @TempDir
    Path dir;

    @Test
    void stopsAfterPatienceAndKeepsTheBestEpoch() throws Exception {
        List<String> lines = Files.readAllLines(TestData.TRAIN);
        Path train = Files.write(dir.resolve("train.csv"), lines.subList(0, 201));
        Path validation = Files.write(dir.resolve("val.csv"), lines.subList(700, 1001));
        Path model = dir.resolve("model");
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "train", "--train", train.toString(), "--model",
                model.toString(), "--hidden", "64", "--epochs", "40", "--batch-size", "50", "--lr", "0.01",
                "--validation-data", validation.toString(), "--early-stopping", "2");
        assertEquals(0, r.code(), r.toString());
        JsonNode info = new ObjectMapper().readTree(model.resolve("model.json").toFile()).get("info");
        JsonNode stopping = info.get("earlyStopping");
        int kept = stopping.get("epochKept").asInt();
        int run = stopping.get("epochsRun").asInt();
        assertTrue(run < 40, "an overfitting run stops early: " + stopping);
        assertEquals(kept + 2, run, stopping.toString());
        assertTrue(stopping.get("reason").asText().startsWith("no lower validation loss for 2 epochs"), stopping.toString());
        JsonNode history = info.get("history");
        assertEquals(run, history.size());
        double best = Double.POSITIVE_INFINITY;
        for (JsonNode epoch : history) {
            best = Math.min(best, epoch.get("validationLoss").asDouble());
        }
        assertEquals(best, history.get(kept - 1).get("validationLoss").asDouble());

        Path report = dir.resolve("val-eval.json");
        Cli.Result e = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", model.toString(), "--data",
                validation.toString(), "--report", report.toString());
        assertEquals(0, e.code(), e.toString());
        double saved = new ObjectMapper().readTree(report.toFile()).get("meanLoss").asDouble();
        assertEquals(best, saved, 1e-12, "the saved weights are the best epoch's");
    }

    @Test
    void earlyStoppingWithoutValidationIsRefusedBeforeSparkStarts() {
        Cli.Result r = Cli.run(null, "train", "--train", TestData.TRAIN.toString(), "--model",
                dir.resolve("m").toString(), "--early-stopping", "3");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--early-stopping watches the validation loss"), r.toString());
    }
}
