package io.sparkdigits.bench;

import io.sparkdigits.data.Shard;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.train.SparkGradients;
import io.sparkdigits.train.TrainConfig;
import io.sparkdigits.train.TrainSetup;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Spark's cost of one synchronous step, compute excluded: the latency of a training step whose
 * batch is two rows (so the arithmetic is negligible) for a 784-128-64-10 model, from shipping
 * the weights to the optimizer's update on the driver, against the latency of an empty two-task
 * job in the same session.
 */
public final class StepOverhead {
    private StepOverhead() {
    }

    /** Median milliseconds of the empty job and of the step. */
    public record Result(double emptyJobMs, double stepMs, int params) {
        public double ratio() {
            return stepMs / emptyJobMs;
        }
    }

    public static Result measure(SparkSession spark, int repeats) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // Shards made by the tasks, not parallelized from the driver: a parallelized collection
        // travels inside its partitions, with every task of every job, and would inflate both timings.
        JavaRDD<Shard> rdd = jsc.parallelize(List.of(0, 1), 2).map(StepOverhead::randomShard).cache();
        rdd.count();
        TrainConfig cfg = new TrainConfig("bench", new int[] {128, 64}, Activation.RELU, "adam", 0.006, 0.9, false, 0,
                "constant", 2, 1, 1, 2, 0);
        TrainSetup setup = TrainSetup.of(cfg, 784, new long[] {1000, 1000}, 255f, 10);
        SparkGradients step = new SparkGradients(rdd, setup.kernel(), 2, new io.sparkdigits.train.JobDeadline(spark.sparkContext(), 0));
        float[] params = setup.initialParams();
        float[] grad = new float[params.length];
        double[] empty = new double[repeats];
        double[] steps = new double[repeats];
        for (int i = -repeats / 2; i < repeats; i++) { // the first half-round warms up the JIT
            long t0 = System.nanoTime();
            rdd.mapPartitions(it -> java.util.Collections.<Integer>emptyIterator()).count();
            long t1 = System.nanoTime();
            step.gradient(params, 0, Math.floorMod(i, 1000)).meanInto(grad);
            setup.optimizer().step(params, grad, 1e-3f);
            long t2 = System.nanoTime();
            if (i >= 0) {
                empty[i] = (t1 - t0) / 1e6;
                steps[i] = (t2 - t1) / 1e6;
            }
        }
        rdd.unpersist(false);
        return new Result(median(empty), median(steps), setup.spec().numParams());
    }

    /** 1,000 image-like rows (80% zeros) of partition {@code p}. */
    private static Shard randomShard(int p) {
        SplittableRandom r = new SplittableRandom(p + 1);
        byte[] px = new byte[1000 * 784];
        short[] labels = new short[1000];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (r.nextInt(5) == 0 ? r.nextInt(256) : 0);
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (short) r.nextInt(10);
        }
        return Shard.ofBytes(1000, 784, labels, px);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().master(args.length > 0 ? args[0] : "local[2]")
                .appName("step-overhead").config("spark.ui.enabled", "false")
                .config("spark.broadcast.compress", "false").getOrCreate();
        try {
            Result res = measure(spark, 200);
            System.out.printf(java.util.Locale.ROOT, "empty 2-task job %.2f ms, step (%d params, compute excluded) %.2f ms, ratio %.2f%n",
                    res.emptyJobMs(), res.params(), res.stepMs(), res.ratio());
        } finally {
            spark.stop();
        }
    }
}
