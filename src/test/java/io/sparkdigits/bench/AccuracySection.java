package io.sparkdigits.bench;

import io.sparkdigits.data.DigitData;
import io.sparkdigits.train.TrainConfig;

/**
 * Time to accuracy: training seconds (the trainer's epoch time, summed) until the test accuracy,
 * evaluated after every epoch but outside the timed loop, first reaches 97% and 98%. Two runs on the
 * bench network: the {@code default} preset's settings (Adam 1e-3, cosine decay, batch 128, 12
 * epochs), and a faster configuration: a larger batch (fewer steps, so less Spark overhead per
 * sample) with a proportionally higher Adam rate and fewer epochs.
 */
final class AccuracySection implements Section {
    /** Names of the two runs, under which later sections find them ({@link BenchContext#run}). */
    static final String DEFAULT = "default";
    static final String FAST = "fast";
    static final double[] MILESTONES = {0.97, 0.98};
    static final double[] TARGET_SECONDS = {5, 30};
    static final int FAST_BATCH = 512;
    static final double FAST_LEARNING_RATE = 3e-3;
    static final int FAST_EPOCHS = 8;

    @Override
    public String name() {
        return "accuracy";
    }

    @Override
    public void run(BenchContext ctx, Report.Part out) {
        DigitData train = ctx.ourTrain().data();
        DigitData test = ctx.ourTest().data();
        TrainConfig preset = TrainConfig.preset("default");
        TrainConfig[] configs = {
            TrainRun.config(DEFAULT, ctx.options.hidden(), preset.learningRate(), preset.batchSize(),
                    ctx.options.epochs(preset.epochs(), 3)),
            TrainRun.config(FAST, ctx.options.hidden(), FAST_LEARNING_RATE, FAST_BATCH,
                    ctx.options.epochs(FAST_EPOCHS, 3)),
        };
        for (TrainConfig cfg : configs) {
            TrainRun.Result r = TrainRun.run(cfg, train, test);
            ctx.remember(cfg.preset(), r);
            out.row(cfg.preset() + " = " + describe(cfg) + ": final test acc",
                    Fmt.percent(r.finalAccuracy()) + " in " + Fmt.seconds(r.seconds()));
            for (int i = 0; i < MILESTONES.length; i++) {
                var seconds = r.secondsTo(MILESTONES[i]);
                out.row(cfg.preset() + ": train s to " + Fmt.number(100 * MILESTONES[i], 0) + "% test acc",
                        Fmt.seconds(seconds), "", "", "<= " + Fmt.number(TARGET_SECONDS[i], 0) + " s",
                        seconds.isPresent() && seconds.getAsDouble() <= TARGET_SECONDS[i]);
            }
            out.detail(cfg.preset(), r.toMap());
        }
    }

    static String describe(TrainConfig c) {
        return c.optimizer() + " " + c.learningRate() + " " + c.schedule() + ", batch " + c.batchSize() + ", "
                + c.epochs() + " epochs";
    }
}
