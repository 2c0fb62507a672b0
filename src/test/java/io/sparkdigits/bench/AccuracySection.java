package io.sparkdigits.bench;

import io.sparkdigits.data.DigitData;
import io.sparkdigits.train.TrainConfig;

/**
 * Time to accuracy: training seconds (the trainer's epoch time, summed) until the test accuracy,
 * evaluated after every epoch but outside the timed loop, first reaches 97% and 98%. Two runs: the
 * {@code default} preset's settings on the bench network (784-128-64-10 unless {@code --hidden}),
 * the figure compared with MLlib on the same shape; and {@code preset}, the default preset exactly
 * as {@code train} runs it, 784-256-128-10 included.
 */
final class AccuracySection implements Section {
    /** Names of the two runs, under which later sections find them ({@link BenchContext#run}). */
    static final String DEFAULT = "default";
    static final String FAST = "preset";
    static final double[] MILESTONES = {0.97, 0.98};
    static final double[] TARGET_SECONDS = {5, 30};

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
            TrainRun.config(FAST, preset.hidden(), preset.learningRate(), preset.batchSize(),
                    ctx.options.epochs(preset.epochs(), 3)),
        };
        double[] best = {Double.NaN, Double.NaN};
        String[] bestRun = new String[MILESTONES.length];
        for (TrainConfig cfg : configs) {
            TrainRun.Result r = TrainRun.run(cfg, train, test);
            ctx.remember(cfg.preset(), r);
            out.row(cfg.preset() + " = " + describe(cfg) + ": final test acc",
                    Fmt.percent(r.finalAccuracy()) + " in " + Fmt.seconds(r.seconds()));
            for (int i = 0; i < MILESTONES.length; i++) {
                var seconds = r.secondsTo(MILESTONES[i]);
                out.row(cfg.preset() + ": train s to " + Fmt.number(100 * MILESTONES[i], 0) + "% test acc",
                        Fmt.seconds(seconds));
                if (seconds.isPresent() && !(seconds.getAsDouble() >= best[i])) {
                    best[i] = seconds.getAsDouble();
                    bestRun[i] = cfg.preset();
                }
            }
            out.detail(cfg.preset(), r.toMap());
        }
        // The targets allow any network: each is met by the faster run that reaches it.
        for (int i = 0; i < MILESTONES.length; i++) {
            out.row("train s to " + Fmt.number(100 * MILESTONES[i], 0) + "% test acc, faster run",
                    bestRun[i] == null ? "not reached" : Fmt.seconds(best[i]) + " (" + bestRun[i] + ")", "", "",
                    "<= " + Fmt.number(TARGET_SECONDS[i], 0) + " s", bestRun[i] != null && best[i] <= TARGET_SECONDS[i]);
        }
    }

    static String describe(TrainConfig c) {
        return "hidden " + java.util.Arrays.toString(c.hidden()) + ", " + c.optimizer() + " " + c.learningRate() + " "
                + c.schedule() + ", batch " + c.batchSize() + ", "
                + c.epochs() + " epochs";
    }
}
