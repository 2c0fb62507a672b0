package io.sparkdigits.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.data.Shard;
import io.sparkdigits.infer.Predictor;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.Init;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.SoftmaxCrossEntropy;
import io.sparkdigits.nn.Stage;
import io.sparkdigits.testing.TestData;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoring without Spark: {@link Model#load}, {@link Model#predict}, {@link Model#predictBatch}
 * give what the batch jobs' {@link Predictor} gives, from many threads at once, and the README's
 * example is the code of {@link ServingExample}, which runs.
 */
class ServingExampleTest {
    private static final NetworkSpec SPEC = new NetworkSpec(new int[] {784, 64, 32, 10}, Activation.RELU);

    @TempDir
    Path tmp;

    @Test
    void theReadmeShowsTheExampleAsCompiled() throws Exception {
        List<String> source = Files.readAllLines(Path.of("src/test/java/io/sparkdigits/model/ServingExample.java"));
        int begin = source.indexOf("        // README begin");
        int end = source.indexOf("        // README end");
        assertTrue(begin >= 0 && end > begin + 1, "markers in ServingExample.java");
        String example = source.subList(begin + 1, end).stream().map(l -> l.substring(8)).collect(Collectors.joining("\n"));
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains("```java\n" + example + "\n```"), "README.md shows, in a ```java block:\n" + example);
    }

    @Test
    void theExampleRunsOnASavedModel() throws Exception {
        Model model = model();
        String dir = tmp.resolve("model").toString();
        ModelStore.save(model, dir, new Configuration());
        float[][] images = rows();
        ServingExample.Answer a = ServingExample.score(dir, images[0], images);
        assertEquals(10, a.probabilities().length);
        assertEquals(1.0, sum(a.probabilities()), 1e-5);
        assertEquals(SoftmaxCrossEntropy.argmax(a.probabilities(), 0, 10), a.digit());
        assertEquals(images.length, a.batch().length);
        assertArrayEquals(a.probabilities(), a.batch()[0], 1e-6f);
    }

    @Test
    void predictBatchGivesWhatTheBatchJobsGive() throws Exception {
        assertPredictBatchGivesWhatTheBatchJobsGive(model());
    }

    @Test
    void predictBatchScoresAConvolutionalNetworkAsTheBatchJobsDo() throws Exception {
        NetworkSpec conv = NetworkSpec.parse("conv5x5x6:s2,pool2,conv3x3x8:valid,dense16,10", new Stage.Shape(28, 28, 1),
                784, 10, Activation.RELU);
        assertPredictBatchGivesWhatTheBatchJobsGive(new Model(conv, Init.initialize(conv, 5), 1f / 255, Map.of(), Map.of()));
    }

    private static void assertPredictBatchGivesWhatTheBatchJobsGive(Model model) throws Exception {
        TestData.Rows data = TestData.read(TestData.TEST);
        float[][] ours = model.predictBatch(rows());
        Predictor predictor = new Predictor(model.spec(), model.params(), model.inputScale());
        Shard shard = Shard.ofBytes(data.count(), data.cols(), data.labels(), data.pixels());
        for (int from = 0; from < data.count(); from += Predictor.CHUNK) {
            int to = Math.min(data.count(), from + Predictor.CHUNK);
            float[] p = predictor.probabilities(shard, null, from, to, new short[Predictor.CHUNK]);
            for (int r = from; r < to; r++) {
                assertArrayEquals(Arrays.copyOfRange(p, (r - from) * 10, (r - from + 1) * 10), ours[r], "row " + r);
            }
        }
    }

    @Test
    void concurrentCallsGiveTheSameAnswersAsOneThread() throws Exception {
        Model model = model();
        float[][] rows = rows();
        float[][] expected = model.predictBatch(rows);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 20; round++) {
                        int r = (offset * 37 + round * 11) % rows.length;
                        float[][] batch = model.predictBatch(Arrays.copyOfRange(rows, r, Math.min(rows.length, r + 300)));
                        for (int i = 0; i < batch.length; i++) {
                            if (!Arrays.equals(expected[r + i], batch[i])) {
                                return false;
                            }
                        }
                        float[] one = model.predict(rows[r]);
                        for (int j = 0; j < one.length; j++) {
                            if (Math.abs(one[j] - expected[r][j]) > 1e-6f) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get(), "a thread saw other answers than one thread alone");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badInputIsRefusedWithTheReason() throws Exception {
        Model model = model();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.predictBatch(new float[][] {new float[784], new float[783]}));
        assertEquals("row 1 has 783 values; the network 784-64-32-10 relu takes 784", e.getMessage());
        assertEquals(0, model.predictBatch(new float[0][]).length);
        assertThrows(FileNotFoundException.class, () -> Model.load(tmp.resolve("none").toString()));
    }

    private static Model model() {
        return new Model(SPEC, Init.initialize(SPEC, 3), 1f / 255, Map.of(), Map.of());
    }

    private static float[][] rows() throws Exception {
        TestData.Rows data = TestData.read(TestData.TEST);
        float[][] rows = new float[data.count()][data.cols()];
        for (int r = 0; r < data.count(); r++) {
            for (int c = 0; c < data.cols(); c++) {
                rows[r][c] = data.pixels()[r * data.cols() + c] & 0xFF;
            }
        }
        return rows;
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }
}
