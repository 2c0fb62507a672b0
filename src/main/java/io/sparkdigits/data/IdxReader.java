package io.sparkdigits.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Streams the items of an IDX file, the format the MNIST files are published in
 * (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS FOR THE MNIST DATABASE").
 *
 * <p>Layout: two zero bytes, an element-type byte, a dimension-count byte {@code n}, then
 * {@code n} big-endian int32 sizes, then the elements row-major. The first dimension counts the
 * items (images or labels); one item is the product of the others ({@code rows * cols} bytes for
 * an image, one byte for a label). Only element type {@code 0x08} (unsigned byte) is supported,
 * which is all MNIST uses.
 *
 * <p>The file may be gzip-compressed; that is detected from its first bytes ({@code 1f 8b}),
 * not from its name. A plain file's length is checked against its header when it is opened. A
 * gzip stream's length is not known in advance, so truncation is reported by the read that
 * runs out, and trailing bytes once the last item has been read.
 *
 * <p>Every problem with the content is an {@link IdxFormatException} whose one-line message
 * starts with the file name.
 */
public final class IdxReader implements Closeable {
    /** Element type byte of unsigned 8-bit data. */
    public static final int TYPE_UNSIGNED_BYTE = 0x08;

    private static final int BUFFER = 1 << 16;

    private final Path path;
    private final InputStream in;
    private final boolean gzipped;
    private final int[] dims;
    private final int itemSize;
    private int itemsRead;

    private IdxReader(Path path, InputStream in, boolean gzipped, int[] dims, int itemSize) {
        this.path = path;
        this.in = in;
        this.gzipped = gzipped;
        this.dims = dims;
        this.itemSize = itemSize;
    }

    /**
     * Opens {@code path} and reads and checks its header.
     *
     * @throws IdxFormatException the header is malformed, the element type is not unsigned
     *                            byte, or (plain files) the length disagrees with the header
     * @throws IOException        the file cannot be opened or read
     */
    public static IdxReader open(Path path) throws IOException {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(path), BUFFER);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        } catch (AccessDeniedException e) {
            throw new AccessDeniedException(path.toString(), null, "permission denied");
        }
        try {
            raw.mark(2);
            boolean gzipped = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = raw;
            if (gzipped) {
                try {
                    in = new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER);
                } catch (ZipException | EOFException e) {
                    throw new IdxFormatException(path + ": corrupt gzip header (" + e.getMessage() + ")", e);
                }
            }
            IdxReader reader = readHeader(path, in, gzipped);
            if (!gzipped) {
                reader.checkPlainLength();
            }
            return reader;
        } catch (IOException | RuntimeException e) {
            try {
                raw.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Reads a whole file into memory. Fine for MNIST (47 MB for the training images); the data
     * must fit in one array.
     */
    public static IdxArray read(Path path) throws IOException {
        try (IdxReader reader = open(path)) {
            long total = (long) reader.count() * reader.itemSize();
            if (total > Integer.MAX_VALUE - 8) {
                throw new IdxFormatException(path + ": " + total + " bytes of data do not fit in one array");
            }
            byte[] data = new byte[(int) total];
            byte[] item = new byte[reader.itemSize()];
            for (int i = 0; i < reader.count(); i++) {
                reader.readItem(item);
                System.arraycopy(item, 0, data, i * reader.itemSize(), item.length);
            }
            return new IdxArray(reader.dims(), data);
        }
    }

    private static IdxReader readHeader(Path path, InputStream in, boolean gzipped) throws IOException {
        byte[] head = new byte[4];
        int got = readFully(path, in, head, 0, 4, "the header");
        if (got < 4) {
            throw new IdxFormatException(path + ": truncated IDX header (" + got + " bytes)");
        }
        if (head[0] != 0 || head[1] != 0) {
            throw new IdxFormatException(String.format(
                    "%s: not an IDX file: it starts with bytes %02x %02x, expected 00 00",
                    path, head[0] & 0xff, head[1] & 0xff));
        }
        int type = head[2] & 0xff;
        if (type != TYPE_UNSIGNED_BYTE) {
            throw new IdxFormatException(String.format(
                    "%s: IDX element type 0x%02x (%s) is not supported, only 0x08 (unsigned byte)",
                    path, type, typeName(type)));
        }
        int n = head[3] & 0xff;
        if (n == 0) {
            throw new IdxFormatException(path + ": IDX header declares 0 dimensions");
        }
        byte[] sizes = new byte[4 * n];
        got = readFully(path, in, sizes, 0, sizes.length, "the header");
        if (got < sizes.length) {
            throw new IdxFormatException(path + ": truncated IDX header: " + n + " dimensions declared, file ends after "
                    + got / 4 + " of them");
        }
        int[] dims = new int[n];
        long itemSize = 1;
        for (int d = 0; d < n; d++) {
            int i = 4 * d;
            dims[d] = (sizes[i] & 0xff) << 24 | (sizes[i + 1] & 0xff) << 16 | (sizes[i + 2] & 0xff) << 8 | (sizes[i + 3] & 0xff);
            if (dims[d] < 0) {
                throw new IdxFormatException(path + ": dimension " + (d + 1) + " is " + Integer.toUnsignedString(dims[d])
                        + ", too large");
            }
            if (d > 0) {
                itemSize *= dims[d];
                if (itemSize > Integer.MAX_VALUE - 8) {
                    throw new IdxFormatException(path + ": one item of " + shape(dims, d + 1) + " is too large");
                }
            }
        }
        return new IdxReader(path, in, gzipped, dims, (int) itemSize);
    }

    private void checkPlainLength() throws IOException {
        long header = 4L + 4L * dims.length;
        long expected = header + (long) count() * itemSize;
        long actual = Files.size(path);
        if (actual < expected) {
            throw new IdxFormatException(path + ": truncated: header declares " + shape(dims, dims.length) + " ("
                    + expected + " bytes with the header) but the file has " + actual + " bytes");
        }
        if (actual > expected) {
            throw new IdxFormatException(path + ": " + (actual - expected) + " bytes after the " + shape(dims, dims.length)
                    + " data its header declares");
        }
    }

    /** Path this reader was opened on. */
    public Path path() {
        return path;
    }

    /** Whether the file is gzip-compressed. */
    public boolean gzipped() {
        return gzipped;
    }

    /** Sizes from the header, items first; e.g. {@code [60000, 28, 28]}. A copy. */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of items: the first dimension. */
    public int count() {
        return dims[0];
    }

    /** Bytes per item: the product of all dimensions but the first (1 for a 1-D file). */
    public int itemSize() {
        return itemSize;
    }

    /** Items not yet read. */
    public int remaining() {
        return dims[0] - itemsRead;
    }

    /**
     * Reads the next item into {@code dst[0 .. itemSize())}; read the bytes as unsigned
     * ({@code b & 0xff}). After the last item of a gzip file, checks that the stream ends there.
     *
     * @throws IllegalStateException    no items remain
     * @throws IllegalArgumentException {@code dst} is shorter than {@link #itemSize()}
     * @throws IdxFormatException       the data ends early, is corrupt, or continues past the
     *                                  declared items
     */
    public void readItem(byte[] dst) throws IOException {
        if (itemsRead >= dims[0]) {
            throw new IllegalStateException(path + ": all " + dims[0] + " items have been read");
        }
        if (dst.length < itemSize) {
            throw new IllegalArgumentException("buffer of " + dst.length + " bytes for items of " + itemSize);
        }
        String where = "item " + (itemsRead + 1) + " of " + dims[0];
        int got = readFully(path, in, dst, 0, itemSize, where);
        if (got < itemSize) {
            throw new IdxFormatException(path + ": truncated: data ends inside " + where);
        }
        itemsRead++;
        if (itemsRead == dims[0] && gzipped && readEnd(where) >= 0) {
            throw new IdxFormatException(path + ": data continues after the " + shape(dims, dims.length)
                    + " items its header declares");
        }
    }

    private int readEnd(String where) throws IOException {
        try {
            return in.read();
        } catch (ZipException | EOFException e) {
            throw new IdxFormatException(path + ": gzip stream is truncated or corrupt after " + where
                    + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads up to {@code len} bytes, fewer only at end of stream; returns the count read. */
    private static int readFully(Path path, InputStream in, byte[] b, int off, int len, String where) throws IOException {
        int n = 0;
        while (n < len) {
            int r;
            try {
                r = in.read(b, off + n, len - n);
            } catch (ZipException | EOFException e) {
                // GZIPInputStream reports a cut-off or damaged stream this way.
                throw new IdxFormatException(path + ": gzip stream is truncated or corrupt in " + where
                        + " (" + e.getMessage() + ")", e);
            }
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    /** The first {@code upTo} dims as {@code 3x2x3}. */
    static String shape(int[] dims, int upTo) {
        StringBuilder s = new StringBuilder();
        for (int d = 0; d < upTo; d++) {
            if (d > 0) {
                s.append('x');
            }
            s.append(Integer.toUnsignedString(dims[d]));
        }
        return s.toString();
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "unknown type";
        };
    }
}
