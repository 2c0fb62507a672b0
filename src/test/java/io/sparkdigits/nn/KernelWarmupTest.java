package io.sparkdigits.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The warm-up ends when the kernels are compiled, or at its deadline, and is off the caller's thread. */
class KernelWarmupTest {

    @Test
    void itEndsAsSoonAsTheKernelsAreCompiledLongBeforeAGenerousDeadline() {
        long start = System.nanoTime();
        KernelWarmup.warmUp(start + TimeUnit.SECONDS.toNanos(300));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        // Compiling takes well under a second here; only a loop that never saw fast calls reaches the deadline.
        assertTrue(seconds < 120, "the warm-up ran " + seconds + " s: it did not see the compiled kernels");
    }

    @Test
    void itCallsUntilTwentyCallsInARowAreFast() {
        int[] calls = {0};
        long start = System.nanoTime();
        KernelWarmup.untilFast(() -> {
            if (calls[0]++ < 5) {
                busy(TimeUnit.MILLISECONDS.toNanos(2)); // slow: over the bound whatever the load
            }
        }, TimeUnit.MILLISECONDS.toNanos(1), start + TimeUnit.SECONDS.toNanos(300));
        // At least the five slow calls and twenty fast ones; a fast call the machine delayed only adds calls.
        assertTrue(calls[0] >= 5 + KernelWarmup.FAST_IN_A_ROW, calls[0] + " calls");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120), "it ran to the deadline");
    }

    @Test
    void aCallThatNeverGetsFastEndsAtTheDeadline() {
        int[] calls = {0};
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        KernelWarmup.untilFast(() -> {
            calls[0]++;
            busy(TimeUnit.MILLISECONDS.toNanos(2));
        }, TimeUnit.MILLISECONDS.toNanos(1), deadline);
        assertTrue(System.nanoTime() >= deadline, "it stopped before the deadline");
        assertTrue(calls[0] >= 1 && calls[0] <= 26, calls[0] + " calls of 2 ms in 50 ms");
    }

    private static void busy(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aPassedDeadlineEndsItAtOnce() {
        Dense.matMul().warmUp(System.nanoTime() - 1);
        Dropout.Draws.CHOSEN.warmUp(System.nanoTime() - 1);
        long start = System.nanoTime();
        KernelWarmup.warmUp(System.nanoTime() - 1);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30));
    }

    @Test
    void itRunsOnADaemonThreadOfItsOwn() throws InterruptedException {
        Thread t = KernelWarmup.start();
        assertTrue(t.isDaemon(), "a warm-up must not keep the JVM alive");
        assertEquals("spark-digits kernel warm-up", t.getName());
        t.join(TimeUnit.SECONDS.toMillis(60));
        assertTrue(!t.isAlive(), "the warm-up outlived its budget of " + KernelWarmup.BUDGET_NANOS + " ns");
    }
}
