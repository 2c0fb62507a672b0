package io.sparkdigits.train;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Where the driver and the tasks of an {@link EpochJob}, all in this JVM, meet at every step: the
 * driver posts the step's weights and waits until every partition has left its partial; each task
 * waits for the weights of its next step. Relays are found by number, which is all a task's
 * closure carries. The weights are the driver's own array, which tasks read only while the driver
 * waits (or after the run has failed, when the driver writes it no more), and the partials the
 * tasks' own: nothing is copied, as in {@link StepExchange.InMemory}.
 */
final class StepRelay {
    private static final Map<Long, StepRelay> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();
    /** How often a waiting driver also asks whether the job ended by itself (failed outside our code). */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final long id;
    private final int partitions;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition posted = lock.newCondition();
    private final Condition left = lock.newCondition();
    private int step = -1;
    private float[] weights;
    private GradientSum[] partials;
    private int missing;
    private Throwable failure;
    private boolean closed;

    /** What a step gave the driver: every partial, or none because a task failed or time ran out. */
    record Outcome(GradientSum[] partials, boolean timedOut) {
    }

    private StepRelay(long id, int partitions) {
        this.id = id;
        this.partitions = partitions;
    }

    static StepRelay open(int partitions) {
        StepRelay r = new StepRelay(NEXT.incrementAndGet(), partitions);
        OPEN.put(r.id, r);
        return r;
    }

    /**
     * The relay numbered {@code id}, or null once its epoch is over: a task that starts after the
     * driver closed the epoch (a sibling failed first) has nothing to do, and must not fail with an
     * error of its own that Spark could report instead of the sibling's. Relays exist only in the
     * driver's JVM; {@link EpochJob#suits} runs epochs only where tasks share it.
     */
    static StepRelay of(long id) {
        return OPEN.get(id);
    }

    long id() {
        return id;
    }

    /**
     * Driver: posts step {@code s}'s weights and waits for every partition's partial, at most
     * {@code seconds} if positive; {@code jobDone} says whether the tasks' job has ended.
     */
    Outcome step(int s, float[] params, long seconds, BooleanSupplier jobDone) {
        long deadline = seconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds) : Long.MAX_VALUE;
        lock.lock();
        try {
            if (failure != null || closed) {
                return new Outcome(null, false); // a task failed, or the epoch was closed: no one computes this step
            }
            step = s;
            weights = params;
            partials = new GradientSum[partitions];
            missing = partitions;
            posted.signalAll();
            while (missing > 0 && failure == null) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    return new Outcome(null, true);
                }
                if (jobDone.getAsBoolean()) {
                    return new Outcome(null, false);
                }
                left.awaitNanos(Math.min(POLL_NANOS, deadline - now));
            }
            return new Outcome(failure == null ? partials : null, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for step " + (s + 1) + "'s partials", e);
        } finally {
            weights = null;
            lock.unlock();
        }
    }

    /** Task: the weights of step {@code s} once the driver posts them, or null once the epoch is closed. */
    float[] awaitWeights(int s) throws InterruptedException {
        lock.lock();
        try {
            while (!closed && (step < s || weights == null)) {
                posted.await();
            }
            return closed ? null : weights;
        } finally {
            lock.unlock();
        }
    }

    /** Task: leaves {@code partition}'s partial of step {@code s}. */
    void leave(int partition, int s, GradientSum partial) {
        lock.lock();
        try {
            if (s != step || partials[partition] != null) {
                throw new IllegalStateException("partition " + partition + " left a partial of step " + (s + 1)
                        + " while the driver waits for step " + (step + 1));
            }
            partials[partition] = partial;
            if (--missing == 0) {
                left.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Task: its step failed; the driver stops waiting. */
    void fail(Throwable t) {
        lock.lock();
        try {
            failure = t;
            left.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Driver: the epoch is over, or abandoned; waiting tasks return, and the relay is forgotten. */
    void close() {
        OPEN.remove(id);
        lock.lock();
        try {
            closed = true;
            posted.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many relays are open: 0 between epochs. */
    static int openCount() {
        return OPEN.size();
    }
}
