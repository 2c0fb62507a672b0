package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.testing.SparkSessionExtension;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Spark job that fails in its tasks (an executor gone, a task that threw) is reported in one
 * line: the first line of Spark's own message, without the driver stack trace Spark appends.
 */
@ExtendWith(SparkSessionExtension.class)
class AbortedJobTest {
    @Test
    void aFailedJobIsReportedByTheFirstLineOfSparksMessage() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkSessionExtension.spark().sparkContext());
        Exception e = assertThrows(Exception.class, () -> sc.parallelize(List.of(1, 2, 3, 4), 2).map(x -> {
            if (x == 3) {
                throw new IllegalStateException("executor went away");
            }
            return x;
        }).count());
        assertTrue(e.getMessage().contains("Driver stacktrace"), "Spark's message carries the driver's trace");

        String line = Main.abortedJob(new RuntimeException("wrapped", e));
        assertTrue(line.startsWith("Job aborted due to stage failure: "), line);
        assertTrue(line.contains("IllegalStateException: executor went away"), line);
        assertFalse(line.contains("\n") || line.contains("Driver stacktrace"), line);
    }

    @Test
    void otherFailuresAreNotJobAborts() {
        assertNull(Main.abortedJob(new IllegalStateException("Job aborted, but not by Spark")));
        assertNull(Main.abortedJob(new RuntimeException((String) null)));
    }
}
