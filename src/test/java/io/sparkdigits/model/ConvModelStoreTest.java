package io.sparkdigits.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.Init;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Format version 2: networks with convolutions keep their stages; dense networks stay version 1. */
class ConvModelStoreTest {
    @TempDir
    Path dir;
    private final Configuration conf = new Configuration();

    private static NetworkSpec conv() {
        return NetworkSpec.parse("conv5x5x8,pool2,conv3x3x16:s2:valid,dense32,10", new Stage.Shape(28, 28, 1), 784, 10,
                Activation.RELU);
    }

    @Test
    void convolutionalModelRoundTrips() throws IOException {
        NetworkSpec spec = conv();
        Model m = new Model(spec, Init.initialize(spec, 3), 1f / 255f, Map.of("k", "v"), Map.of());
        String path = dir.resolve("m").toString();
        ModelStore.save(m, path, conf);
        Model back = ModelStore.load(path, conf);
        assertEquals(spec, back.spec());
        assertEquals("28x28 conv5x5x8,pool2,conv3x3x16:s2:valid,dense32,10 relu", back.spec().toString());
        assertArrayEquals(m.params(), back.params());
        var json = new ObjectMapper().readTree(dir.resolve("m/model.json").toFile());
        assertEquals(2, json.get("formatVersion").asInt());
    }

    @Test
    void denseModelsAreStillWrittenAsVersionOne() throws IOException {
        NetworkSpec spec = new NetworkSpec(new int[] {784, 16, 10}, Activation.RELU);
        ModelStore.save(new Model(spec, Init.initialize(spec, 1), 1f, Map.of(), Map.of()), dir.resolve("d").toString(), conf);
        var json = new ObjectMapper().readTree(dir.resolve("d/model.json").toFile());
        assertEquals(1, json.get("formatVersion").asInt());
        assertTrue(!json.has("architecture"));
    }

    @Test
    void anArchitectureThatDisagreesWithTheWidthsIsRefused() throws IOException {
        NetworkSpec spec = conv();
        String path = dir.resolve("e").toString();
        ModelStore.save(new Model(spec, Init.initialize(spec, 3), 1f, Map.of(), Map.of()), path, conf);
        Path manifest = dir.resolve("e/model.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(manifest.toFile());
        root.put("architecture", "conv5x5x8,pool2,conv3x3x16:s2,dense32,10");
        Files.writeString(manifest, json.writeValueAsString(root));
        Files.deleteIfExists(dir.resolve("e/.model.json.crc"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelStore.load(path, conf));
        assertTrue(e.getMessage().contains("has widths"), e.getMessage());
    }
}
