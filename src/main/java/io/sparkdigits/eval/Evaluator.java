package io.sparkdigits.eval;

import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.Shard;
import io.sparkdigits.infer.Predictor;
import io.sparkdigits.nn.BatchStats;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.SoftmaxCrossEntropy;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;

/**
 * Accuracy, loss and the confusion matrix of a network over cached shards, computed where the
 * shards live and combined with {@code treeAggregate}: only a K x K matrix per partition travels.
 */
public final class Evaluator {
    /** Every row of every shard. */
    public static final DigitData.Rows ALL_ROWS = (rows, partition) -> null;

    private Evaluator() {
    }

    public static EvaluationReport evaluate(JavaRDD<Shard> shards, Predictor predictor, DigitData.Rows which) {
        int classes = predictor.spec().outputSize();
        NetworkSpec spec = predictor.spec();
        float scale = predictor.scale();
        // The weights travel as a broadcast, fetched once per executor, not inside every task's
        // binary (megabytes for the larger presets).
        Broadcast<float[]> weights = shards.context().broadcast(predictor.params(),
                scala.reflect.ClassTag$.MODULE$.apply(float[].class));
        try {
            Partial total = shards
                    .mapPartitionsWithIndex((p, it) -> {
                        Predictor local = new Predictor(spec, weights.value(), scale);
                        Partial part = new Partial(classes);
                        while (it.hasNext()) {
                            Shard s = it.next();
                            part.add(local, s, which.of(s.rows(), p));
                        }
                        return java.util.List.of(part).iterator();
                    }, true)
                    .treeAggregate(new Partial(classes), Partial::merge, Partial::merge, 2);
            return new EvaluationReport(total.cm, total.loss, total.rows);
        } finally {
            weights.destroy();
        }
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

        /** Scores rows {@code order} of {@code shard} (all if null), a chunk at a time. */
        void add(Predictor predictor, Shard shard, int[] order) {
            int n = order == null ? shard.rows() : order.length;
            int k = predictor.spec().outputSize();
            short[] labels = new short[Predictor.CHUNK];
            for (int at = 0; at < n; at += Predictor.CHUNK) {
                int end = Math.min(n, at + Predictor.CHUNK);
                float[] p = predictor.probabilities(shard, order, at, end, labels);
                loss += count(cm, p, labels, end - at, k);
                rows += end - at;
            }
        }

        /**
         * Counts {@code n} scored rows ({@code p}: {@code n x k} probabilities, overwritten) into
         * {@code cm} and returns their summed cross-entropy: the one place where a row becomes a
         * metric, shared by the cached-shard and the streaming evaluation.
         */
        static double count(ConfusionMatrix cm, float[] p, short[] labels, int n, int k) {
            for (int r = 0; r < n; r++) {
                cm.add(labels[r], SoftmaxCrossEntropy.argmax(p, r * k, k));
            }
            BatchStats stats = new BatchStats();
            SoftmaxCrossEntropy.lossAndDelta(p, labels, 0, n, k, stats);
            return stats.lossSum();
        }

        Partial merge(Partial other) {
            cm.merge(other.cm);
            loss += other.loss;
            rows += other.rows;
            return this;
        }
    }
}
