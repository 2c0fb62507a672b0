package io.sparkdigits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accuracy promises on the full MNIST set (fetched by {@code data/fetch-mnist}; CI does), on
 * local[2]: the default preset reaches 98.3%, mlp 98.8% and sigmoid128 92%; cnn reaches 99.4% in
 * its full 15 epochs (README, {@code submit/bench --sections cnn}), which would take CI about seven
 * minutes, so CI runs it for 3 epochs (the schedule fits itself to them: 99.00%) and asks for 98.8%.
 * Training is deterministic on a kernel path, so these are the figures every run of this machine
 * kind gets; the thresholds sit a little below them.
 */
@ExtendWith(SparkSessionExtension.class)
class MnistAccuracyIT {
    private static final Path TRAIN = Path.of("data/mnist/mnist_train.csv");
    private static final Path TEST = Path.of("data/mnist/mnist_test.csv");

    @TempDir
    static Path dir;

    @BeforeAll
    static void needsMnist() {
        assumeTrue(Files.exists(TRAIN) && Files.exists(TEST), "full MNIST absent: run data/fetch-mnist first");
    }

    private static double train(String preset, String... extra) throws Exception {
        Path model = dir.resolve(preset);
        long start = System.nanoTime();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--preset", preset,
                "--train", TRAIN.toString(), "--test", TEST.toString(), "--model", model.toString()));
        args.addAll(java.util.List.of(extra));
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), args.toArray(String[]::new));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, r.code(), r.toString());
        Model m = ModelStore.load(model.toString(), new Configuration());
        double accuracy = ((Number) ((Map<?, ?>) m.info().get("testMetrics")).get("accuracy")).doubleValue();
        System.out.printf(Locale.ROOT, "MNIST %s %s: test accuracy %.2f%% in %.0f s (local[2])%n", preset,
                String.join(" ", extra), 100 * accuracy, seconds);
        return accuracy;
    }

    @Test
    void defaultPresetReaches98point3() throws Exception {
        double accuracy = train("default");
        assertTrue(accuracy >= 0.983, "default test accuracy " + accuracy);
    }

    @Test
    void mlpPresetReaches98point8() throws Exception {
        double accuracy = train("mlp");
        assertTrue(accuracy >= 0.988, "mlp test accuracy " + accuracy);
    }

    @Test
    void cnnPresetReaches98point8InAFifthOfItsEpochs() throws Exception {
        double accuracy = train("cnn", "--epochs", "3");
        assertTrue(accuracy >= 0.988, "cnn (3 epochs) test accuracy " + accuracy);
    }

    @Test
    void sigmoid128PresetReaches92() throws Exception {
        double accuracy = train("sigmoid128");
        assertTrue(accuracy >= 0.92, "sigmoid128 test accuracy " + accuracy);
    }
}
