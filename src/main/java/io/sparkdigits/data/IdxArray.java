package io.sparkdigits.data;

/**
 * A whole unsigned-byte IDX file in memory: its dimensions and its elements, row-major. Item
 * {@code i} occupies {@code data()[i * itemSize() .. (i + 1) * itemSize())}.
 *
 * <p>{@link #data()} returns the backing array, not a copy, since it can be tens of megabytes.
 */
public final class IdxArray {
    private final int[] dims;
    private final byte[] data;
    private final int itemSize;

    /**
     * @param dims sizes, items first; at least one
     * @param data {@code dims[0] * ... * dims[n-1]} bytes; kept, not copied
     */
    public IdxArray(int[] dims, byte[] data) {
        if (dims.length == 0) {
            throw new IllegalArgumentException("an IDX array needs at least one dimension");
        }
        long size = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + IdxReader.shape(dims, dims.length));
            }
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("dimensions " + IdxReader.shape(dims, dims.length) + " need " + size
                    + " bytes, got " + data.length);
        }
        this.dims = dims.clone();
        this.data = data;
        this.itemSize = productAfterFirst(dims);
    }

    private static int productAfterFirst(int[] dims) {
        long p = 1;
        for (int d = 1; d < dims.length; d++) {
            p *= dims[d];
        }
        return (int) Math.min(p, Integer.MAX_VALUE);
    }

    /** Sizes, items first. A copy. */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of items: the first dimension. */
    public int count() {
        return dims[0];
    }

    /** Bytes per item: the product of all dimensions but the first. */
    public int itemSize() {
        return itemSize;
    }

    /** The elements, row-major; the backing array. Read them as unsigned ({@code b & 0xff}). */
    public byte[] data() {
        return data;
    }

    /** Element {@code offset} of item {@code item}, as 0..255. */
    public int get(int item, int offset) {
        if (item < 0 || item >= dims[0] || offset < 0 || offset >= itemSize) {
            throw new IndexOutOfBoundsException("element (" + item + ", " + offset + ") of "
                    + IdxReader.shape(dims, dims.length));
        }
        return data[item * itemSize + offset] & 0xff;
    }
}
