package io.sparkdigits.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.SoftmaxCrossEntropy;
import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.TestData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exported models checked in a real runtime: ONNX Runtime for Java loads the file we write for
 * every preset's architecture, and on the MNIST sample its probabilities equal ours within 1e-5
 * and its labels equal ours. Then the {@code export} command: atomic, refuses a file it did not
 * write, and a corrupt model gives one line, exit 2 and no file.
 */
class OnnxExportTest {
    private static final double TOLERANCE = 1e-5;
    private static final Map<String, Model> TRAINED = new ConcurrentHashMap<>();

    @TempDir
    Path tmp;

    private static Model trained(String preset) throws IOException {
        Model m = TRAINED.get(preset);
        if (m == null) {
            m = TinyModels.trained(TinyModels.ARCHITECTURES.get(preset));
            TRAINED.put(preset, m);
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "sigmoid128", "relu10", "mlp", "cnn", "tanh"})
    void onnxRuntimeGivesOurProbabilitiesAndLabels(String preset) throws Exception {
        assertOnnxRuntimeAgrees(trained(preset), tmp.resolve(preset + ".onnx"), preset);
    }

    /**
     * Exports {@code model} to {@code file} and runs it in ONNX Runtime on the sample rows: its
     * probabilities equal ours within {@value #TOLERANCE}, its labels equal ours, and the model is
     * trained enough that those labels are decisions.
     */
    static void assertOnnxRuntimeAgrees(Model model, Path file, String what) throws Exception {
        OnnxFile.write(model, file.toString(), new Configuration(), false);
        TestData.Rows data = TestData.read(TestData.TEST);
        float[][] rows = TinyModels.rawRows(data);
        float[][] ours = model.predictBatch(rows);
        try (OrtModel ort = new OrtModel(file.toString())) {
            assertEquals(OnnxExporter.PRODUCER, ort.session().getMetadata().getProducerName());
            OrtModel.Outputs theirs = ort.run(rows);
            int correct = 0;
            double worst = 0;
            for (int r = 0; r < rows.length; r++) {
                for (int j = 0; j < ours[r].length; j++) {
                    worst = Math.max(worst, Math.abs(ours[r][j] - theirs.probabilities()[r][j]));
                }
                int label = SoftmaxCrossEntropy.argmax(ours[r], 0, ours[r].length);
                assertEquals(label, theirs.labels()[r], "row " + r + " of " + what);
                correct += label == data.labels()[r] ? 1 : 0;
            }
            assertTrue(worst <= TOLERANCE, what + ": largest probability difference " + worst);
            System.out.printf("%s: largest probability difference %.3g, %d of %d correct%n", what, worst, correct, rows.length);
            // Trained models, so the labels compared above are clear decisions, not near-ties.
            assertTrue(correct > rows.length * 0.6, what + ": " + correct + " of " + rows.length + " correct");
        }
    }

    @Test
    void theGraphTakesPixelsAndGivesProbabilitiesAndLabels() throws Exception {
        Model model = trained("relu10");
        String file = tmp.resolve("m.onnx").toString();
        OnnxFile.write(model, file, new Configuration(), false);
        try (OrtModel ort = new OrtModel(file)) {
            assertEquals(Set.of(OnnxExporter.INPUT), ort.session().getInputNames());
            assertEquals(Set.of(OnnxExporter.PROBABILITIES, OnnxExporter.LABEL), ort.session().getOutputNames());
            TensorInfo in = (TensorInfo) ort.session().getInputInfo().get(OnnxExporter.INPUT).getInfo();
            TensorInfo p = (TensorInfo) ort.session().getOutputInfo().get(OnnxExporter.PROBABILITIES).getInfo();
            TensorInfo label = (TensorInfo) ort.session().getOutputInfo().get(OnnxExporter.LABEL).getInfo();
            assertEquals(OnnxJavaType.FLOAT, in.type);
            assertArrayEquals(new long[] {-1, 784}, in.getShape());
            assertArrayEquals(new long[] {-1, 10}, p.getShape());
            assertEquals(OnnxJavaType.INT64, label.type);
            assertArrayEquals(new long[] {-1}, label.getShape());
            // Raw 0..255 values in: a white image and a black one score as the model scores them.
            float[][] rows = {new float[784], filled(255f)};
            OrtModel.Outputs out = ort.run(rows);
            for (int r = 0; r < rows.length; r++) {
                float[] ours = model.predict(rows[r]);
                for (int j = 0; j < 10; j++) {
                    assertEquals(ours[j], out.probabilities()[r][j], TOLERANCE);
                }
            }
        }
    }

    @Test
    void aNetworkTooLargeForOneFileIsRefused() throws Exception {
        NetworkSpec huge = new NetworkSpec(new int[] {784, 700_000, 10}, Activation.RELU);
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> OnnxExporter.checkExportable(huge));
        assertTrue(e.getMessage().contains("784-700000-10 relu") && e.getMessage().contains("2 GiB"), e.getMessage());
        OnnxExporter.checkExportable(TinyModels.ARCHITECTURES.get("default"));
    }

    @Test
    void exportCommandWritesAFileOnnxRuntimeLoads() throws Exception {
        String dir = saved("relu10");
        Path onnx = tmp.resolve("out/model.onnx");
        Cli.Result r = Cli.run(null, "export", "--model", dir, "--onnx", onnx.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("wrote " + onnx), r.toString());
        assertLoads(onnx);
        // Ours: replaced without --overwrite.
        assertEquals(0, Cli.run(null, "export", "--model", dir, "--onnx", onnx.toString()).code());
        assertLoads(onnx);
        assertEquals(List.of("model.onnx"), names(onnx.getParent()));
    }

    @Test
    void aFileWeDidNotWriteIsReplacedOnlyWithOverwrite() throws Exception {
        String dir = saved("relu10");
        Path other = tmp.resolve("notes.onnx");
        Files.writeString(other, "someone's notes");
        Cli.Result r = Cli.run(null, "export", "--model", dir, "--onnx", other.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
        assertTrue(r.err().contains(other.toString()) && r.err().contains("--overwrite"), r.toString());
        assertEquals("someone's notes", Files.readString(other));

        Cli.Result forced = Cli.run(null, "export", "--model", dir, "--onnx", other.toString(), "--overwrite");
        assertEquals(0, forced.code(), forced.toString());
        assertLoads(other);

        Path directory = Files.createDirectories(tmp.resolve("adir"));
        Files.writeString(directory.resolve("keep.txt"), "kept");
        Cli.Result onDir = Cli.run(null, "export", "--model", dir, "--onnx", directory.toString());
        assertEquals(2, onDir.code(), onDir.toString());
        assertTrue(onDir.err().contains("it is a directory, where a file goes"), onDir.toString());
        assertEquals("kept", Files.readString(directory.resolve("keep.txt")));
        Cli.Result dirForced = Cli.run(null, "export", "--model", dir, "--onnx", directory.toString(), "--overwrite");
        assertEquals(0, dirForced.code(), dirForced.toString());
        assertTrue(dirForced.err().contains("replaced"), "--overwrite says what it replaced: " + dirForced);
        assertLoads(directory);
    }

    @Test
    void aCorruptOrMissingModelGivesOneLineAndNoFile() throws Exception {
        String dir = saved("relu10");
        Path weights = Path.of(dir, "weights.bin");
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        Path outDir = Files.createDirectories(tmp.resolve("out"));
        Cli.Result r = Cli.run(null, "export", "--model", dir, "--onnx", outDir.resolve("m.onnx").toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
        assertTrue(r.err().contains("weights.bin"), r.toString());

        Cli.Result missing = Cli.run(null, "export", "--model", tmp.resolve("no-model").toString(),
                "--onnx", outDir.resolve("m.onnx").toString());
        assertEquals(2, missing.code(), missing.toString());
        assertEquals(1, missing.err().strip().lines().count(), missing.toString());
        assertEquals(List.of(), names(outDir), "nothing written, not even a temporary file");
    }

    private String saved(String preset) throws IOException {
        String dir = tmp.resolve("model-" + preset).toString();
        ModelStore.save(trained(preset), dir, new Configuration());
        return dir;
    }

    private static void assertLoads(Path onnx) throws Exception {
        try (OrtModel ort = new OrtModel(onnx.toString())) {
            assertEquals(10, ort.run(new float[][] {new float[784]}).probabilities()[0].length);
        }
    }

    /** Names in {@code dir}, without the checksum files Hadoop's local file system keeps beside files. */
    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
        }
    }

    private static float[] filled(float v) {
        float[] row = new float[784];
        java.util.Arrays.fill(row, v);
        return row;
    }
}
