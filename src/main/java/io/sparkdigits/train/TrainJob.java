package io.sparkdigits.train;

import io.sparkdigits.data.BadInputException;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.JobDescription;
import io.sparkdigits.data.Labels;
import io.sparkdigits.eval.EvaluationReport;
import io.sparkdigits.eval.Evaluator;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.nn.InputNorm;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.infer.Predictor;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code train} command on Spark: load and cache the data, build the network, run the
 * synchronous loop with {@link GradientSource#onSpark} (a job an epoch or a job a step), report
 * every epoch, checkpoint, evaluate and save the model. Orchestration only: the arithmetic lives in {@code nn} and {@code optim}.
 */
public final class TrainJob {
    private static final Logger LOG = LogManager.getLogger(TrainJob.class);

    /**
     * Where data comes from and results go; {@code overwrite} lets the model and the checkpoints
     * replace whatever is at their paths, not only outputs of ours; {@code validation} is data to
     * validate on after every epoch ({@code --validation-data}), or null.
     */
    public record Paths(String train, String test, String model, String checkpoint, int checkpointEvery,
                        boolean resume, boolean overwrite, String validation) {
        public Paths(String train, String test, String model, String checkpoint, int checkpointEvery,
                     boolean resume, boolean overwrite) {
            this(train, test, model, checkpoint, checkpointEvery, resume, overwrite, null);
        }
    }

    /**
     * How a run shows its progress: the terminal's progress line (a disabled one off a terminal)
     * and the metrics file, or null for none.
     */
    public record Monitor(ProgressLine progress, MetricsFile metrics) {
        /** No progress line and no metrics file: the per-epoch log lines only. */
        public static Monitor quiet() {
            return new Monitor(new ProgressLine(System.err, false), null);
        }
    }

    private TrainJob() {
    }

    /** {@link #run(SparkSession, TrainConfig, Paths, DigitData.Options, long, Monitor)} with log lines only. */
    public static Model run(SparkSession spark, TrainConfig cfg, Paths paths, DigitData.Options dataOptions,
                            long stepTimeout) throws IOException {
        return run(spark, cfg, paths, dataOptions, stepTimeout, Monitor.quiet());
    }

    /**
     * @param dataOptions how to read the data; its number of classes is the run's K, or
     *                    {@link Labels#FROM_DATA} for the training data's largest label + 1
     * @param stepTimeout seconds one training step (or one evaluation pass) may take before the
     *                    run fails, {@code <= 0} for no limit; see {@link JobDeadline}
     */
    public static Model run(SparkSession spark, TrainConfig cfg, Paths paths, DigitData.Options dataOptions,
                            long stepTimeout, Monitor monitor) throws IOException {
        return run(spark, cfg, paths, csv(spark, dataOptions), dataOptions.classes(), stepTimeout, monitor);
    }

    /**
     * Reads one data path of a run into cached shards of {@code partitions} partitions, rows of
     * {@code width} values ({@code -1}: as the data says) and labels in {@code 0 .. classes - 1}
     * ({@link Labels#FROM_DATA}: any label up to the largest number of classes).
     */
    @FunctionalInterface
    public interface Loader {
        DigitData load(String path, int partitions, int width, int classes);
    }

    /** The CSV reader with {@code options}' header, label and bad-row settings. */
    public static Loader csv(SparkSession spark, DigitData.Options options) {
        return (path, partitions, width, classes) -> DigitData.load(spark, path,
                new DigitData.Options(options.header(), options.label(), options.skipBadRows(), partitions, classes),
                width);
    }

    /**
     * As above, reading the training, validation and test data with {@code loader};
     * {@code classesGiven} is the run's K, or {@link Labels#FROM_DATA} for the training data's
     * largest label + 1.
     */
    public static Model run(SparkSession spark, TrainConfig cfg, Paths paths, Loader loader, int classesGiven,
                            long stepTimeout, Monitor monitor) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        int partitions = partitions(spark, cfg);
        long loadStart = System.nanoTime();
        DigitData train = loader.load(paths.train(), partitions, -1, classesGiven);
        LOG.info(String.format(Locale.ROOT, "loaded %s: %s; %,d rows in %d partitions, %,d bytes cached, %.1f s%s",
                paths.train(), train.summary().describe(), train.rows(), train.partitions(), train.inputBytes(),
                seconds(loadStart), train.skipped() > 0 ? " (first bad row: " + train.firstSkipped() + ")" : ""));
        if (train.skipped() > 0) {
            System.err.println("warning: skipped " + train.skipped() + " bad rows of " + paths.train()
                    + " (first: " + train.firstSkipped() + ")");
        }
        DigitData test = null;
        DigitData validation = null;
        try {
            int classes = train.classes();
            LOG.info("classes: " + classes + (classesGiven == Labels.FROM_DATA
                    ? " (the training data's largest label + 1)" : ""));
            test = paths.test() == null ? null : loadMore(loader, paths.test(), partitions, train, classesGiven);
            if (test != null) {
                LOG.info("loaded " + paths.test() + ": " + test.summary().describe());
            }
            if (paths.validation() != null) {
                validation = loadMore(loader, paths.validation(), partitions, train, classesGiven);
                LOG.info("loaded " + paths.validation() + " for validation: " + validation.summary().describe());
            }
            Model model = train(spark, cfg, paths, train, validation, test,
                    new JobDeadline(spark.sparkContext(), stepTimeout), monitor);
            ModelStore.save(model, paths.model(), hadoop, paths.overwrite());
            LOG.info("saved model to " + paths.model());
            return model;
        } finally {
            for (DigitData d : new DigitData[] {train, validation, test}) {
                if (d != null) {
                    d.release();
                }
            }
        }
    }

    /**
     * Loads test or validation data with the training data's width and classes; a label beyond
     * classes that the training data decided says so.
     */
    private static DigitData loadMore(Loader loader, String path, int partitions, DigitData train, int classesGiven) {
        try {
            return loader.load(path, partitions, train.width(), train.classes());
        } catch (BadInputException e) {
            if (classesGiven != Labels.FROM_DATA || !e.getMessage().contains(": label ")) {
                throw e;
            }
            throw new BadInputException(e.getMessage() + " (the training data's labels make " + train.classes()
                    + " classes; give --classes K if there are more)", e);
        }
    }

    /** The number of training partitions {@code cfg} asks for: its own, else Spark's default parallelism. */
    public static int partitions(SparkSession spark, TrainConfig cfg) {
        return cfg.partitions() > 0 ? cfg.partitions() : spark.sparkContext().defaultParallelism();
    }

    /**
     * Trains on data already loaded and cached, reporting and checkpointing as {@code paths} says,
     * and returns the model without saving it: the run shared by {@code train} and the spark.ml
     * stage. {@code paths.train()} and {@code paths.test()} only name the data in the model's info.
     */
    public static Model train(SparkSession spark, TrainConfig cfg, Paths paths, DigitData train, DigitData test,
                              JobDeadline deadline) throws IOException {
        return train(spark, cfg, paths, train, null, test, deadline, Monitor.quiet());
    }

    /**
     * As above, validating after every epoch on {@code validation} if given (else on the held-out
     * training rows, if any), keeping the best epoch's weights under early stopping, and showing
     * progress through {@code monitor}.
     */
    public static Model train(SparkSession spark, TrainConfig cfg, Paths paths, DigitData train, DigitData validation,
                              DigitData test, JobDeadline deadline, Monitor monitor) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        TrainSetup setup = setup(spark, cfg, paths, train);
        NetworkSpec spec = setup.spec();
        TrainConfig requested = cfg;
        cfg = setup.config();
        LOG.info("network " + spec + " (" + spec.numParams() + " parameters), " + setup.optimizer() + ", "
                + setup.schedule() + ", batch " + (cfg.batchSize() == 0 ? "full" : cfg.batchSize()) + ", "
                + setup.plan().stepsPerEpoch() + " steps/epoch, " + cfg.epochs() + " epochs, seed " + cfg.seed());
        if (cfg.augment().startsWith(TrainConfig.AUTO_AUGMENT)) {
            LOG.info(setup.looksLikePictures() ? "augmenting the images: " + cfg.augment().substring(
                    TrainConfig.AUTO_AUGMENT.length()) : "no augmentation: the rows are not pictures of 16x16 pixels or more");
        }
        if (requested.batchSize() == TrainConfig.AUTO || requested.epochs() == TrainConfig.AUTO) {
            LOG.info(String.format(Locale.ROOT, "chose batch %d, %d epochs and learning rate %.2g for %,d rows"
                    + " (the preset adapts them to the data; --batch-size, --epochs and --lr set them)",
                    cfg.batchSize(), cfg.epochs(), cfg.learningRate(), train.rows()));
        }

        float[] params = setup.initialParams();
        EarlyStopping stopping = cfg.earlyStopping() > 0 ? new EarlyStopping(cfg.earlyStopping()) : null;
        if (stopping != null && validation == null && cfg.validation() == 0) {
            throw new BadInputException("early stopping watches the validation loss: give --validation FRACTION"
                    + " or --validation-data PATH");
        }
        EpochReporter reporter = new EpochReporter(setup, paths, train, validation, test, deadline, hadoop, monitor,
                stopping);
        int startEpoch = 0;
        if (paths.resume()) {
            startEpoch = Checkpoints.restore(paths.checkpoint(), cfg, reporter.dataFingerprint(), spec, params,
                    setup.norm() != null, setup.optimizer(), stopping, reporter.history(), hadoop);
            LOG.info("resumed from " + paths.checkpoint() + " after epoch " + startEpoch);
        }
        GradientSource gradients = GradientSource.onSpark(train.shards(), setup.kernel(), deadline, cfg.epochs(),
                setup.plan().stepsPerEpoch());
        setup.trainer(gradients).train(params, startEpoch, reporter);
        boolean keptEarlier = stopping != null && stopping.restoreBest(params)
                && stopping.bestEpoch() != reporter.history().size();
        if (stopping != null) {
            LOG.info("early stopping: " + stopping.toMap(cfg.epochs()).get("reason") + "; keeping epoch "
                    + stopping.bestEpoch());
        }

        Map<String, Object> info = new LinkedHashMap<>();
        info.put("config", cfg.toMap());
        info.put("data", dataInfo(paths, train, test));
        if (setup.norm() != null) {
            info.put(Model.TABLE_INPUTS, "standardized per feature on the training rows, folded into the first layer");
        }
        info.put("history", reporter.history());
        info.put("created", Instant.now().toString());
        info.put("sparkVersion", spark.version());
        info.put("sparkMaster", spark.sparkContext().master());
        info.put("javaVersion", System.getProperty("java.version"));
        if (stopping != null) {
            info.put("earlyStopping", stopping.toMap(cfg.epochs()));
        }
        if (test != null) {
            // The last epoch scored these very weights already; evaluate only if no epoch ran (resumed
            // at the end) or early stopping kept an earlier epoch's weights.
            EvaluationReport report = reporter.lastTest() != null && !keptEarlier ? reporter.lastTest()
                    : deadline.run("final test evaluation", () -> JobDescription.run(spark.sparkContext(),
                            "evaluate test", () -> Evaluator.evaluate(test.shards(),
                                    new Predictor(spec, setup.servedParams(params), setup.scale()),
                                    Evaluator.ALL_ROWS)));
            info.put("testMetrics", report.toMap());
            // The same table as the evaluate command's: a quick start needs one JVM, not two.
            System.out.printf(Locale.ROOT, "test accuracy %.2f%% (%d rows), mean loss %.4f%n%s",
                    100 * report.accuracy(), report.rows(), report.meanLoss(), report.toTable());
        }
        return new Model(spec, setup.servedParams(params), setup.scale(), info, Map.of());
    }

    /** The run's setup for {@code train}: settings resolved, and tables standardised. */
    private static TrainSetup setup(SparkSession spark, TrainConfig cfg, Paths paths, DigitData train) {
        TrainSetup setup;
        try {
            setup = TrainSetup.of(cfg, train.width(), train.rowsPerPartition(), train.maxValue(), train.classes());
        } catch (IllegalArgumentException e) {
            // Settings that do not fit the data (an image layer on rows that are no image, a shape of
            // another size): the user's to fix, said in one line.
            throw new BadInputException(paths.train() + ": " + e.getMessage());
        }
        if (!setup.tabular()) {
            return setup;
        }
        RowSplit split = setup.split();
        DigitData.ColumnSums sums = JobDescription.run(spark.sparkContext(), "standardize features",
                () -> train.columnSums(split::trainRows));
        LOG.info("the rows are a table, not pictures: each of the " + train.width() + " features is standardized"
                + " by its mean and standard deviation on the training rows (the saved model folds this into"
                + " its first layer and takes raw values)");
        return setup.withNorm(InputNorm.of(sums.sum(), sums.sumSq(), sums.rows()));
    }

    /** The key under the model's {@code data} info of the CSV column the training labels came from (1-based). */
    public static final String LABEL_COLUMN = "labelColumn";

    private static Map<String, Object> dataInfo(Paths paths, DigitData train, DigitData test) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("train", paths.train());
        m.put("trainFiles", train.summary().describe());
        m.put("trainRows", train.rows());
        m.put("classes", train.classes());
        m.put("skippedRows", train.skipped());
        m.put("partitions", train.partitions());
        if (train.layout() != null) {
            // 1-based, as --label-column counts: evaluate and predict read CSV labels from it by default.
            m.put(LABEL_COLUMN, train.layout().label() + 1);
        }
        m.put("cachedInputBytes", train.inputBytes());
        if (test != null) {
            m.put("test", paths.test());
            m.put("testFiles", test.summary().describe());
            m.put("testRows", test.rows());
            m.put("testSkippedRows", test.skipped());
        }
        return m;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
