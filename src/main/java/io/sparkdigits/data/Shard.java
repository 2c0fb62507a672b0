package io.sparkdigits.data;

import java.io.Serializable;

/**
 * A dense block of rows held by one Spark partition: a label per row and the row-major input
 * values. Integer pixels 0..255 are kept as one unsigned byte each; any other numeric data stays
 * float. The network sees {@code value * scale}, so byte and float shards feed it alike.
 */
public final class Shard implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int rows;
    private final int cols;
    /** Shorts, not bytes: up to {@link Labels#MAX_CLASSES} classes, at 2 bytes a row beside its pixels. */
    private final short[] labels;
    private final byte[] pixels;
    private final float[] values;
    private long skipped;
    private String firstSkipped;
    private BadRowException badRow;
    /** Rows kept per input file (Spark's name of it), for the load summary; empty if unknown. */
    private java.util.Map<String, Long> fileRows = java.util.Map.of();

    private Shard(int rows, int cols, short[] labels, byte[] pixels, float[] values) {
        if (labels.length < rows || (pixels == null) == (values == null)) {
            throw new IllegalArgumentException("a shard holds labels and exactly one of bytes or floats");
        }
        this.rows = rows;
        this.cols = cols;
        this.labels = labels;
        this.pixels = pixels;
        this.values = values;
    }

    /** A shard of unsigned byte values; {@code pixels} holds {@code rows x cols}. */
    public static Shard ofBytes(int rows, int cols, short[] labels, byte[] pixels) {
        return new Shard(rows, cols, labels, pixels, null);
    }

    /** A shard of float values; {@code values} holds {@code rows x cols}. */
    public static Shard ofFloats(int rows, int cols, short[] labels, float[] values) {
        return new Shard(rows, cols, labels, null, values);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public boolean isBytes() {
        return pixels != null;
    }

    /** Labels of all rows (index = row); shared, do not modify. */
    public short[] labels() {
        return labels;
    }

    /** The largest label of the shard's rows, or -1 without rows: what K is when the data decides it. */
    public int maxLabel() {
        int max = -1;
        for (int r = 0; r < rows; r++) {
            max = Math.max(max, labels[r]);
        }
        return max;
    }

    /** Bytes held for the inputs: what caching this shard costs beyond the labels. */
    public long inputBytes() {
        return pixels != null ? (long) pixels.length : 4L * values.length;
    }

    /**
     * Copies rows {@code order[from .. to)} into {@code x} as a dense {@code (to - from) x cols}
     * float batch scaled by {@code scale}, and their labels into {@code y[0 .. to - from)}.
     * {@code order == null} means rows {@code from .. to} in storage order.
     */
    public void gather(int[] order, int from, int to, float scale, float[] x, short[] y) {
        for (int i = from; i < to; i++) {
            int row = order == null ? i : order[i];
            int dst = (i - from) * cols;
            int src = row * cols;
            if (pixels != null) {
                for (int c = 0; c < cols; c++) { // no branch on zero pixels: 0 * scale is 0 anyway
                    x[dst + c] = (pixels[src + c] & 0xFF) * scale;
                }
            } else {
                for (int c = 0; c < cols; c++) {
                    x[dst + c] = values[src + c] * scale;
                }
            }
            y[i - from] = labels[row];
        }
    }

    /**
     * Adds each column's values and squared values over rows {@code rows} ({@code null}: every
     * row) to {@code sum} and {@code sumSq}, in row order.
     */
    public void addColumnSums(int[] rows, double[] sum, double[] sumSq) {
        int n = rows == null ? this.rows : rows.length;
        for (int i = 0; i < n; i++) {
            int src = (rows == null ? i : rows[i]) * cols;
            for (int c = 0; c < cols; c++) {
                double v = pixels != null ? pixels[src + c] & 0xFF : values[src + c];
                sum[c] += v;
                sumSq[c] += v * v;
            }
        }
    }

    /** Rows dropped as bad while this shard was packed ({@code --bad-rows skip}). */
    public long skipped() {
        return skipped;
    }

    /** What was wrong with the first dropped row, or null. */
    public String firstSkipped() {
        return firstSkipped;
    }

    /** Records rows dropped while packing; returns this shard. */
    public Shard withSkipped(long count, String first) {
        this.skipped = count;
        this.firstSkipped = first;
        return this;
    }

    /** The bad row that stopped packing ({@code --bad-rows fail}), or null. */
    public BadRowException badRow() {
        return badRow;
    }

    /** Records the bad row that stopped packing; returns this shard. */
    public Shard withBadRow(BadRowException bad) {
        this.badRow = bad;
        return this;
    }

    /** Rows kept per input file, as Spark names the file. */
    public java.util.Map<String, Long> fileRows() {
        return fileRows;
    }

    /** Records how many rows of each file this shard holds; returns this shard. */
    public Shard withFileRows(java.util.Map<String, Long> counts) {
        this.fileRows = new java.util.TreeMap<>(counts);
        return this;
    }

    /** Largest input value, for choosing the input scale. */
    public float maxValue() {
        float max = 0f;
        if (pixels != null) {
            for (byte b : pixels) {
                max = Math.max(max, b & 0xFF);
            }
        } else {
            for (float v : values) {
                max = Math.max(max, v);
            }
        }
        return max;
    }

    /** The rows of {@code parts} concatenated, in order, into one shard (floats if any part is). */
    public static Shard concat(java.util.List<Shard> parts, int cols) {
        long total = 0;
        boolean bytes = true;
        for (Shard s : parts) {
            total += s.rows;
            bytes &= s.isBytes();
        }
        if (total * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("a partition holds " + total + " rows of " + cols
                    + " values, more than one array can: train with more --partitions");
        }
        int n = (int) total;
        short[] labels = new short[n];
        byte[] px = bytes ? new byte[n * cols] : null;
        float[] fv = bytes ? null : new float[n * cols];
        int at = 0;
        long skipped = 0;
        String first = null;
        BadRowException bad = null;
        java.util.Map<String, Long> fileRows = new java.util.TreeMap<>();
        for (Shard s : parts) {
            s.fileRows.forEach((file, count) -> fileRows.merge(file, count, Long::sum));
            skipped += s.skipped;
            first = first != null ? first : s.firstSkipped;
            bad = bad != null ? bad : s.badRow;
            System.arraycopy(s.labels, 0, labels, at, s.rows);
            if (bytes) {
                System.arraycopy(s.pixels, 0, px, at * cols, s.rows * cols);
            } else if (s.isBytes()) {
                for (int i = 0; i < s.rows * cols; i++) {
                    fv[at * cols + i] = s.pixels[i] & 0xFF;
                }
            } else {
                System.arraycopy(s.values, 0, fv, at * cols, s.rows * cols);
            }
            at += s.rows;
        }
        Shard out = bytes ? ofBytes(n, cols, labels, px) : ofFloats(n, cols, labels, fv);
        return out.withSkipped(skipped, first).withBadRow(bad).withFileRows(fileRows);
    }
}
