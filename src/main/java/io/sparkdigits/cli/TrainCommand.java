package io.sparkdigits.cli;

import io.sparkdigits.data.Augment;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.Labels;
import io.sparkdigits.ml.InputFrames;
import io.sparkdigits.model.OutputGuard;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.Dropout;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.Stage;
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
        Options o = new Options(name(), "Trains a network (dense, or convolutional on images) by synchronous mini-batch gradient\n"
                + "descent on Spark and saves it. A preset sets every option below; options given override it.")
                .required("train", "PATH", "labeled training data: CSV (a file, folder or glob, plain or .gz), Parquet or an image folder")
                .value("test", "PATH", "labeled test data, scored after every epoch and at the end")
                .required("model", "PATH", "model directory to write (any Hadoop path: file://, hdfs://, s3a://);"
                        + " replaces only a spark-digits model")
                .value("preset", "NAME", "default (784-256-128-10 relu, adam, batch 2048), cnn (convolutional, augmented),"
                        + " mlp (dropout, augmented), relu10 (784-10-10 relu, full-batch GD) or sigmoid128 (784-128-64-10 sigmoid, SGD)")
                .value("classes", "K", "the number of classes, 2 to " + Labels.MAX_CLASSES + ": labels are 0..K-1 (default: the"
                        + " training data's largest label + 1, or the last of --layers)")
                .value("layers", "SPEC", "the stages, e.g. conv5x5x32,pool2,conv5x5x64,pool2,dense256,10 (convKHxKWxF[:s2][:valid],"
                        + " poolN, denseN; the number of classes last), or all dense widths, e.g. 784,128,64,10")
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
                .value("shape", "HxW[xC]", "the image shape of a row (default: square gray images when the width is a square)")
                .value("dropout", "RATES", "dropout rates of the inputs of the dense layers in order, e.g. 0.2,0.5")
                .value("augment", "SPEC", "distort training images: shift=PIXELS,rotate=DEGREES,scale=FRACTION[,elastic], or none")
                .value("validation", "FRACTION", "hold out this fraction of the training rows for validation")
                .value("validation-data", "PATH", "labeled data to validate on after every epoch, instead of held-out rows")
                .value("early-stopping", "PATIENCE", "stop after PATIENCE epochs without a lower validation loss and keep"
                        + " the best epoch's weights (needs --validation or --validation-data)")
                .value("checkpoint-every", "N", "save a checkpoint every N epochs (to --checkpoint)")
                .value("checkpoint", "PATH", "checkpoint directory (default MODEL-checkpoint)")
                .flag("resume", "continue from the checkpoint with the same options")
                .value("step-timeout", "SECONDS", "fail if one training step or evaluation pass takes longer,"
                        + " e.g. when no executor is left (default " + DEFAULT_STEP_TIMEOUT + ", 0 = no limit)")
                .value("metrics", "FILE", "append one JSON line per epoch to this local file (on the driver)")
                .value("metrics-every", "N", "also append a JSON line every N steps (needs --metrics)")
                .value("report", "DIR", "write an HTML report of the trained model on the test data"
                        + " (the training data without --test) to DIR");
        return OutputFlags.add(DataFlags.add(o));
    }

    @Override
    public void check(Options o) {
        config(o);
        classes(o);
        DataFlags.check(o);
        o.integer("checkpoint-every", 0, 0, 1_000_000);
        o.integer("step-timeout", DEFAULT_STEP_TIMEOUT, 0, 1_000_000);
        OutputFlags.check(o, "model", o.string("model"), OutputGuard.Kind.MODEL);
        if (o.has("report")) {
            OutputFlags.check(o, "report", o.string("report"), OutputGuard.Kind.REPORT_FOLDER);
        }
        if (o.has("metrics-every") && !o.has("metrics")) {
            throw new UsageException("--metrics-every needs --metrics FILE");
        }
        o.integer("metrics-every", 0, 1, 1_000_000);
        if (o.integer("checkpoint-every", 0, 0, 1_000_000) > 0) {
            OutputFlags.check(o, "checkpoint", checkpoint(o), OutputGuard.Kind.MODEL);
        }
    }

    private static String checkpoint(Options o) {
        return o.string("checkpoint", o.string("model") + "-checkpoint");
    }

    /** The preset's settings with every given option applied. */
    static TrainConfig config(Options o) {
        String preset = o.string("preset", "default");
        try {
            TrainConfig.preset(preset);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (o.has("layers") && o.has("hidden")) {
            throw new UsageException("give --layers or --hidden, not both");
        }
        int[] hidden = o.has("hidden") ? o.sizes("hidden") : null;
        String layers = null;
        if (o.has("layers") && o.string("layers").matches("[0-9, ]+")) {
            int[] all = o.sizes("layers");
            if (all.length < 2) {
                throw new UsageException("--layers needs the input and the output width at least, got " + o.string("layers"));
            }
            hidden = java.util.Arrays.copyOfRange(all, 1, all.length - 1);
        } else if (o.has("layers")) {
            layers = o.string("layers");
            try {
                NetworkSpec.checkSyntax(layers);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--layers: " + e.getMessage());
            }
        }
        Activation activation;
        try {
            activation = o.has("activation") ? Activation.parse(o.string("activation")) : null;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--activation: " + e.getMessage());
        }
        String optimizer = o.has("optimizer") ? o.choice("optimizer", null, "sgd", "momentum", "adam") : null;
        Double lr = real(o, "lr", 0, 100);
        if (lr != null && lr <= 0) {
            throw new UsageException("--lr must be positive");
        }
        TrainConfig.Overrides given = new TrainConfig.Overrides(hidden, activation, optimizer, lr,
                real(o, "momentum", 0, 0.9999), o.flag("nesterov") ? Boolean.TRUE : null, real(o, "weight-decay", 0, 1),
                o.has("schedule") ? o.string("schedule") : null, integer(o, "batch-size", 0, Integer.MAX_VALUE),
                integer(o, "epochs", 1, 1_000_000), o.has("seed") ? o.integer("seed", 0L) : null,
                integer(o, "partitions", 0, 100_000), real(o, "validation", 0, 0.9), layers, shape(o), dropout(o),
                augment(o), integer(o, "early-stopping", 1, 1_000_000));
        TrainConfig cfg = TrainConfig.of(preset, given);
        if (cfg.earlyStopping() > 0 && cfg.validation() == 0 && !o.has("validation-data")) {
            throw new UsageException("--early-stopping watches the validation loss: give --validation FRACTION"
                    + " or --validation-data PATH");
        }
        try {
            LrSchedule.parse(cfg.schedule(), cfg.learningRate(), 1);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--schedule: " + e.getMessage());
        }
        return cfg;
    }

    /**
     * The number of classes the options give: {@code --classes}, else the last width of
     * {@code --layers} (its output layer), else {@link Labels#FROM_DATA}. Both given must agree.
     */
    static int classes(Options o) {
        int fromLayers = Labels.FROM_DATA;
        if (o.has("layers")) {
            String[] stages = o.string("layers").split(",");
            String last = stages[stages.length - 1].trim().toLowerCase(java.util.Locale.ROOT).replace("dense", "");
            try {
                fromLayers = Integer.parseInt(last);
            } catch (NumberFormatException e) {
                throw new UsageException("--layers must end with the number of classes, got '" + last + "'");
            }
            String problem = Labels.checkCount(fromLayers);
            if (problem != null) {
                throw new UsageException("--layers ends with the number of classes: " + problem);
            }
        }
        if (!o.has("classes")) {
            return fromLayers;
        }
        int k = o.integer("classes", 0, Labels.MIN_CLASSES, Labels.MAX_CLASSES);
        if (fromLayers != Labels.FROM_DATA && fromLayers != k) {
            throw new UsageException("--layers ends with " + fromLayers + " outputs but --classes is " + k
                    + ": the last layer is the number of classes");
        }
        return k;
    }

    private static String shape(Options o) {
        if (!o.has("shape")) {
            return null;
        }
        try {
            return Stage.Shape.parse(o.string("shape")).toString();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--shape: " + e.getMessage());
        }
    }

    private static double[] dropout(Options o) {
        if (!o.has("dropout")) {
            return null;
        }
        String[] parts = o.string("dropout").split(",");
        double[] rates = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                rates[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                rates[i] = Double.NaN;
            }
            if (!Dropout.isRate(rates[i])) {
                throw new UsageException("--dropout needs comma-separated rates in [0, 1), got '" + o.string("dropout") + "'");
            }
        }
        return rates;
    }

    private static String augment(Options o) {
        if (!o.has("augment")) {
            return null;
        }
        try {
            Augment a = Augment.parse(o.string("augment"));
            return a == null ? "none" : a.toString();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--augment: " + e.getMessage());
        }
    }

    private static Double real(Options o, String name, double min, double max) {
        return o.has(name) ? o.real(name, 0, min, max) : null;
    }

    private static Integer integer(Options o, String name, int min, int max) {
        return o.has(name) ? o.integer(name, 0, min, max) : null;
    }

    @Override
    public int run(Options o, SparkSession spark) throws Exception {
        String model = o.string("model");
        TrainJob.Paths paths = new TrainJob.Paths(o.string("train"), o.string("test"), model, checkpoint(o),
                o.integer("checkpoint-every", 0, 0, 1_000_000), o.flag("resume"), OutputFlags.overwrite(o),
                o.string("validation-data"));
        int classes = classes(o);
        DataFlags.csvOnly(o, spark, paths.train(), paths.test(), paths.validation());
        TrainJob.Loader data = DataFlags.loader(o, spark, null, DataFlags.label(o));
        MetricsFile metrics = o.has("metrics")
                ? MetricsFile.open(Path.of(o.string("metrics")), o.integer("metrics-every", 0, 1, 1_000_000)) : null;
        TrainJob.Monitor monitor = new TrainJob.Monitor(new ProgressLine(System.err, ProgressLine.onTerminal()), metrics);
        Model trained = TrainJob.run(spark, config(o), paths, data, classes,
                o.integer("step-timeout", DEFAULT_STEP_TIMEOUT, 0, 1_000_000), monitor);
        if (o.has("report")) {
            String on = o.string("test", o.string("train"));
            ReportCommand.write(spark, trained, model, on,
                    DataFlags.loader(o, spark, InputFrames.shape(trained.spec()), DataFlags.label(o)), o.string("report"),
                    OutputFlags.overwrite(o), Reports.DEFAULT_MISTAKES, Reports.DEFAULT_CORRECT);
        }
        return 0;
    }
}
