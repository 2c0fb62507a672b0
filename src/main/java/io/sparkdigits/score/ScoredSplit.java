package io.sparkdigits.score;

import io.sparkdigits.infer.Predictor;
import io.sparkdigits.data.BadRowException;
import io.sparkdigits.data.LineCursor;
import io.sparkdigits.nn.SoftmaxCrossEntropy;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The predictions for the data rows of one split of one input file, in line order, with what the
 * driver needs before anything is written: how many data rows the split holds (the row keys of
 * later splits of the file start after them), how many were skipped as bad, and the first bad row.
 * Kept in memory between the scoring job and the write job, so the input is read once: a few
 * bytes per row instead of the 785 values.
 */
final class ScoredSplit implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What the driver collects of a split. */
    record Summary(String file, long block, long rows, int scored, long skipped, BadRowException badRow)
            implements Serializable {
    }

    private final String file;
    private final long block;
    private long rows;
    private int scored;
    private long skipped;
    private BadRowException badRow;
    private int[] ordinals = new int[Predictor.CHUNK];
    /** Shorts: up to 1,000 classes (data.Labels), two bytes a row. */
    private short[] labels;
    private short[] predictions = new short[Predictor.CHUNK];
    private float[] confidences = new float[Predictor.CHUNK];
    /** {@code classes} per row when asked for, else null. */
    private float[] probabilities;
    private final int classes;

    private ScoredSplit(String file, long block, boolean labeled, boolean probabilities, int classes) {
        this.file = file;
        this.block = block;
        this.classes = classes;
        this.labels = labeled ? new short[Predictor.CHUNK] : null;
        this.probabilities = probabilities ? new float[Predictor.CHUNK * classes] : null;
    }

    Summary summary() {
        return new Summary(file, block, rows, scored, skipped, badRow);
    }

    /**
     * Scores every data row of a partition, chunk by chunk, into one ScoredSplit per split. A bad
     * row is skipped and counted when {@code skipBadRows}, else it is kept as the split's bad row
     * and the partition stops there (the driver fails the run before writing anything).
     */
    static Iterator<ScoredSplit> scoreAll(LineCursor cursor, Predictor predictor, boolean labeled,
                                          boolean skipBadRows, boolean probabilities) {
        List<ScoredSplit> out = new ArrayList<>();
        int cols = predictor.spec().inputSize();
        int classes = predictor.spec().outputSize();
        float scale = predictor.scale();
        float[] values = new float[cols];
        float[] x = predictor.inputBuffer();
        int[] chunkOrdinals = new int[Predictor.CHUNK];
        short[] chunkLabels = new short[Predictor.CHUNK];
        ScoredSplit split = null;
        int n = 0;
        while (cursor.next(values)) {
            if (cursor.ordinal() == 0) { // the first data row of a split
                if (split != null) {
                    split.add(predictor, n, chunkOrdinals, chunkLabels);
                    n = 0;
                }
                split = new ScoredSplit(cursor.file(), cursor.block(), labeled, probabilities, classes);
                out.add(split);
            }
            split.rows = cursor.ordinal() + 1;
            if (cursor.problem() != null) {
                if (!skipBadRows) {
                    split.badRow = cursor.badRow();
                    break;
                }
                split.skipped++;
                continue;
            }
            for (int c = 0; c < cols; c++) {
                x[n * cols + c] = values[c] * scale;
            }
            chunkOrdinals[n] = (int) cursor.ordinal();
            chunkLabels[n] = (short) cursor.label();
            if (++n == Predictor.CHUNK) {
                split.add(predictor, n, chunkOrdinals, chunkLabels);
                n = 0;
            }
        }
        if (split != null) {
            split.add(predictor, n, chunkOrdinals, chunkLabels);
        }
        return out.iterator();
    }

    /** Scores the first {@code n} rows of the predictor's input buffer and appends them. */
    private void add(Predictor predictor, int n, int[] chunkOrdinals, short[] chunkLabels) {
        if (n == 0) {
            return;
        }
        float[] p = predictor.probabilities(n);
        int need = scored + n;
        if (need > predictions.length) {
            int size = Math.max(need, 2 * predictions.length);
            ordinals = Arrays.copyOf(ordinals, size);
            predictions = Arrays.copyOf(predictions, size);
            confidences = Arrays.copyOf(confidences, size);
            labels = labels == null ? null : Arrays.copyOf(labels, size);
            probabilities = probabilities == null ? null : Arrays.copyOf(probabilities, size * classes);
        }
        for (int r = 0; r < n; r++) {
            int best = SoftmaxCrossEntropy.argmax(p, r * classes, classes);
            int at = scored + r;
            ordinals[at] = chunkOrdinals[r];
            predictions[at] = (short) best;
            confidences[at] = p[r * classes + best];
            if (labels != null) {
                labels[at] = chunkLabels[r];
            }
            if (probabilities != null) {
                System.arraycopy(p, r * classes, probabilities, at * classes, classes);
            }
        }
        scored = need;
    }

    /** The output rows: file, row key, [label], prediction, confidence, [p0 .. p(k-1)]. */
    Iterator<Row> rows(RowKeys keys) {
        long base = keys.row(file, block, 0);
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < scored;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                int i = next++;
                List<Object> row = new ArrayList<>(5 + (probabilities == null ? 0 : classes));
                row.add(file);
                row.add(base + ordinals[i]);
                if (labels != null) {
                    row.add((int) labels[i]);
                }
                row.add((int) predictions[i]);
                row.add(confidences[i]);
                if (probabilities != null) {
                    for (int c = 0; c < classes; c++) {
                        row.add(probabilities[i * classes + c]);
                    }
                }
                return RowFactory.create(row.toArray());
            }
        };
    }
}
