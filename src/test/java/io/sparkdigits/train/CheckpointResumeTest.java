package io.sparkdigits.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resume through the command line: a run stopped after a checkpoint, or killed while publishing
 * one, continues to the very model an uninterrupted run makes (early stopping's best weights
 * included); a checkpoint that does not belong to the run is refused in one line saying what differs.
 */
@ExtendWith(SparkSessionExtension.class)
class CheckpointResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Path small;
    static Path smaller;

    /** Thrown by the test hook where a real run would have died. */
    static final class Killed extends RuntimeException {
        Killed(int epochs) {
            super("killed before the checkpoint after epoch " + epochs);
        }
    }

    @BeforeAll
    static void data() throws IOException {
        List<String> lines = Files.readAllLines(TestData.TRAIN);
        small = Files.write(dir.resolve("small.csv"), lines.subList(0, 201));
        smaller = Files.write(dir.resolve("smaller.csv"), lines.subList(0, 151));
    }

    @AfterEach
    void noHook() {
        Checkpoints.beforeSave = e -> { };
    }

    private static Cli.Result train(Path data, String name, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--train", data.toString(), "--model",
                dir.resolve(name).toString(), "--checkpoint", dir.resolve(name + "-ck").toString(),
                "--checkpoint-every", "1", "--batch-size", "50"));
        args.addAll(List.of(extra));
        // Defaults for the options a test does not set itself.
        for (String[] d : new String[][] {{"--hidden", "8"}, {"--epochs", "4"}, {"--lr", "0.05"}}) {
            if (!args.contains(d[0]) && !(d[0].equals("--hidden") && args.contains("--layers"))) {
                args.addAll(List.of(d));
            }
        }
        return Cli.run(SparkSessionExtension.spark(), args.toArray(String[]::new));
    }

    /** Runs {@code name} until the checkpoint after epoch {@code epochs} is due, where it dies. */
    private static void killedAt(int epochs, String name, String... extra) {
        killedAt(small, epochs, name, extra);
    }

    private static void killedAt(Path data, int epochs, String name, String... extra) {
        Checkpoints.beforeSave = e -> {
            if (e == epochs) {
                throw new Killed(e);
            }
        };
        Cli.Result r = train(data, name, extra);
        Checkpoints.beforeSave = e -> { };
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("killed before the checkpoint after epoch " + epochs), r.toString());
    }

    private static byte[] weights(String name) throws IOException {
        return Files.readAllBytes(dir.resolve(name).resolve("weights.bin"));
    }

    private static JsonNode info(String name) throws IOException {
        return JSON.readTree(dir.resolve(name).resolve("model.json").toFile()).get("info");
    }

    private static void resumesToTheUninterruptedModel(String whole, String cut, String... extra) throws IOException {
        resumesToTheUninterruptedModel(small, whole, cut, extra);
    }

    private static void resumesToTheUninterruptedModel(Path data, String whole, String cut, String... extra)
            throws IOException {
        Cli.Result r = train(data, cut, concat(extra, "--resume"));
        assertEquals(0, r.code(), r.toString());
        assertArrayEquals(weights(whole), weights(cut));
        assertEquals(info(whole).get("history").size(), info(cut).get("history").size());
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    @Test
    void aRunKilledWhileWritingACheckpointResumesFromThePreviousOne() throws IOException {
        assertEquals(0, train(small, "whole").code());
        killedAt(3, "cut");
        // What a kill while writing leaves: a half-written temporary directory beside the checkpoint.
        Path tmp = Files.createDirectories(dir.resolve("cut-ck._tmp-" + UUID.randomUUID()));
        Files.write(tmp.resolve("weights.bin"), new byte[] {'S', 'D', 'W', '1', 0, 0});
        resumesToTheUninterruptedModel("whole", "cut");
    }

    @Test
    void aRunKilledBetweenMovingTheOldCheckpointAsideAndPublishingResumesFromTheOldOne() throws IOException {
        assertEquals(0, train(small, "whole2").code());
        killedAt(3, "aside");
        Files.move(dir.resolve("aside-ck"), dir.resolve("aside-ck._old-" + UUID.randomUUID()));
        resumesToTheUninterruptedModel("whole2", "aside");
    }

    /**
     * Dropout masks and distortions are drawn from (seed, epoch, step, row), so the epochs a resumed
     * run repeats see the very masks and images the uninterrupted run saw.
     */
    @Test
    void aSmallCnnWithDropoutAndAugmentationResumesBitForBit() throws IOException {
        String[] cnn = {"--layers", "conv3x3x4,pool2,dense16,10", "--dropout", "0.1,0.3",
            "--augment", "shift=2,rotate=10,scale=0.1,elastic", "--epochs", "3", "--lr", "0.01"};
        assertEquals(0, train(small, "cnn-whole", cnn).code());
        killedAt(2, "cnn-cut", cnn);
        resumesToTheUninterruptedModel("cnn-whole", "cnn-cut", cnn);
    }

    /**
     * A table's run trains standardised weights but saves them folded into raw-value weights; its
     * checkpoints keep the trained ones too, or a resumed run would go on from the folded ones.
     */
    @Test
    void aStandardisedTableResumesBitForBit() throws IOException {
        List<String> table = new ArrayList<>();
        for (String line : Files.readAllLines(small)) {
            String[] f = line.split(",");
            table.add(f[0] + "," + String.join(",", java.util.Arrays.copyOfRange(f, 300, 340)));
        }
        Path data = Files.write(dir.resolve("table.csv"), table);
        assertEquals(0, train(data, "table-whole").code());
        assertTrue(info("table-whole").has("inputs"), "40 columns are a table: standardised");
        killedAt(data, 3, "table-cut");
        resumesToTheUninterruptedModel(data, "table-whole", "table-cut");

        // A checkpoint without the trained weights, as versions before standardising wrote them, is refused.
        String ck = dir.resolve("table-cut-ck").toString();
        Configuration conf = new Configuration();
        Model old = ModelStore.load(ck, conf);
        Map<String, float[]> state = new LinkedHashMap<>(old.state());
        assertTrue(state.remove(Checkpoints.TRAINING_WEIGHTS) != null, state.keySet().toString());
        ModelStore.save(new Model(old.spec(), old.params(), old.inputScale(), old.info(), state), ck, conf, true);
        assertRefused(train(data, "table-cut", "--resume"), "did not standardise a table's features");
    }

    @Test
    void earlyStoppingKeepsItsBestEpochAcrossAResume() throws IOException {
        String[] es = {"--early-stopping", "2", "--validation", "0.25", "--epochs", "8", "--lr", "0.3"};
        assertEquals(0, train(small, "es-whole", es).code());
        JsonNode record = info("es-whole").get("earlyStopping");
        // The case worth testing: the kept epoch is older than the checkpoint resumed from (the one
        // before the last epoch), so its weights can only come from the checkpoint's saved copy.
        assertTrue(record.get("epochKept").asInt() < record.get("epochsRun").asInt() - 1, record.toString());
        killedAt(record.get("epochsRun").asInt(), "es-cut", es);
        resumesToTheUninterruptedModel("es-whole", "es-cut", es);
        assertEquals(record, info("es-cut").get("earlyStopping"));
    }

    /** Exit 2 and one line that says {@code what}. */
    private static void assertRefused(Cli.Result r, String what) {
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.err().contains(what), r.toString());
        assertFalse(r.err().contains("\tat "), r.toString());
    }

    /** Edits a file as a tool that knows nothing of Hadoop's checksum sidecars would, removing the stale one. */
    private static void edit(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    }

    @Test
    void aCheckpointOfOtherSettingsOrDataOrDamagedIsRefusedInOneLine() throws IOException {
        killedAt(2, "ref");
        assertRefused(train(small, "ref", "--resume", "--lr", "0.01"), "learningRate was 0.05, now 0.01");
        assertRefused(train(small, "ref", "--resume", "--hidden", "9"), "hidden was [8], now [9]");
        assertRefused(train(smaller, "ref", "--resume"), "checkpoint was made on other training data: rows was 200, now 150");
        Path manifest = dir.resolve("ref-ck").resolve("model.json");
        String good = Files.readString(manifest);
        ObjectNode edited = (ObjectNode) JSON.readTree(good);
        ((ObjectNode) edited.get("info")).remove("epochsDone");
        edit(manifest, edited.toString());
        assertRefused(train(small, "ref", "--resume"), "has no info.epochsDone");
        ((ObjectNode) edited.get("info")).put("epochsDone", "two");
        edit(manifest, edited.toString());
        assertRefused(train(small, "ref", "--resume"), "info.epochsDone of the checkpoint is two");
        ((ObjectNode) edited.get("info")).remove("config");
        ((ObjectNode) edited.get("info")).put("config", "{}");
        edit(manifest, edited.toString());
        assertRefused(train(small, "ref", "--resume"), "info.config of the checkpoint is not an object");
        edit(manifest, good);
        Path w = dir.resolve("ref-ck").resolve("weights.bin");
        byte[] bytes = Files.readAllBytes(w);
        Files.write(w, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        Files.deleteIfExists(dir.resolve("ref-ck").resolve(".weights.bin.crc"));
        assertRefused(train(small, "ref", "--resume"), "truncated file");
        assertFalse(Files.exists(dir.resolve("ref")), "no model is written by a refused resume");
    }
}
