package io.sparkdigits.score;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gives every data row its 0-based position in its file, so predictions can be joined back to
 * their input by {@code (file, row)}. Spark splits a file into blocks and numbers nothing, so the
 * scoring job counts the data rows of each block ({@link ScoredSplit}) and a row's position is the
 * rows of the blocks before its own plus its ordinal within its block.
 */
public final class RowKeys implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Map<String, Long> firstRow;

    private RowKeys(Map<String, Long> firstRow) {
        this.firstRow = firstRow;
    }

    /**
     * The keys of the splits scored: a split's first row follows the data rows of the same file's
     * earlier splits. Splits without data rows are simply absent (they move no key).
     */
    static RowKeys of(List<ScoredSplit.Summary> splits) {
        Map<String, TreeMap<Long, Long>> perFile = new TreeMap<>();
        for (ScoredSplit.Summary s : splits) {
            perFile.computeIfAbsent(s.file(), f -> new TreeMap<>()).merge(s.block(), s.rows(), Long::sum);
        }
        Map<String, Long> first = new HashMap<>();
        perFile.forEach((file, blocks) -> {
            long rows = 0;
            for (Map.Entry<Long, Long> b : blocks.entrySet()) {
                first.put(key(file, b.getKey()), rows);
                rows += b.getValue();
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
