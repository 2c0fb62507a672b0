package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdigits.data.JobDescription;
import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run tells those watching it: every Spark job carries a description saying what it is,
 * the metrics file holds one parsable JSON object a line with {@code evaluate}'s figures, and off
 * a terminal the output has no control characters.
 */
@ExtendWith(SparkSessionExtension.class)
class TrainMonitoringTest {
    @TempDir
    Path dir;

    /** Records the description of every job started while it is registered. */
    static final class Descriptions extends SparkListener {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            seen.add(start.properties() == null ? null : start.properties().getProperty(JobDescription.PROPERTY));
        }
    }

    /** The descriptions of the jobs {@code run} starts (the listener bus is asynchronous: wait for it). */
    private static List<String> jobsOf(Runnable run) throws InterruptedException {
        SparkContext sc = SparkSessionExtension.spark().sparkContext();
        Descriptions d = new Descriptions();
        sc.addSparkListener(d);
        try {
            run.run();
            // Marker jobs, described, start after every job of run: once one is seen, all of run's are.
            JobDescription.run(sc, "marker", () -> SparkSessionExtension.spark().range(1).count());
            for (int i = 0; i < 200 && !d.seen.contains("marker"); i++) {
                Thread.sleep(50);
            }
        } finally {
            sc.removeSparkListener(d);
        }
        List<String> out = new ArrayList<>(d.seen);
        assertEquals("marker", out.get(out.size() - 1), "the marker jobs came last: " + out);
        out.removeIf("marker"::equals);
        return out;
    }

    @Test
    void everyJobSaysWhatItIs() throws Exception {
        Path model = dir.resolve("model");
        List<String> train = jobsOf(() -> assertEquals(0, Cli.run(SparkSessionExtension.spark(), "train", "--train",
                TestData.TRAIN.toString(), "--test", TestData.TEST.toString(), "--model", model.toString(), "--hidden", "8",
                "--epochs", "1", "--batch-size", "250").code()));
        assertFalse(train.contains(null), "a training job without a description: " + train);
        // local[2] and two partitions: the epoch is one job (EpochJob), its four steps inside it.
        assertEquals(List.of("train epoch 1/1, steps 1-4"), train.stream().filter(s -> s.startsWith("train ")).toList());
        assertTrue(train.contains("evaluate test epoch 1/1"), train.toString());
        assertTrue(train.stream().anyMatch(s -> s.startsWith("load ") && s.endsWith("mnist_train_sample.csv")), train.toString());

        List<String> evaluate = jobsOf(() -> assertEquals(0, Cli.run(SparkSessionExtension.spark(), "evaluate", "--model",
                model.toString(), "--data", TestData.TEST.toString(), "--report", dir.resolve("e.json").toString()).code()));
        assertTrue(evaluate.contains("evaluate"), evaluate.toString());
        assertFalse(evaluate.contains(null), evaluate.toString());

        List<String> predict = jobsOf(() -> assertEquals(0, Cli.run(SparkSessionExtension.spark(), "predict", "--model",
                model.toString(), "--input", TestData.TEST.toString(), "--output", dir.resolve("p").toString()).code()));
        assertFalse(predict.isEmpty());
        assertEquals(List.of("predict"), predict.stream().distinct().toList());
    }

    @Test
    void theMetricsFileHasALineAnEpochAndEveryNStepsWithEvaluatesFigures() throws Exception {
        Path model = dir.resolve("model");
        Path metrics = dir.resolve("metrics.jsonl");
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "train", "--train", TestData.TRAIN.toString(), "--test",
                TestData.TEST.toString(), "--model", model.toString(), "--hidden", "8", "--epochs", "2",
                "--batch-size", "250", "--metrics", metrics.toString(), "--metrics-every", "3");
        assertEquals(0, r.code(), r.toString());
        assertFalse(r.out().contains("\r") || r.err().contains("\r"), "no carriage returns off a terminal");

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            lines.add(json.readTree(line));
        }
        List<String> events = lines.stream().map(n -> n.get("event").asText() + " " + n.get("epoch").asInt() + "."
                + n.get("step").asInt()).toList();
        // 4 steps an epoch: every 3rd step of the run is epoch 1 step 3 and epoch 2 step 2.
        assertEquals(List.of("step 1.3", "epoch 1.4", "step 2.2", "epoch 2.4"), events);
        for (JsonNode n : lines) {
            for (String field : List.of("trainLoss", "trainAccuracy", "learningRate", "samplesPerSecond", "seconds", "time")) {
                assertTrue(n.has(field), field + " missing in " + n);
            }
        }
        JsonNode last = lines.get(3);
        Path eval = dir.resolve("eval.json");
        assertEquals(0, Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", model.toString(), "--data",
                TestData.TEST.toString(), "--report", eval.toString()).code());
        JsonNode evaluated = json.readTree(eval.toFile());
        assertEquals(evaluated.get("accuracy").asDouble(), last.get("testAccuracy").asDouble());
        assertEquals(evaluated.get("meanLoss").asDouble(), last.get("testLoss").asDouble(), 1e-9);
    }

    @Test
    void metricsOptionsAreCheckedBeforeTraining() {
        Cli.Result everyAlone = Cli.run(null, "train", "--train", "x.csv", "--model", "m", "--metrics-every", "5");
        assertEquals(2, everyAlone.code(), everyAlone.toString());
        assertTrue(everyAlone.err().contains("--metrics-every needs --metrics FILE"), everyAlone.toString());

        Path nowhere = dir.resolve("no/such/dir/metrics.jsonl");
        Cli.Result bad = Cli.run(SparkSessionExtension.spark(), "train", "--train", TestData.TRAIN.toString(),
                "--model", dir.resolve("m").toString(), "--metrics", nowhere.toString());
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("cannot write the metrics file " + nowhere), bad.toString());
        assertEquals(1, bad.err().strip().lines().count(), bad.toString());
    }
}
