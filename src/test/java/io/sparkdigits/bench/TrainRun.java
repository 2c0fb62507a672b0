package io.sparkdigits.bench;

import io.sparkdigits.data.DigitData;
import io.sparkdigits.eval.Evaluator;
import io.sparkdigits.model.Model;
import io.sparkdigits.infer.Predictor;
import io.sparkdigits.train.JobDeadline;
import io.sparkdigits.train.GradientSource;
import io.sparkdigits.train.SparkGradients;
import io.sparkdigits.train.TrainConfig;
import io.sparkdigits.train.TrainSetup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One training run of our trainer on cached shards, driven as {@code TrainJob} drives it (same
 * {@link TrainSetup}, {@link GradientSource#onSpark}) but without saving anything. Time
 * is the trainer's own per-epoch time: the synchronous step loop with every Spark cost
 * (jobs, weights out, partials back and merged, optimizer update on the driver); loading is done before,
 * and the optional per-epoch test evaluation runs in the epoch listener, outside that time.
 */
final class TrainRun {
    /** One epoch: its training seconds, the running total, and the test accuracy after it (or null). */
    record Epoch(int epoch, double seconds, double cumulativeSeconds, double trainLoss, long rows, Double testAccuracy) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", epoch);
            m.put("seconds", seconds);
            m.put("cumulativeSeconds", cumulativeSeconds);
            m.put("trainLoss", trainLoss);
            m.put("rows", rows);
            m.put("testAccuracy", testAccuracy);
            return m;
        }
    }

    /** A finished run: its setup, final weights and epochs. */
    record Result(TrainSetup setup, float[] params, List<Epoch> epochs) {
        double seconds() {
            return epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).cumulativeSeconds();
        }

        long rows() {
            return epochs.stream().mapToLong(Epoch::rows).sum();
        }

        double samplesPerSecond() {
            return rows() / seconds();
        }

        /** Training seconds until the first epoch whose test accuracy reached {@code accuracy}. */
        OptionalDouble secondsTo(double accuracy) {
            return epochs.stream().filter(e -> e.testAccuracy() != null && e.testAccuracy() >= accuracy)
                    .mapToDouble(Epoch::cumulativeSeconds).findFirst();
        }

        double finalAccuracy() {
            Double a = epochs.get(epochs.size() - 1).testAccuracy();
            return a == null ? Double.NaN : a;
        }

        Model model() {
            return new Model(setup.spec(), params, setup.scale(), Map.of("config", setup.config().toMap()), Map.of());
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("config", setup.config().toMap());
            m.put("network", setup.spec().toString());
            m.put("parameters", setup.spec().numParams());
            m.put("stepsPerEpoch", setup.plan().stepsPerEpoch());
            m.put("trainingSeconds", seconds());
            m.put("samplesPerSecond", samplesPerSecond());
            m.put("epochs", epochs.stream().map(Epoch::toMap).toList());
            return m;
        }
    }

    private TrainRun() {
    }

    /**
     * A copy of the {@code default} preset's settings with another network, optimizer step, batch
     * size and epoch count.
     */
    static TrainConfig config(String name, int[] hidden, double learningRate, int batchSize, int epochs) {
        TrainConfig d = TrainConfig.preset("default");
        return new TrainConfig(name, hidden, d.activation(), d.optimizer(), learningRate, d.momentum(), d.nesterov(),
                d.weightDecay(), d.schedule(), batchSize, epochs, d.seed(), d.partitions(), d.validation());
    }

    /** Trains on {@code train}; with {@code test} not null, evaluates it after every epoch (untimed). */
    static Result run(TrainConfig cfg, DigitData train, DigitData test) {
        return run(cfg, train, test, false);
    }

    /**
     * As above; with {@code throughSpark}, the weights and partials go through Spark even on a
     * local master, as on a cluster ({@link SparkGradients#throughSpark()}).
     */
    static Result run(TrainConfig cfg, DigitData train, DigitData test, boolean throughSpark) {
        TrainSetup setup = TrainSetup.of(cfg, train.width(), train.rowsPerPartition(), train.maxValue(), 10);
        float[] params = setup.initialParams();
        List<Epoch> epochs = new ArrayList<>();
        JobDeadline none = JobDeadline.none(train.shards().context());
        GradientSource gradients = throughSpark
                ? new SparkGradients(train.shards(), setup.kernel(), 2, none).throughSpark()
                : GradientSource.onSpark(train.shards(), setup.kernel(), none, cfg.epochs(), setup.plan().stepsPerEpoch());
        setup.trainer(gradients).train(params, 0, (stats, p) -> {
            Double accuracy = test == null ? null : Evaluator.evaluate(test.shards(),
                    new Predictor(setup.spec(), p, setup.scale()), Evaluator.ALL_ROWS).accuracy();
            double before = epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).cumulativeSeconds();
            epochs.add(new Epoch(stats.epoch(), stats.seconds(), before + stats.seconds(), stats.trainLoss(),
                    stats.rows(), accuracy));
            System.err.printf(java.util.Locale.ROOT, "  %s epoch %d/%d: %.2f s%s%n", cfg.preset(), stats.epoch(),
                    stats.epochs(), stats.seconds(), accuracy == null ? "" : ", test accuracy " + Fmt.percent(accuracy));
        });
        return new Result(setup, params, epochs);
    }
}
