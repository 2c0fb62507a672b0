package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every writing command replaces an existing path only if it is an output of ours of the same
 * kind, or with --overwrite once the new output is complete; anything else is refused before Spark
 * starts (the refusals run without a session), exit 2, with the path left byte for byte as it was.
 */
@ExtendWith(SparkSessionExtension.class)
class OutputSafetyTest {
    private static final String HOW = "; choose another path or pass --overwrite to replace it once the new output"
            + " is complete";

    @TempDir
    static Path dir;
    static Path small;
    static Path badLast;
    static Path model;

    @BeforeAll
    static void setUp() throws IOException {
        List<String> lines = Files.readAllLines(TestData.TRAIN).subList(0, 201);
        small = Files.write(dir.resolve("small.csv"), lines);
        // The bad row comes last, so it is found after every good row was read (and scored).
        List<String> bad = new ArrayList<>(lines);
        bad.add("3,0,0,0");
        badLast = Files.write(dir.resolve("bad-last.csv"), bad);
        model = dir.resolve("model");
        Cli.Result r = train(model, "1");
        assertEquals(0, r.code(), r.toString());
    }

    private static Cli.Result train(Path out, String seed, String... extra) {
        return run(true, concat(List.of("train", "--train", small.toString(), "--model", out.toString(),
                "--hidden", "8", "--epochs", "1", "--seed", seed), extra));
    }

    private static Cli.Result predict(Path input, Path out, String... extra) {
        return run(true, concat(List.of("predict", "--model", model.toString(), "--input", input.toString(),
                "--output", out.toString()), extra));
    }

    private static Cli.Result evaluate(Path data, Path report, String... extra) {
        return run(true, concat(List.of("evaluate", "--model", model.toString(), "--data", data.toString(),
                "--report", report.toString()), extra));
    }

    private static String[] concat(List<String> args, String... extra) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    /** Refusals must come before a session exists, so they get none. */
    private static Cli.Result run(boolean withSpark, String... args) {
        return Cli.run(withSpark ? SparkSessionExtension.spark() : null, args);
    }

    /** A user's folder: two files and a sub-folder. */
    private static Path foreignFolder(String name) throws IOException {
        Path p = Files.createDirectories(dir.resolve(name));
        Files.writeString(p.resolve("notes.txt"), "my notes\n");
        Files.write(p.resolve("photo.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        Files.writeString(Files.createDirectories(p.resolve("drafts")).resolve("a.txt"), "draft\n");
        return p;
    }

    private static Path foreignFile(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "{\"mine\": true}\n");
    }

    /** Every file under {@code p} (or {@code p} itself) with its bytes, to compare before and after. */
    private static Map<String, String> snapshot(Path p) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : (Iterable<Path>) all::iterator) {
                files.put(p.relativize(f).toString(), Files.isDirectory(f) ? "/"
                        : new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }

    /** Exit 2 and exactly one line on stderr: the message says how to proceed. */
    private static void assertRefused(Cli.Result r, String line) {
        assertEquals(2, r.code(), r.toString());
        assertEquals(List.of(line), r.err().lines().toList(), r.toString());
        assertFalse(r.err().contains("\tat "), "no stack trace:\n" + r);
    }

    /** No temporary or moved-aside sibling of {@code p} is left behind. */
    private static void assertNoLeftovers(Path p) throws IOException {
        try (Stream<Path> s = Files.list(p.getParent())) {
            List<String> left = s.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith(p.getFileName() + "._")).toList();
            assertEquals(List.of(), left);
        }
    }

    // ---- train

    @Test
    void trainRefusesAForeignFolderAndAFileBeforeSparkStarts() throws IOException {
        Path folder = foreignFolder("train-foreign");
        Map<String, String> before = snapshot(folder);
        Cli.Result r = run(false, "train", "--train", small.toString(), "--model", folder.toString());
        assertRefused(r, "spark-digits train: --model " + folder + " exists and is not a spark-digits model directory"
                + " (it holds 3 entries and no model.json)" + HOW);
        assertEquals(before, snapshot(folder));

        Path file = foreignFile("train-file");
        r = run(false, "train", "--train", small.toString(), "--model", file.toString());
        assertRefused(r, "spark-digits train: --model " + file + " exists and is not a spark-digits model directory"
                + " (it is a file, where a directory goes)" + HOW);
        assertEquals("{\"mine\": true}\n", Files.readString(file));
    }

    @Test
    void trainRefusesAForeignCheckpointFolder() throws IOException {
        Path target = dir.resolve("ck-model");
        Path folder = foreignFolder("ck-model-checkpoint");
        Map<String, String> before = snapshot(folder);
        Cli.Result r = run(false, "train", "--train", small.toString(), "--model", target.toString(),
                "--checkpoint-every", "1");
        assertRefused(r, "spark-digits train: --checkpoint " + folder + " exists and is not a spark-digits model"
                + " directory (it holds 3 entries and no model.json)" + HOW);
        assertEquals(before, snapshot(folder));
        assertFalse(Files.exists(target));
    }

    @Test
    void trainReplacesItsOwnModel() throws IOException {
        Path out = dir.resolve("own-model");
        assertEquals(0, train(out, "1").code());
        Cli.Result r = train(out, "2", "--checkpoint-every", "1");
        assertEquals(0, r.code(), r.toString());
        // Both the model and the checkpoint are now ours, so a third run replaces both.
        r = train(out, "3", "--checkpoint-every", "1");
        assertEquals(0, r.code(), r.toString());
        assertEquals(3, seed(ModelStore.load(out.toString(), new Configuration())));
        assertFalse(r.err().contains("replaced"), r.toString());
        assertNoLeftovers(out);
    }

    @SuppressWarnings("unchecked")
    private static long seed(Model m) {
        return ((Number) ((Map<String, Object>) m.info().get("config")).get("seed")).longValue();
    }

    @Test
    void trainOverwriteReplacesAForeignFolderOnlyWithACompleteModel() throws IOException {
        Path folder = foreignFolder("train-overwrite");
        Map<String, String> before = snapshot(folder);
        Cli.Result r = run(true, "train", "--train", badLast.toString(), "--model", folder.toString(),
                "--hidden", "8", "--epochs", "1", "--overwrite");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("bad-last.csv: line 202"), r.toString());
        assertEquals(before, snapshot(folder));

        r = train(folder, "4", "--overwrite");
        assertEquals(0, r.code(), r.toString());
        assertEquals(4, seed(ModelStore.load(folder.toString(), new Configuration())));
        assertTrue(r.err().contains("spark-digits: replaced file:" + folder + " as --overwrite asked; it was not a"
                + " spark-digits model directory (it holds 3 entries and no model.json)"), r.toString());
        assertFalse(Files.exists(folder.resolve("notes.txt")));
        assertNoLeftovers(folder);
    }

    // ---- predict

    @Test
    void predictRefusesAForeignFolderAndAFileBeforeSparkStarts() throws IOException {
        Path folder = foreignFolder("pred-foreign");
        Map<String, String> before = snapshot(folder);
        Cli.Result r = run(false, "predict", "--model", model.toString(), "--input", small.toString(),
                "--output", folder.toString());
        assertRefused(r, "spark-digits predict: --output " + folder + " exists and is not a spark-digits prediction"
                + " output (it holds 3 entries and no _SPARK_DIGITS_PREDICTIONS marker)" + HOW);
        assertEquals(before, snapshot(folder));

        Path file = foreignFile("pred-file");
        r = run(false, "predict", "--model", model.toString(), "--input", small.toString(), "--output", file.toString());
        assertRefused(r, "spark-digits predict: --output " + file + " exists and is not a spark-digits prediction"
                + " output (it is a file, where a directory goes)" + HOW);
        assertEquals("{\"mine\": true}\n", Files.readString(file));
    }

    @Test
    void predictReplacesItsOwnOutputButNotAfterALateBadRow() throws IOException {
        Path out = dir.resolve("own-pred");
        assertEquals(0, predict(small, out).code());
        assertTrue(Files.exists(out.resolve("_SPARK_DIGITS_PREDICTIONS")));
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
        Cli.Result r = predict(small, out, "--probabilities");
        assertEquals(0, r.code(), r.toString());
        assertTrue(csvHeader(out).endsWith(",p9"), csvHeader(out));

        Map<String, String> before = snapshot(out);
        r = predict(badLast, out);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("bad-last.csv: line 202"), r.toString());
        assertEquals(before, snapshot(out));
        assertNoLeftovers(out);
    }

    @Test
    void predictOverwriteReplacesAForeignFolderOnlyWithACompleteOutput() throws IOException {
        Path folder = foreignFolder("pred-overwrite");
        Map<String, String> before = snapshot(folder);
        Cli.Result r = predict(badLast, folder, "--overwrite");
        assertEquals(2, r.code(), r.toString());
        assertEquals(before, snapshot(folder));

        r = predict(small, folder, "--overwrite");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("spark-digits: replaced file:" + folder + " as --overwrite asked; it was not a"
                + " spark-digits prediction output (it holds 3 entries and no _SPARK_DIGITS_PREDICTIONS marker)"),
                r.toString());
        assertTrue(csvHeader(folder).startsWith("file,row,label,prediction,confidence"), csvHeader(folder));
        assertFalse(Files.exists(folder.resolve("notes.txt")));
        assertNoLeftovers(folder);
    }

    private static String csvHeader(Path out) throws IOException {
        try (Stream<Path> parts = Files.list(out)) {
            Path part = parts.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
            return Files.readAllLines(part).get(0);
        }
    }

    // ---- evaluate

    @Test
    void evaluateRefusesAForeignFileAndAFolderBeforeSparkStarts() throws IOException {
        Path file = foreignFile("eval-foreign.json");
        Cli.Result r = run(false, "evaluate", "--model", model.toString(), "--data", small.toString(),
                "--report", file.toString());
        assertRefused(r, "spark-digits evaluate: --report " + file + " exists and is not a spark-digits evaluation"
                + " report (its content is not a report of ours)" + HOW);
        assertEquals("{\"mine\": true}\n", Files.readString(file));

        Path folder = foreignFolder("eval-folder");
        Map<String, String> before = snapshot(folder);
        r = run(false, "evaluate", "--model", model.toString(), "--data", small.toString(), "--report", folder.toString());
        assertRefused(r, "spark-digits evaluate: --report " + folder + " exists and is not a spark-digits evaluation"
                + " report (it is a directory, where a file goes)" + HOW);
        assertEquals(before, snapshot(folder));
    }

    @Test
    void evaluateChecksItsDefaultReportPathToo() throws IOException {
        Path m = dir.resolve("eval-default");
        Files.createDirectories(m);
        Path report = foreignFile("eval-default-evaluation.json");
        Cli.Result r = run(false, "evaluate", "--model", m + "/", "--data", small.toString());
        assertRefused(r, "spark-digits evaluate: --report " + report + " exists and is not a spark-digits evaluation"
                + " report (its content is not a report of ours)" + HOW);
        assertEquals("{\"mine\": true}\n", Files.readString(report));
    }

    @Test
    void evaluateReplacesItsOwnReportAndOverwritesAForeignOneOnlyWhenComplete() throws IOException {
        Path report = dir.resolve("own-eval.json");
        assertEquals(0, evaluate(small, report).code());
        String first = Files.readString(report);
        Cli.Result r = evaluate(TestData.TEST, report);
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.readString(report).contains("\"rows\" : 500"), Files.readString(report));
        assertFalse(first.equals(Files.readString(report)));

        Path foreign = foreignFile("eval-overwrite.json");
        r = evaluate(badLast, foreign, "--overwrite");
        assertEquals(2, r.code(), r.toString());
        assertEquals("{\"mine\": true}\n", Files.readString(foreign));
        r = evaluate(small, foreign, "--overwrite");
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.readString(foreign).startsWith("{\n  \"format\" : \"spark-digits-evaluation\""));
        assertTrue(r.err().contains("spark-digits: replaced file:" + foreign + " as --overwrite asked; it was not a"
                + " spark-digits evaluation report (its content is not a report of ours)"), r.toString());
        assertNoLeftovers(foreign);
    }

    // ---- convert-idx

    /** An IDX file: magic, type 0x08 (unsigned byte), dimension count, big-endian sizes, data. */
    private static Path idx(String name, int[] dims, int bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, 0, 0x08, (byte) dims.length});
        for (int d : dims) {
            out.write(new byte[] {(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
        }
        for (int i = 0; i < bytes; i++) {
            out.write(i % 10);
        }
        return Files.write(dir.resolve(name), out.toByteArray());
    }

    private static Cli.Result convert(Path out, String... extra) {
        try {
            Path images = idx("images", new int[] {2, 2, 2}, 8);
            Path labels = idx("labels", new int[] {2}, 2);
            return run(false, concat(List.of("convert-idx", "--images", images.toString(), "--labels",
                    labels.toString(), "--output", out.toString()), extra));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void convertIdxReplacesOnlyItsOwnCsvUnlessToldToOverwrite() throws IOException {
        String csv = "label,1x1,1x2,2x1,2x2\n0,0,1,2,3\n1,4,5,6,7\n";
        Path file = foreignFile("foreign.csv");
        Cli.Result r = convert(file);
        assertRefused(r, "spark-digits convert-idx: --output " + file + " exists and is not a CSV written by"
                + " convert-idx (its first line is not the label,1x1,... header convert-idx writes)" + HOW);
        assertEquals("{\"mine\": true}\n", Files.readString(file));

        Path folder = foreignFolder("convert-folder");
        Map<String, String> before = snapshot(folder);
        assertRefused(convert(folder), "spark-digits convert-idx: --output " + folder + " exists and is not a CSV"
                + " written by convert-idx (it is a directory, where a file goes)" + HOW);
        assertEquals(before, snapshot(folder));
        assertRefused(convert(folder, "--overwrite"), "spark-digits convert-idx: --output " + folder
                + " is a directory; give the path of the CSV file to write");
        assertEquals(before, snapshot(folder));

        Path own = Files.writeString(dir.resolve("own.csv"), "label,1x1,1x2,2x1,2x2\n9,9,9,9,9\n");
        r = convert(own);
        assertEquals(0, r.code(), r.toString());
        assertEquals(csv, Files.readString(own));

        r = convert(file, "--overwrite");
        assertEquals(0, r.code(), r.toString());
        assertEquals(csv, Files.readString(file));
        assertTrue(r.err().contains("spark-digits: replaced " + file + " as --overwrite asked; it was not a CSV"
                + " written by convert-idx"), r.toString());
        try (Stream<Path> files = Files.list(dir)) {
            assertArrayEquals(new String[0], files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".foreign.csv") || n.startsWith(".own.csv")).toArray(String[]::new));
        }
    }
}
