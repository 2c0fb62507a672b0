package io.sparkdigits.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.testing.SparkSessionExtension;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Weights for a job's tasks: on a local master the tasks read the driver's array itself, through
 * a closure that carries only a number; a broadcast gives them equal values; the held array is
 * gone once released.
 */
@ExtendWith(SparkSessionExtension.class)
class TaskWeightsTest {
    private static float[] params() {
        float[] p = new float[10_000];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) Math.cos(i);
        }
        return p;
    }

    /** What each of two tasks read: the identity hash of the array, then its contents' hash. */
    private static List<int[]> seenByTasks(TaskWeights weights) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessionExtension.spark().sparkContext());
        return jsc.parallelize(Arrays.asList(0, 1), 2).map(i -> {
            float[] v = weights.values();
            return new int[] {System.identityHashCode(v), Arrays.hashCode(v)};
        }).collect();
    }

    @Test
    void aLocalMastersTasksReadTheDriversArrayItself() {
        SparkContext sc = SparkSessionExtension.spark().sparkContext();
        float[] params = params();
        int before = TaskWeights.Held.held();
        TaskWeights weights = TaskWeights.of(sc, params);
        assertInstanceOf(TaskWeights.Held.class, weights, "the test session's master is " + sc.master());
        try {
            List<int[]> seen = seenByTasks(weights);
            assertEquals(2, seen.size());
            for (int[] s : seen) {
                assertEquals(System.identityHashCode(params), s[0], "the task read a copy, not the driver's array");
                assertEquals(Arrays.hashCode(params), s[1]);
            }
        } finally {
            weights.release();
        }
        assertEquals(before, TaskWeights.Held.held(), "released weights are no longer held");
        IllegalStateException e = assertThrows(IllegalStateException.class, weights::values);
        assertTrue(e.getMessage().contains(TaskWeights.IN_MEMORY_CONF), e.getMessage());
    }

    @Test
    void aBroadcastGivesTheTasksEqualValues() {
        SparkContext sc = SparkSessionExtension.spark().sparkContext();
        float[] params = params();
        int before = TaskWeights.Held.held();
        TaskWeights weights = new TaskWeights.Broadcasted(sc, params);
        assertEquals(before, TaskWeights.Held.held(), "a broadcast holds nothing in the registry");
        try {
            List<int[]> seen = seenByTasks(weights);
            assertEquals(2, seen.size());
            for (int[] s : seen) {
                assertEquals(Arrays.hashCode(params), s[1]);
            }
        } finally {
            weights.release();
        }
    }

    @Test
    void onlyALocalMasterSharingTheDriversClassesReadsItsMemory() {
        assertTrue(TaskWeights.inMemory(true, new SparkConf(false)));
        assertFalse(TaskWeights.inMemory(false, new SparkConf(false)), "executors in other JVMs need a broadcast");
        assertFalse(TaskWeights.inMemory(true, new SparkConf(false).set("spark.executor.userClassPathFirst", "true")),
                "an executor loading our classes anew has a registry of its own");
        assertFalse(TaskWeights.inMemory(true, new SparkConf(false).set(TaskWeights.IN_MEMORY_CONF, "false")));
    }
}
