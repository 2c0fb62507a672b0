package io.sparkdigits.train;

import io.sparkdigits.data.JobDescription;
import io.sparkdigits.data.Shard;
import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * One training step as one Spark job: the current weights are shipped, each partition computes
 * the gradient of its slice of the global batch, and the partial sums are added in partition order
 * (on the driver, or tree-aggregated on the executors when there are many). The cached shards
 * never move.
 *
 * <p>The weights go in a broadcast rather than the task closure: a closure is serialized to check
 * it, again into the task binary, and deserialized by every task, while a broadcast is written
 * once and fetched once per executor. On a local master, whose tasks run in this JVM, weights and
 * partials are handed over in memory instead ({@link StepExchange}). Either is freed when the
 * step is done.
 * Each step's job runs under a {@link JobDeadline}, so a step that cannot finish (no executors
 * left) fails the run instead of hanging it.
 */
public final class SparkGradients implements GradientSource {
    private final JavaRDD<Shard> shards;
    private final PartitionGradient kernel;
    private final int depth;
    private final JobDeadline deadline;
    private boolean inMemory;
    private int epochs;
    private int steps;

    /** @param depth treeAggregate depth: 2 suits tens of partitions, more for hundreds */
    public SparkGradients(JavaRDD<Shard> shards, PartitionGradient kernel, int depth, JobDeadline deadline) {
        this.shards = shards;
        this.kernel = kernel;
        this.depth = depth;
        this.deadline = deadline;
        this.inMemory = StepExchange.inMemory(shards.context());
    }

    /**
     * Ships the weights and partials through Spark even on a local master (a broadcast out, task
     * results back): the path a cluster takes, for tests and for the bench's byte counts.
     */
    public SparkGradients throughSpark() {
        inMemory = false;
        return this;
    }

    /** Lets job descriptions say how far the run is: {@code train epoch 3/15 step 12/29}. */
    public SparkGradients totals(int epochs, int stepsPerEpoch) {
        this.epochs = epochs;
        this.steps = stepsPerEpoch;
        return this;
    }

    /** What the Spark UI shows for a step's job. */
    String description(int epoch, int step) {
        return "train epoch " + (epoch + 1) + (epochs > 0 ? "/" + epochs : "") + " step " + (step + 1)
                + (steps > 0 ? "/" + steps : "");
    }

    @Override
    public GradientSum gradient(float[] params, int epoch, int step) {
        SparkContext sc = shards.context();
        StepExchange exchange = StepExchange.of(sc, params, shards.getNumPartitions(), inMemory);
        try {
            Partial partial = new Partial(kernel, shards.getNumPartitions(), exchange, epoch, step);
            return JobDescription.run(sc, description(epoch, step), () -> deadline.run(
                    "step " + (step + 1) + " of epoch " + (epoch + 1), () -> combine(sc, partial)));
        } finally {
            exchange.release();
        }
    }

    /**
     * The sum of the partials in partition order. With a tree that has levels below the driver,
     * {@code treeAggregate} merges on the executors, unless the partials are handed over in
     * memory (a local master's threads): the driver then sums them itself, holding all P until
     * the job ends (P x 4 bytes a parameter, where the tree holds a few). Otherwise one job hands each partial to the driver,
     * started by {@code runJob} with {@link Partial}, a named class: Spark's closure cleaner lets
     * such a function by, while for every lambda of a job ({@code mapPartitions}'s,
     * {@code collect}'s) it reads and parses a class file with ASM, about 6 ms a step on local[2]
     * where a warm step of the default preset costs about 35.
     */
    private GradientSum combine(SparkContext sc, Partial partial) {
        int partitions = shards.getNumPartitions();
        if (inMemory || !treeHasLevels(partitions, depth)) {
            GradientSum[] returned = (GradientSum[]) sc.runJob(shards.rdd(), partial, SUM);
            GradientSum sum = new GradientSum();
            for (GradientSum p : partial.exchange.partials(returned)) {
                sum.merge(p);
            }
            return sum;
        }
        return shards.mapPartitionsWithIndex((p, it) -> Collections.singletonList(partial.compute(p, it)).iterator(), true)
                .treeAggregate(new GradientSum(), GradientSum::merge, GradientSum::merge, depth);
    }

    /**
     * Whether {@code treeAggregate} over {@code n} partitions at {@code depth} combines any on
     * executors: Spark's own test (RDD.treeAggregate in Spark 4.1).
     */
    static boolean treeHasLevels(int n, int depth) {
        int scale = Math.max((int) Math.ceil(Math.pow(n, 1.0 / depth)), 2);
        return n > scale + (int) Math.ceil((double) n / scale);
    }

    private static final ClassTag<GradientSum> SUM = ClassTag$.MODULE$.apply(GradientSum.class);

    /** One partition's part of a step: the gradient of its slice of the batch at the step's weights. */
    static final class Partial extends AbstractFunction2<TaskContext, scala.collection.Iterator<Shard>, GradientSum>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final PartitionGradient kernel;
        private final int partitions;
        private final StepExchange exchange;
        private final int epoch;
        private final int step;

        Partial(PartitionGradient kernel, int partitions, StepExchange exchange, int epoch, int step) {
            this.kernel = kernel;
            this.partitions = partitions;
            this.exchange = exchange;
            this.epoch = epoch;
            this.step = step;
        }

        @Override
        public GradientSum apply(TaskContext task, scala.collection.Iterator<Shard> it) {
            int partition = task.partitionId();
            return exchange.handBack(partition, compute(partition, CollectionConverters.asJava(it)));
        }

        GradientSum compute(int partition, Iterator<Shard> it) {
            float[] params = exchange.values();
            if (!it.hasNext()) {
                return GradientSum.empty(partition, partitions, params.length);
            }
            return kernel.compute(partition, partitions, it.next(), params, epoch, step);
        }
    }
}
