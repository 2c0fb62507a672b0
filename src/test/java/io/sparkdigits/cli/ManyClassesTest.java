package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Other class counts than ten through the command line: train, evaluate, predict, report and
 * export with 3 and 47 classes on separable synthetic clusters, where accuracy far above chance
 * shows that the output layer has K units and that every one of them is used; and the clear
 * one-line errors for labels that are no class.
 */
@ExtendWith(SparkSessionExtension.class)
class ManyClassesTest {
    /** Values a row: not a square, so no image layers or distortion come into play. */
    static final int WIDTH = 20;
    private static final int SPREAD_47 = 70;

    @TempDir
    static Path dir;

    /**
     * Writes {@code perClass} rows of each of {@code classes} classes, shuffled: a seeded random
     * centre per class plus noise of +-12, on a 0..255 scale. Every third label of class 2 is
     * written {@code 2.0}, which is class 2 too.
     */
    static Path clusters(String name, int classes, int perClass, long seed) throws IOException {
        return clusters(name, classes, perClass, seed, 12);
    }

    /** As above, each value off its class's centre by up to {@code spread}, clipped to 0..255. */
    static Path clusters(String name, int classes, int perClass, long seed, int spread) throws IOException {
        SplittableRandom centres = new SplittableRandom(42);
        int[][] centre = new int[classes][WIDTH];
        for (int[] c : centre) {
            for (int v = 0; v < WIDTH; v++) {
                c[v] = 20 + centres.nextInt(216);
            }
        }
        SplittableRandom noise = new SplittableRandom(seed);
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < classes * perClass; r++) {
            int k = r % classes;
            StringBuilder sb = new StringBuilder(k == 2 && r % 3 == 0 ? k + ".0" : Integer.toString(k));
            for (int v = 0; v < WIDTH; v++) {
                sb.append(',').append(Math.max(0, Math.min(255, centre[k][v] + noise.nextInt(-spread, spread + 1))));
            }
            rows.add(sb.toString());
        }
        java.util.Collections.shuffle(rows, new java.util.Random(seed));
        Path p = dir.resolve(name);
        Files.write(p, rows);
        return p;
    }

    static Cli.Result cli(String... args) {
        return Cli.run(SparkSessionExtension.spark(), args);
    }

    private static Cli.Result train(Path train, Path test, Path model, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--train", train.toString(), "--test", test.toString(),
                "--model", model.toString(), "--hidden", "32", "--optimizer", "adam", "--lr", "0.01",
                "--batch-size", "128", "--epochs", "12", "--partitions", "2"));
        args.addAll(List.of(extra));
        return cli(args.toArray(String[]::new));
    }

    @Test
    void threeClassesFromTheDataTrainEvaluateAndPredict() throws Exception {
        Path train = clusters("train3.csv", 3, 80, 1);
        Path test = clusters("test3.csv", 3, 30, 2);
        Path model = dir.resolve("model3");
        Cli.Result t = train(train, test, model);
        assertEquals(0, t.code(), t.toString());
        Model m = ModelStore.load(model.toString(), new Configuration());
        assertEquals(WIDTH + "-32-3 relu", m.spec().toString());
        assertEquals(3, ((Number) ((Map<?, ?>) m.info().get("data")).get("classes")).intValue());
        double accuracy = ((Number) ((Map<?, ?>) m.info().get("testMetrics")).get("accuracy")).doubleValue();
        assertTrue(accuracy > 0.9, "test accuracy " + accuracy + ", chance is 1/3");

        Path report = dir.resolve("eval3.json");
        Cli.Result e = cli("evaluate", "--model", model.toString(), "--data", test.toString(), "--report", report.toString());
        assertEquals(0, e.code(), e.toString());
        assertTrue(e.out().contains("classes       3"), e.toString());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals(3, json.get("confusionMatrix").size());
        assertEquals(3, json.get("perClass").size());
        assertEquals(accuracy, json.get("accuracy").asDouble(), 1e-9);

        SparkSession spark = SparkSessionExtension.spark();
        Path out = dir.resolve("pred3");
        Cli.Result p = cli("predict", "--model", model.toString(), "--input", test.toString(), "--output",
                out.toString(), "--probabilities");
        assertEquals(0, p.code(), p.toString());
        Dataset<Row> pred = spark.read().option("header", "true").option("inferSchema", "true").csv(out.toString());
        assertEquals(List.of("file", "row", "label", "prediction", "confidence", "p0", "p1", "p2"),
                List.of(pred.columns()));
        long right = pred.where("label = prediction").count();
        assertTrue(right > 0.9 * 90, right + " of 90 predicted right");
    }

    @Test
    void fortySevenClassesGivenTrainEvaluatePredictReportAndExport() throws Exception {
        // Spread enough that some classes are mistaken for others, which the report lists.
        Path train = clusters("train47.csv", 47, 16, 3, SPREAD_47);
        Path test = clusters("test47.csv", 47, 6, 4, SPREAD_47);
        Path model = dir.resolve("model47");
        Cli.Result t = train(train, test, model, "--classes", "47");
        assertEquals(0, t.code(), t.toString());
        Model m = ModelStore.load(model.toString(), new Configuration());
        assertEquals(47, m.spec().outputSize());
        double accuracy = ((Number) ((Map<?, ?>) m.info().get("testMetrics")).get("accuracy")).doubleValue();
        assertTrue(accuracy > 0.8 && accuracy < 1, "test accuracy " + accuracy + ", chance is 1/47");

        Path report = dir.resolve("eval47.json");
        Cli.Result e = cli("evaluate", "--model", model.toString(), "--data", test.toString(), "--report", report.toString());
        assertEquals(0, e.code(), e.toString());
        // 47 columns do not fit a terminal: the most confused pairs instead, and every class's line.
        assertTrue(e.out().contains("most confused pairs (47 classes"), e.toString());
        assertTrue(e.out().lines().anyMatch(l -> l.startsWith("46 ")), e.toString());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals(47, json.get("confusionMatrix").size());

        Path out = dir.resolve("pred47");
        Cli.Result p = cli("predict", "--model", model.toString(), "--input", test.toString(), "--output",
                out.toString(), "--output-format", "parquet");
        assertEquals(0, p.code(), p.toString());
        Dataset<Row> pred = SparkSessionExtension.spark().read().parquet(out.toString());
        assertTrue(pred.where("label = prediction").count() > 0.8 * 282, "predictions agree with the labels");
        assertTrue(pred.where("prediction > 9").count() > 0, "classes above 9 are predicted");

        Path html = dir.resolve("report47");
        Cli.Result r = cli("report", "--model", model.toString(), "--data", test.toString(), "--output", html.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.readString(html.resolve("index.html")).contains("Most confused classes"));
        assertTrue(Files.exists(html.resolve("confusion.png")));

        Path onnx = dir.resolve("model47.onnx");
        Cli.Result x = Cli.run(null, "export", "--model", model.toString(), "--onnx", onnx.toString());
        assertEquals(0, x.code(), x.toString());
        assertTrue(Files.size(onnx) > 0);
    }

    @Test
    void labelsThatAreNoClassAreOneLineNamingFileAndRow() throws IOException {
        Path train = clusters("train-bad.csv", 3, 20, 5);
        List<String> lines = new ArrayList<>(Files.readAllLines(train));
        lines.set(6, "1.5" + lines.get(6).substring(lines.get(6).indexOf(',')));
        Path half = dir.resolve("half.csv");
        Files.write(half, lines);
        Cli.Result r = train(half, train, dir.resolve("m-half"));
        assertRejected(r, "half.csv: line 7: column 1: label 1.5 is not an integer");

        // The training data says 3 classes; a test row of class 3 is no class of the model.
        lines = new ArrayList<>(Files.readAllLines(train));
        lines.set(9, "3" + lines.get(9).substring(lines.get(9).indexOf(',')));
        Path four = dir.resolve("four.csv");
        Files.write(four, lines);
        r = train(train, four, dir.resolve("m-four"));
        assertRejected(r, "four.csv: line 10: column 1: label 3 is outside 0..2", "give --classes K");

        // Given the count, such rows are bad rows like any other: skipped and counted on request.
        r = train(four, train, dir.resolve("m-skip"), "--classes", "3", "--bad-rows", "skip");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("skipped 1 bad rows"), r.toString());
    }

    @Test
    void classCountsAreCheckedBeforeSpark() {
        Cli.Result r = Cli.run(null, "train", "--train", "x.csv", "--model", dir.resolve("m").toString(),
                "--classes", "1");
        assertRejected(r, "--classes must be between 2 and 1000, got 1");
        r = Cli.run(null, "train", "--train", "x.csv", "--model", dir.resolve("m").toString(),
                "--layers", "20,8,5", "--classes", "3");
        assertRejected(r, "--layers ends with 5 outputs but --classes is 3");
        r = Cli.run(null, "train", "--train", "x.csv", "--model", dir.resolve("m").toString(),
                "--layers", "dense8,1001");
        assertRejected(r, "the number of classes must be from 2 to 1000, got 1001");
    }

    private static void assertRejected(Cli.Result r, String... fragments) {
        assertEquals(2, r.code(), r.toString());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "stderr should contain '" + f + "':\n" + r);
        }
        assertFalse(r.err().contains("\tat "), "no stack trace:\n" + r);
        // A usage error adds where to find the options; a bad row is its one line.
        assertEquals(r.err().contains("--help") ? 2 : 1, r.err().strip().lines().count(), "one line:\n" + r);
    }
}
