package io.sparkdigits.score;

import io.sparkdigits.data.CsvFrames;
import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.data.LineCursor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

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

    /**
     * Counts the data rows of every split of {@code layout}'s files as {@link CsvFrames#read} splits
     * them for {@code partitions}: the scoring pass must read the same splits, so it passes the same
     * count. One job of one stage: each task counts its own splits' non-blank lines. (Spark SQL's
     * {@code groupBy().count()} did the same with a shuffle into 200 partitions, which cost more
     * than the scoring itself on a small machine.)
     */
    public static RowKeys count(SparkSession spark, CsvLayout layout, int partitions) {
        List<BlockCount> counts = CsvFrames.read(spark, layout, partitions)
                .queryExecution().toRdd().toJavaRDD()
                .mapPartitions(RowKeys::countBlocks)
                .collect();
        Map<String, TreeMap<Long, Long>> perFile = new TreeMap<>();
        for (BlockCount c : counts) {
            perFile.computeIfAbsent(c.file(), f -> new TreeMap<>()).merge(c.block(), c.lines(), Long::sum);
        }
        Map<String, Long> first = new HashMap<>();
        perFile.forEach((file, blocks) -> {
            long rows = 0;
            for (Map.Entry<Long, Long> b : blocks.entrySet()) {
                first.put(key(file, b.getKey()), rows);
                long n = b.getValue();
                // The header is the first non-blank line of a file's first split; the cursor skips it.
                rows += b.getKey() == 0 && layout.header() && n > 0 ? n - 1 : n;
            }
        });
        return new RowKeys(first);
    }

    /** Non-blank lines of one split of one file. */
    private record BlockCount(String file, long block, long lines) implements Serializable {
    }

    /** The splits of one partition, each with its count of non-blank lines; lines of a split are contiguous. */
    private static Iterator<BlockCount> countBlocks(Iterator<InternalRow> rows) {
        List<BlockCount> out = new ArrayList<>();
        UTF8String file = null;
        long block = -1;
        long lines = 0;
        while (rows.hasNext()) {
            InternalRow r = rows.next();
            UTF8String f = r.getUTF8String(CsvFrames.FILE);
            long b = r.getLong(CsvFrames.BLOCK);
            if (file == null || b != block || !f.equals(file)) {
                if (file != null) {
                    out.add(new BlockCount(file.toString(), block, lines));
                }
                file = f.clone();
                block = b;
                lines = 0;
            }
            if (!LineCursor.blank(r.getUTF8String(CsvFrames.LINE))) {
                lines++;
            }
        }
        if (file != null) {
            out.add(new BlockCount(file.toString(), block, lines));
        }
        return out.iterator();
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
