package io.sparkdigits.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.data.Shard;
import io.sparkdigits.testing.SparkSessionExtension;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How a step's weights reach its tasks and their partials come back: on a local master the tasks
 * read the driver's array itself and leave their partials with the driver (nothing serialized,
 * nothing copied), through a task closure that carries only a number; a broadcast gives the tasks
 * the same values; either is gone once released.
 */
@ExtendWith(SparkSessionExtension.class)
class StepExchangeTest {
    private static float[] params() {
        float[] p = new float[10_000];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) Math.sin(i);
        }
        return p;
    }

    /** What each of two tasks sees: the identity hash of the array it reads, then its sum's bits. */
    private static List<long[]> seenByTasks(StepExchange weights) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessionExtension.spark().sparkContext());
        return jsc.parallelize(Arrays.asList(0, 1), 2).map(i -> {
            float[] v = weights.values();
            double sum = 0;
            for (float x : v) {
                sum += x;
            }
            return new long[] {System.identityHashCode(v), Double.doubleToLongBits(sum)};
        }).collect();
    }

    private static long sumBits(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x;
        }
        return Double.doubleToLongBits(sum);
    }

    @Test
    void aLocalMasterHandsTheTasksTheDriversArrayItself() {
        SparkContext sc = SparkSessionExtension.spark().sparkContext();
        float[] params = params();
        int before = StepExchange.InMemory.held();
        StepExchange weights = StepExchange.of(sc, params, 2, StepExchange.inMemory(sc));
        assertInstanceOf(StepExchange.InMemory.class, weights, "the test session's master is " + sc.master());
        try {
            for (long[] seen : seenByTasks(weights)) {
                assertEquals(System.identityHashCode(params), seen[0], "the task read a copy, not the driver's array");
                assertEquals(sumBits(params), seen[1]);
            }
        } finally {
            weights.release();
        }
        assertEquals(before, StepExchange.InMemory.held(), "released weights are no longer held");
        IllegalStateException e = assertThrows(IllegalStateException.class, weights::values);
        assertTrue(e.getMessage().contains("not in this JVM"), e.getMessage());
    }

    @Test
    void aLocalMastersTasksLeaveTheirPartialsWithTheDriver() {
        SparkContext sc = SparkSessionExtension.spark().sparkContext();
        StepExchange exchange = StepExchange.of(sc, params(), 2, true);
        try {
            List<Integer> left = JavaSparkContext.fromSparkContext(sc).parallelize(Arrays.asList(0, 1), 2).map(p -> {
                GradientSum partial = GradientSum.leaf(p, 2, new float[] {p, 1}, 0.5, 1, 1);
                return exchange.handBack(p, partial) == null ? System.identityHashCode(partial) : 0;
            }).collect();
            GradientSum[] partials = exchange.partials(new GradientSum[2]);
            for (int p = 0; p < 2; p++) {
                assertEquals(left.get(p), System.identityHashCode(partials[p]),
                        "partition " + p + "'s partial was copied or returned through Spark");
            }
        } finally {
            exchange.release();
        }
        StepExchange missing = StepExchange.of(sc, params(), 2, true);
        try {
            missing.handBack(1, GradientSum.leaf(1, 2, new float[2], 0, 0, 0));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> missing.partials(new GradientSum[2]));
            assertTrue(e.getMessage().contains("partition 0 left no partial"), e.getMessage());
        } finally {
            missing.release();
        }
    }

    @Test
    void onlyALocalMasterSharingTheDriversClassesGetsWeightsInMemory() {
        assertTrue(StepExchange.inMemory(true, new SparkConf(false)));
        assertFalse(StepExchange.inMemory(false, new SparkConf(false)), "executors in other JVMs need a broadcast");
        assertFalse(StepExchange.inMemory(true, new SparkConf(false).set("spark.executor.userClassPathFirst", "true")),
                "an executor loading our classes anew has a registry of its own");
        assertFalse(StepExchange.inMemory(true, new SparkConf(false).set(StepExchange.IN_MEMORY_CONF, "false")));
    }

    @Test
    void aStepWhoseJobFailsReleasesItsWeights() {
        SparkContext sc = SparkSessionExtension.spark().sparkContext();
        JavaRDD<Shard> failing = JavaSparkContext.fromSparkContext(sc).parallelize(Arrays.asList(1, 2), 2)
                .map(i -> {
                    throw new IllegalStateException("a task fails");
                });
        TrainSetup setup = TrainSetup.of(TrainConfig.preset("default"), 784, new long[] {1000}, 255f, 10);
        SparkGradients step = new SparkGradients(failing, setup.kernel(), 2, JobDeadline.none(sc));
        int before = StepExchange.InMemory.held();
        assertThrows(Exception.class, () -> step.gradient(setup.initialParams(), 0, 0));
        assertEquals(before, StepExchange.InMemory.held(), "the failed step's weights are still held");
    }

    @Test
    void aBroadcastGivesTheTasksTheSameValues() {
        SparkContext sc = SparkSessionExtension.spark().sparkContext();
        float[] params = params();
        StepExchange weights = StepExchange.Broadcasted.of(sc, params);
        try {
            for (long[] seen : seenByTasks(weights)) {
                assertEquals(sumBits(params), seen[1]);
            }
        } finally {
            weights.release();
        }
        assertThrows(Exception.class, weights::values, "a destroyed broadcast cannot be read");
    }
}
