package io.sparkdigits.bench;

import static org.apache.spark.sql.functions.col;

import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.data.LabelColumn;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The usual way into Spark MLlib, as its guide shows it: {@code spark.read().csv} with a header and
 * an explicit schema of doubles (no {@code inferSchema}, which would cost a second pass over the
 * file), then {@link VectorAssembler} into a {@code features} vector. Pixels are divided by 255 in
 * the same projection so MLlib's network sees 0..1 inputs, as ours does (our loader scales by
 * 1/255 too); without it MLlib's sigmoid layers saturate and its accuracy would be unfairly low.
 */
final class MllibPipeline {
    private MllibPipeline() {
    }

    /** The CSV as {@code label, p1 .. pN} doubles, nothing computed yet. */
    static Dataset<Row> read(SparkSession spark, String path) {
        CsvLayout layout = CsvLayout.inspect(path, CsvLayout.Header.AUTO, LabelColumn.DEFAULT, false, spark.sparkContext().hadoopConfiguration());
        StructType schema = new StructType().add("label", DataTypes.DoubleType);
        for (int i = 1; i < layout.columns(); i++) {
            schema = schema.add("p" + i, DataTypes.DoubleType);
        }
        return spark.read().option("header", Boolean.toString(layout.allHeaders())).schema(schema).csv(path);
    }

    /** {@code label, features}: the pixels scaled to 0..1 and assembled into one vector column. */
    static Dataset<Row> features(Dataset<Row> raw) {
        Dataset<Row> scaled = scaled(raw);
        return assembler(scaled).transform(scaled).select("label", "features");
    }

    /** {@code label, p1 .. pN} with the pixels divided by 255, the input MLlib's network wants. */
    static Dataset<Row> scaled(Dataset<Row> raw) {
        String[] pixels = pixels(raw);
        Column[] scaled = new Column[pixels.length + 1];
        scaled[0] = col("label");
        for (int i = 0; i < pixels.length; i++) {
            scaled[i + 1] = col(pixels[i]).divide(255.0).as(pixels[i]);
        }
        return raw.select(scaled);
    }

    /** The assembler of every column but {@code label} of {@code frame} into {@code features}. */
    static VectorAssembler assembler(Dataset<Row> frame) {
        return new VectorAssembler().setInputCols(pixels(frame)).setOutputCol("features");
    }

    private static String[] pixels(Dataset<Row> frame) {
        return java.util.Arrays.stream(frame.columns()).filter(c -> !c.equals("label")).toArray(String[]::new);
    }

    static Dataset<Row> features(SparkSession spark, String path) {
        return features(read(spark, path));
    }
}
