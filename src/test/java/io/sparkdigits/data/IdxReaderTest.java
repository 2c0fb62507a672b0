package io.sparkdigits.data;

import static io.sparkdigits.data.IdxFiles.bytes;
import static io.sparkdigits.data.IdxFiles.concat;
import static io.sparkdigits.data.IdxFiles.gzip;
import static io.sparkdigits.data.IdxFiles.head;
import static io.sparkdigits.data.IdxFiles.idx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void readsDimsAndUnsignedItems() throws IOException {
        Path f = write("images", IdxFiles.images());
        try (IdxReader r = IdxReader.open(f)) {
            assertFalse(r.gzipped());
            assertArrayEquals(new int[] {3, 2, 3}, r.dims());
            assertEquals(3, r.count());
            assertEquals(6, r.itemSize());
            byte[] item = new byte[6];
            r.readItem(item);
            r.readItem(item);
            assertEquals(1, r.remaining());
            assertArrayEquals(Arrays.copyOfRange(IdxFiles.IMAGES_3X2X3, 6, 12), item);
            assertEquals(255, item[5] & 0xff);
            r.readItem(item);
            assertEquals(0, r.remaining());
            assertThrows(IllegalStateException.class, () -> r.readItem(item));
        }
    }

    @Test
    void readsWholeFile() throws IOException {
        IdxArray a = IdxReader.read(write("images", IdxFiles.images()));
        assertArrayEquals(new int[] {3, 2, 3}, a.dims());
        assertArrayEquals(IdxFiles.IMAGES_3X2X3, a.data());
        assertEquals(200, a.get(2, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(3, 0));
        IdxArray labels = IdxReader.read(write("labels", IdxFiles.labels()));
        assertEquals(1, labels.itemSize());
        assertEquals(9, labels.get(2, 0));
    }

    @Test
    void detectsGzipByContentNotName() throws IOException {
        Path gz = write("images-no-suffix", gzip(IdxFiles.images()));
        try (IdxReader r = IdxReader.open(gz)) {
            assertTrue(r.gzipped());
        }
        assertArrayEquals(IdxFiles.IMAGES_3X2X3, IdxReader.read(gz).data());
        Path plainNamedGz = write("images.gz", IdxFiles.images());
        assertArrayEquals(IdxFiles.IMAGES_3X2X3, IdxReader.read(plainNamedGz).data());
    }

    @Test
    void rejectsBadMagic() throws IOException {
        Path f = write("notes.csv", "label,1x1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.open(f));
        assertMessage(e, f, "not an IDX file", "6c 61");
    }

    @Test
    void rejectsOtherElementTypes() throws IOException {
        Path f = write("floats", idx(0x0D, new int[] {1}, new byte[4]));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.open(f));
        assertMessage(e, f, "0x0d", "float", "not supported");
    }

    @Test
    void rejectsZeroDimensions() throws IOException {
        Path f = write("scalar", bytes(0, 0, 8, 0));
        assertMessage(assertThrows(IdxFormatException.class, () -> IdxReader.open(f)), f, "0 dimensions");
    }

    @Test
    void rejectsTruncatedHeader() throws IOException {
        Path tiny = write("tiny", bytes(0, 0));
        assertMessage(assertThrows(IdxFormatException.class, () -> IdxReader.open(tiny)), tiny, "truncated IDX header");
        Path cutDims = write("cut-dims", head(IdxFiles.images(), 10));
        assertMessage(assertThrows(IdxFormatException.class, () -> IdxReader.open(cutDims)), cutDims,
                "truncated IDX header", "3 dimensions");
    }

    @Test
    void rejectsPlainFileShorterThanItsHeaderSays() throws IOException {
        byte[] full = IdxFiles.images();
        Path f = write("short", head(full, full.length - 1));
        assertMessage(assertThrows(IdxFormatException.class, () -> IdxReader.open(f)), f, "truncated", "3x2x3");
    }

    @Test
    void rejectsPlainFileLongerThanItsHeaderSays() throws IOException {
        Path f = write("long", concat(IdxFiles.images(), bytes(1, 2)));
        assertMessage(assertThrows(IdxFormatException.class, () -> IdxReader.open(f)), f, "2 bytes after");
    }

    @Test
    void reportsTruncatedGzipDataWhenItRunsOut() throws IOException {
        // A complete gzip stream whose IDX content stops inside the third image.
        byte[] full = IdxFiles.images();
        Path f = write("short.gz", gzip(head(full, full.length - 2)));
        try (IdxReader r = IdxReader.open(f)) {
            byte[] item = new byte[r.itemSize()];
            r.readItem(item);
            r.readItem(item);
            IdxFormatException e = assertThrows(IdxFormatException.class, () -> r.readItem(item));
            assertMessage(e, f, "truncated", "item 3 of 3");
        }
    }

    @Test
    void reportsCutOffGzipStream() throws IOException {
        // The gzip stream itself is cut: its trailer and part of the deflate data are missing.
        byte[] gz = gzip(IdxFiles.images());
        Path f = write("cut.gz", head(gz, gz.length - 12));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertMessage(e, f, "gzip stream is truncated or corrupt");
    }

    @Test
    void reportsGzipDataAfterTheDeclaredItems() throws IOException {
        Path f = write("long.gz", gzip(concat(IdxFiles.images(), bytes(9))));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertMessage(e, f, "data continues after");
    }

    @Test
    void namesAMissingFile() {
        Path f = dir.resolve("absent");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> IdxReader.open(f));
        assertMessage(e, f, "no such file");
    }

    static void assertMessage(Exception e, Path file, String... parts) {
        String m = e.getMessage();
        assertTrue(m.startsWith(file.toString()), () -> "message should start with the file name: " + m);
        assertFalse(m.contains("\n"), () -> "message should be one line: " + m);
        for (String part : parts) {
            assertTrue(m.contains(part), () -> "message should mention '" + part + "': " + m);
        }
    }
}
