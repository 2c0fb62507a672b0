package io.sparkdigits.data;

import java.io.IOException;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;

/**
 * Names the Spark jobs a piece of driver code starts ({@code train epoch 3/15 step 12/29},
 * {@code evaluate}, {@code predict}), so the Spark UI and the event log say what each job was.
 * Spark keeps the description per driver thread; the caller's own description is put back after.
 */
public final class JobDescription {
    /** Spark's local property behind {@code SparkContext.setJobDescription}. */
    public static final String PROPERTY = "spark.job.description";

    private JobDescription() {
    }

    /** Driver code that starts Spark jobs and may fail with an I/O error. */
    @FunctionalInterface
    public interface IoJobs<T> {
        T get() throws IOException;
    }

    /** Runs {@code jobs} with every job it starts on this thread described as {@code description}. */
    public static <T> T run(SparkContext sc, String description, Supplier<T> jobs) {
        try {
            return runIo(sc, description, jobs::get);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a Supplier cannot throw it: unreachable
        }
    }

    /** {@link #run(SparkContext, String, Supplier)} for code that writes files. */
    public static <T> T runIo(SparkContext sc, String description, IoJobs<T> jobs) throws IOException {
        String previous = sc.getLocalProperty(PROPERTY);
        sc.setJobDescription(description);
        try {
            return jobs.get();
        } finally {
            sc.setJobDescription(previous);
        }
    }
}
