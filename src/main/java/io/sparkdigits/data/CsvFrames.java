package io.sparkdigits.data;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads digit CSVs as a DataFrame with an explicit schema through Spark's own CSV source, in
 * PERMISSIVE mode: a row with the wrong number of fields or a non-numeric value lands in the
 * corrupt-record column instead of failing the job, so that {@link RowCheck} can name it.
 * Each row also carries its file and split offset (Spark's {@code _metadata}) so a bad row can be
 * traced back to its line.
 */
public final class CsvFrames {
    /** Columns after the values: the raw text of a malformed row, its file and its split offset. */
    public static final String CORRUPT = "_corrupt";
    public static final String FILE = "_file";
    public static final String BLOCK = "_block";

    private CsvFrames() {
    }

    /**
     * @param labeled    whether the first column is a label
     * @param partitions how many splits to aim for: fixing it (rather than leaving it to the
     *                   cluster's default parallelism) makes the rows of each split, and so the
     *                   trained model, the same on every master
     */
    public static Dataset<Row> read(SparkSession spark, CsvLayout layout, boolean labeled, int partitions) {
        StructType schema = new StructType();
        if (labeled) {
            schema = schema.add("label", DataTypes.IntegerType);
        }
        int values = layout.columns() - (labeled ? 1 : 0);
        for (int i = 1; i <= values; i++) {
            schema = schema.add("v" + i, DataTypes.FloatType);
        }
        schema = schema.add(CORRUPT, DataTypes.StringType);
        spark.conf().set("spark.sql.files.minPartitionNum", Integer.toString(Math.max(1, partitions)));
        spark.conf().set("spark.sql.files.maxPartitionBytes", Long.toString(128L << 20));
        return spark.read()
                .schema(schema)
                .option("header", Boolean.toString(layout.header()))
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", CORRUPT)
                .csv(layout.files().toArray(String[]::new))
                .select(col("*"), col("_metadata.file_path").as(FILE), col("_metadata.file_block_start").as(BLOCK));
    }
}
