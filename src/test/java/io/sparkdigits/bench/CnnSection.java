package io.sparkdigits.bench;

import io.sparkdigits.data.DigitData;
import io.sparkdigits.train.TrainConfig;
import java.util.List;

/**
 * The {@code cnn} preset exactly as {@code train --preset cnn} runs it (network, dropout,
 * augmentation, Adam, batch, epochs; 2 epochs with {@code --quick}), on the cached training data,
 * with the test set evaluated after every epoch outside the timed loop. Reports training samples
 * per second of the first epoch (JIT compilation included) and of the later, warm epochs, and the
 * training seconds to first reach 99.0% and 99.4% test accuracy.
 */
final class CnnSection implements Section {
    static final double[] MILESTONES = {0.990, 0.994};
    static final int QUICK_EPOCHS = 2;

    @Override
    public String name() {
        return "cnn";
    }

    @Override
    public void run(BenchContext ctx, Report.Part out) {
        DigitData train = ctx.ourTrain().data();
        DigitData test = ctx.ourTest().data();
        // Resolved as the CLI resolves --preset cnn, so the run follows the preset as it is shipped.
        TrainConfig cfg = TrainConfig.of("cnn", new TrainConfig.Overrides(null, null, null, null, null, null, null, null,
                null, ctx.options.quick() ? QUICK_EPOCHS : null, null, null, null));
        TrainRun.Result r = TrainRun.run(cfg, train, test);
        List<TrainRun.Epoch> epochs = r.epochs();
        TrainRun.Epoch first = epochs.get(0);
        out.row("cnn = " + r.setup().spec().architecture() + ", " + epochs.size() + " epochs: final test acc",
                Fmt.percent(r.finalAccuracy()) + " in " + Fmt.seconds(r.seconds()));
        out.row("cnn train samples/s, first epoch (JIT warm-up included)", Fmt.rate(first.rows() / first.seconds()));
        if (epochs.size() > 1) {
            long rows = r.rows() - first.rows();
            double seconds = r.seconds() - first.seconds();
            String warm = epochs.size() == 2 ? "epoch 2" : "epochs 2-" + epochs.size();
            out.row("cnn train samples/s, warm " + warm, Fmt.rate(rows / seconds));
            out.detail("warmSamplesPerSecond", rows / seconds);
        }
        out.detail("firstEpochSamplesPerSecond", first.rows() / first.seconds());
        for (double m : MILESTONES) {
            out.row("cnn: train s to " + Fmt.number(100 * m, 1) + "% test acc", Fmt.seconds(r.secondsTo(m)));
        }
        out.detail("run", r.toMap());
    }
}
