package io.sparkdigits.ml;

import io.sparkdigits.data.BadInputException;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.Augment;
import io.sparkdigits.data.Labels;
import io.sparkdigits.model.Model;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.Dropout;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.Stage;
import io.sparkdigits.optim.LrSchedule;
import io.sparkdigits.train.JobDeadline;
import io.sparkdigits.train.TrainConfig;
import io.sparkdigits.train.TrainJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * The spark.ml Estimator of spark-digits: a drop-in for {@code MultilayerPerceptronClassifier}
 * that trains with the same Spark trainer as the {@code train} command. A thin adapter: it packs
 * the DataFrame into the shards the CLI builds from CSV ({@link FrameRows}) and runs
 * {@link TrainJob#train}, so the same rows, settings and seed give the CLI's weights bit for bit.
 *
 * <p>The training Params carry the CLI flags' names and meanings: {@link #preset} sets every
 * setting, and a Param that is set overrides the preset's value, as a flag does. An unset Param
 * has no default of its own; its getter answers the preset's value.
 */
public final class DigitsClassifier
        extends ProbabilisticClassifier<Vector, DigitsClassifier, DigitsClassificationModel>
        implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private String uid;

    private final Param<String> preset;
    private final IntArrayParam hidden;
    private final Param<String> activation;
    private final Param<String> optimizer;
    private final DoubleParam learningRate;
    private final DoubleParam momentum;
    private final BooleanParam nesterov;
    private final DoubleParam weightDecay;
    private final Param<String> schedule;
    private final IntParam batchSize;
    private final IntParam epochs;
    private final LongParam seed;
    private final DoubleParam validationFraction;
    private final IntParam numPartitions;
    private final Param<String> layers;
    private final Param<String> shape;
    private final DoubleArrayParam dropout;
    private final Param<String> augment;
    private final IntParam earlyStopping;
    private final IntParam numClasses;

    public DigitsClassifier() {
        this((Void) null);
    }

    public DigitsClassifier(String uid) {
        this(Uids.stash(uid));
    }

    private DigitsClassifier(Void stashed) {
        super();
        uid();
        preset = new Param<>(this, "preset", "settings every other training Param overrides: default (784-256-128-10"
                + " relu, adam, batch and epochs from the rows), cnn (convolutional, augmented), mlp (dropout, augmented),"
                + " relu10 (784-10-10 relu, full-batch GD) or sigmoid128 (784-128-64-10 sigmoid, SGD)",
                ParamValidators.inArray(new String[] {"default", "cnn", "mlp", "relu10", "sigmoid128"}));
        hidden = new IntArrayParam(this, "hidden", "hidden layer widths, e.g. [128, 64] (unset: the preset's)",
                valid((int[] a) -> Arrays.stream(a).allMatch(w -> w > 0)));
        activation = new Param<>(this, "activation", "hidden activation: relu, sigmoid or tanh (unset: the preset's)",
                ParamValidators.inArray(new String[] {"relu", "sigmoid", "tanh"}));
        optimizer = new Param<>(this, "optimizer", "sgd, momentum or adam (unset: the preset's)",
                ParamValidators.inArray(new String[] {"sgd", "momentum", "adam"}));
        learningRate = new DoubleParam(this, "learningRate", "learning rate, in (0, 100] (unset: the preset's)",
                ParamValidators.inRange(0, 100, false, true));
        momentum = new DoubleParam(this, "momentum", "momentum coefficient of optimizer momentum, in [0, 0.9999]"
                + " (unset: the preset's, 0.9 when the preset has none)", ParamValidators.inRange(0, 0.9999));
        nesterov = new BooleanParam(this, "nesterov", "Nesterov momentum (unset: the preset's)");
        weightDecay = new DoubleParam(this, "weightDecay", "L2 weight decay on weights, decoupled for adam, in [0, 1]"
                + " (unset: the preset's)", ParamValidators.inRange(0, 1));
        schedule = new Param<>(this, "schedule", "learning-rate schedule: constant, cosine, cosine:warmup=EPOCHS or"
                + " step:gamma=G,every=EPOCHS (unset: the preset's)", valid(DigitsClassifier::validSchedule));
        batchSize = new IntParam(this, "batchSize", "global mini-batch size; 0 = full batch (unset: the preset's)",
                ParamValidators.gtEq(0));
        epochs = new IntParam(this, "epochs", "epochs, passes over the training rows (unset: the preset's)",
                ParamValidators.inRange(1, 1_000_000));
        seed = new LongParam(this, "seed", "seed of every random choice (unset: the preset's)");
        validationFraction = new DoubleParam(this, "validationFraction", "fraction of the training rows held out"
                + " and scored after every epoch, in [0, 0.9] (unset: the preset's)", ParamValidators.inRange(0, 0.9));
        numPartitions = new IntParam(this, "numPartitions", "training partitions; 0 = Spark's default parallelism"
                + " (unset: the preset's)", ParamValidators.inRange(0, 100_000));
        layers = new Param<>(this, "layers", "the stages, e.g. conv5x5x32,pool2,conv5x5x64,pool2,dense256,10, as"
                + " the CLI's --layers; excludes hidden (unset: the preset's)", valid(DigitsClassifier::validLayers));
        shape = new Param<>(this, "shape", "the image shape of a feature vector, HxW or HxWxC (unset: square gray"
                + " images when the width is a square)", valid(DigitsClassifier::validShape));
        dropout = new DoubleArrayParam(this, "dropout", "dropout rates of the inputs of the dense layers in order,"
                + " each in [0, 1) (unset: the preset's)",
                valid((double[] a) -> Arrays.stream(a).allMatch(Dropout::isRate)));
        augment = new Param<>(this, "augment", "distortion of training images: shift=PIXELS,rotate=DEGREES,"
                + "scale=FRACTION[,elastic] or none (unset: the preset's)", valid(DigitsClassifier::validAugment));
        earlyStopping = new IntParam(this, "earlyStopping", "stop after this many epochs without a lower loss on the"
                + " validation fraction and keep the best epoch's weights; needs validationFraction (unset: the preset's)",
                ParamValidators.inRange(1, 1_000_000));
        numClasses = new IntParam(this, "numClasses", "the number of classes, " + Labels.MIN_CLASSES + " to "
                + Labels.MAX_CLASSES + ": labels are 0..K-1; 0 = from the label column's metadata (as StringIndexer"
                + " writes it), else its largest value + 1", valid((Object k) -> (Integer) k == Labels.FROM_DATA
                || Labels.checkCount((Integer) k) == null));
        setDefault(preset, "default");
        setDefault(numClasses, Labels.FROM_DATA);
    }

    /** A validator Spark can ship with the stage: Params are serialised with it. */
    private interface Check<T> extends java.io.Serializable {
        boolean test(T value);
    }

    private static <T> Function1<T, Object> valid(Check<T> check) {
        return (Function1<T, Object> & java.io.Serializable) check::test;
    }

    private static boolean validSchedule(String spec) {
        try {
            LrSchedule.parse(spec, 1, 1);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean validLayers(String spec) {
        return parses(() -> NetworkSpec.checkSyntax(spec));
    }

    private static boolean validShape(String spec) {
        return parses(() -> Stage.Shape.parse(spec));
    }

    private static boolean validAugment(String spec) {
        return parses(() -> Augment.parse(spec));
    }

    private static boolean parses(Runnable parse) {
        try {
            parse.run();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = Uids.claim("digitsClassifier");
        }
        return uid;
    }

    // Param accessors: Spark finds a stage's Params through its public no-argument methods.

    public Param<String> preset() {
        return preset;
    }

    public IntArrayParam hidden() {
        return hidden;
    }

    public Param<String> activation() {
        return activation;
    }

    public Param<String> optimizer() {
        return optimizer;
    }

    public DoubleParam learningRate() {
        return learningRate;
    }

    public DoubleParam momentum() {
        return momentum;
    }

    public BooleanParam nesterov() {
        return nesterov;
    }

    public DoubleParam weightDecay() {
        return weightDecay;
    }

    public Param<String> schedule() {
        return schedule;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public IntParam epochs() {
        return epochs;
    }

    public LongParam seed() {
        return seed;
    }

    public DoubleParam validationFraction() {
        return validationFraction;
    }

    public IntParam numPartitions() {
        return numPartitions;
    }

    public Param<String> layers() {
        return layers;
    }

    public Param<String> shape() {
        return shape;
    }

    public DoubleArrayParam dropout() {
        return dropout;
    }

    public Param<String> augment() {
        return augment;
    }

    public IntParam earlyStopping() {
        return earlyStopping;
    }

    public IntParam numClasses() {
        return numClasses;
    }

    public DigitsClassifier setPreset(String value) {
        return (DigitsClassifier) set(preset, value);
    }

    public DigitsClassifier setHidden(int[] value) {
        return (DigitsClassifier) set(hidden, value);
    }

    public DigitsClassifier setActivation(String value) {
        return (DigitsClassifier) set(activation, value);
    }

    public DigitsClassifier setOptimizer(String value) {
        return (DigitsClassifier) set(optimizer, value);
    }

    public DigitsClassifier setLearningRate(double value) {
        return (DigitsClassifier) set(learningRate, value);
    }

    public DigitsClassifier setMomentum(double value) {
        return (DigitsClassifier) set(momentum, value);
    }

    public DigitsClassifier setNesterov(boolean value) {
        return (DigitsClassifier) set(nesterov, value);
    }

    public DigitsClassifier setWeightDecay(double value) {
        return (DigitsClassifier) set(weightDecay, value);
    }

    public DigitsClassifier setSchedule(String value) {
        return (DigitsClassifier) set(schedule, value);
    }

    public DigitsClassifier setBatchSize(int value) {
        return (DigitsClassifier) set(batchSize, value);
    }

    public DigitsClassifier setEpochs(int value) {
        return (DigitsClassifier) set(epochs, value);
    }

    public DigitsClassifier setSeed(long value) {
        return (DigitsClassifier) set(seed, value);
    }

    public DigitsClassifier setValidationFraction(double value) {
        return (DigitsClassifier) set(validationFraction, value);
    }

    public DigitsClassifier setNumPartitions(int value) {
        return (DigitsClassifier) set(numPartitions, value);
    }

    public DigitsClassifier setLayers(String value) {
        return (DigitsClassifier) set(layers, value);
    }

    public DigitsClassifier setShape(String value) {
        return (DigitsClassifier) set(shape, value);
    }

    public DigitsClassifier setDropout(double[] value) {
        return (DigitsClassifier) set(dropout, value);
    }

    public DigitsClassifier setAugment(String value) {
        return (DigitsClassifier) set(augment, value);
    }

    public DigitsClassifier setEarlyStopping(int value) {
        return (DigitsClassifier) set(earlyStopping, value);
    }

    /** The number of classes; 0 until set means the data decides. */
    public DigitsClassifier setNumClasses(int value) {
        return (DigitsClassifier) set(numClasses, value);
    }

    public int getNumClasses() {
        return (Integer) $(numClasses);
    }

    public String getPreset() {
        return $(preset);
    }

    public int[] getHidden() {
        return config().hidden();
    }

    public String getActivation() {
        return config().activation().id();
    }

    public String getOptimizer() {
        return config().optimizer();
    }

    public double getLearningRate() {
        return config().learningRate();
    }

    public double getMomentum() {
        return config().momentum();
    }

    public boolean getNesterov() {
        return config().nesterov();
    }

    public double getWeightDecay() {
        return config().weightDecay();
    }

    public String getSchedule() {
        return config().schedule();
    }

    public int getBatchSize() {
        return config().batchSize();
    }

    public int getEpochs() {
        return config().epochs();
    }

    public long getSeed() {
        return config().seed();
    }

    public double getValidationFraction() {
        return config().validation();
    }

    public int getNumPartitions() {
        return config().partitions();
    }

    public String getLayers() {
        return config().layers();
    }

    public String getShape() {
        return config().shape();
    }

    public double[] getDropout() {
        return config().dropout();
    }

    public String getAugment() {
        return config().augment();
    }

    public int getEarlyStopping() {
        return config().earlyStopping();
    }

    /** The run these Params describe: the preset with every set Param applied, as the CLI resolves its flags. */
    public TrainConfig config() {
        TrainConfig.Overrides given = new TrainConfig.Overrides(given(hidden),
                isSet(activation) ? Activation.parse($(activation)) : null, given(optimizer), given(learningRate),
                given(momentum), given(nesterov), given(weightDecay), given(schedule), given(batchSize), given(epochs),
                given(seed), given(numPartitions), given(validationFraction), given(layers), given(shape),
                given(dropout), given(augment), given(earlyStopping));
        if (given.layers() != null && given.hidden() != null) {
            throw new IllegalArgumentException("set layers or hidden, not both");
        }
        TrainConfig cfg = TrainConfig.of($(preset), given);
        if (cfg.earlyStopping() > 0 && cfg.validation() == 0) {
            throw new IllegalArgumentException("earlyStopping watches the validation loss: set validationFraction too");
        }
        return cfg;
    }

    @SuppressWarnings("unchecked")
    private <T> T given(Param<?> p) {
        return isSet(p) ? (T) $(p) : null;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        FeatureColumns.label(schema, getLabelCol());
        return DigitsClassificationModel.outputSchema(this, schema);
    }

    @Override
    public DigitsClassificationModel train(Dataset<?> dataset) {
        TrainConfig cfg = config();
        SparkSession spark = dataset.sparkSession();
        DigitData data;
        try {
            data = FrameRows.load(dataset, getLabelCol(), getFeaturesCol(), classes(dataset.schema()),
                    TrainJob.partitions(spark, cfg));
        } catch (BadInputException e) { // spark.ml reports bad input as IllegalArgumentException
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        try {
            TrainJob.Paths paths = new TrainJob.Paths("DataFrame", null, null, null, 0, false, false);
            Model model = TrainJob.train(spark, cfg, paths, data, null, JobDeadline.none(spark.sparkContext()));
            return copyValues(new DigitsClassificationModel(uid(), model), ParamMap.empty());
        } catch (BadInputException e) { // data that makes no classifier (one class) or settings that do not fit it
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            data.release();
        }
    }

    /**
     * {@code numClasses} if set, else what the label column's metadata says (a nominal attribute,
     * as {@code StringIndexer} writes), else {@link Labels#FROM_DATA}: the largest label + 1, found
     * by the load's own summary job.
     */
    private int classes(StructType schema) {
        if (getNumClasses() != Labels.FROM_DATA) {
            return getNumClasses();
        }
        Attribute a = Attribute.fromStructField(schema.apply(getLabelCol()));
        int k = a instanceof BinaryAttribute ? 2
                : a instanceof NominalAttribute n && n.getNumValues().isDefined() ? (Integer) n.getNumValues().get()
                : Labels.FROM_DATA;
        String problem = k == Labels.FROM_DATA ? null : Labels.checkCount(k);
        if (problem != null) {
            throw new IllegalArgumentException("label column '" + getLabelCol() + "': its metadata has " + k
                    + " values, but " + problem);
        }
        return k;
    }

    @Override
    public DigitsClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<DigitsClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static DigitsClassifier load(String path) {
        return read().load(path);
    }
}
