package io.sparkdigits.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

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
     * Holds the JVM's exit, for up to {@link #REPORT_WAIT_SECONDS}, until the hold is closed: the
     * JVM halts as soon as its hooks end, and would otherwise cut the command off before it says
     * why it stopped. With {@code quietSpark} (a local run, whose log is a terminal) Spark's own
     * loggers go quiet once the JVM shuts down: stopping under running tasks, Spark logs pages of
     * rejected tasks and lost blocks that say nothing to a user who pressed Ctrl-C.
     */
    static Hold holdExit(boolean quietSpark) {
        return new Hold(quietSpark);
    }

    /** A shutdown hook that waits for {@link #close}. */
    static final class Hold implements AutoCloseable {
        private final CountDownLatch done = new CountDownLatch(1);
        private final boolean quietSpark;
        private final Thread hook = new Thread(this::await, "spark-digits-report");

        private Hold(boolean quietSpark) {
            this.quietSpark = quietSpark;
            Runtime.getRuntime().addShutdownHook(hook);
        }

        private void await() {
            if (quietSpark) {
                Configurator.setLevel("org.apache.spark", Level.OFF);
            }
            try {
                done.await(REPORT_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutting down: the hook runs anyway and now returns at once.
            }
        }
    }
}
