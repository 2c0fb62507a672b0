package io.sparkdigits.nn;

import java.util.concurrent.TimeUnit;

/**
 * Gets the Vector API kernels compiled before a cold run's first step needs them. Until C2 has
 * compiled a method that uses the API, each vector operation in it is the API's Java fallback, a
 * lambda call per lane: a cold command's first step took 1.1 to 1.5 s, mostly in that fallback,
 * against 20-30 ms warm. The JIT compiles a method once it has been called often enough, whatever
 * the sizes, so tiny products called a few thousand times get it there at a fraction of the
 * fallback's cost on real ones: under a second of one core, during the start-up, instead of about
 * a second of both cores in the first step.
 *
 * <p>Only the time changes: the kernels compute the same bits compiled or not.
 */
public final class KernelWarmup {
    /** The longest a warm-up runs: on a machine too loaded to compile in this time, it only costs. */
    static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(3);

    /** Fast calls in a row that show compiled code; one could be luck, e.g. a call the timer split. */
    static final int FAST_IN_A_ROW = 20;

    private KernelWarmup() {
    }

    /**
     * Starts warming this JVM's default kernels on a daemon thread and returns the thread. Choosing
     * the kernels loads the Vector API's classes, so that too happens on the thread.
     */
    public static Thread start() {
        Thread t = new Thread(() -> warmUp(System.nanoTime() + BUDGET_NANOS), "spark-digits kernel warm-up");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Calls {@code call} until {@link #FAST_IN_A_ROW} calls in a row each take under {@code fastNanos},
     * the sign that the JIT's compiled code runs, or until {@code deadline}.
     */
    static void untilFast(Runnable call, long fastNanos, long deadline) {
        for (int fast = 0; fast < FAST_IN_A_ROW && System.nanoTime() < deadline; ) {
            long start = System.nanoTime();
            call.run();
            fast = System.nanoTime() - start < fastNanos ? fast + 1 : 0;
        }
    }

    /**
     * Warms the default kernels until they are compiled or {@code deadline}; plain Java needs nothing.
     * Where choosing the kernels would fail (a {@link Dense#KERNELS_PROPERTY} that names no path, or
     * the vector path on a JVM without it), it chooses nothing: the class that failed to initialise
     * on this thread would leave the tasks a bare {@code NoClassDefFoundError} instead of the reason.
     */
    static void warmUp(long deadline) {
        String wanted = System.getProperty(Dense.KERNELS_PROPERTY, "");
        if (!(wanted.isEmpty() || wanted.equals("vector")) || Dense.vectorMatMul().isEmpty()) {
            return;
        }
        Dense.matMul().warmUp(deadline);
        Dropout.Draws.CHOSEN.warmUp(deadline);
    }
}
