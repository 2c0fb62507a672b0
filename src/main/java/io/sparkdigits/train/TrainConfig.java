package io.sparkdigits.train;

import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.Stage;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every choice that decides what a training run computes. Recorded in the model file so that a
 * model says how it was made, and compared on {@code --resume} so a checkpoint is only continued
 * with the settings that produced it.
 *
 * @param hidden       hidden layer widths (input and output widths come from the data)
 * @param batchSize    global mini-batch size; 0 means full-batch gradient descent
 * @param partitions   training partitions; 0 means Spark's default parallelism
 * @param validation   fraction of the training rows held out for validation
 * @param layers       the stages in layer syntax ({@code conv5x5x32,pool2,dense256,10}), or null for
 *                     dense layers of the {@code hidden} widths
 * @param shape        the input image as {@code HxW} or {@code HxWxC}, or null: square gray images
 *                     when the row width is a square, else no image
 * @param dropout      dropout rates of the dense stages' inputs, in order (may be empty)
 * @param augment      the augmentation of training images ({@code none}, or e.g.
 *                     {@code shift=2,rotate=10,scale=0.1,elastic})
 * @param earlyStopping epochs without a better validation loss after which training stops and
 *                     keeps the best epoch's weights; 0 trains every epoch
 */
public record TrainConfig(String preset, int[] hidden, Activation activation, String optimizer,
                          double learningRate, double momentum, boolean nesterov, double weightDecay,
                          String schedule, int batchSize, int epochs, long seed, int partitions,
                          double validation, String layers, String shape, double[] dropout, String augment,
                          int earlyStopping) implements Serializable {

    /** Settings without image layers, dropout, augmentation or early stopping. */
    public TrainConfig(String preset, int[] hidden, Activation activation, String optimizer,
                       double learningRate, double momentum, boolean nesterov, double weightDecay,
                       String schedule, int batchSize, int epochs, long seed, int partitions, double validation) {
        this(preset, hidden, activation, optimizer, learningRate, momentum, nesterov, weightDecay, schedule, batchSize,
                epochs, seed, partitions, validation, null, null, new double[0], "none", 0);
    }

    /** A batch size or epoch count that the run chooses from the number of training rows ({@link #resolve}). */
    public static final int AUTO = -1;
    /**
     * Prefix of an augmentation that applies only to what looks like pictures: square images of
     * at least 16 x 16 pixel values 0..255. A table of 64 or 4 features is a square too, but
     * distorting it as an image would only add noise.
     */
    public static final String AUTO_AUGMENT = "auto:";
    /** The batch size the default preset's learning rate is tuned for. */
    static final int REFERENCE_BATCH = 2048;

    /** The settings of the presets; command-line options override any of them. */
    public static TrainConfig preset(String name) {
        return switch (name) {
            // 784-256-128-10 ReLU, Adam with a one-epoch warm-up and cosine decay. A large batch keeps
            // Spark's fixed cost per step (a job, ~5-10 ms) small against the compute, and a rate
            // scaled with it keeps the epochs needed low: 98% in under 10 s of training on 2 cores.
            // Batch and epochs adapt to the data (see resolve): 2048 and 15 for MNIST. Distortion
            // keeps it learning where the plain network had stopped at 98.0%. Chosen on validation
            // splits (the last 10,000 MNIST training rows; 1,500 rows of images and of 49-feature
            // rows against others): plain 97.75%; distortion with dropout 0.1/0.2/0.2 98.29% over
            // four seeds, 92.3% and 85.2% on the small sets; distortion alone 98.35%, 92.9% and
            // 87.4%, and cheaper. Dropout is left to the larger presets.
            case "default" -> new TrainConfig(name, new int[] {256, 128}, Activation.RELU, "adam",
                    6e-3, 0.9, false, 0, "cosine:warmup=1", AUTO, AUTO, 42, 0, 0, null, null,
                    new double[0], AUTO_AUGMENT + "shift=1,rotate=5", 0);
            // The first original design: 784-10-10 ReLU, full-batch gradient descent at rate 0.1.
            case "relu10" -> new TrainConfig(name, new int[] {10}, Activation.RELU, "sgd",
                    0.1, 0, false, 0, "constant", 0, 500, 42, 0, 0);
            // The second: 784-128-64-10 sigmoid, plain SGD on mini-batches.
            case "sigmoid128" -> new TrainConfig(name, new int[] {128, 64}, Activation.SIGMOID, "sgd",
                    0.1, 0, false, 0, "constant", 64, 10, 42, 0, 0);
            // A small convolutional network (LeNet's shape, more filters), dropout before its last
            // layers and distorted images every epoch, so it keeps learning where an MLP stalls.
            case "cnn" -> new TrainConfig(name, new int[0], Activation.RELU, "adam", 2e-3, 0.9, false, 0,
                    "cosine:warmup=1", 256, 15, 42, 0, 0, "conv5x5x16,pool2,conv5x5x32,pool2,dense128,10", null,
                    new double[] {0.25, 0.5}, "shift=2,rotate=10,scale=0.1", 0);
            // The MLP without convolutions, held from overfitting by dropout and distorted images
            // (on the validation split: 98.92%; with Hinton's 0.2/0.5/0.5 dropout it underfit in
            // the time allowed).
            case "mlp" -> new TrainConfig(name, new int[] {800, 800}, Activation.RELU, "adam", 2e-3, 0.9, false, 0,
                    "cosine:warmup=1", 512, 20, 42, 0, 0, null, null, new double[] {0.2, 0.3, 0.3},
                    "shift=2,rotate=10,scale=0.1", 0);
            default -> throw new IllegalArgumentException(
                    "unknown preset '" + name + "' (expected default, cnn, mlp, relu10 or sigmoid128)");
        };
    }

    /**
     * Settings given on top of a preset, by command-line flags or spark.ml Params; a null field
     * keeps the preset's value. Values are assumed already range-checked by the caller.
     */
    public record Overrides(int[] hidden, Activation activation, String optimizer, Double learningRate,
                            Double momentum, Boolean nesterov, Double weightDecay, String schedule, Integer batchSize,
                            Integer epochs, Long seed, Integer partitions, Double validation, String layers,
                            String shape, double[] dropout, String augment, Integer earlyStopping) {

        /** Overrides of the settings every preset has had from the start. */
        public Overrides(int[] hidden, Activation activation, String optimizer, Double learningRate,
                         Double momentum, Boolean nesterov, Double weightDecay, String schedule, Integer batchSize,
                         Integer epochs, Long seed, Integer partitions, Double validation) {
            this(hidden, activation, optimizer, learningRate, momentum, nesterov, weightDecay, schedule, batchSize,
                    epochs, seed, partitions, validation, null, null, null, null, null);
        }
    }

    /** Preset {@code name} with {@code o} applied: the one place the CLI and the spark.ml stage resolve settings. */
    public static TrainConfig of(String name, Overrides o) {
        TrainConfig p = preset(name);
        String optimizer = or(o.optimizer(), p.optimizer());
        // Choosing momentum on a preset without it should not mean a momentum of zero.
        double momentum = o.momentum() != null ? o.momentum()
                : optimizer.equals("momentum") && p.momentum() == 0 ? 0.9 : p.momentum();
        return new TrainConfig(name, or(o.hidden(), p.hidden()), or(o.activation(), p.activation()), optimizer,
                or(o.learningRate(), p.learningRate()), momentum, or(o.nesterov(), p.nesterov()),
                or(o.weightDecay(), p.weightDecay()), or(o.schedule(), p.schedule()), or(o.batchSize(), p.batchSize()),
                or(o.epochs(), p.epochs()), or(o.seed(), p.seed()), or(o.partitions(), p.partitions()),
                or(o.validation(), p.validation()),
                // Widths given alone replace the preset's stages too: --hidden means a plain MLP.
                o.layers() != null ? o.layers() : o.hidden() != null ? null : p.layers(),
                // The preset's dropout rates belong to its own layers.
                or(o.shape(), p.shape()),
                o.dropout() != null ? o.dropout() : o.layers() != null || o.hidden() != null ? new double[0] : p.dropout(),
                or(o.augment(), p.augment()),
                or(o.earlyStopping(), p.earlyStopping()));
    }

    private static <T> T or(T given, T preset) {
        return given != null ? given : preset;
    }

    /**
     * These settings with an automatic batch size and epoch count chosen for {@code trainRows}: a
     * batch of about a 24th of the rows as a power of two from 32 to 2048 (a step is a Spark job,
     * so large data wants large batches, and small data still gets two dozen steps an epoch), at
     * least 15 epochs and 400 steps in all, and an automatic batch's learning rate scaled by
     * {@code sqrt(batch / 2048)} from the rate given for 2048. Settings given explicitly stay.
     */
    public TrainConfig resolve(long trainRows) {
        if (batchSize != AUTO && epochs != AUTO) {
            return this;
        }
        int batch = batchSize;
        double rate = learningRate;
        if (batch == AUTO) {
            batch = (int) Math.max(32, Math.min(REFERENCE_BATCH, Long.highestOneBit(Math.max(1, trainRows / 24))));
            rate = learningRate * Math.sqrt(batch / (double) REFERENCE_BATCH);
        }
        int steps = (int) Math.max(1, (trainRows + (batch == 0 ? trainRows : batch) - 1) / (batch == 0 ? Math.max(1, trainRows) : batch));
        int e = epochs != AUTO ? epochs : Math.min(1000, Math.max(15, (400 + steps - 1) / steps));
        return new TrainConfig(preset, hidden, activation, optimizer, rate, momentum, nesterov, weightDecay, schedule,
                batch, e, seed, partitions, validation, layers, shape, dropout, augment, earlyStopping);
    }

    /**
     * These settings for {@code classes} classes. Only a preset's own layer syntax names a class
     * count (the {@code cnn} preset ends with the ten digits): its output layer follows the data.
     * Layers given explicitly end with the number of classes already, and are checked against it
     * when the network is built; widths ({@code hidden}) never include the output.
     */
    public TrainConfig forClasses(int classes) {
        String own;
        try {
            own = preset(preset).layers();
        } catch (IllegalArgumentException e) { // settings made in code under a name of their own
            return this;
        }
        if (layers == null || !layers.equals(own)) {
            return this;
        }
        String output = layers.substring(0, layers.lastIndexOf(',') + 1) + classes;
        return new TrainConfig(preset, hidden, activation, optimizer, learningRate, momentum, nesterov, weightDecay,
                schedule, batchSize, epochs, seed, partitions, validation, output, shape, dropout, augment,
                earlyStopping);
    }

    /** Dense layer widths from input to output. */
    public int[] widths(int inputs, int classes) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = inputs;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = classes;
        return sizes;
    }

    /** The network these settings train on rows of {@code width} values with {@code classes} classes. */
    public NetworkSpec network(int width, int classes) {
        if (layers == null) {
            return new NetworkSpec(widths(width, classes), activation);
        }
        return NetworkSpec.parse(layers, imageShape(width), width, classes, activation);
    }

    /** The input image: {@code shape} if given, else square gray images for a square width, else null. */
    public Stage.Shape imageShape(int width) {
        if (shape == null) {
            return Stage.Shape.square(width);
        }
        Stage.Shape s = Stage.Shape.parse(shape);
        if (s.size() != width) {
            throw new IllegalArgumentException("shape " + shape + " holds " + s.size() + " values, but rows have " + width);
        }
        return s;
    }

    /** The settings as JSON-able values, for the model file. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preset", preset);
        m.put("hidden", Arrays.stream(hidden).boxed().toList());
        m.put("activation", activation.id());
        m.put("optimizer", optimizer);
        m.put("learningRate", learningRate);
        m.put("momentum", momentum);
        m.put("nesterov", nesterov);
        m.put("weightDecay", weightDecay);
        m.put("schedule", schedule);
        m.put("batchSize", batchSize);
        m.put("epochs", epochs);
        m.put("seed", seed);
        m.put("partitions", partitions);
        m.put("validation", validation);
        m.put("layers", layers);
        m.put("shape", shape);
        m.put("dropout", Arrays.stream(dropout).boxed().toList());
        m.put("augment", augment);
        m.put("earlyStopping", earlyStopping);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainConfig c && toMap().equals(c.toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    @Override
    public String toString() {
        return toMap().toString();
    }
}
