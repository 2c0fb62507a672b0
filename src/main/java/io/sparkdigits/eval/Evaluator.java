package io.sparkdigits.eval;

import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.Shard;
import io.sparkdigits.infer.Predictor;
import io.sparkdigits.nn.BatchStats;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.SoftmaxCrossEntropy;
import io.sparkdigits.infer.TaskWeights;
import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * Accuracy, loss and the confusion matrix of a network over cached shards, computed where the
 * shards live: only a K x K matrix per partition travels, and the driver adds them up in partition
 * order, so a report does not depend on which task finished first.
 */
public final class Evaluator {
    /** Every row of every shard. */
    public static final DigitData.Rows ALL_ROWS = (rows, partition) -> null;
    private static final ClassTag<Partial> PARTIAL = ClassTag$.MODULE$.apply(Partial.class);

    private Evaluator() {
    }

    /**
     * The report over rows {@code which} of every shard. The job runs a named function class with
     * {@code runJob}: Spark's closure cleaner, which reads and parses the class file behind each
     * lambda of a job, lets it by; a training run evaluates after every epoch.
     */
    public static EvaluationReport evaluate(JavaRDD<Shard> shards, Predictor predictor, DigitData.Rows which) {
        int classes = predictor.spec().outputSize();
        // The weights travel once per executor (a broadcast), or not at all on a local master, not
        // inside every task's binary (megabytes for the larger presets).
        TaskWeights weights = TaskWeights.of(shards.context(), predictor.params());
        try {
            Partial[] parts = (Partial[]) shards.context().runJob(shards.rdd(),
                    new Score(predictor.spec(), weights, predictor.scale(), which), PARTIAL);
            Partial total = new Partial(classes);
            for (Partial part : parts) {
                total.merge(part);
            }
            return new EvaluationReport(total.cm, total.loss, total.rows);
        } finally {
            weights.release();
        }
    }

    /** One partition's task: its partial report. */
    private static final class Score extends AbstractFunction2<TaskContext, scala.collection.Iterator<Shard>, Partial>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final NetworkSpec spec;
        private final TaskWeights weights;
        private final float scale;
        private final DigitData.Rows which;

        Score(NetworkSpec spec, TaskWeights weights, float scale, DigitData.Rows which) {
            this.spec = spec;
            this.weights = weights;
            this.scale = scale;
            this.which = which;
        }

        @Override
        public Partial apply(TaskContext task, scala.collection.Iterator<Shard> it) {
            Predictor local = new Predictor(spec, weights.values(), scale);
            Partial part = new Partial(spec.outputSize());
            while (it.hasNext()) {
                Shard s = it.next();
                part.add(local, s, which.of(s.rows(), task.partitionId()));
            }
            return part;
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
