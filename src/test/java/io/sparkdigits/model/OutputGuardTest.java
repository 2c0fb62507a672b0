package io.sparkdigits.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sparkdigits.model.OutputGuard.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What counts as an output of ours, kind by kind; the commands' behaviour is in OutputSafetyTest. */
class OutputGuardTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    private String foreign(Path p, Kind kind) throws IOException {
        return OutputGuard.foreign(p.toUri().toString(), kind, CONF);
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    private Path dir(String name, String... files) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        for (String f : files) {
            Files.writeString(d.resolve(f), "x");
        }
        return d;
    }

    @Test
    void nothingThereIsFreeForEveryKind() throws IOException {
        for (Kind k : Kind.values()) {
            assertNull(foreign(tmp.resolve("absent"), k));
        }
    }

    @Test
    void anEmptyDirectoryTakesOnlyADirectoryOutput() throws IOException {
        Path empty = dir("empty");
        assertNull(foreign(empty, Kind.MODEL));
        assertNull(foreign(empty, Kind.PREDICTIONS));
        assertEquals("it is a directory, where a file goes", foreign(empty, Kind.REPORT));
        assertEquals("it is a directory, where a file goes", foreign(empty, Kind.CSV));
    }

    @Test
    void aModelIsKnownByTheFormatNameInItsManifest() throws IOException {
        Path ours = dir("ours");
        Files.writeString(ours.resolve("model.json"), "{\"format\": \"spark-digits-model\", \"formatVersion\": 9}");
        assertNull(foreign(ours, Kind.MODEL));
        Path broken = dir("broken");
        Files.writeString(broken.resolve("model.json"), "{\"format\": ");
        assertEquals("its model.json does not name the format spark-digits-model", foreign(broken, Kind.MODEL));
        assertEquals("it holds 2 entries and no model.json", foreign(dir("data", "a.csv", "b.csv"), Kind.MODEL));
        assertEquals("it holds 1 entry and no _SPARK_DIGITS_PREDICTIONS marker", foreign(ours, Kind.PREDICTIONS));
    }

    @Test
    void predictionsAreKnownByTheirMarker() throws IOException {
        assertNull(foreign(dir("pred", "_SPARK_DIGITS_PREDICTIONS", "_SUCCESS", "part-0.csv"), Kind.PREDICTIONS));
        // Spark's own marker is not enough: any Spark job writes it.
        assertEquals("it holds 2 entries and no _SPARK_DIGITS_PREDICTIONS marker",
                foreign(dir("other", "_SUCCESS", "part-0.csv"), Kind.PREDICTIONS));
    }

    @Test
    void aReportIsKnownByItsFormatField() throws IOException {
        assertNull(foreign(file("r.json", "{\"format\": \"spark-digits-evaluation\", \"rows\": 3}"), Kind.REPORT));
        String notOurs = "its content is not a report of ours";
        assertEquals(notOurs, foreign(file("a.json", "{\"rows\": 3, \"accuracy\": 1}"), Kind.REPORT));
        assertEquals(notOurs, foreign(file("b.json", "[\"spark-digits-evaluation\"]"), Kind.REPORT));
        assertEquals(notOurs, foreign(file("c.json", "not json"), Kind.REPORT));
        assertEquals(notOurs, foreign(file("d.json", ""), Kind.REPORT));
        assertEquals("it is a file, where a directory goes", foreign(file("e.json", "{}"), Kind.MODEL));
    }

    @Test
    void aConvertedCsvIsKnownByItsHeaderPlainOrGzippedWhateverItsName() throws IOException {
        assertNull(foreign(file("a.csv", "label,1x1,1x2\n1,2,3\n"), Kind.CSV));
        assertNull(foreign(file("header-only.csv", "label,1x1\n"), Kind.CSV));
        Path gz = Files.write(tmp.resolve("b.csv.gz._old-1234"), gzip("label,1x1,1x2\n1,2,3\n"));
        assertNull(foreign(gz, Kind.CSV));
        String notOurs = "its first line is not the label,1x1,... header convert-idx writes";
        assertEquals(notOurs, foreign(file("c.csv", "label,pixel1,pixel2\n1,2,3\n"), Kind.CSV));
        assertEquals(notOurs, foreign(file("d.csv", "label,1x1,1x2"), Kind.CSV)); // no line end: not ours
        assertEquals(notOurs, foreign(file("e.csv", ""), Kind.CSV));
        assertEquals(notOurs, foreign(Files.write(tmp.resolve("f.gz"), new byte[] {0x1f, (byte) 0x8b, 1}), Kind.CSV));
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        return bytes.toByteArray();
    }
}
