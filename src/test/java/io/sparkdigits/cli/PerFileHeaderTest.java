package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: a glob whose files are split as {@code split -l} leaves them (the header in some
 * files only) must count every data row once, and every {@code (file, row)} key must point at its
 * row. The sample's 500 test rows are cut into four files, plain and gzipped, with and without a
 * header, one with a space in its name.
 */
@ExtendWith(SparkSessionExtension.class)
class PerFileHeaderTest {
    @TempDir
    static Path dir;
    static Path parts;
    static Path model;
    static String header;
    static List<String> rows;
    /** File name -> the label of each of its data rows, in order. */
    static final Map<String, List<Integer>> labels = new HashMap<>();

    @BeforeAll
    static void splitAndTrain() throws IOException {
        List<String> lines = Files.readAllLines(TestData.TEST);
        header = lines.get(0);
        rows = lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).toList();
        assertEquals(500, rows.size());
        parts = Files.createDirectories(dir.resolve("in"));
        write("a.csv", true, rows.subList(0, 150));
        write("b.csv.gz", false, rows.subList(150, 300));
        write("c part.csv", false, rows.subList(300, 400));
        write("d.csv.gz", true, rows.subList(400, 500));
        model = dir.resolve("model");
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "train", "--train", TestData.TRAIN.toString(),
                "--model", model.toString(), "--hidden", "16", "--epochs", "2");
        assertEquals(0, r.code(), r.toString());
    }

    private static void write(String name, boolean withHeader, List<String> data) throws IOException {
        List<String> out = new ArrayList<>();
        if (withHeader) {
            out.add(header);
        }
        out.addAll(data);
        byte[] bytes = (String.join("\n", out) + "\n").getBytes(StandardCharsets.UTF_8);
        Path p = parts.resolve(name);
        if (name.endsWith(".gz")) {
            try (OutputStream s = new GZIPOutputStream(Files.newOutputStream(p))) {
                s.write(bytes);
            }
        } else {
            Files.write(p, bytes);
        }
        labels.put(name, data.stream().map(l -> Integer.parseInt(l.substring(0, l.indexOf(',')))).toList());
    }

    private static String glob() {
        return parts.resolve("*").toString();
    }

    @Test
    void predictKeysEveryRowOfEveryFileOnce() {
        Path out = dir.resolve("pred");
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "predict", "--model", model.toString(),
                "--input", glob(), "--output", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("wrote 500 predictions"), r.toString());
        assertTrue(r.out().contains("4 files (2 with a header): a.csv 150 rows, b.csv.gz 150, c part.csv 100, d.csv.gz 100"),
                r.toString());
        List<Row> written = SparkSessionExtension.spark().read().option("header", "true")
                .schema("file STRING, row LONG, label INT, prediction INT, confidence FLOAT").csv(out.toString())
                .collectAsList();
        assertEquals(500, written.size());
        Set<String> keys = new HashSet<>();
        for (Row row : written) {
            String file = org.apache.hadoop.fs.Path.getPathWithoutSchemeAndAuthority(
                    io.sparkdigits.data.CsvLayout.fromSparkName(row.getString(0))).getName();
            int at = (int) row.getLong(1);
            assertTrue(keys.add(file + "#" + at), "key given twice: " + file + " row " + at);
            assertEquals(labels.get(file).get(at), row.getInt(2), "the label of " + file + " data row " + at);
        }
    }

    @Test
    void evaluateCountsEveryRowOnce() throws IOException {
        Path report = dir.resolve("eval.json");
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", model.toString(),
                "--data", glob(), "--report", report.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("4 files (2 with a header)"), r.toString());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals(500, json.get("rows").asLong(), json.toString());
    }

    @Test
    void trainUsesEveryRowOnce() throws IOException {
        Path m = dir.resolve("m-glob");
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "train", "--train", glob(), "--model", m.toString(),
                "--hidden", "8", "--epochs", "1");
        assertEquals(0, r.code(), r.toString());
        JsonNode json = new ObjectMapper().readTree(m.resolve("model.json").toFile());
        assertEquals(500, json.at("/info/data/trainRows").asLong(), json.at("/info/data").toString());
    }

    @Test
    void headerTrueRefusesAFileThatStartsWithData() {
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", model.toString(),
                "--data", glob(), "--header", "true", "--report", dir.resolve("never.json").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("b.csv.gz: line 1 is a data row"), r.toString());
        assertFalse(r.err().contains("\tat "), "no stack trace:\n" + r);
        assertFalse(Files.exists(dir.resolve("never.json")));
    }

    @Test
    void headerTrueWithSkipDropsEachFirstLine() throws IOException {
        Path report = dir.resolve("skip.json");
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", model.toString(),
                "--data", glob(), "--header", "true", "--bad-rows", "skip", "--report", report.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals(498, new ObjectMapper().readTree(report.toFile()).get("rows").asLong());
    }

    @Test
    void headerFalseReportsTheHeaderAsABadRow() {
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", model.toString(),
                "--data", glob(), "--header", "false", "--report", dir.resolve("never2.json").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("a.csv: line 1: column 1: label 'label' is not an integer"), r.toString());
    }

    @Test
    void aBadRowInAFileWithoutHeaderIsNamedByItsOwnLine() throws IOException {
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.write(bad.resolve("a.csv"), concat(List.of(header), rows.subList(0, 10)));
        List<String> b = new ArrayList<>(rows.subList(10, 20));
        b.set(2, "7,1,2,x");
        Files.write(bad.resolve("b.csv"), b);
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", model.toString(),
                "--data", bad.toString(), "--report", dir.resolve("never3.json").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("b.csv: line 3: column 4: value 'x' is not a number"), r.toString());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void labeledAndUnlabeledFilesInOneGlobNameBothFiles() throws IOException {
        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        Files.write(mixed.resolve("labeled.csv"), rows.subList(0, 5));
        Files.write(mixed.resolve("unlabeled.csv"),
                rows.subList(5, 10).stream().map(l -> l.substring(l.indexOf(',') + 1)).toList());
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "predict", "--model", model.toString(),
                "--input", mixed.toString(), "--output", dir.resolve("never").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("labeled.csv has 785 columns") && r.err().contains("unlabeled.csv has 784"),
                r.toString());
        assertFalse(Files.exists(dir.resolve("never")));
    }
}
