package io.sparkdigits.train;

import io.sparkdigits.data.Augment;
import io.sparkdigits.nn.Dropout;
import io.sparkdigits.nn.Init;
import io.sparkdigits.nn.InputNorm;
import io.sparkdigits.nn.Stage;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.optim.LrSchedule;
import io.sparkdigits.optim.Optimizer;
import io.sparkdigits.optim.Optimizers;

/**
 * Everything a run derives from its settings and the shape of its data: the settings with their
 * automatic batch size and epochs resolved, the network, which rows train, the batch plan, the
 * optimizer and the schedule. One place, so that the Spark job and the
 * single-JVM reference are wired identically.
 *
 * <p>{@code scale} multiplies every input value (1/255 for 0..255 pixels); {@code norm}, if not
 * null, then standardises each feature (tables, see {@link #tabular()}).
 */
public record TrainSetup(TrainConfig config, NetworkSpec spec, RowSplit split, BatchPlan plan, Optimizer optimizer,
                         LrSchedule schedule, float scale, InputNorm norm) {

    /**
     * @param width            values per row
     * @param rowsPerPartition rows of every training partition
     * @param maxValue         the largest input value: above 1 means 0..255 pixels, scaled by 1/255
     * @param classes          the number of classes: the output layer's width
     */
    public static TrainSetup of(TrainConfig asked, int width, long[] rowsPerPartition, float maxValue, int classes) {
        TrainConfig requested = asked.forClasses(classes);
        NetworkSpec spec = requested.network(width, classes);
        RowSplit split = new RowSplit(requested.seed(), requested.validation());
        long trainRows = 0;
        for (long n : rowsPerPartition) {
            trainRows += split.trainCount((int) n);
        }
        TrainConfig cfg = requested.resolve(trainRows);
        BatchPlan plan = new BatchPlan(cfg.seed(), trainRows, cfg.batchSize());
        Optimizer optimizer = Optimizers.create(cfg.optimizer(), cfg.momentum(), cfg.nesterov(), cfg.weightDecay(), spec);
        LrSchedule schedule = LrSchedule.parse(cfg.schedule(), cfg.learningRate(), plan.stepsPerEpoch());
        float scale = maxValue > 1f ? 1f / 255f : 1f;
        TrainSetup setup = new TrainSetup(cfg, spec, split, plan, optimizer, schedule, scale, null);
        setup.regularization(); // refuses augmentation or dropout that do not fit the network now, not in a task
        return setup;
    }

    /**
     * Whether the rows are a table rather than pictures: no image layer, no {@code --shape}, not
     * square images of 16 x 16 or more; and the network starts with a dense layer, into which
     * standardised inputs fold ({@link InputNorm#fold}).
     */
    public boolean tabular() {
        Stage.Shape image = image();
        boolean pictures = image != null && image.h() >= 16 && image.w() >= 16 || config.shape() != null;
        return !pictures && spec.stages().get(0) instanceof Stage.Dense;
    }

    /** The input image: the network's, else the given or square shape of the rows; null for rows that are none. */
    private Stage.Shape image() {
        return spec.input() != null ? spec.input() : config.imageShape(spec.inputSize());
    }

    /** This setup with each feature standardised by {@code norm} instead of scaled. */
    public TrainSetup withNorm(InputNorm norm) {
        return new TrainSetup(config, spec, split, plan, optimizer, schedule, 1f, norm);
    }

    /**
     * The weights a model saves and scores with: those being trained, with the standardisation
     * folded in when there is one, so the model takes raw values scaled by {@code scale} alone.
     */
    public float[] servedParams(float[] params) {
        return norm == null ? params : norm.fold(spec, params);
    }

    /** Square images of at least 16 x 16 pixels scaled from 0..255: what an automatic augmentation distorts. */
    boolean looksLikePictures() {
        Stage.Shape image = image();
        return image != null && image.h() >= 16 && image.w() >= 16 && scale < 1f;
    }

    /** The seeded initial weights. */
    public float[] initialParams() {
        return Init.initialize(spec, config.seed());
    }

    /** The per-partition gradient computation of this run. */
    public PartitionGradient kernel() {
        return new PartitionGradient(spec, plan, split, scale, norm, regularization());
    }

    /** Augmentation and dropout as the settings ask, checked against the network and the data. */
    PartitionGradient.Regularization regularization() {
        String wanted = config.augment();
        boolean auto = wanted.startsWith(TrainConfig.AUTO_AUGMENT);
        Augment augment = Augment.parse(auto ? wanted.substring(TrainConfig.AUTO_AUGMENT.length()) : wanted);
        if (auto && !looksLikePictures()) {
            augment = null;
        }
        Stage.Shape image = null;
        if (augment != null) {
            image = image();
            if (image == null) {
                throw new IllegalArgumentException("--augment distorts images, but rows of " + spec.inputSize()
                        + " values are not square images: give their shape with --shape HxW");
            }
        }
        Dropout dropout = config.dropout().length > 0 ? Dropout.of(spec, config.dropout()) : null;
        if (augment == null && (dropout == null || !dropout.any())) {
            return PartitionGradient.Regularization.NONE;
        }
        return new PartitionGradient.Regularization(config.seed(), augment, image, dropout);
    }

    public Trainer trainer(GradientSource source) {
        return new Trainer(source, plan, optimizer, schedule, config.epochs());
    }
}
