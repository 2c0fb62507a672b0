package io.sparkdigits.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX files for tests. */
final class IdxFiles {
    private IdxFiles() {
    }

    /** Three 2x3 images; row-major, with values that need one, two and three digits. */
    static final byte[] IMAGES_3X2X3 = bytes(
            0, 1, 2, 3, 4, 5,
            9, 10, 99, 100, 254, 255,
            128, 0, 7, 200, 17, 42);

    static final byte[] LABELS_3 = bytes(7, 0, 9);

    /** The CSV {@link #IMAGES_3X2X3} with {@link #LABELS_3} converts to. */
    static final String CSV_3X2X3 = "label,1x1,1x2,1x3,2x1,2x2,2x3\n"
            + "7,0,1,2,3,4,5\n"
            + "0,9,10,99,100,254,255\n"
            + "9,128,0,7,200,17,42\n";

    static byte[] images() {
        return idx(0x08, new int[] {3, 2, 3}, IMAGES_3X2X3);
    }

    static byte[] labels() {
        return idx(0x08, new int[] {3}, LABELS_3);
    }

    /** An IDX file: magic, type, dimension count, big-endian sizes, then {@code data}. */
    static byte[] idx(int type, int[] dims, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0);
        out.write(type);
        out.write(dims.length);
        for (int d : dims) {
            out.write(d >>> 24);
            out.write(d >>> 16);
            out.write(d >>> 8);
            out.write(d);
        }
        out.write(data, 0, data.length);
        return out.toByteArray();
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static byte[] head(byte[] a, int length) {
        byte[] c = new byte[length];
        System.arraycopy(a, 0, c, 0, length);
        return c;
    }
}
