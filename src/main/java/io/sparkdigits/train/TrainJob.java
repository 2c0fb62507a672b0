package io.sparkdigits.train;

import io.sparkdigits.data.BadInputException;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.eval.EvaluationReport;
import io.sparkdigits.eval.Evaluator;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.nn.Init;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.optim.LrSchedule;
import io.sparkdigits.optim.Optimizer;
import io.sparkdigits.optim.Optimizers;
import io.sparkdigits.optim.WeightMask;
import io.sparkdigits.score.Predictor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code train} command on Spark: load and cache the data, build the network, run the
 * synchronous loop with {@link SparkGradients}, report every epoch, checkpoint, evaluate and save
 * the model. Orchestration only: the arithmetic lives in {@code nn} and {@code optim}.
 */
public final class TrainJob {
    private static final Logger LOG = LogManager.getLogger(TrainJob.class);
    /** MNIST has ten digits; labels outside 0..9 are rejected when loading. */
    public static final int CLASSES = 10;

    /** Where data comes from and results go. */
    public record Paths(String train, String test, String model, String checkpoint, int checkpointEvery,
                        boolean resume) {
    }

    private TrainJob() {
    }

    /**
     * @param stepTimeout seconds one training step (or one evaluation pass) may take before the
     *                    run fails, {@code <= 0} for no limit; see {@link JobDeadline}
     */
    public static Model run(SparkSession spark, TrainConfig cfg, Paths paths, DigitData.Options dataOptions,
                            long stepTimeout) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        int partitions = cfg.partitions() > 0 ? cfg.partitions() : spark.sparkContext().defaultParallelism();
        DigitData.Options opts = new DigitData.Options(dataOptions.header(), dataOptions.skipBadRows(), partitions, CLASSES);
        long loadStart = System.nanoTime();
        DigitData train = DigitData.load(spark, paths.train(), opts, -1);
        LOG.info(String.format(Locale.ROOT, "loaded %s: %,d rows in %d partitions, %,d bytes cached, %.1f s%s",
                paths.train(), train.rows(), train.partitions(), train.inputBytes(), seconds(loadStart),
                train.skipped() > 0 ? ", skipped " + train.skipped() + " bad rows (first: " + train.firstSkipped() + ")" : ""));
        DigitData test = paths.test() == null ? null : DigitData.load(spark, paths.test(), opts, train.width());
        try {
            return train(spark, cfg, paths, train, test, hadoop, new JobDeadline(spark.sparkContext(), stepTimeout));
        } finally {
            train.release();
            if (test != null) {
                test.release();
            }
        }
    }

    private static Model train(SparkSession spark, TrainConfig cfg, Paths paths, DigitData train, DigitData test,
                               Configuration hadoop, JobDeadline deadline) throws IOException {
        float scale = train.maxValue() > 1f ? 1f / 255f : 1f;
        NetworkSpec spec = new NetworkSpec(cfg.layers(train.width(), CLASSES), cfg.activation());
        RowSplit split = new RowSplit(cfg.seed(), cfg.validation());
        long trainRows = 0;
        for (long n : train.rowsPerPartition()) {
            trainRows += split.trainCount((int) n);
        }
        BatchPlan plan = new BatchPlan(cfg.seed(), trainRows, cfg.batchSize());
        Optimizer optimizer = Optimizers.create(cfg.optimizer(), cfg.momentum(), cfg.nesterov(), cfg.weightDecay(), spec);
        LrSchedule schedule = LrSchedule.parse(cfg.schedule(), cfg.learningRate(), plan.stepsPerEpoch());
        LOG.info("network " + spec + " (" + spec.numParams() + " parameters), " + optimizer + ", " + schedule
                + ", batch " + (cfg.batchSize() == 0 ? "full" : cfg.batchSize()) + ", " + plan.stepsPerEpoch()
                + " steps/epoch, " + cfg.epochs() + " epochs, seed " + cfg.seed());

        float[] params = Init.initialize(spec, cfg.seed());
        List<Map<String, Object>> history = new ArrayList<>();
        int startEpoch = 0;
        if (paths.resume()) {
            startEpoch = Checkpoints.restore(paths.checkpoint(), cfg, spec, params, optimizer, history, hadoop);
            LOG.info("resumed from " + paths.checkpoint() + " after epoch " + startEpoch);
        }
        SparkGradients source = new SparkGradients(train.shards(),
                new PartitionGradient(spec, plan, split, scale), 2, deadline);
        Trainer trainer = new Trainer(source, plan, optimizer, schedule, cfg.epochs());
        trainer.train(params, startEpoch, (stats, p) -> {
            Predictor predictor = new Predictor(spec, p, scale);
            String after = " after epoch " + stats.epoch();
            Double val = cfg.validation() > 0 ? deadline.run("validation" + after, () -> Evaluator.evaluate(
                    train.shards(), predictor, split, Evaluator.Rows.VALIDATION)).accuracy() : null;
            Double tst = test != null ? deadline.run("test evaluation" + after, () -> Evaluator.evaluate(
                    test.shards(), predictor, split, Evaluator.Rows.ALL)).accuracy() : null;
            LOG.info(epochLine(stats, val, tst));
            history.add(historyEntry(stats, val, tst));
            if (paths.checkpointEvery() > 0 && (stats.epoch() % paths.checkpointEvery() == 0 || stats.epoch() == stats.epochs())) {
                Checkpoints.save(paths.checkpoint(), cfg, spec, p, scale, optimizer, stats.epoch(), history, hadoop);
            }
        });

        Map<String, Object> info = new LinkedHashMap<>();
        info.put("config", cfg.toMap());
        info.put("data", dataInfo(paths, train, test));
        info.put("history", history);
        info.put("created", Instant.now().toString());
        info.put("sparkVersion", spark.version());
        if (test != null) {
            EvaluationReport report = deadline.run("final test evaluation", () -> Evaluator.evaluate(
                    test.shards(), new Predictor(spec, params, scale), split, Evaluator.Rows.ALL));
            info.put("testMetrics", report.toMap());
            System.out.printf(Locale.ROOT, "test accuracy %.2f%% (%d rows), mean loss %.4f%n",
                    100 * report.accuracy(), report.rows(), report.meanLoss());
        }
        Model model = new Model(spec, params, scale, info, Map.of());
        ModelStore.save(model, paths.model(), hadoop);
        LOG.info("saved model to " + paths.model());
        return model;
    }

    static String epochLine(EpochStats s, Double validation, Double test) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "epoch %d/%d  train loss %.4f  train acc %.2f%%", s.epoch(), s.epochs(), s.trainLoss(),
                100 * s.trainAccuracy()));
        if (validation != null) {
            sb.append(String.format(Locale.ROOT, "  val acc %.2f%%", 100 * validation));
        }
        if (test != null) {
            sb.append(String.format(Locale.ROOT, "  test acc %.2f%%", 100 * test));
        }
        return sb.append(String.format(Locale.ROOT, "  %.1f s  %,.0f samples/s", s.seconds(), s.samplesPerSecond()))
                .toString();
    }

    private static Map<String, Object> historyEntry(EpochStats s, Double validation, Double test) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", s.epoch());
        m.put("trainLoss", s.trainLoss());
        m.put("trainAccuracy", s.trainAccuracy());
        if (validation != null) {
            m.put("validationAccuracy", validation);
        }
        if (test != null) {
            m.put("testAccuracy", test);
        }
        m.put("seconds", s.seconds());
        m.put("samplesPerSecond", s.samplesPerSecond());
        return m;
    }

    private static Map<String, Object> dataInfo(Paths paths, DigitData train, DigitData test) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("train", paths.train());
        m.put("trainRows", train.rows());
        m.put("skippedRows", train.skipped());
        m.put("partitions", train.partitions());
        m.put("cachedInputBytes", train.inputBytes());
        if (test != null) {
            m.put("test", paths.test());
            m.put("testRows", test.rows());
        }
        return m;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** Loads a model for a command, turning a missing path into a user error. */
    public static Model loadModel(String path, Configuration conf) throws IOException {
        try {
            return ModelStore.load(path, conf);
        } catch (FileNotFoundException e) {
            throw new BadInputException(path + ": no model there (" + e.getMessage() + ")");
        }
    }
}
