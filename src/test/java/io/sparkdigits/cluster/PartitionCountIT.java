package io.sparkdigits.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sparkdigits.model.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The partition count changes which rows share a mini-batch, so 1, 2 and 4 partitions train
 * different (each reproducible) models, but they must be equally good: after 3 epochs on all
 * 60,000 MNIST training rows their accuracies on the 10,000 test rows are within 0.3 points.
 *
 * <p>Why this size: the test set is 10,000 rows, so 0.3 points is 30 digits, well above the
 * rounding of the score; the full training set is needed for the runs to converge to within
 * that of each other in 3 epochs (on the 1,000-row sample they differ by whole points). The
 * network is 784-128-64-10, and {@code local[2]} suffices: that partitions give the same model
 * on any master is {@link StandaloneClusterIT}'s job. About 70 s per run on 2 cores. Skipped
 * when full MNIST is absent ({@code data/fetch-mnist} makes it; CI has it).
 */
class PartitionCountIT {
    private static final double TOLERANCE = 0.3;
    private static final Path BASE = TestData.basedir();
    private static final Path WORK = TestData.workDir("PartitionCountIT");

    @BeforeAll
    static void setUp() throws IOException {
        StandaloneClusterIT.deleteTree(WORK);
        Files.createDirectories(WORK);
    }

    @Test
    void onePartitionOrTwoOrFourReachTheSameAccuracy() throws IOException {
        assumeTrue(TestData.haveFullMnist(), "full MNIST is absent (" + TestData.fullTrain()
                + "): run data/fetch-mnist; the 1,000-row sample is too small to compare accuracies to 0.3 points");
        Map<Integer, Double> accuracy = new LinkedHashMap<>();
        for (int partitions : List.of(1, 2, 4)) {
            Path model = WORK.resolve("model-p" + partitions);
            Driver.runOk(BASE, WORK.resolve("p" + partitions + ".log"), "local[2]", "train", List.of(
                    "--train", TestData.fullTrain().toString(), "--test", TestData.fullTest().toString(),
                    "--model", model.toString(), "--partitions", Integer.toString(partitions),
                    "--seed", "42", "--epochs", "3", "--hidden", "128,64", "--batch-size", "128", "--lr", "0.001",
                    "--schedule", "cosine"), Duration.ofMinutes(5));
            accuracy.put(partitions, testAccuracy(model));
        }
        String summary = accuracy.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%d partition(s): %.2f%%", e.getKey(), e.getValue()))
                .reduce((a, b) -> a + ", " + b).orElseThrow();
        System.out.println("PartitionCountIT: test accuracy after 3 epochs: " + summary);

        double min = accuracy.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = accuracy.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertTrue(max - min <= TOLERANCE, "accuracies differ by more than " + TOLERANCE + " points: " + summary);
        assertTrue(min > 95, "the runs did not learn: " + summary);
    }

    /** The test accuracy in percent, as the model file records it. */
    @SuppressWarnings("unchecked")
    private static double testAccuracy(Path model) throws IOException {
        Map<String, Object> metrics = (Map<String, Object>) ModelStore.load(model.toString(), new Configuration())
                .info().get("testMetrics");
        assertEquals(10_000L, ((Number) metrics.get("rows")).longValue());
        return 100 * ((Number) metrics.get("accuracy")).doubleValue();
    }
}
