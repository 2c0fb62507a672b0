package io.sparkdigits.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPOutputStream;

/**
 * The scale section's inputs, made from a labeled CSV (MNIST's training file) by repeating its
 * data lines under its header: data row r of a generated file is data line {@code r mod n} of the
 * source, so every row's label is known from its position and a prediction's {@code (file, row)}
 * key can be checked against it. Generation costs a sequential write, not a parse: the source's
 * lines are held as one block of bytes and written whole, then a prefix of whole lines.
 *
 * <p>A gzipped file is a multi-member gzip (RFC 1952, 2.2): the header, the whole block and the
 * last prefix are each compressed once and the block's member is written as many times as
 * needed. GNU gzip, Java's {@code GZIPInputStream} and Hadoop's codecs read such a file as one
 * stream; like any gzip file it is one split, so Spark reads it in one task.
 *
 * <p>A file is written under a temporary name and renamed when complete, and one that exists with
 * exactly the size this class would write is reused, so a rerun does not pay for generation.
 */
final class ScaleData {
    private final byte[] header;
    private final byte[] block;
    /** {@code ends[k]}: bytes of the first k data lines of the block; {@code ends[0] = 0}. */
    private final int[] ends;
    private final short[] labels;
    private byte[][] members;
    /** The gzip member of the first k lines, by k: each is compressed once, for its size and its file. */
    private final java.util.Map<Integer, byte[]> prefixes = new java.util.HashMap<>();

    private ScaleData(byte[] header, byte[] block, int[] ends, short[] labels) {
        this.header = header;
        this.block = block;
        this.ends = ends;
        this.labels = labels;
    }

    /** Reads a CSV whose first line is a header and whose data lines start with an integer label. */
    static ScaleData read(Path source) throws IOException {
        return of(Files.readAllBytes(source));
    }

    static ScaleData of(byte[] csv) {
        int first = indexOf(csv, 0);
        if (first < 0 || first == csv.length - 1) {
            throw new IllegalArgumentException("the source needs a header line and at least one data line");
        }
        byte[] header = java.util.Arrays.copyOf(csv, first + 1);
        byte[] data = java.util.Arrays.copyOfRange(csv, first + 1, csv.length);
        if (data[data.length - 1] != '\n') { // every repeated line must end, the last one too
            data = java.util.Arrays.copyOf(data, data.length + 1);
            data[data.length - 1] = '\n';
        }
        int lines = 0;
        for (byte b : data) {
            lines += b == '\n' ? 1 : 0;
        }
        int[] ends = new int[lines + 1];
        short[] labels = new short[lines];
        int start = 0;
        for (int k = 0; k < lines; k++) {
            int end = indexOf(data, start);
            labels[k] = label(data, start, end);
            ends[k + 1] = end + 1;
            start = end + 1;
        }
        return new ScaleData(header, data, ends, labels);
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static short label(byte[] data, int start, int end) {
        int comma = start;
        while (comma < end && data[comma] != ',') {
            comma++;
        }
        return Short.parseShort(new String(data, start, comma - start, StandardCharsets.US_ASCII).trim());
    }

    /** Data lines of the source. */
    int sourceRows() {
        return labels.length;
    }

    /** The label of data row {@code row} of any generated file. */
    int label(long row) {
        return labels[(int) (row % labels.length)];
    }

    /** The name of the file of {@code rows} data rows. */
    static String name(long rows, boolean gzip) {
        return "digits-" + rows + ".csv" + (gzip ? ".gz" : "");
    }

    /** Bytes of the generated file of {@code rows} data rows. */
    long size(long rows, boolean gzip) {
        long whole = rows / sourceRows();
        int rest = (int) (rows % sourceRows());
        if (!gzip) {
            return header.length + whole * block.length + ends[rest];
        }
        byte[][] m = members();
        return m[0].length + whole * m[1].length + (rest > 0 ? prefix(rest).length : 0);
    }

    /**
     * The file of {@code rows} data rows in {@code dir}, written unless it exists with the right
     * size; true in {@code generated[0]} if it was written now.
     */
    Path ensure(Path dir, long rows, boolean gzip, boolean[] generated) throws IOException {
        Path file = dir.resolve(name(rows, gzip));
        long size = size(rows, gzip);
        if (Files.isRegularFile(file) && Files.size(file) == size) {
            generated[0] = false;
            return file;
        }
        Files.createDirectories(dir);
        Path temp = dir.resolve(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temp)) {
            write(out, rows, gzip);
        }
        if (Files.size(temp) != size) {
            throw new IllegalStateException(temp + " has " + Files.size(temp) + " bytes, expected " + size);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        generated[0] = true;
        return file;
    }

    /** Writes the file of {@code rows} data rows to {@code out}. */
    void write(OutputStream out, long rows, boolean gzip) throws IOException {
        long whole = rows / sourceRows();
        int rest = (int) (rows % sourceRows());
        byte[][] m = gzip ? members() : new byte[][] {header, block};
        out.write(m[0]);
        for (long i = 0; i < whole; i++) {
            out.write(m[1]);
        }
        if (rest > 0) {
            if (gzip) {
                out.write(prefix(rest));
            } else {
                out.write(block, 0, ends[rest]);
            }
        }
    }

    /** The header's and the whole block's gzip members, compressed once. */
    private byte[][] members() {
        if (members == null) {
            members = new byte[][] {gzip(header, header.length), gzip(block, block.length)};
        }
        return members;
    }

    private byte[] prefix(int lines) {
        return prefixes.computeIfAbsent(lines, k -> gzip(block, ends[k]));
    }

    private static byte[] gzip(byte[] bytes, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
            gz.write(bytes, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
