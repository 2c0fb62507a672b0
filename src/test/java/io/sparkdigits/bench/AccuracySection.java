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
    public void run(BenchContext ctx, Report.Section out) {
        DigitData train = ctx.ourTrain().data();
        DigitData test = ctx.ourTest().data();
        TrainConfig preset = TrainConfig.preset("default");
        TrainConfig[] configs = {
            TrainRun.config("default", ctx.options.hidden(), preset.learningRate(), preset.batchSize(),
                    ctx.options.epochs(preset.epochs(), 3)),
            TrainRun.config("fast", ctx.options.hidden(), FAST_LEARNING_RATE, FAST_BATCH,
                    ctx.options.epochs(FAST_EPOCHS, 3)),
        };
        for (TrainConfig cfg : configs) {
            TrainRun.Result r = TrainRun.run(cfg, train, test);
            ctx.remember(cfg.preset(), r);
            String name = cfg.preset() + " (" + describe(cfg) + ")";
            for (int i = 0; i < MILESTONES.length; i++) {
                var seconds = r.secondsTo(MILESTONES[i]);
                out.row(name + ": train s to " + Fmt.percent(MILESTONES[i]) + " test acc", Fmt.seconds(seconds), "",
                        "", "<= " + Fmt.seconds(TARGET_SECONDS[i]),
                        seconds.isPresent() && seconds.getAsDouble() <= TARGET_SECONDS[i]);
            }
            out.row(cfg.preset() + ": test acc after " + cfg.epochs() + " epochs",
                    Fmt.percent(r.finalAccuracy()) + " in " + Fmt.seconds(r.seconds()));
            out.detail(cfg.preset(), r.toMap());
        }
    }

    static String describe(TrainConfig c) {
        return c.optimizer() + " " + c.learningRate() + " " + c.schedule() + ", batch " + c.batchSize() + ", "
                + c.epochs() + " ep";
    }
}
