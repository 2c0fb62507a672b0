package io.sparkdigits.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A command stopped by a signal (Ctrl-C, SIGTERM): Spark's shutdown hook stops the session under
 * it, and the command fails with whatever Spark throws at that moment.
 */
final class Shutdown {
    /** How long the JVM's exit waits for the command to say why it stopped: long enough, never stuck. */
    static final long REPORT_WAIT_SECONDS = 10;

    private Shutdown() {
    }

    /**
     * True once the JVM has begun to run its shutdown hooks. The JVM refuses new hooks from that
     * moment, and that refusal is the only public signal of it; a hook accepted is removed at once.
     */
    static boolean inProgress() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
        } catch (IllegalStateException e) {
            return true;
        }
        Runtime.getRuntime().removeShutdownHook(probe);
        return false;
    }

    /**
     * Holds the JVM's exit, for up to {@link #REPORT_WAIT_SECONDS}, until the returned latch is
     * counted down: the JVM halts as soon as its hooks end, and would otherwise cut the command off
     * before it prints its one line.
     */
    static CountDownLatch holdExitUntilReported() {
        CountDownLatch reported = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                reported.await(REPORT_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "spark-digits-report"));
        return reported;
    }
}
