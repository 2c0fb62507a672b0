package io.sparkdigits.eval;

import io.sparkdigits.data.Shard;
import io.sparkdigits.nn.BatchStats;
import io.sparkdigits.score.Predictor;
import io.sparkdigits.train.RowSplit;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;

/**
 * Accuracy, loss and the confusion matrix of a network over cached shards, computed where the
 * shards live and combined with {@code treeAggregate}: only a 10 x 10 matrix per partition
 * travels.
 */
public final class Evaluator {
    private Evaluator() {
    }

    /** Which rows of each partition to score. */
    public enum Rows { ALL, VALIDATION }

    public static EvaluationReport evaluate(JavaRDD<Shard> shards, Predictor predictor, RowSplit split, Rows which) {
        int classes = predictor.spec().outputSize();
        Partial total = shards
                .mapPartitionsWithIndex((p, it) -> {
                    Partial part = new Partial(classes);
                    while (it.hasNext()) {
                        Shard s = it.next();
                        int[] rows = which == Rows.ALL ? null : split.validationRows(s.rows(), p);
                        BatchStats stats = new BatchStats();
                        predictor.evaluate(s, rows, part.cm, stats);
                        part.loss += stats.lossSum();
                        part.rows += stats.count();
                    }
                    return java.util.List.of(part).iterator();
                }, true)
                .treeAggregate(new Partial(classes), Partial::merge, Partial::merge, 2);
        return new EvaluationReport(total.cm, total.loss, total.rows);
    }

    /** One partition's confusion matrix and summed loss. */
    static final class Partial implements Serializable {
        private static final long serialVersionUID = 1L;
        final ConfusionMatrix cm;
        double loss;
        long rows;

        Partial(int classes) {
            this.cm = new ConfusionMatrix(classes);
        }

        Partial merge(Partial other) {
            cm.merge(other.cm);
            loss += other.loss;
            rows += other.rows;
            return this;
        }
    }
}
