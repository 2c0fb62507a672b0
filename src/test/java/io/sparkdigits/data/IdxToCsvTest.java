package io.sparkdigits.data;

import static io.sparkdigits.data.IdxFiles.CSV_3X2X3;
import static io.sparkdigits.data.IdxFiles.gzip;
import static io.sparkdigits.data.IdxFiles.head;
import static io.sparkdigits.data.IdxFiles.idx;
import static io.sparkdigits.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxToCsvTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static String read(Path f) throws IOException {
        return Files.readString(f, StandardCharsets.US_ASCII);
    }

    /** The header and the first {@code n} rows of {@link IdxFiles#CSV_3X2X3}. */
    private static String expectedRows(int n) {
        String[] lines = CSV_3X2X3.split("\n");
        StringBuilder s = new StringBuilder();
        for (int i = 0; i <= n; i++) {
            s.append(lines[i]).append('\n');
        }
        return s.toString();
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void writesHeaderAndRowsExactly() throws IOException {
        Path out = dir.resolve("out.csv");
        long rows = IdxToCsv.convert(write("images", IdxFiles.images()), write("labels", IdxFiles.labels()), out, -1);
        assertEquals(3, rows);
        assertEquals(CSV_3X2X3, read(out));
    }

    @Test
    void readsGzipInputs() throws IOException {
        Path out = dir.resolve("out.csv");
        IdxToCsv.convert(write("images.gz", gzip(IdxFiles.images())), write("labels.gz", gzip(IdxFiles.labels())), out, -1);
        assertEquals(CSV_3X2X3, read(out));
    }

    @Test
    void gzipsAnOutputNamedGz() throws IOException {
        Path out = dir.resolve("out.csv.gz");
        IdxToCsv.convert(write("images", IdxFiles.images()), write("labels", IdxFiles.labels()), out, -1);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(out))) {
            assertEquals(CSV_3X2X3, new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void limitsTheRows() throws IOException {
        Path images = write("images", IdxFiles.images());
        Path labels = write("labels", IdxFiles.labels());
        Path out = dir.resolve("out.csv");
        assertEquals(2, IdxToCsv.convert(images, labels, out, 2));
        assertEquals(expectedRows(2), read(out));
        assertEquals(0, IdxToCsv.convert(images, labels, out, 0));
        assertEquals(expectedRows(0), read(out));
        assertEquals(3, IdxToCsv.convert(images, labels, out, 10));
        assertEquals(CSV_3X2X3, read(out));
    }

    @Test
    void headerIsRowMajorForNonSquareImages() throws IOException {
        Path images = write("images", idx(0x08, new int[] {1, 3, 2}, IdxFiles.bytes(1, 2, 3, 4, 5, 6)));
        Path labels = write("labels", idx(0x08, new int[] {1}, IdxFiles.bytes(4)));
        Path out = dir.resolve("out.csv");
        IdxToCsv.convert(images, labels, out, -1);
        assertEquals("label,1x1,1x2,2x1,2x2,3x1,3x2\n4,1,2,3,4,5,6\n", read(out));
    }

    @Test
    void createsTheOutputDirectory() throws IOException {
        Path out = dir.resolve("a/b/out.csv");
        IdxToCsv.convert(write("images", IdxFiles.images()), write("labels", IdxFiles.labels()), out, -1);
        assertEquals(CSV_3X2X3, read(out));
    }

    @Test
    void rejectsDifferentCounts() throws IOException {
        Path images = write("images", IdxFiles.images());
        Path labels = write("labels", idx(0x08, new int[] {2}, IdxFiles.bytes(1, 2)));
        Path out = dir.resolve("out.csv");
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxToCsv.convert(images, labels, out, -1));
        assertMessage(e, images, "3 images", labels.toString(), "2 labels");
        assertFalse(Files.exists(out));
        assertEquals(List.of("images", "labels"), listing());
    }

    @Test
    void rejectsSwappedFiles() throws IOException {
        Path images = write("images", IdxFiles.images());
        Path labels = write("labels", IdxFiles.labels());
        Path out = dir.resolve("out.csv");
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxToCsv.convert(labels, images, out, -1));
        assertMessage(e, labels, "expected images", "found dimensions 3");
    }

    @Test
    void refusesToWriteOverAnInput() throws IOException {
        Path images = write("images", IdxFiles.images());
        Path labels = write("labels", IdxFiles.labels());
        IOException e = assertThrows(IOException.class, () -> IdxToCsv.convert(images, labels, labels, -1));
        assertTrue(e.getMessage().contains("the output is the input"), e.getMessage());
        assertEquals(-1, Files.mismatch(labels, write("labels-copy", IdxFiles.labels())));
    }

    @Test
    void failedConversionLeavesTheOldOutputAndNoTemporaryFile() throws IOException {
        // A gzip input cannot be length-checked up front, so this fails after rows were written.
        byte[] full = IdxFiles.images();
        Path images = write("images.gz", gzip(head(full, full.length - 3)));
        Path labels = write("labels", IdxFiles.labels());
        for (boolean overwrite : new boolean[] {false, true}) {
            String previous = overwrite ? "a file of the user's\n" : OURS;
            Path out = write("out.csv", previous.getBytes(StandardCharsets.US_ASCII));
            IdxFormatException e = assertThrows(IdxFormatException.class,
                    () -> IdxToCsv.convert(images, labels, out, -1, overwrite));
            assertMessage(e, images, "truncated");
            assertEquals(previous, read(out));
            assertEquals(List.of("images.gz", "labels", "out.csv"), listing());
        }
    }

    /** An earlier output of convert-idx, recognised by its header. */
    private static final String OURS = "label,1x1,1x2\n3,0,255\n";

    @Test
    void replacesAnOldOutput() throws IOException {
        Path out = write("out.csv", OURS.getBytes(StandardCharsets.US_ASCII));
        IdxToCsv.convert(write("images", IdxFiles.images()), write("labels", IdxFiles.labels()), out, -1);
        assertEquals(CSV_3X2X3, read(out));
        assertEquals(List.of("images", "labels", "out.csv"), listing());
    }

    @Test
    void replacesAnOldGzipOutput() throws IOException {
        Path out = write("out.csv.gz", gzip(OURS.getBytes(StandardCharsets.US_ASCII)));
        IdxToCsv.convert(write("images", IdxFiles.images()), write("labels", IdxFiles.labels()), out, -1);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(out))) {
            assertEquals(CSV_3X2X3, new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void refusesAFileItDidNotWriteUnlessToldToOverwrite() throws IOException {
        Path images = write("images", IdxFiles.images());
        Path labels = write("labels", IdxFiles.labels());
        for (String name : List.of("notes.csv", "notes.csv.gz")) {
            Path out = write(name, "label,comment\nkeep me\n".getBytes(StandardCharsets.US_ASCII));
            IOException e = assertThrows(IOException.class, () -> IdxToCsv.convert(images, labels, out, -1));
            assertTrue(e.getMessage().contains(name + " exists and is not a CSV written by convert-idx"), e.getMessage());
            assertEquals("label,comment\nkeep me\n", read(out));
        }
        Path out = dir.resolve("notes.csv");
        IdxToCsv.convert(images, labels, out, -1, true);
        assertEquals(CSV_3X2X3, read(out));
        assertEquals(List.of("images", "labels", "notes.csv", "notes.csv.gz"), listing());
    }
}
