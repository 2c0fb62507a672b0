package io.sparkdigits.data;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads the lines of digit CSVs as a DataFrame through Spark's text source, each line with its file
 * and split offset (Spark's {@code _metadata}) so that a bad row can be traced back to its line.
 * {@link LineParser} then parses the values where the lines are.
 */
public final class CsvFrames {
    /** Column indices of the frame: the line, its file and its split's first byte. */
    public static final int LINE = 0;
    public static final int FILE = 1;
    public static final int BLOCK = 2;

    private CsvFrames() {
    }

    /**
     * @param partitions how many splits to aim for: fixing it (rather than leaving it to the
     *                   cluster's default parallelism) makes the rows of each split, and so the
     *                   trained model, the same on every master
     */
    public static Dataset<Row> read(SparkSession spark, CsvLayout layout, int partitions) {
        spark.conf().set("spark.sql.files.minPartitionNum", Integer.toString(Math.max(1, partitions)));
        spark.conf().set("spark.sql.files.maxPartitionBytes", Long.toString(128L << 20));
        return spark.read()
                .text(layout.files().toArray(String[]::new))
                .select(col("value"), col("_metadata.file_path"), col("_metadata.file_block_start"));
    }
}
