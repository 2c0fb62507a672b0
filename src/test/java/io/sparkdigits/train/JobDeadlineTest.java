package io.sparkdigits.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import io.sparkdigits.testing.SparkSessionExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;

/**
 * {@link JobDeadline} on a local session: a job that outlives its deadline is cancelled and
 * reported with what it was doing; other jobs and other failures are left alone. (That a driver
 * whose cluster vanished really fails is shown by {@code StandaloneClusterIT}.)
 */
@ExtendWith(SparkSessionExtension.class)
class JobDeadlineTest {
    private static SparkContext sc;

    /** The run's shared session: a session of its own would be the shared one if that came first, and stopping it would stop every later test's. */
    @BeforeAll
    static void start() {
        sc = SparkSessionExtension.spark().sparkContext();
    }

    private static JavaRDD<Integer> numbers() {
        return JavaSparkContext.fromSparkContext(sc).parallelize(List.of(1, 2, 3, 4), 2);
    }

    /** Tasks that run until they are killed (or a minute has passed), like tasks with no executor. */
    private static long stuck() {
        return numbers().map(x -> {
            long end = System.nanoTime() + 60_000_000_000L;
            while (!TaskContext.get().isInterrupted() && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            return x;
        }).count();
    }

    @Test
    void aJobWithinItsDeadlineReturnsItsResult() {
        JobDeadline deadline = new JobDeadline(sc, 60);
        assertEquals(10, deadline.run("sum", () -> numbers().reduce(Integer::sum)));
        assertTrue(sc.getJobTags().isEmpty(), "the job's tag is removed afterwards");
    }

    @Test
    void aJobPastItsDeadlineIsCancelledAndNamed() {
        JobDeadline deadline = new JobDeadline(sc, 1);
        long start = System.nanoTime();
        JobTimeoutException e = assertThrows(JobTimeoutException.class, () -> deadline.run("step 3 of epoch 2",
                JobDeadlineTest::stuck));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals("step 3 of epoch 2 did not finish within 1 s: no executors? (see the Spark UI / master)",
                e.getMessage());
        assertTrue(seconds < 20, "cancelled after " + seconds + " s");
        assertTrue(sc.getJobTags().isEmpty());
        // The session is still usable, and the expired tag cancels nothing later.
        assertEquals(4L, deadline.run("count", () -> numbers().count()));
    }

    @Test
    void otherFailuresPassThroughUnchanged() {
        JobDeadline deadline = new JobDeadline(sc, 60);
        Exception e = assertThrows(Exception.class, () -> deadline.run("failing", () -> numbers().map(x -> {
            if (x == 3) {
                throw new IllegalStateException("bad row 3");
            }
            return x;
        }).count()));
        assertFalse(e instanceof JobTimeoutException);
        assertTrue(String.valueOf(e.getMessage()).contains("bad row 3"), e.getMessage());
        IllegalStateException direct = assertThrows(IllegalStateException.class,
                () -> deadline.run("driver side", () -> {
                    throw new IllegalStateException("no job at all");
                }));
        assertEquals("no job at all", direct.getMessage());
    }

    @Test
    void zeroSecondsMeansNoLimit() {
        JobDeadline none = JobDeadline.none(sc);
        assertEquals(0, none.seconds());
        assertInstanceOf(Long.class, none.run("count", () -> numbers().count()));
        assertTrue(sc.getJobTags().isEmpty());
    }
}
