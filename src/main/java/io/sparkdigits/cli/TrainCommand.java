package io.sparkdigits.cli;

import io.sparkdigits.data.DigitData;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.optim.LrSchedule;
import io.sparkdigits.model.Model;
import io.sparkdigits.report.Reports;
import io.sparkdigits.train.MetricsFile;
import io.sparkdigits.train.ProgressLine;
import io.sparkdigits.train.TrainConfig;
import io.sparkdigits.train.TrainJob;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** {@code train}: options to a {@link TrainConfig}, then {@link TrainJob}, then the report if asked. */
final class TrainCommand implements Command {
    /** Ten minutes: far above any step of a healthy run, short enough to free a stuck driver. */
    static final int DEFAULT_STEP_TIMEOUT = 600;

    @Override
    public String name() {
        return "train";
    }

    @Override
    public Options options() {
        Options o = new Options(name(), "Trains a fully connected network by synchronous mini-batch gradient descent on Spark\n"
                + "and saves it. A preset sets every option below; options given override it.")
                .required("train", "PATH", "labeled training CSV: a file, folder or glob, plain or .gz")
                .value("test", "PATH", "labeled test CSV, scored after every epoch and at the end")
                .required("model", "PATH", "model directory to write (any Hadoop path: file://, hdfs://, s3a://)")
                .value("preset", "NAME", "default (784-256-128-10 relu, adam, batch 2048), relu10 (784-10-10 relu, full-batch GD)"
                        + " or sigmoid128 (784-128-64-10 sigmoid, SGD)")
                .value("layers", "SIZES", "all widths, e.g. 784,128,64,10 (first = input width, last = 10)")
                .value("hidden", "SIZES", "hidden widths only, e.g. 128,64")
                .value("activation", "NAME", "hidden activation: relu, sigmoid or tanh")
                .value("optimizer", "NAME", "sgd, momentum or adam")
                .value("lr", "RATE", "learning rate")
                .value("momentum", "MU", "momentum coefficient (optimizer momentum)")
                .flag("nesterov", "Nesterov momentum")
                .value("weight-decay", "L2", "L2 weight decay on weights (decoupled for adam)")
                .value("schedule", "SPEC", "constant, cosine, cosine:warmup=EPOCHS or step:gamma=G,every=EPOCHS")
                .value("batch-size", "N", "global mini-batch size; 0 = full batch")
                .value("epochs", "N", "epochs (passes over the training rows)")
                .value("seed", "N", "seed of every random choice")
                .value("partitions", "N", "training partitions (default: Spark's default parallelism)")
                .value("validation", "FRACTION", "hold out this fraction of the training rows for validation")
                .value("checkpoint-every", "N", "save a checkpoint every N epochs (to --checkpoint)")
                .value("checkpoint", "PATH", "checkpoint directory (default MODEL-checkpoint)")
                .flag("resume", "continue from the checkpoint with the same options")
                .value("step-timeout", "SECONDS", "fail if one training step or evaluation pass takes longer,"
                        + " e.g. when no executor is left (default " + DEFAULT_STEP_TIMEOUT + ", 0 = no limit)")
                .value("metrics", "FILE", "append one JSON line per epoch to this local file (on the driver)")
                .value("metrics-every", "N", "also append a JSON line every N steps (needs --metrics)")
                .value("report", "DIR", "write an HTML report of the trained model on the test data"
                        + " (the training data without --test) to DIR")
                .flag("overwrite", "let --report replace an existing report folder");
        return DataFlags.add(o);
    }

    @Override
    public void check(Options o) {
        config(o);
        DataFlags.header(o);
        DataFlags.skipBadRows(o);
        o.integer("checkpoint-every", 0, 0, 1_000_000);
        o.integer("step-timeout", DEFAULT_STEP_TIMEOUT, 0, 1_000_000);
        if (o.has("metrics-every") && !o.has("metrics")) {
            throw new UsageException("--metrics-every needs --metrics FILE");
        }
        o.integer("metrics-every", 0, 1, 1_000_000);
        if (o.has("overwrite") && !o.has("report")) {
            throw new UsageException("--overwrite is about --report DIR, which is not given");
        }
    }

    /** The preset's settings with every given option applied. */
    static TrainConfig config(Options o) {
        TrainConfig p;
        try {
            p = TrainConfig.preset(o.string("preset", "default"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (o.has("layers") && o.has("hidden")) {
            throw new UsageException("give --layers or --hidden, not both");
        }
        int[] hidden = p.hidden();
        if (o.has("hidden")) {
            hidden = o.sizes("hidden");
        }
        if (o.has("layers")) {
            int[] all = o.sizes("layers");
            if (all.length < 2 || all[all.length - 1] != TrainJob.CLASSES) {
                throw new UsageException("--layers must end with " + TrainJob.CLASSES + " (one output per digit), got "
                        + o.string("layers"));
            }
            hidden = java.util.Arrays.copyOfRange(all, 1, all.length - 1);
        }
        Activation activation;
        try {
            activation = o.has("activation") ? Activation.parse(o.string("activation")) : p.activation();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--activation: " + e.getMessage());
        }
        String optimizer = o.choice("optimizer", p.optimizer(), "sgd", "momentum", "adam");
        double lr = o.real("lr", p.learningRate(), 0, 100);
        if (lr <= 0) {
            throw new UsageException("--lr must be positive");
        }
        String schedule = o.string("schedule", p.schedule());
        try {
            LrSchedule.parse(schedule, lr, 1);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--schedule: " + e.getMessage());
        }
        return new TrainConfig(o.string("preset", "default"), hidden, activation, optimizer, lr,
                o.real("momentum", optimizer.equals("momentum") && p.momentum() == 0 ? 0.9 : p.momentum(), 0, 0.9999),
                o.flag("nesterov") || p.nesterov(), o.real("weight-decay", p.weightDecay(), 0, 1), schedule,
                o.integer("batch-size", p.batchSize(), 0, Integer.MAX_VALUE), o.integer("epochs", p.epochs(), 1, 1_000_000),
                o.integer("seed", p.seed()), o.integer("partitions", p.partitions(), 0, 100_000),
                o.real("validation", p.validation(), 0, 0.9));
    }

    @Override
    public int run(Options o, SparkSession spark) throws Exception {
        String model = o.string("model");
        TrainJob.Paths paths = new TrainJob.Paths(o.string("train"), o.string("test"), model,
                o.string("checkpoint", model + "-checkpoint"), o.integer("checkpoint-every", 0, 0, 1_000_000),
                o.flag("resume"));
        DigitData.Options data = new DigitData.Options(DataFlags.header(o), DataFlags.skipBadRows(o), 0, TrainJob.CLASSES);
        if (o.has("report")) { // before hours of training, not after
            Reports.checkTarget(o.string("report"), o.flag("overwrite"), spark.sparkContext().hadoopConfiguration());
        }
        MetricsFile metrics = o.has("metrics")
                ? MetricsFile.open(Path.of(o.string("metrics")), o.integer("metrics-every", 0, 1, 1_000_000)) : null;
        TrainJob.Monitor monitor = new TrainJob.Monitor(new ProgressLine(System.err, ProgressLine.onTerminal()), metrics);
        Model trained = TrainJob.run(spark, config(o), paths, data,
                o.integer("step-timeout", DEFAULT_STEP_TIMEOUT, 0, 1_000_000), monitor);
        if (o.has("report")) {
            String on = o.string("test", o.string("train"));
            ReportCommand.write(spark, trained, model, on, data.header(), data.skipBadRows(), o.string("report"),
                    o.flag("overwrite"), Reports.DEFAULT_MISTAKES, Reports.DEFAULT_CORRECT);
        }
        return 0;
    }
}
