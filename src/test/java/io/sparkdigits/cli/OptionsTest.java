package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.testing.Cli;
import org.junit.jupiter.api.Test;

/** Command-line mistakes: one clear line and exit code 2, before Spark starts. */
class OptionsTest {

    private static void assertUsageError(String expected, String... args) {
        Cli.Result r = Cli.run(null, args);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains(expected), "stderr should mention '" + expected + "':\n" + r);
        assertTrue(!r.err().contains("\tat "), "no stack trace:\n" + r);
    }

    @Test
    void unknownCommandAndOptions() {
        assertUsageError("unknown command 'fit'", "fit");
        assertUsageError("unknown option --epoch for train", "train", "--train", "a", "--model", "m", "--epoch", "3");
        assertUsageError("unexpected argument 'extra'", "evaluate", "--model", "m", "--data", "d", "extra");
    }

    @Test
    void missingOrEmptyValues() {
        assertUsageError("missing required option --model", "train", "--train", "a.csv");
        assertUsageError("option --epochs needs a value", "train", "--train", "a", "--model", "m", "--epochs");
        assertUsageError("option --lr given twice", "train", "--train", "a", "--model", "m", "--lr", "1", "--lr", "2");
    }

    @Test
    void impossibleValues() {
        assertUsageError("--epochs needs a whole number, got 'ten'", "train", "--train", "a", "--model", "m", "--epochs", "ten");
        assertUsageError("--epochs must be between 1", "train", "--train", "a", "--model", "m", "--epochs", "0");
        assertUsageError("--lr must be positive", "train", "--train", "a", "--model", "m", "--lr", "0");
        assertUsageError("--validation must be between", "train", "--train", "a", "--model", "m", "--validation", "1.5");
        assertUsageError("--layers ends with the number of classes: the number of classes must be from 2 to 1000, got 1",
                "train", "--train", "a", "--model", "m", "--layers", "784,64,1");
        assertUsageError("--classes must be between 2 and 1000", "train", "--train", "a", "--model", "m", "--classes", "1001");
        assertUsageError("--hidden needs comma-separated positive sizes", "train", "--train", "a", "--model", "m", "--hidden", "64,x");
        assertUsageError("unknown activation 'swish'", "train", "--train", "a", "--model", "m", "--activation", "swish");
        assertUsageError("--optimizer must be one of sgd, momentum, adam", "train", "--train", "a", "--model", "m", "--optimizer", "rmsprop");
        assertUsageError("unknown preset 'big'", "train", "--train", "a", "--model", "m", "--preset", "big");
        assertUsageError("--schedule", "train", "--train", "a", "--model", "m", "--schedule", "wobbly");
        assertUsageError("--output-format must be one of csv, parquet", "predict", "--model", "m", "--input", "i", "--output", "o", "--output-format", "json");
        assertUsageError("--format must be one of csv, parquet, image", "evaluate", "--model", "m", "--data", "d", "--format", "json");
        assertUsageError("--bad-rows must be one of fail, skip", "evaluate", "--model", "m", "--data", "d", "--bad-rows", "ignore");
    }

    @Test
    void helpGoesToStdoutWithExitZero() {
        for (String command : new String[] {"train", "evaluate", "predict", "convert-idx", "export"}) {
            Cli.Result r = Cli.run(null, command, "--help");
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().startsWith("Usage: spark-digits " + command), r.toString());
        }
        Cli.Result r = Cli.run(null, "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("convert-idx"));
    }

    @Test
    void convertIdxReportsAMissingFileInOneLine() {
        Cli.Result r = Cli.run(null, "convert-idx", "--images", "no/such/images", "--labels", "no/such/labels",
                "--output", "target/never.csv");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("no/such/images"), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
    }
}
