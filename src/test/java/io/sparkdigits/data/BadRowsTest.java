package io.sparkdigits.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.BZip2Codec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Line numbers recovered from (split start, ordinal), with Hadoop's split rules. */
class BadRowsTest {
    @TempDir
    Path dir;

    private long line(String text, long blockStart, long ordinal, boolean header) throws Exception {
        Path f = dir.resolve("f.csv");
        Files.writeString(f, text);
        return BadRows.lineNumber(new org.apache.hadoop.fs.Path(f.toUri()), blockStart, ordinal, header, new Configuration());
    }

    @Test
    void countsDataRowsAfterTheHeaderAndSkipsBlankLines() throws Exception {
        String text = "h,a\n1,2\n\n3,4\n5,6\n";
        assertEquals(2, line(text, 0, 0, true));
        assertEquals(4, line(text, 0, 1, true));
        assertEquals(5, line(text, 0, 2, true));
        assertEquals(1, line(text, 0, 0, false));
        assertEquals(-1, line(text, 0, 9, true));
    }

    /**
     * A bzip2 file is split at compressed offsets: a later split's rows are numbered by the lines
     * the earlier splits read, not by comparing that offset with decompressed bytes.
     */
    @Test
    void rowsOfALaterBzip2SplitGetTheirOwnLineNumbers() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 120_000; i++) { // two bzip2 blocks of 900 KB
            text.append(i).append(',').append(i * 31 % 256).append('\n');
        }
        Path f = dir.resolve("f.csv.bz2");
        BZip2Codec bzip2 = new BZip2Codec();
        bzip2.setConf(new Configuration());
        try (OutputStream out = bzip2.createOutputStream(Files.newOutputStream(f))) {
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(f.toUri());
        long start = Files.size(f) / 2;
        int first;
        try (var r = LineRDD.reader(file, start, Long.MAX_VALUE - start, new Configuration())) {
            assertTrue(r.nextKeyValue(), "the second block starts after the middle");
            first = Integer.parseInt(r.getCurrentValue().toString().split(",")[0]);
        }
        assertTrue(first > 0);
        assertEquals(first + 1, BadRows.lineNumber(file, start, 0, false, new Configuration()));
        assertEquals(first + 6, BadRows.lineNumber(file, start, 5, false, new Configuration()));
    }

    @Test
    void aLaterSplitStartsAfterTheLineUnderWayAtItsStart() throws Exception {
        String text = "h,a\n1,2\n3,4\n5,6\n";   // lines start at bytes 0, 4, 8, 12
        assertEquals(3, line(text, 5, 0, true));  // line 2 is under way at byte 5: the split starts at line 3
        assertEquals(3, line(text, 4, 0, true));  // a line starting exactly at the split belongs to the one before
        assertEquals(2, line(text, 3, 0, true));  // byte 3 is line 1's break: line 2 is the first record
        assertEquals(4, line(text, 3, 2, true));
    }
}
