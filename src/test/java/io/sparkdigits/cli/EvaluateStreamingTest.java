package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdigits.data.CsvFrames;
import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.data.LabelColumn;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.eval.CsvEvaluation;
import io.sparkdigits.eval.EvaluationReport;
import io.sparkdigits.eval.Evaluator;
import io.sparkdigits.infer.Predictor;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate} on CSV streams (scores each split where it is read, keeps no rows) and reports
 * what the cached-shard evaluation reports on the same rows, across files, splits and gzip.
 */
@ExtendWith(SparkSessionExtension.class)
class EvaluateStreamingTest {
    /** Spark's default; below it a file of a few hundred kilobytes is cut into several splits. */
    private static final String OPEN_COST = "spark.sql.files.openCostInBytes";
    @TempDir
    static Path dir;
    static Path model;
    static Predictor predictor;
    static List<String> rows;

    @BeforeAll
    static void trainAndSplitTheSample() throws IOException {
        model = dir.resolve("model");
        Cli.Result t = Cli.run(SparkSessionExtension.spark(), "train", "--train", TestData.TRAIN.toString(),
                "--model", model.toString(), "--hidden", "16", "--epochs", "2");
        assertEquals(0, t.code(), t.toString());
        Model m = ModelStore.load(model.toString(), new Configuration());
        predictor = new Predictor(m.spec(), m.params(), m.inputScale());
        rows = Files.readAllLines(TestData.TEST);
        // Three files of one input: with a header, without one, and gzipped.
        Path parts = Files.createDirectories(dir.resolve("parts"));
        Files.write(parts.resolve("part-a.csv"), rows.subList(0, 201));
        Files.write(parts.resolve("part-b.csv"), rows.subList(201, 401));
        gzip(parts.resolve("part-c.csv.gz"), rows.subList(401, 501));
    }

    private static void gzip(Path file, List<String> lines) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write((String.join("\n", lines) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Runs {@code body} with files cut into splits of a few kilobytes, then restores the session. */
    private static <T> T smallSplits(Supplier<T> body) {
        SparkSession spark = SparkSessionExtension.spark();
        String before = spark.conf().get(OPEN_COST);
        spark.conf().set(OPEN_COST, "10000");
        try {
            return body.get();
        } finally {
            spark.conf().set(OPEN_COST, before);
        }
    }

    private static CsvEvaluation.Result streamed(String path, int partitions) {
        return CsvEvaluation.evaluate(SparkSessionExtension.spark(), predictor, path, CsvLayout.Header.AUTO, LabelColumn.DEFAULT, false,
                partitions);
    }

    @Test
    void streamingGivesTheCachedReportOnManyFilesAndSplits() {
        SparkSession spark = SparkSessionExtension.spark();
        String glob = dir.resolve("parts").resolve("part-*").toString();
        DigitData data = DigitData.load(spark, glob, new DigitData.Options(CsvLayout.Header.AUTO, LabelColumn.DEFAULT, false, 2, 10), 784);
        EvaluationReport cached;
        try {
            cached = Evaluator.evaluate(data.shards(), predictor, Evaluator.ALL_ROWS);
        } finally {
            data.release();
        }
        int splits = smallSplits(() -> CsvFrames.lines(spark,
                CsvLayout.inspect(glob, CsvLayout.Header.AUTO, LabelColumn.DEFAULT, false, new Configuration()), 7).getNumPartitions());
        assertTrue(splits >= 5, splits + " partitions");
        for (int partitions : new int[] {2, 7}) {
            CsvEvaluation.Result s = smallSplits(() -> streamed(glob, partitions));
            assertSameReport(cached, s.report());
            assertEquals(data.summary().describe(), s.summary().describe());
            assertEquals(0, s.skipped());
            // The loss is summed in file order: the same bits whatever the scheduling.
            assertEquals(s.report().meanLoss(), smallSplits(() -> streamed(glob, partitions)).report().meanLoss());
        }
    }

    private static void assertSameReport(EvaluationReport expected, EvaluationReport actual) {
        assertEquals(500, actual.rows());
        assertEquals(expected.accuracy(), actual.accuracy());
        for (int a = 0; a < 10; a++) {
            for (int p = 0; p < 10; p++) {
                assertEquals(expected.confusionMatrix().count(a, p), actual.confusionMatrix().count(a, p),
                        "cell " + a + "," + p);
            }
        }
        assertEquals(expected.meanLoss(), actual.meanLoss(), 1e-9 * expected.meanLoss());
        Map<String, Object> e = expected.toMap();
        Map<String, Object> s = actual.toMap();
        e.remove("meanLoss");
        s.remove("meanLoss");
        assertEquals(e, s);
    }

    @Test
    void aBadRowDeepInTheSecondFileIsNamedWithItsLineAndNoReportIsWritten() throws IOException {
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.write(bad.resolve("a.csv"), rows.subList(0, 201));
        List<String> second = new ArrayList<>(rows.subList(0, 301)); // header + 300 rows
        second.set(279, second.get(279).replaceFirst(",0,", ",256,")); // line 280: a pixel above 255
        Files.write(bad.resolve("b.csv"), second);
        Path report = dir.resolve("bad-report.json");
        String glob = bad.resolve("*.csv").toString();
        Cli.Result r = smallSplits(() -> Cli.run(SparkSessionExtension.spark(), "evaluate", "--model",
                model.toString(), "--data", glob, "--report", report.toString()));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("b.csv: line 280: "), r.toString());
        assertTrue(r.err().contains("--bad-rows skip"), r.toString());
        assertFalse(r.err().contains("\tat "), "no stack trace:\n" + r);
        assertFalse(Files.exists(report), "no report on a bad row");

        Cli.Result skipped = smallSplits(() -> Cli.run(SparkSessionExtension.spark(), "evaluate", "--model",
                model.toString(), "--data", glob, "--report", report.toString(), "--bad-rows", "skip"));
        assertEquals(0, skipped.code(), skipped.toString());
        assertTrue(skipped.out().contains("2 files (2 with a header): a.csv 200 rows, b.csv 299"), skipped.toString());
        assertTrue(skipped.out().contains("skipped 1 bad rows; first: "), skipped.toString());
        assertEquals(499, new ObjectMapper().readTree(report.toFile()).get("rows").asLong());
    }

    @Test
    void aGzippedFileGivesThePlainFilesReport() throws IOException {
        Path gz = dir.resolve("test.csv.gz");
        gzip(gz, rows);
        Path plainReport = dir.resolve("plain.json");
        Path gzReport = dir.resolve("gz.json");
        Cli.Result plain = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", model.toString(),
                "--data", TestData.TEST.toString(), "--report", plainReport.toString());
        Cli.Result zipped = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", model.toString(),
                "--data", gz.toString(), "--report", gzReport.toString());
        assertEquals(0, plain.code(), plain.toString());
        assertEquals(0, zipped.code(), zipped.toString());
        assertTrue(zipped.out().contains("test.csv.gz 500 rows"), zipped.toString());
        // One split each, read in the same order: the same report to the last bit.
        assertEquals(Files.readString(plainReport), Files.readString(gzReport));
    }
}
