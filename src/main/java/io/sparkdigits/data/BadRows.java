package io.sparkdigits.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.LineRecordReader;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Turns a {@link BadRowException} raised inside a Spark job into a user message with a line
 * number. Spark reports neither line numbers nor the failing row, so the driver re-reads the one
 * file concerned, up to the bad row, with the split rules of Hadoop's line reader.
 */
public final class BadRows {
    private BadRows() {
    }

    /** The bad-row exception somewhere in {@code t}'s causes, or null. */
    public static BadRowException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BadRowException b) {
                return b;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    /**
     * What to throw for a failed Spark job: the bad row as a user message if one caused it,
     * otherwise the failure itself, unchecked.
     */
    public static RuntimeException translate(Exception failure, CsvLayout layout, Configuration conf) {
        BadRowException bad = find(failure);
        if (bad != null) {
            return describe(bad, layout, conf);
        }
        BadInputException unreadable = unreadable(failure, layout, conf);
        if (unreadable != null) {
            return unreadable;
        }
        return failure instanceof RuntimeException r ? r : new IllegalStateException(failure.getMessage(), failure);
    }

    /**
     * A job that failed reading its input, e.g. a gzip file cut short or corrupt: the first input
     * file that cannot be read to its end on the driver either, named with what is wrong, or
     * null. Only compressed files are re-read; a plain file fails the same way on every reader.
     */
    static BadInputException unreadable(Throwable failure, CsvLayout layout, Configuration conf) {
        boolean io = false;
        for (Throwable c = failure; c != null && c.getCause() != c; c = c.getCause()) {
            io |= c instanceof IOException;
        }
        if (!io) {
            return null;
        }
        for (String name : layout.files()) {
            Path file = CsvLayout.fromSparkName(name);
            if (new CompressionCodecFactory(conf).getCodec(file) == null) {
                continue;
            }
            try (InputStream in = open(file, conf)) {
                byte[] buffer = new byte[1 << 16];
                while (in.read(buffer) >= 0) {
                    // Read to the end: the decompressor checks the length and CRC there.
                }
            } catch (IOException | RuntimeException e) {
                return new BadInputException(name + ": cannot be read to its end (" + e.getMessage()
                        + "); the file is truncated or corrupt", e);
            }
        }
        return null;
    }

    /** {@code file:line N: problem}, or the split position when the file cannot be re-read. */
    public static BadInputException describe(BadRowException bad, CsvLayout layout, Configuration conf) {
        long line = -1;
        try {
            line = lineNumber(CsvLayout.fromSparkName(bad.file()), bad.blockStart(), bad.ordinal(),
                    layout.headers().has(bad.file()), conf);
        } catch (IOException | RuntimeException e) {
            // Fall through to the split position, which still locates the row.
        }
        String where = line > 0 ? bad.file() + ": line " + line : bad.getMessage().split(": ", 2)[0];
        return new BadInputException(where + ": " + bad.problem()
                + " (use --bad-rows skip to drop such rows)", bad);
    }

    /**
     * 1-based line of the {@code ordinal}-th data row of the split that starts at byte
     * {@code blockStart}. A split other than the first begins after the first line break at or
     * past its start (the line under way belongs to the previous split); blank lines and the
     * header are not data rows.
     */
    static long lineNumber(Path file, long blockStart, long ordinal, boolean header, Configuration conf)
            throws IOException {
        // Lines are counted as the split readers cut them: every line before this split's first was
        // read by an earlier split, whatever the offsets mean (bzip2's are compressed bytes).
        long lineNo = blockStart == 0 ? 0 : linesBefore(file, blockStart, conf);
        boolean headerPending = header && blockStart == 0;
        long seen = -1;
        try (LineRecordReader r = LineRDD.reader(file, blockStart, Long.MAX_VALUE - blockStart, conf)) {
            while (r.nextKeyValue()) {
                lineNo++;
                Text line = r.getCurrentValue();
                if (LineCursor.blank(UTF8String.fromBytes(line.getBytes(), 0, line.getLength()))) {
                    continue;
                }
                if (headerPending) {
                    headerPending = false;
                    continue;
                }
                if (++seen == ordinal) {
                    return lineNo;
                }
            }
        }
        return -1;
    }

    /** How many lines the readers of the splits before byte {@code blockStart} read. */
    private static long linesBefore(Path file, long blockStart, Configuration conf) throws IOException {
        long lines = 0;
        try (LineRecordReader r = LineRDD.reader(file, 0, blockStart, conf)) {
            while (r.nextKeyValue()) {
                lines++;
            }
        }
        return lines;
    }

    /** A file's bytes, decompressed by its extension as Spark's text source does. */
    static InputStream open(Path file, Configuration conf) throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        InputStream raw = fs.open(file);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
        return new BufferedInputStream(codec == null ? raw : codec.createInputStream(raw), 1 << 16);
    }
}
