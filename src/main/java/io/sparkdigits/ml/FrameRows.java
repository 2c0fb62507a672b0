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

    /** Values per row: from the column's metadata if it says, else from the first row. */
    private static int width(Dataset<?> frame, String featuresCol) {
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
            String problem = Labels.problem(v, cols.classes());
            if (problem != null) {
                return "label column '" + cols.labelCol() + "': " + problem;
            }
            label = (int) v;
            return null;
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
        public BadRowException badRow() {
            return new BadRowException("row " + (ordinal + 1) + " of DataFrame partition " + split, problem);
        }
    }
}
