package io.sparkdigits.train;

import io.sparkdigits.data.Shard;
import org.apache.spark.api.java.JavaRDD;

/** Computes one step's summed gradient over the global mini-batch: on Spark, or in this JVM. */
public interface GradientSource {
    GradientSum gradient(float[] params, int epoch, int step);

    /** Called once the loop is over, however it ended: frees what steps still hold. */
    default void close() {
    }

    /**
     * The steps of a run over cached {@code shards}: a job an epoch where the session asks for it
     * and the master allows it ({@link EpochJob#suits}), else a job a step ({@link SparkGradients},
     * tree depth 2).
     */
    static GradientSource onSpark(JavaRDD<Shard> shards, PartitionGradient kernel, JobDeadline deadline, int epochs,
                                  int stepsPerEpoch) {
        if (EpochJob.suits(shards.context(), shards.getNumPartitions())) {
            return new EpochJob(shards, kernel, epochs, stepsPerEpoch, deadline);
        }
        return new SparkGradients(shards, kernel, 2, deadline).totals(epochs, stepsPerEpoch);
    }
}
