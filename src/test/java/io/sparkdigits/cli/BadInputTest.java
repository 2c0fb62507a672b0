package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Bad data: a message naming the file, the line and the problem, exit 2, and nothing lost. */
@ExtendWith(SparkSessionExtension.class)
class BadInputTest {
    @TempDir
    static Path dir;
    static List<String> sample;

    @BeforeAll
    static void readSample() throws IOException {
        sample = Files.readAllLines(TestData.TRAIN).subList(0, 201);
    }

    /** The first 200 sample rows with line {@code line} (1-based, header = line 1) replaced. */
    private static Path withLine(String name, int line, String text) throws IOException {
        List<String> lines = new ArrayList<>(sample);
        lines.set(line - 1, text);
        Path p = dir.resolve(name);
        Files.write(p, lines);
        return p;
    }

    private static String row(String label, int pixel, String value) {
        String[] f = sample.get(5).split(",");
        f[0] = label;
        f[pixel + 1] = value;
        return String.join(",", f);
    }

    private static Cli.Result train(Path data, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--train", data.toString(), "--model",
                dir.resolve("m-" + data.getFileName()).toString(), "--hidden", "8", "--epochs", "1"));
        args.addAll(List.of(extra));
        return Cli.run(SparkSessionExtension.spark(), args.toArray(String[]::new));
    }

    private static void assertRejected(Cli.Result r, String... fragments) {
        assertEquals(2, r.code(), r.toString());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "stderr should contain '" + f + "':\n" + r);
        }
        assertTrue(!r.err().contains("\tat "), "no stack trace:\n" + r);
    }

    @Test
    void wrongColumnCountNamesFileAndLine() throws IOException {
        Path p = withLine("short.csv", 17, "3,0,0,0");
        assertRejected(train(p), "short.csv: line 17", "expected 785 fields but found 4");
    }

    @Test
    void valuesOutOfRangeOrNotNumbers() throws IOException {
        assertRejected(train(withLine("big.csv", 40, row("4", 100, "300"))), "big.csv: line 40", "column 102", "above 255");
        assertRejected(train(withLine("neg.csv", 41, row("4", 3, "-1"))), "neg.csv: line 41", "negative");
        assertRejected(train(withLine("nan.csv", 42, row("4", 3, "NaN"))), "nan.csv: line 42", "not finite");
        assertRejected(train(withLine("label.csv", 43, row("12", 3, "0")), "--classes", "10"), "label.csv: line 43",
                "label 12 is outside 0..9");
        assertRejected(train(withLine("text.csv", 44, row("4", 9, "dark"))), "text.csv: line 44", "value 'dark' is not a number");
    }

    /** A table exported with its class last (as UCI's are) would train on a feature as its label. */
    @Test
    void aHeaderNamingALaterColumnTheLabelIsRefused() throws IOException {
        Path p = dir.resolve("label-last.csv");
        Files.write(p, List.of("f1,f2,f3,label", "0.5,1,2,0", "1.5,0,1,1", "2.5,1,0,2"));
        assertRejected(train(p), "label-last.csv: line 1: column 4 is named 'label', but the label is read from column 1");
        assertTrue(Files.notExists(dir.resolve("m-label-last.csv")), "no model was written");
    }

    @Test
    void skipModeDropsAndCountsBadRows() throws IOException {
        Path p = withLine("skip.csv", 17, "3,0,0,0");
        List<String> lines = new ArrayList<>(Files.readAllLines(p));
        lines.set(30, row("4", 2, "999"));
        Files.write(p, lines);
        Cli.Result r = train(p, "--bad-rows", "skip");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("skipped 2 bad rows"), r.toString());
        Path model = dir.resolve("m-skip.csv");
        Cli.Result scored = Cli.run(SparkSessionExtension.spark(), "predict", "--model", model.toString(), "--input",
                p.toString(), "--output", dir.resolve("skip-pred").toString(), "--bad-rows", "skip");
        assertEquals(0, scored.code(), scored.toString());
        assertTrue(scored.err().contains("skipped 2 bad rows"), scored.toString());
        assertTrue(scored.out().contains("wrote 198 predictions"), scored.toString());
    }

    @Test
    void emptyAndMissingInputs() throws IOException {
        Path empty = dir.resolve("empty.csv");
        Files.createFile(empty);
        assertRejected(train(empty), "empty.csv: file is empty");
        assertRejected(train(dir.resolve("absent.csv")), "absent.csv: no such file or directory");
        assertRejected(Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", dir.resolve("nomodel").toString(),
                "--data", TestData.TEST.toString()), "nomodel");
    }

    @Test
    void modelAndDataOfDifferentWidthsAreRefused() throws IOException {
        Path narrow = dir.resolve("narrow.csv");
        Files.write(narrow, List.of("1,0,5,9", "2,7,0,255", "0,1,1,1"));
        Path m = dir.resolve("narrow-model");
        Cli.Result t = Cli.run(SparkSessionExtension.spark(), "train", "--train", narrow.toString(), "--model", m.toString(),
                "--hidden", "4", "--epochs", "1");
        assertEquals(0, t.code(), t.toString());
        assertRejected(Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", m.toString(), "--data",
                TestData.TEST.toString()), "784 values besides the label but the model expects 3");
        assertRejected(Cli.run(SparkSessionExtension.spark(), "predict", "--model", m.toString(), "--input",
                TestData.TEST.toString(), "--output", dir.resolve("p").toString()),
                "rows have 785 columns but the model takes 3 values");
    }

    @Test
    void aFailedRunLeavesTheExistingModelAndOutputUntouched() throws IOException {
        Path good = withLine("good.csv", 2, sample.get(1));
        Path model = dir.resolve("kept");
        Cli.Result first = Cli.run(SparkSessionExtension.spark(), "train", "--train", good.toString(), "--model",
                model.toString(), "--hidden", "8", "--epochs", "1");
        assertEquals(0, first.code(), first.toString());
        byte[] before = Files.readAllBytes(model.resolve("weights.bin"));
        Path bad = withLine("bad-late.csv", 150, "1,2,3");
        Cli.Result second = Cli.run(SparkSessionExtension.spark(), "train", "--train", bad.toString(), "--model",
                model.toString(), "--hidden", "8", "--epochs", "1");
        assertEquals(2, second.code(), second.toString());
        assertArrayEquals(before, Files.readAllBytes(model.resolve("weights.bin")));

        Path out = dir.resolve("out");
        assertEquals(0, Cli.run(SparkSessionExtension.spark(), "predict", "--model", model.toString(), "--input",
                good.toString(), "--output", out.toString()).code());
        List<Path> partsBefore = Files.list(out).sorted().toList();
        assertRejected(Cli.run(SparkSessionExtension.spark(), "predict", "--model", model.toString(), "--input",
                bad.toString(), "--output", out.toString()), "bad-late.csv: line 150");
        assertEquals(partsBefore, Files.list(out).sorted().toList());
        try (var siblings = Files.list(dir)) {
            assertTrue(siblings.noneMatch(s -> s.getFileName().toString().contains("._tmp-")), "temporary output left");
        }
    }

    /** Found by HostileInputTest: a byte-order mark made the first row's label "not an integer". */
    @Test
    void aByteOrderMarkIsNoPartOfTheData() throws IOException {
        Path bom = dir.resolve("bom.csv");
        Files.write(bom, ("\uFEFF1,0,5,9\n2,7,0,255\n0,1,1,1\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "train", "--train", bom.toString(), "--model",
                dir.resolve("bom-model").toString(), "--hidden", "4", "--epochs", "1");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().isEmpty() || !r.err().contains("error"), r.toString());
    }

    /** Found by HostileInputTest: with lone CR line ends the line number counted LFs only. */
    @Test
    void lineNumbersCountCarriageReturnLineEnds() throws IOException {
        Path cr = dir.resolve("cr.csv");
        Files.writeString(cr, "1,0,5,9\r2,7,0,255\r\n0,1,x,1\r");
        assertRejected(train(cr), "cr.csv: line 3: column 3");
    }

    /** Found by HostileInputTest: a gzip file cut short failed as "a Spark job failed", exit 1. */
    @Test
    void aTruncatedGzipFileIsNamed() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(bytes)) {
            for (String line : sample) {
                gz.write((line + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
        byte[] all = bytes.toByteArray();
        Path cut = dir.resolve("cut.csv.gz");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length * 2 / 3));
        assertRejected(train(cut), "cut.csv.gz: cannot be read to its end", "truncated or corrupt");
    }
}
