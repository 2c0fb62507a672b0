package io.sparkdigits.eval;

import io.sparkdigits.data.BadRowException;
import io.sparkdigits.data.LineCursor;
import io.sparkdigits.infer.Predictor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What a partition of a streaming evaluation sends to the driver: one confusion matrix for all of
 * its rows (integer counts, so the order they are merged in does not matter) and, per input split,
 * the rest ({@link SplitCounts}). The loss is kept per split so that the driver can sum it in file
 * order: a double sum depends on its order, and the splits' order across partitions depends on
 * the scheduling.
 */
final class StreamTally implements Serializable {
    private static final long serialVersionUID = 1L;
    final ConfusionMatrix cm;
    final List<SplitCounts> splits = new ArrayList<>();

    StreamTally(int classes) {
        this.cm = new ConfusionMatrix(classes);
    }

    /** One split's share: scored rows and their summed loss, bad rows skipped, or the bad row that stopped it. */
    static final class SplitCounts implements Serializable {
        private static final long serialVersionUID = 1L;
        final String file;
        final long block;
        long scored;
        double loss;
        long skipped;
        String firstSkipped;
        BadRowException badRow;

        SplitCounts(String file, long block) {
            this.file = file;
            this.block = block;
        }
    }

    /**
     * Scores every data row of a partition, a chunk at a time, without keeping the rows. A chunk
     * never spans two splits, so each split's loss is the same however the splits are packed into
     * partitions. A bad row is counted when {@code skipBadRows}, else it ends the partition as its
     * split's bad row (reported as data: a thrown one would be retried and logged at length).
     */
    static StreamTally score(LineCursor cursor, Predictor predictor, boolean skipBadRows) {
        int cols = predictor.spec().inputSize();
        float scale = predictor.scale();
        StreamTally tally = new StreamTally(predictor.spec().outputSize());
        float[] values = new float[cols];
        float[] x = predictor.inputBuffer();
        short[] labels = new short[Predictor.CHUNK];
        SplitCounts split = null;
        int n = 0;
        while (cursor.next(values)) {
            if (cursor.ordinal() == 0) { // the first data row of a split
                tally.flush(split, predictor, labels, n);
                n = 0;
                split = new SplitCounts(cursor.file(), cursor.block());
                tally.splits.add(split);
            }
            if (cursor.problem() != null) {
                if (!skipBadRows) {
                    split.badRow = cursor.badRow();
                    break;
                }
                split.skipped++;
                split.firstSkipped = split.firstSkipped != null ? split.firstSkipped : cursor.badRow().getMessage();
                continue;
            }
            for (int c = 0; c < cols; c++) {
                x[n * cols + c] = values[c] * scale;
            }
            labels[n] = (short) cursor.label();
            if (++n == Predictor.CHUNK) {
                tally.flush(split, predictor, labels, n);
                n = 0;
            }
        }
        tally.flush(split, predictor, labels, n);
        return tally;
    }

    /** Scores the first {@code n} rows of the predictor's input buffer into {@code split}. */
    private void flush(SplitCounts split, Predictor predictor, short[] labels, int n) {
        if (n == 0) {
            return;
        }
        float[] p = predictor.probabilities(n);
        split.loss += Evaluator.Partial.count(cm, p, labels, n, cm.classes());
        split.scored += n;
    }

    StreamTally merge(StreamTally other) {
        cm.merge(other.cm);
        splits.addAll(other.splits);
        return this;
    }
}
