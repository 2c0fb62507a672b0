package io.sparkdigits.train;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;

/**
 * Bounds how long one Spark job of the training loop may run, so that a driver whose executors
 * are gone fails instead of waiting forever.
 *
 * <p>Spark itself does not give up: when every executor is lost and the cluster cannot start
 * others (workers gone, or a standalone master gone too), the scheduler keeps the pending tasks
 * and waits for resources indefinitely; its "Initial job has not accepted any resources" warning
 * only concerns an application's first tasks. So each job runs under a job tag of its own and a
 * timer cancels that tag when the deadline passes; the job then fails and
 * {@link JobTimeoutException} says what did not finish. The limit does not change what is
 * computed, so it is not part of {@link TrainConfig}.
 */
public final class JobDeadline {
    /** One daemon thread for every deadline of this driver; cancelled timers are dropped at once. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();
    private static final AtomicLong NEXT = new AtomicLong();

    private final SparkContext sc;
    private final long seconds;

    /** @param seconds the limit per job; {@code <= 0} means none */
    public JobDeadline(SparkContext sc, long seconds) {
        this.sc = sc;
        this.seconds = seconds;
    }

    /** No limit: jobs run as they would without a deadline. */
    public static JobDeadline none(SparkContext sc) {
        return new JobDeadline(sc, 0);
    }

    public long seconds() {
        return seconds;
    }

    /**
     * Runs {@code job} (the Spark actions it starts, on this thread) and returns its result, or
     * throws {@link JobTimeoutException} if it has not finished {@code seconds} after it started.
     *
     * @param what what the job does, for the error: "step 3 of epoch 2"
     */
    public <T> T run(String what, Supplier<T> job) {
        if (seconds <= 0) {
            return job.get();
        }
        String tag = "spark-digits-deadline-" + NEXT.incrementAndGet();
        String message = what + " did not finish within " + seconds + " s: no executors? (see the Spark UI / master)";
        AtomicBoolean expired = new AtomicBoolean();
        sc.addJobTag(tag);
        ScheduledFuture<?> timer = TIMER.schedule(() -> {
            expired.set(true);
            sc.cancelJobsWithTag(tag, message);
        }, seconds, TimeUnit.SECONDS);
        try {
            return job.get();
        } catch (Exception e) {
            // Spark's SparkException is checked, yet thrown from Scala undeclared: catch it too.
            if (expired.get()) {
                throw new JobTimeoutException(message, e);
            }
            throw e;
        } finally {
            timer.cancel(false);
            sc.removeJobTag(tag);
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "spark-digits-job-deadline");
            thread.setDaemon(true);
            return thread;
        });
        // Thousands of steps each schedule and cancel a timer: do not keep the cancelled ones.
        t.setRemoveOnCancelPolicy(true);
        return t;
    }
}
