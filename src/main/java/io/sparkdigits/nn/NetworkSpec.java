package io.sparkdigits.nn;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shape of a network: a list of {@link Stage}s from the input to the class scores, and the
 * activation of every hidden stage that has weights (convolutions and hidden dense layers). The
 * output layer is always softmax, trained with cross-entropy. A network of dense stages only is
 * described by its widths ({@code 784-128-64-10}); one with convolutions also by its input image
 * shape and its layer syntax ({@code conv5x5x32,pool2,dense256,10}).
 *
 * <p>All parameters live in one flat {@code float[]}: each stage with weights owns its weights
 * ({@code in x out} row-major for a dense layer, {@code [kh][kw][c][filters]} for a convolution),
 * followed by its biases, in stage order. Gradients and optimizer state use the same layout, so
 * aggregating a gradient is summing one array.
 */
public final class NetworkSpec implements Serializable {
    private static final long serialVersionUID = 2L;

    /** The input image, or null for a network of dense stages only (where it does not matter). */
    private final Stage.Shape input;
    private final List<Stage> stages;
    private final Activation hidden;
    /** Flat widths: the input, then the output of every stage. */
    private final int[] sizes;
    /** Stage index of every stage with weights, in order. */
    private final int[] weighted;
    /** Offset of every stage's parameters; the last entry is the parameter count. */
    private final int[] offsets;

    /**
     * A fully connected network.
     *
     * @param sizes  widths from input to output, at least two (input and the class count)
     * @param hidden activation of every hidden layer
     */
    public NetworkSpec(int[] sizes, Activation hidden) {
        this(null, denseStages(sizes), hidden);
    }

    /**
     * @param input  the input image, required if a stage is a convolution or a pooling
     * @param stages from the input to the output, the last one dense with at least two outputs
     */
    public NetworkSpec(Stage.Shape input, List<Stage> stages, Activation hidden) {
        if (stages.isEmpty() || !(stages.get(stages.size() - 1) instanceof Stage.Dense last)) {
            throw new IllegalArgumentException("a network ends with a dense output layer");
        }
        if (last.out() < 2) {
            throw new IllegalArgumentException("the output layer needs at least two classes");
        }
        boolean images = stages.stream().anyMatch(st -> !(st instanceof Stage.Dense));
        if (images && input == null) {
            throw new IllegalArgumentException("convolution and pooling need an input image shape");
        }
        this.input = images ? input : null;
        this.stages = List.copyOf(stages);
        this.hidden = java.util.Objects.requireNonNull(hidden, "hidden");
        this.sizes = new int[stages.size() + 1];
        this.offsets = new int[stages.size() + 1];
        sizes[0] = stages.get(0).inSize();
        if (images && input.size() != sizes[0]) {
            throw new IllegalArgumentException("input " + input + " does not match the first stage");
        }
        List<Integer> w = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < stages.size(); i++) {
            Stage st = stages.get(i);
            if (st.inSize() != sizes[i]) {
                throw new IllegalArgumentException("stage " + st.token() + " takes " + st.inSize()
                        + " values but receives " + sizes[i]);
            }
            sizes[i + 1] = st.outSize();
            offsets[i] = (int) offset;
            if (st.weights() > 0) {
                w.add(i);
            }
            offset += (long) st.weights() + st.biases();
            if (offset > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("network too large: more than 2^31 parameters");
            }
        }
        offsets[stages.size()] = (int) offset;
        this.weighted = w.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<Stage> denseStages(int[] sizes) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("a network needs at least an input and an output layer");
        }
        List<Stage> stages = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.length; l++) {
            if (sizes[l] < 1 || sizes[l + 1] < 1) {
                throw new IllegalArgumentException("layer sizes must be positive: " + Arrays.toString(sizes));
            }
            stages.add(new Stage.Dense(sizes[l], sizes[l + 1]));
        }
        return stages;
    }

    /**
     * Reads the layer syntax: comma-separated stages {@code convKHxKWxF} (optionally {@code :s2}
     * for stride 2 and {@code :valid} for no padding), {@code poolN}, {@code denseN}, ending with the
     * number of classes ({@code 10} or {@code dense10}). Flattening before the first dense stage is
     * implied.
     *
     * @param input the input image, or null when the data is not an image (then only dense stages)
     * @param width values per input row
     */
    public static NetworkSpec parse(String layers, Stage.Shape input, int width, int classes, Activation hidden) {
        String[] tokens = layers.split(",");
        List<Stage> stages = new ArrayList<>();
        Stage.Shape shape = input;
        int flat = width;
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i].trim().toLowerCase(java.util.Locale.ROOT);
            Stage st = parseStage(t, shape, flat, layers);
            if (i == tokens.length - 1 && (!(st instanceof Stage.Dense d) || d.out() != classes)) {
                throw new IllegalArgumentException("the layers must end with the number of classes, " + classes
                        + ", got '" + tokens[i].trim() + "' in " + layers);
            }
            stages.add(st);
            shape = st instanceof Stage.Conv c ? c.out() : st instanceof Stage.Pool p ? p.out() : null;
            flat = st.outSize();
        }
        return new NetworkSpec(input, stages, hidden);
    }

    /**
     * Checks the layer syntax alone, before the data's shape is known: every stage readable, at
     * least one, and a dense stage last.
     */
    public static void checkSyntax(String layers) {
        String[] tokens = layers.split(",");
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i].trim().toLowerCase(java.util.Locale.ROOT);
            boolean dense = DENSE.matcher(t).matches();
            if (!dense && !CONV.matcher(t).matches() && !POOL.matcher(t).matches()) {
                throw new IllegalArgumentException("unknown layer '" + t + "' in " + layers
                        + " (expected convKHxKWxF[:s2][:valid], poolN, denseN or the number of classes last)");
            }
            if (i == tokens.length - 1 && !dense) {
                throw new IllegalArgumentException("the layers must end with the number of classes, got '" + t + "'");
            }
        }
    }

    private static Stage parseStage(String t, Stage.Shape shape, int flat, String layers) {
        java.util.regex.Matcher conv = CONV.matcher(t);
        java.util.regex.Matcher pool = POOL.matcher(t);
        java.util.regex.Matcher dense = DENSE.matcher(t);
        if (conv.matches() || pool.matches()) {
            if (shape == null) {
                throw new IllegalArgumentException("'" + t + "' needs image input, but "
                        + (flat == 0 ? "the data" : "its input") + " is not an image here (" + layers
                        + "); give the image shape with --shape HxW, or use dense layers only");
            }
            if (pool.matches()) {
                return new Stage.Pool(shape, Integer.parseInt(pool.group(1)));
            }
            return new Stage.Conv(shape, Integer.parseInt(conv.group(3)), Integer.parseInt(conv.group(1)),
                    Integer.parseInt(conv.group(2)), conv.group(4) != null ? 2 : 1, conv.group(5) == null);
        }
        if (dense.matches()) {
            return new Stage.Dense(flat, Integer.parseInt(dense.group(1)));
        }
        throw new IllegalArgumentException("unknown layer '" + t + "' in " + layers
                + " (expected convKHxKWxF[:s2][:valid], poolN, denseN or the number of classes last)");
    }

    private static final java.util.regex.Pattern CONV =
            java.util.regex.Pattern.compile("conv([1-9][0-9]?)x([1-9][0-9]?)x([1-9][0-9]{0,4})(:s2)?(:valid)?");
    private static final java.util.regex.Pattern POOL = java.util.regex.Pattern.compile("pool([2-9])");
    private static final java.util.regex.Pattern DENSE = java.util.regex.Pattern.compile("(?:dense)?([1-9][0-9]{0,6})");

    /** The stages from input to output. */
    public List<Stage> stages() {
        return stages;
    }

    /** The input image, or null for a network of dense stages only. */
    public Stage.Shape input() {
        return input;
    }

    /** Whether every stage is dense (no image structure). */
    public boolean denseOnly() {
        return input == null;
    }

    /** The stages, as {@link #parse} reads them: {@code conv5x5x32,pool2,dense256,10}. */
    public String architecture() {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            t.add(i == stages.size() - 1 ? Integer.toString(outputSize()) : stages.get(i).token());
        }
        return String.join(",", t);
    }

    /** Stage with weights number {@code l} (convolutions and dense layers, in order). */
    public Stage weightStage(int l) {
        return stages.get(weighted[l]);
    }

    /** Offset of stage {@code i}'s parameters (weights, then biases). */
    public int stageOffset(int i) {
        return offsets[i];
    }

    /** Number of stages with weights (convolutions and dense layers). */
    public int layers() {
        return weighted.length;
    }

    public int inputSize() {
        return sizes[0];
    }

    public int outputSize() {
        return sizes[sizes.length - 1];
    }

    /** Flat width of activation {@code i}: 0 is the input, {@code i} the output of stage {@code i - 1}. */
    public int size(int i) {
        return sizes[i];
    }

    public int[] sizes() {
        return sizes.clone();
    }

    public Activation hidden() {
        return hidden;
    }

    public int numParams() {
        return offsets[stages.size()];
    }

    /** Offset of weight stage {@code l}'s weights in the flat parameter array. */
    public int weightOffset(int l) {
        return offsets[weighted[l]];
    }

    /** Offset of weight stage {@code l}'s biases, right after its weights. */
    public int biasOffset(int l) {
        return offsets[weighted[l]] + weightStage(l).weights();
    }

    /** The widest layer, for sizing scratch buffers. */
    public int maxWidth() {
        return Arrays.stream(sizes).max().orElseThrow();
    }

    /** {@code 784-128-64-10 sigmoid}, or {@code 28x28 conv5x5x32,pool2,dense256,10 relu}. */
    @Override
    public String toString() {
        if (input != null) {
            return input + " " + architecture() + " " + hidden.id();
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            sb.append(i == 0 ? "" : "-").append(sizes[i]);
        }
        return sb.append(' ').append(hidden.id()).toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSpec other && stages.equals(other.stages) && hidden == other.hidden
                && java.util.Objects.equals(input, other.input);
    }

    @Override
    public int hashCode() {
        return 31 * stages.hashCode() + hidden.hashCode();
    }
}
