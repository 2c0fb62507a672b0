package io.sparkdigits.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import io.sparkdigits.data.CsvLayout;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Gives every data row its 0-based position in its file, so predictions can be joined back to
 * their input by {@code (file, row)}. Spark splits a file into blocks and numbers nothing, so a
 * cheap pass over the raw lines counts the data rows of each block, and a row's position is the
 * rows of the blocks before its own plus its ordinal within its block.
 */
public final class RowKeys implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Map<String, Long> firstRow;

    private RowKeys(Map<String, Long> firstRow) {
        this.firstRow = firstRow;
    }

    /** Counts the non-blank lines of every split, read with the same splits as the CSV source. */
    public static RowKeys count(SparkSession spark, CsvLayout layout) {
        List<Row> counts = spark.read().text(layout.files().toArray(String[]::new))
                .where(not(col("value").rlike("^[ \\t\\r]*$")))
                .select(col("_metadata.file_path").as("f"), col("_metadata.file_block_start").as("b"))
                .groupBy("f", "b").count()
                .collectAsList();
        Map<String, TreeMap<Long, Long>> perFile = new TreeMap<>();
        for (Row r : counts) {
            perFile.computeIfAbsent(r.getString(0), f -> new TreeMap<>()).put(r.getLong(1), r.getLong(2));
        }
        Map<String, Long> first = new HashMap<>();
        perFile.forEach((file, blocks) -> {
            long rows = 0;
            for (Map.Entry<Long, Long> b : blocks.entrySet()) {
                first.put(key(file, b.getKey()), rows);
                long n = b.getValue();
                // The header is the first non-blank line of a file's first split; Spark drops it.
                rows += b.getKey() == 0 && layout.header() ? n - 1 : n;
            }
        });
        return new RowKeys(first);
    }

    /** Position in its file of the {@code ordinal}-th data row of the split at {@code block}. */
    public long row(String file, long block, long ordinal) {
        Long base = firstRow.get(key(file, block));
        if (base == null) {
            throw new IllegalStateException("no row count for " + file + " at byte " + block
                    + ": the input changed while it was being scored");
        }
        return base + ordinal;
    }

    private static String key(String file, long block) {
        return block + "@" + file;
    }
}
