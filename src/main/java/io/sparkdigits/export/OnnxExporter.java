package io.sparkdigits.export;

import io.sparkdigits.export.onnx.Onnx.ModelProto;
import io.sparkdigits.export.onnx.Onnx.OperatorSetIdProto;
import io.sparkdigits.export.onnx.Onnx.StringStringEntryProto;
import io.sparkdigits.export.onnx.Onnx.TensorProto;
import io.sparkdigits.model.Model;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.Stage;
import java.util.List;

/**
 * A {@link Model} as a standard ONNX model (operator set {@value #OPSET}) that any ONNX runtime
 * serves. Input {@value #INPUT}: float {@code [N, inputs]} of raw values (0..255 pixels), since
 * the model's input scaling is the graph's first node. Outputs {@value #PROBABILITIES}: float
 * {@code [N, classes]}, and {@value #LABEL}: int64 {@code [N]}, the most probable class (the
 * first on a tie, as ours).
 *
 * <pre>
 * pixels -Mul(scale)-> x -Gemm(W0, b0)-> -Relu|Sigmoid|Tanh-> ... -Gemm(Wl, bl)-> -Softmax-> probabilities -ArgMax-> label
 * </pre>
 *
 * <p>A network with convolutions reshapes the scaled rows to images first, and flattens them back
 * before its first dense layer:
 *
 * <pre>
 * x -Reshape-> [N, H, W, C] -Transpose-> [N, C, H, W] -Conv-> -Relu-> -MaxPool-> ...
 *   ... [N, c, h, w] -Transpose-> [N, h, w, c] -Flatten-> [N, h*w*c] -Gemm-> ...
 * </pre>
 *
 * <p>Each layer kind is one method that appends its nodes and initializers to an {@link OnnxGraph}
 * and returns the name of its output; a new kind of layer is one more such method. Dense weights
 * are stored as they are laid out in the flat parameters ({@code W[in][out]} row-major), which is
 * Gemm's {@code B} without transposition; the flattened images are in our channel-last order, so
 * the first dense layer after a convolution reads them unchanged. Convolution weights are
 * reordered to ONNX's {@code [filters][c][kh][kw]}.
 */
public final class OnnxExporter {
    /** ONNX operator set the graph is written for: Softmax over one axis and ArgMax as used here. */
    public static final int OPSET = 13;
    /** The IR version that goes with operator set 13. */
    static final long IR_VERSION = 7;
    /** {@code producer_name} of every file we write; how an existing file is recognised as ours. */
    public static final String PRODUCER = io.sparkdigits.model.OutputGuard.ONNX_PRODUCER;
    public static final String INPUT = "pixels";
    public static final String PROBABILITIES = "probabilities";
    public static final String LABEL = "label";
    /** Name of the symbolic batch dimension. */
    static final String BATCH = "N";
    /**
     * protobuf refuses to serialise a message of 2 GiB or more; the weights are nearly all of it
     * and the rest is a few kilobytes, for which 1 MiB is ample.
     */
    static final long MAX_WEIGHT_BYTES = Integer.MAX_VALUE - (1L << 20);

    private OnnxExporter() {
    }

    /**
     * The ONNX model of {@code model}.
     *
     * @throws UnsupportedModelException if the network cannot be written as one ONNX file
     */
    public static ModelProto toOnnx(Model model) throws UnsupportedModelException {
        NetworkSpec spec = model.spec();
        checkExportable(spec);
        OnnxGraph g = new OnnxGraph("spark-digits " + spec);
        classify(g, stages(g, scaleInput(g, INPUT, model.inputScale()), spec, model.params()));
        g.input(INPUT, TensorProto.DataType.FLOAT, BATCH, spec.inputSize());
        g.output(PROBABILITIES, TensorProto.DataType.FLOAT, BATCH, spec.outputSize());
        g.output(LABEL, TensorProto.DataType.INT64, BATCH);
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName(PRODUCER)
                .setDocString("Digit classifier " + spec + " exported by spark-digits. Input '" + INPUT
                        + "': raw values (scaled by " + model.inputScale() + " inside the graph).")
                .addMetadataProps(entry("spark-digits.network", spec.toString()))
                .addMetadataProps(entry("spark-digits.inputScale", Float.toString(model.inputScale())))
                .setGraph(g.build())
                .build();
    }

    /**
     * Refuses a network that cannot become one ONNX file, before anything is written. Every
     * network {@link NetworkSpec} describes today has an ONNX form; the limit is protobuf's.
     */
    static void checkExportable(NetworkSpec spec) throws UnsupportedModelException {
        long bytes = (long) spec.numParams() * Float.BYTES;
        if (bytes > MAX_WEIGHT_BYTES) {
            throw new UnsupportedModelException("network " + spec + " has " + spec.numParams()
                    + " parameters (" + bytes + " bytes), more than one ONNX file holds (2 GiB)");
        }
    }

    /** {@code x * scale}: raw inputs to what the network was trained on. */
    private static String scaleInput(OnnxGraph g, String x, float scale) {
        String s = g.scalar("input_scale", scale);
        return g.node("Mul", "scale", "scaled", x, s);
    }

    /**
     * The nodes of every stage, from the scaled input to the logits, each followed by the hidden
     * activation if it has weights and is not the last. ONNX convolves and pools NCHW images while
     * our rows hold NHWC images, so the layout changes where an image stage follows flat values and
     * back where a dense stage follows an image: inside, the weights keep their meaning unchanged.
     */
    private static String stages(OnnxGraph g, String x, NetworkSpec spec, float[] params) {
        List<Stage> stages = spec.stages();
        boolean image = false;
        int l = 0;
        for (int i = 0; i < stages.size(); i++) {
            Stage st = stages.get(i);
            if (st instanceof Stage.Dense d) {
                x = dense(g, image ? flatten(g, x, i) : x, d, spec, params, l);
            } else if (st instanceof Stage.Conv c) {
                x = conv(g, image ? x : toImage(g, x, c.in(), i), c, spec, params, l);
            } else {
                Stage.Pool p = (Stage.Pool) st;
                x = maxPool(g, image ? x : toImage(g, x, p.in(), i), p, i);
            }
            image = !(st instanceof Stage.Dense);
            if (st.weights() > 0) {
                if (i + 1 < stages.size()) {
                    x = activation(g, x, spec.hidden(), l);
                }
                l++;
            }
        }
        return x;
    }

    /**
     * Rows of {@code shape.size()} values, NHWC, as NCHW images for stage {@code i}. The target
     * shape's 0 copies the batch size, so an empty batch reshapes too (-1 would be ambiguous).
     */
    private static String toImage(OnnxGraph g, String x, Stage.Shape shape, int i) {
        String dims = g.longs("image_shape" + i, 0, shape.h(), shape.w(), shape.c());
        String nhwc = g.node("Reshape", "image" + i, "image" + i, x, dims);
        return g.node("Transpose", "nchw" + i, "nchw" + i, new String[] {nhwc},
                OnnxGraph.attribute("perm", new long[] {0, 3, 1, 2}));
    }

    /** NCHW images back to NHWC rows, the order our dense weights read, for stage {@code i}. */
    private static String flatten(OnnxGraph g, String x, int i) {
        String nhwc = g.node("Transpose", "nhwc" + i, "nhwc" + i, new String[] {x},
                OnnxGraph.attribute("perm", new long[] {0, 2, 3, 1}));
        return g.node("Flatten", "flatten" + i, "flat" + i, new String[] {nhwc}, OnnxGraph.attribute("axis", 1));
    }

    /** Weight stage {@code l}, dense: {@code x · W + b}, {@code W} of {@code in x out} row-major. */
    private static String dense(OnnxGraph g, String x, Stage.Dense d, NetworkSpec spec, float[] params, int l) {
        String w = g.floats("W" + l, params, spec.weightOffset(l), d.in(), d.out());
        String b = g.floats("b" + l, params, spec.biasOffset(l), d.out());
        return g.node("Gemm", "dense" + l, "dense" + l, x, w, b);
    }

    /**
     * Weight stage {@code l}, a convolution: ONNX's Conv with our {@code [kh][kw][c][filters]}
     * weights reordered to its {@code [filters][c][kh][kw]}, and the padding as explicit pads
     * (top, left, bottom, right), so the file states exactly where the odd zero row and column go:
     * below and right, as ours.
     */
    private static String conv(OnnxGraph g, String x, Stage.Conv c, NetworkSpec spec, float[] params, int l) {
        float[] w = filtersFirst(c, params, spec.weightOffset(l));
        String wName = g.floats("W" + l, w, 0, c.filters(), c.in().c(), c.kh(), c.kw());
        String b = g.floats("b" + l, params, spec.biasOffset(l), c.filters());
        Stage.Shape out = c.out();
        // Padding the output needs, less what goes above or left; 0 for valid, which needs none.
        int bottom = Math.max((out.h() - 1) * c.stride() + c.kh() - c.in().h(), 0) - c.padTop();
        int right = Math.max((out.w() - 1) * c.stride() + c.kw() - c.in().w(), 0) - c.padLeft();
        return g.node("Conv", "conv" + l, "conv" + l, new String[] {x, wName, b},
                OnnxGraph.attribute("kernel_shape", new long[] {c.kh(), c.kw()}),
                OnnxGraph.attribute("strides", new long[] {c.stride(), c.stride()}),
                OnnxGraph.attribute("pads", new long[] {c.padTop(), c.padLeft(), bottom, right}));
    }

    /** Convolution weights at {@code params[off ..]}, {@code [kh][kw][c][filters]}, as {@code [filters][c][kh][kw]}. */
    private static float[] filtersFirst(Stage.Conv c, float[] params, int off) {
        int f = c.filters();
        int ch = c.in().c();
        float[] w = new float[c.weights()];
        for (int ky = 0; ky < c.kh(); ky++) {
            for (int kx = 0; kx < c.kw(); kx++) {
                for (int ci = 0; ci < ch; ci++) {
                    for (int fi = 0; fi < f; fi++) {
                        int ours = off + ((ky * c.kw() + kx) * ch + ci) * f + fi;
                        w[((fi * ch + ci) * c.kh() + ky) * c.kw() + kx] = params[ours];
                    }
                }
            }
        }
        return w;
    }

    /** Stage {@code i}, max pooling by windows at their own stride; ONNX's default floor drops a ragged edge, as ours. */
    private static String maxPool(OnnxGraph g, String x, Stage.Pool p, int i) {
        return g.node("MaxPool", "pool" + i, "pool" + i, new String[] {x},
                OnnxGraph.attribute("kernel_shape", new long[] {p.size(), p.size()}),
                OnnxGraph.attribute("strides", new long[] {p.size(), p.size()}));
    }

    /** The hidden activation after weight layer {@code l}. */
    private static String activation(OnnxGraph g, String x, Activation a, int l) {
        String op = switch (a) {
            case RELU -> "Relu";
            case SIGMOID -> "Sigmoid";
            case TANH -> "Tanh";
        };
        return g.node(op, a.id() + l, "hidden" + l, x);
    }

    /** Softmax over the classes, and the first most probable class of each row. */
    private static void classify(OnnxGraph g, String logits) {
        g.node("Softmax", "softmax", PROBABILITIES, new String[] {logits}, OnnxGraph.attribute("axis", 1));
        g.node("ArgMax", "argmax", LABEL, new String[] {PROBABILITIES},
                OnnxGraph.attribute("axis", 1), OnnxGraph.attribute("keepdims", 0));
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
