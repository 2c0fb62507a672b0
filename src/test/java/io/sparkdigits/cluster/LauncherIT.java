package io.sparkdigits.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees from the real launcher, {@code submit/spark-digits}, in a process of its own:
 * everything it prints is checked, Spark's logging included.
 */
class LauncherIT {
    private static final Path BASEDIR = Path.of(System.getProperty("spark.digits.basedir", "."));

    @TempDir
    Path dir;

    private int run(Path log, String command, String... args) {
        try (Driver d = Driver.start(BASEDIR, log, "local[2]", command, List.of(args))) {
            return d.await(Duration.ofMinutes(3));
        }
    }

    @Test
    void aBadRowIsOneLineWithFileAndLineAndExitCodeTwo() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(
                BASEDIR.resolve("src/test/resources/mnist-sample/mnist_train_sample.csv")).subList(0, 20));
        lines.add("3,0,0");
        Path bad = Files.write(dir.resolve("bad.csv"), lines);
        Path log = dir.resolve("bad.log");
        assertEquals(2, run(log, "train", "--train", bad.toString(), "--model", dir.resolve("m").toString()));
        String out = Files.readString(log);
        assertTrue(out.contains("bad.csv: line 21: expected 785 fields but found 3"), out);
        assertFalse(out.contains("\tat "), "no stack trace:\n" + out);
        assertFalse(Files.exists(dir.resolve("m")), "no model written");
    }

    @Test
    void helpAndUsageErrors() throws Exception {
        Path help = dir.resolve("help.log");
        assertEquals(0, run(help, "predict", "--help"));
        assertTrue(Files.readString(help).contains("Usage: spark-digits predict"));
        Path usage = dir.resolve("usage.log");
        assertEquals(2, run(usage, "train", "--train", "x.csv", "--model", "m", "--epochs", "many"));
        assertTrue(Files.readString(usage).contains("--epochs needs a whole number, got 'many'"));
    }
}
