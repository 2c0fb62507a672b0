package io.sparkdigits.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.split;

import io.sparkdigits.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** DataFrames of the committed sample for the spark.ml tests. */
final class MlFrames {
    private MlFrames() {
    }

    /** The sample CSV read by Spark's CSV source, features assembled into a Vector column. */
    static Dataset<Row> assembled(SparkSession spark, Path csv) {
        Dataset<Row> raw = spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString());
        String[] pixels = java.util.Arrays.stream(raw.columns()).filter(c -> !c.equals("label")).toArray(String[]::new);
        return new VectorAssembler().setInputCols(pixels).setOutputCol("features").transform(raw)
                .select("label", "features");
    }

    /**
     * The rows of CSV files read as the CLI reads them (Spark's text source, one input split per
     * small file, header lines dropped), as (label int, features array<int>).
     */
    static Dataset<Row> asArrays(SparkSession spark, Path folder) {
        // The CLI's reader sets these before reading; the same splits need the same settings.
        spark.conf().set("spark.sql.files.minPartitionNum", "2");
        spark.conf().set("spark.sql.files.maxPartitionBytes", Long.toString(128L << 20));
        Dataset<Row> fields = spark.read().text(folder.toString())
                .where(col("value").startsWith("label").unary_$bang())
                .select(split(col("value"), ",").as("f"));
        return fields.select(element_at(col("f"), 1).cast("int").as("label"),
                slice(col("f"), 2, 784).cast("array<int>").as("features"));
    }

    /** The training sample cut into {@code parts} CSV files, each with the header: several input splits. */
    static Path splitSample(Path dir, int parts) throws IOException {
        List<String> lines = Files.readAllLines(TestData.TRAIN);
        String header = lines.get(0);
        List<String> rows = lines.subList(1, lines.size());
        Files.createDirectories(dir);
        int per = (rows.size() + parts - 1) / parts;
        for (int p = 0; p < parts; p++) {
            List<String> part = new java.util.ArrayList<>();
            part.add(header);
            part.addAll(rows.subList(p * per, Math.min(rows.size(), (p + 1) * per)));
            Files.write(dir.resolve("part-" + p + ".csv"), part);
        }
        return dir;
    }
}
