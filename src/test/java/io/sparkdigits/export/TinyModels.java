package io.sparkdigits.export;

import io.sparkdigits.model.Model;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.BatchStats;
import io.sparkdigits.nn.Init;
import io.sparkdigits.nn.Mlp;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.Stage;
import io.sparkdigits.testing.TestData;
import java.io.IOException;
import java.util.Map;

/**
 * Small trained models without Spark: every preset's architecture, trained by a few epochs of
 * plain mini-batch SGD on the committed 1,000-row sample. Trained rather than random weights, so
 * the most probable class is clear and a comparison of labels tests the graph, not rounding.
 */
public final class TinyModels {
    /** The architectures of the presets (default, sigmoid128, relu10, mlp, cnn), and tanh. */
    public static final Map<String, NetworkSpec> ARCHITECTURES = Map.of(
            "default", new NetworkSpec(new int[] {784, 256, 128, 10}, Activation.RELU),
            "sigmoid128", new NetworkSpec(new int[] {784, 128, 64, 10}, Activation.SIGMOID),
            "relu10", new NetworkSpec(new int[] {784, 10, 10}, Activation.RELU),
            "mlp", new NetworkSpec(new int[] {784, 800, 800, 10}, Activation.RELU),
            "tanh", new NetworkSpec(new int[] {784, 128, 64, 10}, Activation.TANH),
            "cnn", NetworkSpec.parse("conv5x5x16,pool2,conv5x5x32,pool2,dense128,10", new Stage.Shape(28, 28, 1), 784, 10,
                    Activation.RELU));

    private static final int BATCH = 50;
    private static final float SCALE = 1f / 255;

    private TinyModels() {
    }

    /** Enough epochs that the sample is mostly learnt: sigmoid layers start slower. */
    public static Model trained(NetworkSpec spec) throws IOException {
        return spec.hidden() == Activation.SIGMOID ? trained(spec, 10, 1f) : trained(spec, 3, 0.1f);
    }

    public static Model trained(NetworkSpec spec, int epochs, float rate) throws IOException {
        TestData.Rows data = TestData.read(TestData.TRAIN);
        float[] params = Init.initialize(spec, 7);
        float[] grad = new float[params.length];
        float[] x = new float[BATCH * spec.inputSize()];
        short[] y = new short[BATCH];
        Mlp.Workspace ws = new Mlp.Workspace(spec, BATCH);
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int from = 0; from + BATCH <= data.count(); from += BATCH) {
                for (int i = 0; i < BATCH * data.cols(); i++) {
                    x[i] = (data.pixels()[from * data.cols() + i] & 0xFF) * SCALE;
                }
                System.arraycopy(data.labels(), from, y, 0, BATCH);
                java.util.Arrays.fill(grad, 0f);
                Mlp.accumulateGradient(spec, params, x, y, 0, BATCH, grad, ws, new BatchStats());
                for (int i = 0; i < params.length; i++) {
                    params[i] -= rate / BATCH * grad[i];
                }
            }
        }
        return new Model(spec, params, SCALE, Map.of("trainedBy", "TinyModels"), Map.of());
    }

    /** The rows of a sample CSV as raw float pixel values, one array per row. */
    public static float[][] rawRows(TestData.Rows data) {
        float[][] rows = new float[data.count()][data.cols()];
        for (int r = 0; r < data.count(); r++) {
            for (int c = 0; c < data.cols(); c++) {
                rows[r][c] = data.pixels()[r * data.cols() + c] & 0xFF;
            }
        }
        return rows;
    }
}
