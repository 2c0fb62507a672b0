package io.sparkdigits.train;

import io.sparkdigits.optim.LrSchedule;
import io.sparkdigits.optim.Optimizer;

/**
 * The synchronous mini-batch loop, on the driver: for every step, get the global batch's summed
 * gradient from a {@link GradientSource}, turn it into the mean, and let the optimizer update the
 * weights. It does no arithmetic on weights itself and knows nothing of Spark.
 */
public final class Trainer {
    /** Called on the driver after every epoch, with the weights as they are then, and after every step. */
    public interface Listener {
        void epochEnd(EpochStats stats, float[] params);

        /**
         * Must not start a Spark job: on a local master the epoch's tasks may hold every thread
         * until the next step ({@link EpochJob}).
         */
        default void stepEnd(StepStats stats) {
        }

        /** Asked after every epoch: true ends training there (early stopping). */
        default boolean stopRequested() {
            return false;
        }
    }

    private final GradientSource source;
    private final BatchPlan plan;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final int epochs;

    public Trainer(GradientSource source, BatchPlan plan, Optimizer optimizer, LrSchedule schedule, int epochs) {
        this.source = source;
        this.plan = plan;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.epochs = epochs;
    }

    /** Trains {@code params} in place from epoch {@code startEpoch} (0-based) to the last. */
    public void train(float[] params, int startEpoch, Listener listener) {
        float[] grad = new float[params.length];
        try {
            loop(params, startEpoch, listener, grad);
        } finally {
            source.close();
        }
    }

    private void loop(float[] params, int startEpoch, Listener listener, float[] grad) {
        int steps = plan.stepsPerEpoch();
        long totalSteps = (long) epochs * steps;
        // Asked before each epoch, so a run resumed after its stopping epoch runs no more.
        for (int epoch = startEpoch; epoch < epochs && !listener.stopRequested(); epoch++) {
            long start = System.nanoTime();
            double loss = 0;
            long correct = 0;
            long rows = 0;
            float lr = 0;
            for (int step = 0; step < steps; step++) {
                GradientSum sum = source.gradient(params, epoch, step);
                sum.meanInto(grad);
                lr = (float) schedule.rate((long) epoch * steps + step, totalSteps);
                optimizer.step(params, grad, lr);
                loss += sum.lossSum();
                correct += sum.correct();
                rows += sum.count();
                long batch = Math.max(1, sum.count());
                listener.stepEnd(new StepStats(epoch + 1, epochs, step + 1, steps, sum.lossSum() / batch,
                        sum.correct() / (double) batch, lr, rows, (System.nanoTime() - start) / 1e9));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long n = Math.max(1, rows);
            listener.epochEnd(new EpochStats(epoch + 1, epochs, loss / n, correct / (double) n, rows, seconds, lr),
                    params);
        }
    }
}
