package io.sparkdigits.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.testing.ClosingFileSystem;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelStoreTest {
    private static final Configuration CONF = new Configuration();
    private static final NetworkSpec SPEC = new NetworkSpec(new int[]{6, 5, 4, 3}, Activation.RELU);

    @TempDir
    Path tmp;

    private static Model model(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] p = new float[SPEC.numParams()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) r.nextGaussian();
        }
        // Values a text format would mangle: signed zero, subnormal, extremes, NaN with a payload.
        p[0] = -0f;
        p[1] = Float.MIN_VALUE;
        p[2] = Float.MAX_VALUE;
        p[3] = Float.intBitsToFloat(0x7fc00123);
        p[4] = Float.NEGATIVE_INFINITY;
        float[] m = new float[p.length];
        float[] step = {seed};
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) r.nextDouble();
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("seed", seed);
        info.put("config", Map.of("lr", 0.05, "batch", 128, "optimizer", "adam"));
        info.put("epochs", List.of(0.91, 0.95));
        info.put("shuffle", true);
        info.put("created", "2025-01-01T00:00:00Z");
        Map<String, float[]> state = new LinkedHashMap<>();
        state.put("adam.m", m);
        state.put("step", step);
        state.put("empty", new float[0]);
        return new Model(SPEC, p, 1f / 255f, info, state);
    }

    private static void assertSameModel(Model expected, Model actual) {
        assertEquals(expected.spec(), actual.spec());
        assertBits(expected.params(), actual.params());
        assertEquals(Float.floatToRawIntBits(expected.inputScale()), Float.floatToRawIntBits(actual.inputScale()));
        assertEquals(expected.info(), actual.info());
        assertEquals(List.copyOf(expected.state().keySet()), List.copyOf(actual.state().keySet()));
        for (String name : expected.state().keySet()) {
            assertBits(expected.state().get(name), actual.state().get(name));
        }
    }

    private static void assertBits(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "index " + i);
        }
    }

    private List<String> siblings() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private String uri(String name) {
        return tmp.resolve(name).toUri().toString();
    }

    private static ModelFormatException loadFails(String path) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelStore.load(path, CONF));
        assertFalse(e.getMessage().contains("\n"), "one-line message: " + e.getMessage());
        return e;
    }

    @Test
    void roundTripIsBitIdentical() throws IOException {
        Model m = model(1);
        ModelStore.save(m, uri("model"), CONF);
        assertSameModel(m, ModelStore.load(uri("model"), CONF));
        assertEquals(List.of("model"), siblings());
    }

    /** Found by HostileInputTest: an edited model.json beside its .crc sidecar gave a stack trace. */
    @Test
    void aManifestEditedBesideItsChecksumSidecarIsAFormatError() throws IOException {
        ModelStore.save(model(3), uri("edited"), CONF);
        Path manifest = tmp.resolve("edited").resolve(ModelStore.MANIFEST);
        assertTrue(Files.exists(tmp.resolve("edited").resolve(".model.json.crc")));
        Files.writeString(manifest, Files.readString(manifest).replace("\"paramCount\"", " \"paramCount\""));
        assertTrue(loadFails(uri("edited")).getMessage().contains("checksum mismatch in "));
    }

    @Test
    void plainAndRelativeLocalPathsWork() throws IOException {
        Model m = model(2);
        ModelStore.save(m, tmp.resolve("plain").toString(), CONF);
        assertSameModel(m, ModelStore.load(tmp.resolve("plain").toString(), CONF));

        Path cwd = Path.of("").toAbsolutePath();
        Path dir = Files.createDirectories(Path.of("target", "model-store-test"));
        String relative = dir.resolve("rel-" + UUID.randomUUID()).toString();
        try {
            ModelStore.save(m, relative, CONF);
            assertTrue(Files.exists(cwd.resolve(relative).resolve(ModelStore.MANIFEST)));
            assertSameModel(m, ModelStore.load(relative, CONF));
        } finally {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(relative);
            p.getFileSystem(CONF).delete(p, true);
        }
    }

    @Test
    void writesTheDocumentedLayout() throws IOException {
        ModelStore.save(model(3), uri("model"), CONF);
        Path dir = tmp.resolve("model");
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(dir.resolve("model.json").toFile());
        assertEquals("spark-digits-model", json.get("format").asText());
        assertEquals(1, json.get("formatVersion").asInt());
        assertEquals("[6,5,4,3]", json.get("layers").toString());
        assertEquals("relu", json.get("hiddenActivation").asText());
        assertEquals("softmax", json.get("output").asText());
        assertEquals(SPEC.numParams(), json.get("paramCount").asInt());
        assertEquals("weights.bin", json.get("weights").get("file").asText());
        assertEquals("state-adam.m.bin", json.get("state").get("adam.m").get("file").asText());
        byte[] bin = Files.readAllBytes(dir.resolve("weights.bin"));
        assertEquals(16 + 4 * SPEC.numParams(), bin.length);
        assertEquals("SDW1", new String(bin, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bin);
        assertEquals(String.format("%08x", crc.getValue()), json.get("weights").get("crc32").asText());
    }

    @Test
    void aMillionFloatsSaveAndLoadQuickly() {
        NetworkSpec big = new NetworkSpec(new int[]{784, 1024, 200, 10}, Activation.RELU);
        float[] p = new float[big.numParams()];
        for (int i = 0; i < p.length; i++) {
            p[i] = i * 1e-6f;
        }
        Model m = new Model(big, p, 1f, Map.of(), Map.of("velocity", p.clone()));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            ModelStore.save(m, uri("big"), CONF);
            Model back = ModelStore.load(uri("big"), CONF);
            assertArrayEquals(p, back.params());
            assertArrayEquals(p, back.state().get("velocity"));
        });
    }

    @Test
    void overwriteKeepsOnlyTheNewModelAndNoTempOrOldDirectories() throws IOException {
        ModelStore.save(model(1), uri("model"), CONF);
        Model second = new Model(SPEC, model(2).params(), 1f, Map.of("run", 2), Map.of());
        ModelStore.save(second, uri("model"), CONF);
        Model back = ModelStore.load(uri("model"), CONF);
        assertSameModel(second, back);
        assertTrue(back.state().isEmpty());
        assertFalse(Files.exists(tmp.resolve("model").resolve("state-adam.m.bin")), "no file of the old model remains");
        assertEquals(List.of("model"), siblings());
    }

    @Test
    void failureWhileWritingLeavesTheOldModelIntact() throws IOException {
        Model first = model(1);
        ModelStore.save(first, uri("model"), CONF);
        for (String step : List.of("weights.bin", "state-adam.m.bin", "model.json", "renamed-old")) {
            IOException e = assertThrows(IOException.class, () -> ModelStore.save(model(2), uri("model"), CONF, false, s -> {
                if (s.equals(step)) {
                    throw new IOException("disk full at " + s);
                }
            }));
            assertEquals("disk full at " + step, e.getMessage());
            assertSameModel(first, ModelStore.load(uri("model"), CONF));
            assertEquals(List.of("model"), siblings(), "after a failure at " + step);
        }
    }

    @Test
    void failureOfAFirstSaveLeavesNothing() {
        assertThrows(IllegalStateException.class, () -> ModelStore.save(model(1), uri("model"), CONF, false, s -> {
            throw new IllegalStateException("bug");
        }));
        assertDoesNotExist("model");
    }

    private void assertDoesNotExist(String name) {
        try {
            assertEquals(List.of(), siblings().stream().filter(n -> n.startsWith(name)).toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void saveUnderAFileFailsAndLeavesNothing() throws IOException {
        Files.writeString(tmp.resolve("afile"), "not a directory");
        assertThrows(IOException.class, () -> ModelStore.save(model(1), uri("afile") + "/model", CONF));
        assertEquals(List.of("afile"), siblings());
        assertEquals("not a directory", Files.readString(tmp.resolve("afile")));
    }

    @Test
    void refusesToReplaceSomethingThatIsNotAModel() throws IOException {
        Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(tmp.resolve("photos").resolve("cat.jpg"), "meow");
        IOException e = assertThrows(OutputExistsException.class, () -> ModelStore.save(model(1), uri("photos"), CONF));
        assertTrue(e.getMessage().matches("file:.*/photos exists and is not a spark-digits model directory"
                + " \\(it holds 1 entry and no model.json\\); choose another path or pass --overwrite"), e.getMessage());
        assertEquals("meow", Files.readString(tmp.resolve("photos").resolve("cat.jpg")));

        Files.writeString(tmp.resolve("notes.txt"), "x");
        e = assertThrows(OutputExistsException.class, () -> ModelStore.save(model(1), uri("notes.txt"), CONF));
        assertTrue(e.getMessage().contains("(it is a file, where a directory goes)"), e.getMessage());

        // A model.json alone does not make a model directory: its format name must be ours.
        Files.createDirectories(tmp.resolve("other"));
        Files.writeString(tmp.resolve("other").resolve("model.json"), "{\"format\": \"keras\"}");
        e = assertThrows(OutputExistsException.class, () -> ModelStore.save(model(1), uri("other"), CONF));
        assertTrue(e.getMessage().contains("its model.json does not name the format spark-digits-model"), e.getMessage());
        assertEquals("{\"format\": \"keras\"}", Files.readString(tmp.resolve("other").resolve("model.json")));

        Files.createDirectories(tmp.resolve("empty"));
        ModelStore.save(model(1), uri("empty"), CONF);
        assertSameModel(model(1), ModelStore.load(uri("empty"), CONF));
        assertEquals(List.of("empty", "notes.txt", "other", "photos"), siblings());
    }

    @Test
    void overwriteReplacesAForeignFolderOnlyOnceTheNewModelIsComplete() throws IOException {
        Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(tmp.resolve("photos").resolve("cat.jpg"), "meow");
        for (String step : List.of("weights.bin", "model.json", "renamed-old")) {
            assertThrows(IOException.class, () -> ModelStore.save(model(1), uri("photos"), CONF, true, s -> {
                if (s.equals(step)) {
                    throw new IOException("disk full at " + s);
                }
            }));
            assertEquals("meow", Files.readString(tmp.resolve("photos").resolve("cat.jpg")), "after a failure at " + step);
            assertEquals(List.of("photos"), siblings(), "after a failure at " + step);
        }
        ModelStore.save(model(1), uri("photos"), CONF, true);
        assertSameModel(model(1), ModelStore.load(uri("photos"), CONF));
        assertFalse(Files.exists(tmp.resolve("photos").resolve("cat.jpg")));
        assertEquals(List.of("photos"), siblings());
    }

    /**
     * Ctrl-C or SIGTERM while a save swaps models: the JVM runs Hadoop's shutdown hook, which
     * closes the cached file systems (an HDFS client then refuses every call), while the command
     * finishes under the exit's hold. The swap must not strand the old model under a temporary
     * name with nothing at the path.
     */
    @Test
    void hadoopsShutdownHookInTheMiddleOfTheSwapLeavesTheNewModelInPlace() throws IOException {
        Configuration conf = ClosingFileSystem.conf();
        String path = ClosingFileSystem.uri(tmp.resolve("model"));
        saveOverWithShutdownAt("renamed-old", path, conf);
        assertSameModel(model(2), ModelStore.load(path, conf));
        assertEquals(List.of("model"), siblings());
    }

    /** The same hook while the new model is being written: the old model stays, and no temporary folder. */
    @Test
    void hadoopsShutdownHookWhileWritingLeavesTheOldModelAndNoTemporaryFolder() throws IOException {
        Configuration conf = ClosingFileSystem.conf();
        String path = ClosingFileSystem.uri(tmp.resolve("model"));
        IOException e = assertThrows(IOException.class, () -> saveOverWithShutdownAt("weights.bin", path, conf));
        assertEquals("Filesystem closed", e.getMessage());
        assertSameModel(model(1), ModelStore.load(path, conf));
        assertEquals(List.of("model"), siblings());
    }

    /** Saves model 1 at {@code path}, then model 2 over it with Hadoop's shutdown hook run at {@code step}. */
    private static void saveOverWithShutdownAt(String step, String path, Configuration conf) throws IOException {
        ModelStore.save(model(1), path, conf);
        ModelStore.save(model(2), path, conf, false, reached -> {
            if (reached.equals(step)) {
                ClosingFileSystem.runHadoopShutdownHook();
            }
        });
    }

    /** Two saves to one path at once, with or without a model there before, many times over. */
    @Test
    void concurrentSavesEndWithOneCompleteModel() throws Exception {
        Model a = model(1);
        Model b = new Model(SPEC, model(2).params(), 0.5f, Map.of("run", "b"), Map.of("only-b", new float[]{2}));
        ModelStore.save(a, uri("single"), CONF);
        List<String> layoutA = listing(tmp.resolve("single"));
        ModelStore.save(b, uri("single"), CONF);
        List<String> layoutB = listing(tmp.resolve("single"));
        Files.walk(tmp.resolve("single")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 100; round++) {
                if (round % 2 == 0) {
                    ModelStore.save(model(3), uri("race"), CONF);
                }
                // Odd rounds pause between moving the old model aside and moving the new one in,
                // where a racing writer can slip in.
                boolean pause = round % 4 >= 2;
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                var first = pool.submit(() -> raceSave(a, start, pause));
                var second = pool.submit(() -> raceSave(b, start, pause));
                first.get();
                second.get();
                Model back = ModelStore.load(uri("race"), CONF);
                boolean isA = back.info().equals(a.info());
                assertSameModel(isA ? a : b, back);
                assertEquals(isA ? layoutA : layoutB, listing(tmp.resolve("race")), "round " + round);
                assertEquals(List.of("race"), siblings(), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The interleaving that used to mix two models: B finds no model (A has moved it aside) and
     * renames its own in just after A did, which Hadoop does by moving B's directory inside A's.
     */
    @Test
    void aSaveThatFindsItsPathTakenAtTheLastMomentTriesAgain() throws Exception {
        ModelStore.save(model(3), uri("race"), CONF);
        Model a = model(1);
        Model b = new Model(SPEC, model(2).params(), 0.5f, Map.of("run", "b"), Map.of());
        java.util.concurrent.CountDownLatch aMovedAside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch bFoundNothing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch aDone = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(() -> {
                ModelStore.save(a, uri("race"), CONF, false, step -> {
                    if (step.equals("renamed-old")) {
                        aMovedAside.countDown();
                        await(bFoundNothing);
                    }
                });
                aDone.countDown();
                return null;
            });
            await(aMovedAside);
            boolean[] waited = {false};
            var second = pool.submit(() -> {
                ModelStore.save(b, uri("race"), CONF, false, step -> {
                    if (step.equals("renamed-old") && !waited[0]) {
                        waited[0] = true;
                        bFoundNothing.countDown();
                        await(aDone);
                    }
                });
                return null;
            });
            first.get();
            second.get();
        } finally {
            pool.shutdownNow();
        }
        assertSameModel(b, ModelStore.load(uri("race"), CONF));
        assertEquals(List.of("race"), siblings());
        assertFalse(listing(tmp.resolve("race")).stream().anyMatch(n -> n.contains("._")), "nothing nested");
    }

    private static void await(java.util.concurrent.CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IOException("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
    }

    /** Two saves failing at once, after moving the old model aside: the old model stays. */
    @Test
    void concurrentFailingSavesLeaveTheOldModel() throws Exception {
        Model old = model(3);
        ModelStore.save(old, uri("race"), CONF);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 30; round++) {
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                var first = pool.submit(() -> failingSave(model(1), start));
                var second = pool.submit(() -> failingSave(model(2), start));
                first.get();
                second.get();
                assertSameModel(old, ModelStore.load(uri("race"), CONF));
                assertEquals(List.of("race"), siblings(), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private Void raceSave(Model m, java.util.concurrent.CyclicBarrier start, boolean pause) throws Exception {
        start.await();
        ModelStore.save(m, uri("race"), CONF, false, step -> {
            if (pause && step.equals("renamed-old")) {
                sleepBriefly();
            }
        });
        return null;
    }

    private Void failingSave(Model m, java.util.concurrent.CyclicBarrier start) throws Exception {
        start.await();
        IOException e = assertThrows(IOException.class, () -> ModelStore.save(m, uri("race"), CONF, false, step -> {
            if (step.equals("renamed-old")) {
                sleepBriefly();
                throw new IOException("disk full");
            }
        }));
        assertEquals("disk full", e.getMessage());
        return null;
    }

    private static void sleepBriefly() throws IOException {
        try {
            long nanos = java.util.concurrent.ThreadLocalRandom.current().nextLong(5_000_000);
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aCorruptByteIsACrcError() throws IOException {
        ModelStore.save(model(1), uri("model"), CONF);
        flipByte(tmp.resolve("model").resolve("weights.bin"), 40);
        // The local file system keeps its own .crc sidecar and notices first.
        String msg = loadFails(uri("model")).getMessage();
        assertTrue(msg.matches("checksum mismatch in file:.*/model/weights\\.bin: file is corrupt"), msg);

        // Without the sidecar (HDFS, S3A, a copied directory) our own CRC32 must catch it.
        Files.delete(tmp.resolve("model").resolve(".weights.bin.crc"));
        msg = loadFails(uri("model")).getMessage();
        assertTrue(msg.matches("checksum mismatch in file:.*/model/weights\\.bin: file is corrupt"), msg);
    }

    @Test
    void aCorruptStateArrayIsACrcError() throws IOException {
        ModelStore.save(model(1), uri("model"), CONF);
        Path state = tmp.resolve("model").resolve("state-adam.m.bin");
        flipByte(state, Files.size(state) - 1);
        Files.delete(tmp.resolve("model").resolve(".state-adam.m.bin.crc"));
        assertTrue(loadFails(uri("model")).getMessage().contains("state-adam.m.bin: file is corrupt"));
    }

    @Test
    void aTruncatedFileIsReported() throws IOException {
        ModelStore.save(model(1), uri("model"), CONF);
        Path weights = tmp.resolve("model").resolve("weights.bin");
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            f.setLength(f.length() - 6);
        }
        String msg = loadFails(uri("model")).getMessage();
        assertTrue(msg.startsWith("truncated file file:") && msg.contains("weights.bin"), msg);
    }

    @Test
    void aMissingArrayFileIsReported() throws IOException {
        ModelStore.save(model(1), uri("model"), CONF);
        Files.delete(tmp.resolve("model").resolve("state-step.bin"));
        assertTrue(loadFails(uri("model")).getMessage().startsWith("missing array file file:"));
    }

    @Test
    void notAModelDirectory() throws IOException {
        Files.createDirectories(tmp.resolve("nothing"));
        assertTrue(loadFails(uri("nothing")).getMessage().matches("not a model directory: file:.*/nothing has no model.json"));
        Files.writeString(tmp.resolve("f"), "x");
        assertTrue(loadFails(uri("f")).getMessage().startsWith("not a model directory: file:"));
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> ModelStore.load(uri("absent"), CONF));
        assertTrue(e.getMessage().contains("/absent: path does not exist"), e.getMessage());
    }

    @Test
    void loadNamesTheOldModelLeftByAnInterruptedSave() throws IOException {
        ModelStore.save(model(1), uri("model._old-1234"), CONF);
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> ModelStore.load(uri("model"), CONF));
        assertTrue(e.getMessage().endsWith("/model._old-1234)"), e.getMessage());
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x01);
        }
    }
}
