package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.nn.SoftmaxCrossEntropy;
import io.sparkdigits.infer.Predictor;
import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The user's path on the committed sample, on local[2]: train, evaluate, predict. */
@ExtendWith(SparkSessionExtension.class)
class EndToEndTest {
    @TempDir
    static Path dir;
    static Path model;
    static Cli.Result trained;

    @BeforeAll
    static void train() {
        model = dir.resolve("model");
        trained = Cli.run(SparkSessionExtension.spark(), "train", "--train", TestData.TRAIN.toString(),
                "--test", TestData.TEST.toString(), "--model", model.toString(), "--hidden", "64",
                "--epochs", "8", "--batch-size", "50", "--lr", "0.003", "--validation", "0.1");
    }

    @Test
    void trainingLearnsAndSavesASelfDescribingModel() throws Exception {
        assertEquals(0, trained.code(), trained.toString());
        Model m = ModelStore.load(model.toString(), new Configuration());
        assertEquals("784-64-10 relu", m.spec().toString());
        assertEquals(1f / 255f, m.inputScale());
        @SuppressWarnings("unchecked")
        List<Object> history = (List<Object>) m.info().get("history");
        assertEquals(8, history.size());
        double accuracy = ((Number) ((java.util.Map<?, ?>) m.info().get("testMetrics")).get("accuracy")).doubleValue();
        // 1,000 training rows are enough for well above 80%; chance is 10%.
        assertTrue(accuracy > 0.8, "test accuracy " + accuracy);
        assertTrue(trained.out().contains("test accuracy"), trained.toString());
    }

    @Test
    void evaluatePrintsTheTableAndWritesJson() throws Exception {
        Path report = dir.resolve("eval.json");
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", model.toString(),
                "--data", TestData.TEST.toString(), "--report", report.toString());
        assertEquals(0, r.code(), r.toString());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals(500, json.get("rows").asLong());
        assertTrue(json.get("accuracy").asDouble() > 0.8);
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "%.2f", 100 * json.get("accuracy").asDouble())),
                r.toString());
    }

    @Test
    void trainWithTestPrintsTheTableThatEvaluatePrints() {
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", model.toString(),
                "--data", TestData.TEST.toString(), "--report", dir.resolve("eval-table.json").toString());
        assertEquals(0, r.code(), r.toString());
        String table = r.out().substring(r.out().indexOf("rows "), r.out().indexOf("report written to"));
        assertTrue(table.contains("macro P/R/F1"), table);
        // The mean loss is a float sum whose order may follow the partitioning; the rest is counts.
        String counts = table.replaceAll("(?m)^mean loss .*$", "");
        assertTrue(trained.out().replaceAll("(?m)^mean loss .*$", "").contains(counts), trained.out());
    }

    @Test
    void predictWritesOneKeyedRowPerInputRow() throws Exception {
        SparkSession spark = SparkSessionExtension.spark();
        Path out = dir.resolve("pred");
        Cli.Result r = Cli.run(spark, "predict", "--model", model.toString(), "--input", TestData.TEST.toString(),
                "--output", out.toString(), "--probabilities");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("wrote 500 predictions"), r.toString());
        Dataset<Row> pred = spark.read().option("header", "true").option("inferSchema", "true").csv(out.toString());
        assertEquals(500, pred.count());
        assertEquals(List.of("file", "row", "label", "prediction", "confidence", "p0", "p1", "p2", "p3", "p4", "p5",
                "p6", "p7", "p8", "p9"), List.of(pred.columns()));
        TestData.Rows rows = TestData.read(TestData.TEST);
        Model m = ModelStore.load(model.toString(), new Configuration());
        Predictor single = new Predictor(m.spec(), m.params(), m.inputScale());
        List<Row> all = pred.orderBy("row").collectAsList();
        long agree = 0;
        for (int i = 0; i < all.size(); i++) {
            Row row = all.get(i);
            float[] x = single.inputBuffer();
            for (int c = 0; c < 784; c++) {
                x[c] = (rows.pixels()[i * 784 + c] & 0xFF) * m.inputScale();
            }
            float[] p = single.probabilities(1);
            assertEquals(SoftmaxCrossEntropy.argmax(p, 0, 10), row.getInt(row.fieldIndex("prediction")),
                    "row " + i + " predicted as in one thread");
            assertEquals(i, row.getInt(row.fieldIndex("row")), "keys are the 0-based data rows");
            assertEquals(rows.labels()[i], row.getInt(row.fieldIndex("label")), "label of row " + i);
            agree += row.getInt(row.fieldIndex("label")) == row.getInt(row.fieldIndex("prediction")) ? 1 : 0;
            double sum = 0;
            for (int c = 0; c < 10; c++) {
                sum += row.getDouble(row.fieldIndex("p" + c));
            }
            assertEquals(1.0, sum, 1e-4);
        }
        assertTrue(agree > 400, agree + " of 500 predictions right");
    }

    @Test
    void predictReadsUnlabeledRowsAndWritesParquet() throws Exception {
        SparkSession spark = SparkSessionExtension.spark();
        Path unlabeled = dir.resolve("unlabeled.csv");
        List<String> lines = Files.readAllLines(TestData.TEST).subList(1, 21);
        Files.write(unlabeled, lines.stream().map(l -> l.substring(l.indexOf(',') + 1)).toList());
        Path out = dir.resolve("pred.parquet");
        Cli.Result r = Cli.run(spark, "predict", "--model", model.toString(), "--input", unlabeled.toString(),
                "--output", out.toString(), "--output-format", "parquet");
        assertEquals(0, r.code(), r.toString());
        Dataset<Row> pred = spark.read().parquet(out.toString());
        assertEquals(List.of("file", "row", "prediction", "confidence"), List.of(pred.columns()));
        assertEquals(20, pred.count());
    }
}
