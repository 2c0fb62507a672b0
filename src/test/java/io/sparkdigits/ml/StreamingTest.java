package io.sparkdigits.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model scores a stream: CSV files -> VectorAssembler -> model -> Parquet with a checkpoint.
 * The query is stopped and restarted with new files, and every row must come out exactly once,
 * predicted as a batch {@code transform} predicts it.
 */
@ExtendWith(SparkSessionExtension.class)
class StreamingTest {
    @TempDir
    static Path dir;

    @Test
    void aRestartedStreamScoresEveryRowOnceAsBatchDoes() throws Exception {
        SparkSession spark = SparkSessionExtension.spark();
        DigitsClassificationModel model = new DigitsClassifier().setHidden(new int[] {8}).setEpochs(1)
                .setBatchSize(100).setNumPartitions(2).fit(MlFrames.assembled(spark, TestData.TRAIN));
        List<String> lines = Files.readAllLines(TestData.TEST);
        Path in = Files.createDirectories(dir.resolve("in"));
        writePart(in, lines, 0, 0, 150);
        writePart(in, lines, 1, 150, 300);
        Path out = dir.resolve("out");
        Path checkpoint = dir.resolve("checkpoint");

        runToEnd(spark, model, in, out, checkpoint);
        assertEquals(300, spark.read().parquet(out.toString()).count(), "the first run scores the first two files");
        writePart(in, lines, 2, 300, 420);
        writePart(in, lines, 3, 420, 500);
        runToEnd(spark, model, in, out, checkpoint);

        Dataset<Row> streamed = spark.read().parquet(out.toString());
        assertEquals(500, streamed.count(), "every row once");
        assertEquals(500, streamed.select("id").distinct().count(), "no row twice");
        Map<Integer, Double> batch = predictions(model.transform(assemble(spark.read().schema(schema(lines))
                .option("header", "true").csv(in.toString()))));
        assertEquals(batch, predictions(streamed));
        assertTrue(batch.values().stream().distinct().count() > 1, "a model that predicts something");
    }

    private static void runToEnd(SparkSession spark, DigitsClassificationModel model, Path in, Path out,
                                 Path checkpoint) throws Exception {
        List<String> lines = Files.readAllLines(TestData.TEST);
        Dataset<Row> rows = spark.readStream().schema(schema(lines)).option("header", "true").csv(in.toString());
        StreamingQuery q = model.transform(assemble(rows)).select("id", "prediction").writeStream()
                .format("parquet").option("checkpointLocation", checkpoint.toString())
                .trigger(Trigger.AvailableNow()).start(out.toString());
        q.awaitTermination();
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().toString());
    }

    private static Dataset<Row> assemble(Dataset<Row> rows) {
        String[] pixels = java.util.Arrays.stream(rows.columns()).filter(c -> !c.equals("id") && !c.equals("label"))
                .toArray(String[]::new);
        return new VectorAssembler().setInputCols(pixels).setOutputCol("features").transform(rows);
    }

    /** id, then the sample's own columns, all integers: a stream needs its schema up front. */
    private static StructType schema(List<String> lines) {
        StructType s = new StructType().add("id", DataTypes.IntegerType);
        for (String name : lines.get(0).split(",")) {
            s = s.add(name, DataTypes.IntegerType);
        }
        return s;
    }

    /** Rows {@code from .. to} of the sample as one CSV file, each with its row number as id. */
    private static void writePart(Path in, List<String> lines, int part, int from, int to) throws Exception {
        List<String> out = new ArrayList<>();
        out.add("id," + lines.get(0));
        for (int i = from; i < to; i++) {
            out.add(i + "," + lines.get(i + 1));
        }
        // Written aside and moved in whole, as a file source expects its files to appear.
        Path tmp = in.getParent().resolve("part-" + part + ".tmp");
        Files.write(tmp, out);
        Files.move(tmp, in.resolve("part-" + part + ".csv"));
    }

    private static Map<Integer, Double> predictions(Dataset<Row> scored) {
        Map<Integer, Double> m = new TreeMap<>();
        for (Row r : scored.select("id", "prediction").collectAsList()) {
            m.put(r.getInt(0), r.getDouble(1));
        }
        return m;
    }
}
