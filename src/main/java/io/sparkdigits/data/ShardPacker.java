package io.sparkdigits.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.Tuple2;

/**
 * Packs the validated rows of one input split into shards of at most {@link #CHUNK_ROWS} rows,
 * keyed by (split, chunk) so that they can be dealt out to the training partitions and put back
 * in a fixed order there. Values are stored as bytes until a row holds a value that is not an
 * integer in 0..255.
 */
public final class ShardPacker implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Rows per chunk: small enough to balance partitions, large enough to be cheap to shuffle. */
    public static final int CHUNK_ROWS = 1024;

    private final LineParser parser;
    private final CsvLayout.Headers headers;
    private final boolean skipBad;

    public ShardPacker(LineParser parser, CsvLayout.Headers headers, boolean skipBad) {
        this.parser = parser;
        this.headers = headers;
        this.skipBad = skipBad;
    }

    /** The key of chunk {@code chunk} of split {@code split}: sorts by split, then chunk. */
    public static long key(int split, int chunk) {
        return ((long) split << 32) | (chunk & 0xFFFFFFFFL);
    }

    public Iterator<Tuple2<Long, Shard>> pack(int split, Iterator<InternalRow> rows) {
        return pack(split, new LineCursor(rows, parser, headers), parser.values(), skipBad);
    }

    /**
     * Packs the rows of {@code cursor}, split {@code split} of the input, each of {@code cols}
     * values. A bad row stops packing and is recorded on the last shard, unless {@code skipBad}.
     */
    public static Iterator<Tuple2<Long, Shard>> pack(int split, RowCursor cursor, int cols, boolean skipBad) {
        List<Tuple2<Long, Shard>> out = new ArrayList<>();
        float[] values = new float[cols];
        Builder b = new Builder(cols);
        long skipped = 0;
        String firstSkipped = null;
        BadRowException bad = null;
        java.util.Map<String, Long> fileRows = new java.util.TreeMap<>();
        while (cursor.next(values)) {
            if (cursor.problem() != null) {
                if (!skipBad) {
                    // Reported as data, not thrown: a task failure would be retried and logged at length.
                    bad = cursor.badRow();
                    break;
                }
                skipped++;
                firstSkipped = firstSkipped != null ? firstSkipped : cursor.badRow().getMessage();
                continue;
            }
            b.add(cursor.label(), values);
            if (cursor.file() != null) {
                fileRows.merge(cursor.file(), 1L, Long::sum);
            }
            if (b.rows == CHUNK_ROWS) {
                out.add(new Tuple2<>(key(split, out.size()), b.build()));
                b = new Builder(cols);
            }
        }
        if (b.rows > 0 || out.isEmpty() || skipped > 0 || bad != null) {
            out.add(new Tuple2<>(key(split, out.size()), b.build()));
        }
        out.get(out.size() - 1)._2().withSkipped(skipped, firstSkipped).withBadRow(bad).withFileRows(fileRows);
        return out.iterator();
    }

    /** Accumulates rows as bytes, switching to floats at the first value that is not a 0..255 integer. */
    private static final class Builder {
        private final int cols;
        private final short[] labels = new short[CHUNK_ROWS];
        private byte[] bytes;
        private float[] floats;
        private int rows;

        Builder(int cols) {
            this.cols = cols;
            this.bytes = new byte[CHUNK_ROWS * cols];
        }

        void add(int label, float[] values) {
            labels[rows] = (short) label;
            int at = rows * cols;
            for (int c = 0; c < cols; c++) {
                float v = values[c];
                // Only 0..255 integers fit a byte; anything else turns the whole block into floats.
                if (floats == null && (v != (int) v || v < 0f || v > 255f)) {
                    toFloats();
                }
                if (floats != null) {
                    floats[at + c] = v;
                } else {
                    bytes[at + c] = (byte) (int) v;
                }
            }
            rows++;
        }

        /** Turns every byte written so far into a float, the row being added included. */
        private void toFloats() {
            floats = new float[CHUNK_ROWS * cols];
            for (int i = 0; i < bytes.length; i++) {
                floats[i] = bytes[i] & 0xFF;
            }
            bytes = null;
        }

        Shard build() {
            short[] l = java.util.Arrays.copyOf(labels, rows);
            return floats != null
                    ? Shard.ofFloats(rows, cols, l, java.util.Arrays.copyOf(floats, rows * cols))
                    : Shard.ofBytes(rows, cols, l, java.util.Arrays.copyOf(bytes, rows * cols));
        }
    }
}
