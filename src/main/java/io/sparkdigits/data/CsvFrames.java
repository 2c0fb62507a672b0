package io.sparkdigits.data;

import static org.apache.spark.sql.functions.col;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Reads the lines of digit CSVs through Spark's text source, each line with its file and split
 * offset (Spark's {@code _metadata}) so that a bad row can be traced back to its line.
 * {@link LineParser} then parses the values where the lines are.
 */
public final class CsvFrames {
    /** Column indices of a row: the line, its file and its split's first byte. */
    public static final int LINE = 0;
    public static final int FILE = 1;
    public static final int BLOCK = 2;

    private CsvFrames() {
    }

    /**
     * The lines of {@code layout}'s files as an RDD of rows ({@link #LINE}, {@link #FILE},
     * {@link #BLOCK}). Spark cuts files into splits when the scan is planned, from two session
     * settings; they are set for the planning only and put back, so the caller's session keeps its
     * own settings.
     *
     * @param partitions how many splits to aim for: fixing it (rather than leaving it to the
     *                   cluster's default parallelism) makes the rows of each split, and so the
     *                   trained model, the same on every master
     */
    public static JavaRDD<InternalRow> lines(SparkSession spark, CsvLayout layout, int partitions) {
        Map<String, String> splits = new LinkedHashMap<>();
        splits.put("spark.sql.files.minPartitionNum", Integer.toString(Math.max(1, partitions)));
        splits.put("spark.sql.files.maxPartitionBytes", Long.toString(128L << 20));
        RuntimeConfig conf = spark.conf();
        Map<String, String> before = new LinkedHashMap<>();
        splits.forEach((k, v) -> before.put(k, conf.contains(k) ? conf.get(k) : null));
        try {
            splits.forEach(conf::set);
            return spark.read()
                    .text(layout.files().toArray(String[]::new))
                    .select(col("value"), col("_metadata.file_path"), col("_metadata.file_block_start"))
                    .queryExecution().toRdd().toJavaRDD();
        } finally {
            before.forEach((k, v) -> {
                if (v == null) {
                    conf.unset(k);
                } else {
                    conf.set(k, v);
                }
            });
        }
    }
}
