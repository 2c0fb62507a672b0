package io.sparkdigits.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.NetworkSpec;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Models written by earlier versions must keep loading with exactly their recorded values
 * (see {@code src/test/resources/golden/README.md}), and newer or foreign formats must be
 * refused with a clear message.
 */
class ModelStoreGoldenTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    private static Path golden() throws URISyntaxException {
        return Path.of(ModelStoreGoldenTest.class.getResource("/golden/model-v1/model.json").toURI()).getParent();
    }

    @Test
    void version1ModelLoadsWithExactValues() throws Exception {
        Model m = ModelStore.load(golden().toString(), CONF);
        assertEquals(new NetworkSpec(new int[]{4, 3, 2}, Activation.TANH), m.spec());
        assertEquals(23, m.params().length);
        for (int i = 0; i < 23; i++) {
            assertEquals((i - 11) / 8f, m.params()[i], 0f, "weight " + i);
        }
        assertEquals(1f / 255f, m.inputScale(), 0f);
        float[] velocity = m.state().get("velocity");
        assertEquals(List.of("velocity"), List.copyOf(m.state().keySet()));
        for (int i = 0; i < 23; i++) {
            assertEquals(i / 64f, velocity[i], 0f, "velocity " + i);
        }
        assertEquals(Map.of(
                "note", "golden model written by model format version 1",
                "seed", 7L,
                "learningRate", 0.1,
                "epochs", List.of(1L, 2L, 3L),
                "data", Map.of("rows", 100L)), m.info());
    }

    /** A copy of the golden model whose model.json was edited by {@code edit}. */
    private String editedCopy(Consumer<ObjectNode> edit) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        try (Stream<Path> files = Files.list(golden())) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(dir.resolve("model.json").toFile());
        edit.accept(root);
        json.writeValue(dir.resolve("model.json").toFile(), root);
        return dir.toString();
    }

    private String refusal(Consumer<ObjectNode> edit) throws Exception {
        String path = editedCopy(edit);
        String msg = assertThrows(ModelFormatException.class, () -> ModelStore.load(path, CONF)).getMessage();
        assertFalse(msg.contains("\n"), msg);
        return msg;
    }

    @Test
    void newerFormatVersionIsRefused() throws Exception {
        assertEquals("file:" + tmp.resolve("model").resolve("model.json")
                        + ": model format version 3 is newer than this build supports (2)",
                refusal(r -> r.put("formatVersion", 3)));
        assertEquals("file:" + tmp.resolve("model").resolve("model.json")
                        + ": model format version 7 is newer than this build supports (2)",
                refusal(r -> r.put("formatVersion", 7)));
    }

    @Test
    void foreignOrInconsistentManifestsAreRefused() throws Exception {
        assertEquals("unknown model format 'keras' (expected spark-digits-model)",
                afterPath(refusal(r -> r.put("format", "keras"))));
        assertEquals("network 4-3-3 tanh has 27 parameters but paramCount is 23",
                afterPath(refusal(r -> ((ArrayNode) r.get("layers")).set(2, 3))));
        assertEquals("size mismatch: weights has 22 floats but paramCount is 23",
                afterPath(refusal(r -> ((ObjectNode) r.get("weights")).put("length", 22))));
        assertEquals("unknown activation 'swish' (expected relu, sigmoid or tanh)",
                afterPath(refusal(r -> r.put("hiddenActivation", "swish"))));
        assertEquals("missing field 'inputScale'", afterPath(refusal(r -> r.remove("inputScale"))));
        assertEquals("array entry 'weights' has an invalid file name '../weights.bin'",
                afterPath(refusal(r -> ((ObjectNode) r.get("weights")).put("file", "../weights.bin"))));
    }

    @Test
    void malformedJsonIsRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(dir.resolve("model.json"), "{\"format\": ");
        String msg = assertThrows(ModelFormatException.class, () -> ModelStore.load(dir.toString(), CONF)).getMessage();
        assertEquals(true, msg.contains("model.json is not valid JSON"), msg);
    }

    private static String afterPath(String msg) {
        return msg.substring(msg.indexOf("model.json: ") + "model.json: ".length());
    }
}
