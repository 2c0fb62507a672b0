package io.sparkdigits.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.cluster.Driver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's smoke run at scale on every CI run: {@code predict} of a generated CSV of one million
 * rows (1.8 GB) through the launcher with a 512 MB driver heap on {@code local[2]}. Every {@code
 * (file, row)} key comes back once and each row carries the label the generator put at its
 * position. The 10-million-row figures (rows/s, memory) are {@code submit/bench --scale}'s.
 */
class PredictMillionRowsIT {
    private static final Path BASEDIR = Path.of(System.getProperty("spark.digits.basedir", "."));
    private static final long ROWS = 1_000_000;

    @TempDir
    Path dir;

    @Test
    void aMillionRowsWithA512mDriverComeBackWithEveryKeyOnce() throws Exception {
        Path sample = BASEDIR.resolve("src/test/resources/mnist-sample/mnist_train_sample.csv");
        Path model = dir.resolve("model");
        launch("4g", "train", "--train", sample.toString(), "--model", model.toString(),
                "--preset", "relu10", "--hidden", "32", "--epochs", "2");
        ScaleData data = ScaleData.read(sample);
        Path input = data.ensure(dir, ROWS, false, new boolean[1]);
        Path output = dir.resolve("predictions");
        launch("512m", "predict", "--model", model.toString(), "--input", input.toString(), "--output", output.toString());
        PredictionCheck check = PredictionCheck.check(output, input.getFileName().toString(), ROWS, data::label);
        assertTrue(check.ok(ROWS), () -> "predictions of " + input + ": " + check.toMap());
        assertEquals(ROWS, check.rows());
    }

    /** Runs {@code submit/spark-digits --master local[2] --driver-memory HEAP ARGS}; exit code 0 within 5 minutes. */
    private void launch(String heap, String... args) {
        List<String> cmd = new ArrayList<>(List.of(BASEDIR.resolve("submit/spark-digits").toString(),
                "--master", "local[2]", "--driver-memory", heap));
        cmd.addAll(List.of(args));
        Driver.runOk(BASEDIR, dir.resolve(args[0] + ".log"), cmd, Map.of("SPARK_LOCAL_IP", "127.0.0.1"),
                Duration.ofMinutes(5));
    }
}
