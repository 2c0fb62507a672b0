package io.sparkdigits.data;

import java.util.Iterator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Walks the rows of a {@link CsvFrames} split: skips blank lines and the header of each file that
 * has one (decided per file by {@link CsvLayout}), parses
 * the rest with a {@link LineParser}, and knows where each row is (file, split, ordinal among the
 * split's data rows) for keys and error messages. Blank means only spaces, tabs and carriage
 * returns, as in {@link BadRows} and {@code RowKeys}.
 */
public final class LineCursor implements RowCursor {
    private final Iterator<InternalRow> rows;
    private final LineParser parser;
    private final CsvLayout.Headers headers;
    private UTF8String fileBytes;
    private String file;
    private long block = -1;
    private long ordinal = -1;
    private boolean headerPending;
    private String problem;

    public LineCursor(Iterator<InternalRow> rows, LineParser parser, CsvLayout.Headers headers) {
        this.rows = rows;
        this.parser = parser;
        this.headers = headers;
    }

    /** Moves to the next data row and parses it into {@code values}; false at the end. */
    @Override
    public boolean next(float[] values) {
        while (rows.hasNext()) {
            InternalRow row = rows.next();
            UTF8String line = row.getUTF8String(CsvFrames.LINE);
            UTF8String rowFile = row.getUTF8String(CsvFrames.FILE);
            long rowBlock = row.getLong(CsvFrames.BLOCK);
            // Compared as bytes and decoded once a split: the path is the same on every row.
            if (rowBlock != block || !rowFile.equals(fileBytes)) {
                fileBytes = rowFile.clone();
                file = fileBytes.toString();
                block = rowBlock;
                ordinal = -1;
                headerPending = rowBlock == 0 && headers.has(file);
                if (rowBlock == 0) {
                    line = withoutBom(line);
                }
            }
            if (blank(line)) {
                continue;
            }
            if (headerPending) {
                headerPending = false;
                continue;
            }
            ordinal++;
            problem = parser.parse(line, values);
            return true;
        }
        return false;
    }

    /**
     * The first line of a file without the UTF-8 byte-order mark that some editors put first:
     * it is no part of the data.
     */
    static UTF8String withoutBom(UTF8String line) {
        return line.numBytes() >= 3 && line.getByte(0) == (byte) 0xEF && line.getByte(1) == (byte) 0xBB
                && line.getByte(2) == (byte) 0xBF ? line.substring(1, line.numChars()) : line;
    }

    /** Whether a line holds nothing but spaces, tabs and a carriage return: skipped, never a row. */
    static boolean blank(UTF8String line) {
        for (int i = 0; i < line.numBytes(); i++) {
            byte b = line.getByte(i);
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** What is wrong with the current row, or null. */
    public String problem() {
        return problem;
    }

    public int label() {
        return parser.label();
    }

    public String file() {
        return file;
    }

    public long block() {
        return block;
    }

    /** 0-based position of the current row among its split's data rows: 0 on a split's first. */
    public long ordinal() {
        return ordinal;
    }

    /** The current row's problem as an exception that locates it. */
    public BadRowException badRow() {
        return new BadRowException(file, block, ordinal, problem);
    }
}
