package io.sparkdigits.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.Stage;
import io.sparkdigits.testing.Cli;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Convolutional networks exported and run in ONNX Runtime: the layout changes (our NHWC rows to
 * ONNX's NCHW images and back), the reordered convolution weights, padding that is uneven, absent
 * or larger on one side, stride 2, and pooling that drops a ragged edge, each on a shape where a
 * mistake changes the answers. The {@code cnn} preset's own architecture is in
 * {@link OnnxExportTest} with the other presets.
 */
class OnnxConvExportTest {
    @TempDir
    Path tmp;

    /**
     * The 784 sample pixels read as the given image: {@code 28x14x2} puts pairs of neighbouring
     * pixels in two channels, so swapped height and width or channel order would score differently.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource(delimiter = ';', value = {
            // valid padding with stride 2 (28 -> 13, an odd size), then a same 3x3 and a pool dropping a row and column
            "conv3x3x4:s2:valid,conv3x3x8,pool2,dense16,10; 28x28; relu; 10; 0.1",
            // same padding with stride 2: 28 -> 14 needs 3 rows of zeros, 1 above and 2 below; pool3 drops 2
            "conv5x5x6:s2,pool3,dense32,10; 28x28; relu; 10; 0.1",
            // a non-square kernel on a non-square, two-channel image: pads 0/1 rows and 1/2 columns
            "conv3x5x4:s2,pool2,dense16,10; 28x14x2; tanh; 10; 0.1",
            // pooling straight after the input, and sigmoid between the convolutions
            "pool2,conv3x3x8,conv3x3x8:valid,dense10; 28x28; sigmoid; 15; 0.5"})
    void onnxRuntimeGivesOurProbabilitiesAndLabels(String layers, String shape, String activation, int epochs, float rate)
            throws Exception {
        NetworkSpec spec = NetworkSpec.parse(layers, Stage.Shape.parse(shape), 784, 10, Activation.parse(activation));
        Model model = TinyModels.trained(spec, epochs, rate);
        OnnxExportTest.assertOnnxRuntimeAgrees(model, tmp.resolve("m.onnx"), spec.toString());
    }

    @Test
    void exportCommandWritesAConvolutionalModel() throws Exception {
        NetworkSpec spec = NetworkSpec.parse("conv3x3x4:s2,pool2,dense16,10", new Stage.Shape(28, 28, 1), 784, 10,
                Activation.RELU);
        Model model = TinyModels.trained(spec, 1, 0.1f);
        String dir = tmp.resolve("model").toString();
        ModelStore.save(model, dir, new Configuration());
        Path onnx = tmp.resolve("model.onnx");
        Cli.Result r = Cli.run(null, "export", "--model", dir, "--onnx", onnx.toString());
        assertEquals(0, r.code(), r.toString());
        float[] white = new float[784];
        java.util.Arrays.fill(white, 255f);
        float[][] rows = {new float[784], white};
        try (OrtModel ort = new OrtModel(onnx.toString())) {
            assertTrue(ort.session().getMetadata().getCustomMetadata().get("spark-digits.network").contains("conv3x3x4:s2"),
                    "the network is named in the metadata");
            OrtModel.Outputs out = ort.run(rows);
            for (int i = 0; i < rows.length; i++) {
                float[] ours = model.predict(rows[i]);
                for (int j = 0; j < ours.length; j++) {
                    assertEquals(ours[j], out.probabilities()[i][j], 1e-5, "row " + i + ", class " + j);
                }
            }
        }
    }
}
