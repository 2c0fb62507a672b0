package io.sparkdigits.ml;

import static org.apache.spark.sql.functions.col;

import io.sparkdigits.data.BadRowException;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.Labels;
import io.sparkdigits.data.RowCursor;
import java.util.Iterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A DataFrame's label and features columns packed into {@link DigitData}, the cached shards the
 * trainer reads. The rows keep the DataFrame's own partitions as input splits, so a DataFrame
 * holding the rows of a CSV in the splits the CLI reads gives the CLI's shards, bit for bit.
 */
final class FrameRows {
    private FrameRows() {
    }

    /**
     * @param classes labels must be integers in {@code 0 .. classes - 1}, or {@link Labels#FROM_DATA}
     */
    static DigitData load(Dataset<?> frame, String labelCol, String featuresCol, int classes, int partitions) {
        FeatureColumns.label(frame.schema(), labelCol);
        int width = width(frame, featuresCol);
        Dataset<Row> rows = frame.select(col(labelCol).cast("double"), col(featuresCol));
        Cursors cursors = new Cursors(labelCol, featuresCol, classes);
        return DigitData.fromRows(rows.javaRDD(), cursors, width, partitions, "DataFrame column '" + featuresCol + "'",
                classes);
    }

    /**
     * As {@link #load}, for rows read from files ({@link InputFrames}): the frame holds the
     * columns {@code label, features, file, row, problem}, where {@code file} and {@code row} (0-based
     * in its file, or null for one-row files such as images) locate a bad row, and {@code problem}
     * is what the reader itself found wrong with a row, or null; {@code labelName} is what
     * messages call the label.
     */
    static DigitData loadFiles(Dataset<Row> frame, String labelName, int width, int classes, int partitions,
                               String source) {
        Cursors cursors = new Cursors(labelName, InputFrames.FEATURES, classes);
        return DigitData.fromRows(frame.javaRDD(), cursors, width, partitions, source, classes);
    }

    /** Values per row: from the column's metadata if it says, else from the first row. */
    static int width(Dataset<?> frame, String featuresCol) {
        int size = FeatureColumns.declaredSize(FeatureColumns.features(frame.schema(), featuresCol));
        if (size >= 0) {
            return size;
        }
        Row[] first = (Row[]) frame.select(col(featuresCol)).where(col(featuresCol).isNotNull()).take(1);
        if (first.length == 0) {
            throw new IllegalArgumentException("features column '" + featuresCol + "': no rows to train on");
        }
        Object v = first[0].get(0);
        return v instanceof org.apache.spark.ml.linalg.Vector vec ? vec.size() : first[0].getSeq(0).size();
    }

    /**
     * What is wrong with label {@code v} of {@code column}, or null if it is an integer in
     * {@code 0 .. classes - 1} ({@link Labels}): the label check of rows that come from a DataFrame
     * or from Parquet and image files.
     */
    static String labelProblem(double v, String column, int classes) {
        String problem = Labels.problem(v, classes);
        return problem == null ? null : "label column '" + column + "': " + problem;
    }

    /** "FILE: row N" (1-based), or the file alone for a file that is one row (an image). */
    static String where(String file, long row) {
        return row < 0 ? file : file + ": row " + (row + 1);
    }

    private record Cursors(String labelCol, String featuresCol, int classes) implements DigitData.CursorFactory<Row> {
        @Override
        public RowCursor open(int split, Iterator<Row> rows) {
            return new Cursor(split, rows, this);
        }
    }

    /** Reads (label, features) rows; a row's problem names its column and value. */
    private static final class Cursor implements RowCursor {
        private final int split;
        private final Iterator<Row> rows;
        private final Cursors cols;
        private long ordinal = -1;
        private int label;
        private String problem;
        private boolean located;
        private String file;
        private long fileRow;

        Cursor(int split, Iterator<Row> rows, Cursors cols) {
            this.split = split;
            this.rows = rows;
            this.cols = cols;
        }

        @Override
        public boolean next(float[] values) {
            if (!rows.hasNext()) {
                return false;
            }
            Row row = rows.next();
            ordinal++;
            located = row.length() > 2;
            if (located) {
                file = row.getString(2);
                fileRow = row.isNullAt(3) ? -1 : row.getLong(3);
                problem = row.isNullAt(4) ? null : row.getString(4);
                if (problem != null) {
                    return true;
                }
            }
            problem = readLabel(row);
            if (problem == null) {
                problem = FeatureColumns.toFloats(row.get(1), values, cols.featuresCol());
            }
            return true;
        }

        private String readLabel(Row row) {
            if (row.isNullAt(0)) {
                return "label column '" + cols.labelCol() + "' is null";
            }
            double v = row.getDouble(0);
            String bad = labelProblem(v, cols.labelCol(), cols.classes());
            if (bad == null) {
                label = (int) v;
            }
            return bad;
        }

        @Override
        public String problem() {
            return problem;
        }

        @Override
        public int label() {
            return label;
        }

        @Override
        public String file() {
            return located ? file : null;
        }

        @Override
        public BadRowException badRow() {
            if (located) {
                return new BadRowException(where(file, fileRow), problem);
            }
            return new BadRowException("row " + (ordinal + 1) + " of DataFrame partition " + split, problem);
        }
    }
}
