package io.sparkdigits.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
        Runnable call = () -> {
            int i = calls[0]++;
            if (i < 5 || i >= 10 && i < 15) {
                busy(TimeUnit.MILLISECONDS.toNanos(2)); // slow: over the bound whatever the load
            }
        };
        long start = System.nanoTime();
        KernelWarmup.untilFast(call, TimeUnit.MILLISECONDS.toNanos(1), start + TimeUnit.SECONDS.toNanos(300));
        // The five fast calls between the slow ones are not twenty in a row: at least 15 calls, then
        // twenty fast ones; a fast call the machine delayed only adds calls.
        assertTrue(calls[0] >= 15 + KernelWarmup.FAST_IN_A_ROW, calls[0] + " calls");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120), "it ran to the deadline");
    }

    @Test
    void aCallThatNeverGetsFastEndsAtTheDeadline() {
        int[] calls = {0};
        Runnable call = () -> {
            calls[0]++;
            busy(TimeUnit.MILLISECONDS.toNanos(2));
        };
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        KernelWarmup.untilFast(call, TimeUnit.MILLISECONDS.toNanos(1), deadline);
        assertTrue(System.nanoTime() >= deadline, "it stopped before the deadline");
        assertTrue(calls[0] <= 101, calls[0] + " calls of 2 ms in 200 ms");
    }

    private static void busy(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aPassedDeadlineMakesNoCall() {
        KernelWarmup.untilFast(() -> fail("called after the deadline"), 1, System.nanoTime() - 1);
    }

    @Test
    void itRunsOnADaemonThreadOfItsOwn() throws InterruptedException {
        Thread t = KernelWarmup.start();
        assertTrue(t.isDaemon(), "a warm-up must not keep the JVM alive");
        assertEquals("spark-digits kernel warm-up", t.getName());
        t.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(t.isAlive(), "the warm-up outlived its budget of " + KernelWarmup.BUDGET_NANOS + " ns");
    }
}
