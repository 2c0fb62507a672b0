package io.sparkdigits.bench;

import io.sparkdigits.data.DigitData;
import io.sparkdigits.train.TrainConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Training samples per second of our trainer at the default batch size and at two larger ones:
 * rows trained over the trainer's epoch time (load and evaluation excluded, every Spark cost of a
 * step included), the default preset's optimizer on the bench network, after twelve untimed warm-up
 * epochs (one with --quick).
 */
final class ThroughputSection implements Section {
    @Override
    public String name() {
        return "throughput";
    }

    @Override
    public void run(BenchContext ctx, Report.Part out) {
        DigitData train = ctx.ourTrain().data();
        int epochs = ctx.options.epochs(3, 1);
        // The default's batch and rate adapt to the data (2048 and 6e-3 for MNIST): the row uses what it chose.
        TrainConfig chosen = TrainConfig.preset("default").resolve(train.rows());
        int defaultBatch = chosen.batchSize();
        Map<String, Object> runs = new LinkedHashMap<>();
        // Untimed: until the JIT has compiled the kernels for full chunks, the first run's steps
        // are slower than every later one, and that would be charged to whichever batch ran first.
        TrainRun.Result warmUp = TrainRun.run(TrainRun.config("throughput-warm-up", ctx.options.hidden(),
                chosen.learningRate(), defaultBatch, ctx.options.epochs(12, 1)), train, null);
        out.detail("warmUpEpochSeconds", warmUp.seconds());
        for (int batch : java.util.stream.IntStream.of(defaultBatch, 512, 1024, 4096).distinct().toArray()) {
            TrainConfig cfg = TrainRun.config("throughput-b" + batch, ctx.options.hidden(),
                    chosen.learningRate(), batch, epochs);
            TrainRun.Result r = TrainRun.run(cfg, train, null);
            String label = batch == defaultBatch
                    ? "train samples/s, " + r.setup().spec() + ", batch " + batch + " (default), " + epochs + " epoch(s)"
                    : "train samples/s, batch " + batch;
            out.row(label, Fmt.rate(r.samplesPerSecond()));
            runs.put("batch" + batch, r.toMap());
        }
        out.detail("runs", runs);
    }
}
