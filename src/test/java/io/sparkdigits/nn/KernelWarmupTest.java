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
