package io.sparkdigits.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The meeting point of an epoch's driver and tasks, without Spark: tasks take each step's very
 * weights and the driver gets every partial in partition order; a failure, a job that ended or a
 * deadline ends the driver's wait; closing lets waiting tasks go. Every wait here has a signal to
 * end it; the timeout only turns a hang into a failure.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StepRelayTest {
    private static GradientSum leaf(int partition, float value) {
        return GradientSum.leaf(partition, 2, new float[] {value}, 0, 0, 1);
    }

    /** A task over {@code steps} steps, on a thread of its own: it leaves weights[0] + partition as its partial. */
    private static CompletableFuture<Void> task(StepRelay relay, int partition, int steps) {
        return CompletableFuture.runAsync(() -> {
            try {
                for (int s = 0; s < steps; s++) {
                    float[] w = relay.awaitWeights(s);
                    if (w == null) {
                        return;
                    }
                    relay.leave(partition, s, leaf(partition, w[0] + partition));
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, r -> new Thread(r).start()); // a thread each: tasks of a step must all run at once
    }

    @Test
    void everyStepGetsEachPartitionsPartialOfItsOwnWeights() {
        StepRelay relay = StepRelay.open(2);
        CompletableFuture<Void> a = task(relay, 0, 3);
        CompletableFuture<Void> b = task(relay, 1, 3);
        try {
            for (int s = 0; s < 3; s++) {
                float[] weights = {10 * s};
                StepRelay.Outcome o = relay.step(s, weights, 0, () -> false);
                GradientSum[] partials = o.partials();
                float[] sum = new float[1];
                new GradientSum().merge(partials[0]).merge(partials[1]).meanInto(sum);
                assertArrayEquals(new float[] {(10 * s + 10 * s + 1) / 2f}, sum, "step " + s);
            }
            a.join();
            b.join();
        } finally {
            relay.close();
        }
        assertNull(StepRelay.of(relay.id()), "a closed relay is forgotten");
    }

    @Test
    void closingLetsAWaitingTaskGo() throws Exception {
        StepRelay relay = StepRelay.open(1);
        float[][] got = {{1f}};
        Thread task = new Thread(() -> {
            try {
                got[0] = relay.awaitWeights(0);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        task.start();
        while (task.getState() != Thread.State.WAITING) { // parked on the relay's condition
            Thread.onSpinWait();
        }
        relay.close();
        task.join();
        assertNull(got[0], "a closed epoch gives no weights");
    }

    @Test
    void noStepIsPostedOnceATaskHasFailed() {
        StepRelay relay = StepRelay.open(2);
        try {
            relay.fail(new IllegalStateException("task failed"));
            assertNull(relay.step(0, new float[1], 0, () -> false).partials());
            assertThrows(IllegalStateException.class, () -> relay.leave(0, 0, leaf(0, 1)), "step 0 was never posted");
        } finally {
            relay.close();
        }
    }

    @Test
    void aFailedTaskOrAnEndedJobEndsTheDriversWait() {
        StepRelay failed = StepRelay.open(2);
        failed.fail(new IllegalStateException("task failed"));
        StepRelay.Outcome o = failed.step(0, new float[1], 0, () -> false);
        assertNull(o.partials());
        assertEquals(false, o.timedOut());
        failed.close();

        StepRelay ended = StepRelay.open(2);
        assertNull(ended.step(0, new float[1], 0, () -> true).partials(), "the job ended without partials");
        ended.close();
    }

    @Test
    void aStepWithoutAllItsPartialsTimesOutAtTheDeadline() {
        StepRelay relay = StepRelay.open(2);
        try {
            CompletableFuture<Void> onlyOne = task(relay, 0, 1); // partition 1 never leaves a partial
            StepRelay.Outcome o = relay.step(0, new float[1], 1, () -> false);
            assertTrue(o.timedOut());
            assertNull(o.partials());
            relay.close(); // the task may not have seen step 0 before it ended: closing lets it go
            onlyOne.join();
        } finally {
            relay.close();
        }
    }

    @Test
    void aPartialOfAnotherStepIsRefused() {
        StepRelay relay = StepRelay.open(1);
        try {
            assertThrows(IllegalStateException.class, () -> relay.leave(0, 0, leaf(0, 1)), "no step posted yet");
            relay.step(0, new float[1], 0, () -> true);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> relay.leave(0, 1, leaf(0, 1)));
            assertTrue(e.getMessage().contains("step 2") && e.getMessage().contains("step 1"), e.getMessage());
        } finally {
            relay.close();
        }
    }
}
