package io.sparkdigits.export;

import io.sparkdigits.export.onnx.Onnx.ModelProto;
import io.sparkdigits.export.onnx.Onnx.OperatorSetIdProto;
import io.sparkdigits.export.onnx.Onnx.StringStringEntryProto;
import io.sparkdigits.export.onnx.Onnx.TensorProto;
import io.sparkdigits.model.Model;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.NetworkSpec;

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
 * <p>Each layer kind is one method that appends its nodes and initializers to an {@link OnnxGraph}
 * and returns the name of its output; a new kind of layer is one more such method. The weights are
 * stored as they are laid out in the flat parameters ({@code W[in][out]} row-major), which is
 * Gemm's {@code B} without transposition.
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
        String x = scaleInput(g, INPUT, model.inputScale());
        for (int l = 0; l < spec.layers(); l++) {
            x = dense(g, x, spec, model.params(), l);
            if (l + 1 < spec.layers()) {
                x = activation(g, x, spec.hidden(), l);
            }
        }
        classify(g, x);
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

    /** Weight layer {@code l}: {@code x · W + b}, {@code W} of {@code in x out} row-major. */
    private static String dense(OnnxGraph g, String x, NetworkSpec spec, float[] params, int l) {
        int in = spec.size(l);
        int out = spec.size(l + 1);
        String w = g.floats("W" + l, params, spec.weightOffset(l), in, out);
        String b = g.floats("b" + l, params, spec.biasOffset(l), out);
        return g.node("Gemm", "dense" + l, "dense" + l, x, w, b);
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
