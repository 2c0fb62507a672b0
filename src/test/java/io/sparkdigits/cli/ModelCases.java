package io.sparkdigits.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Generates the model-directory part of the hostile-input corpus: copies of a good model with a
 * truncated or flipped array file, an edited {@code model.json}, a wrong checksum, a missing file
 * or a format version from the future. Damage to an array file or to what {@code model.json}
 * says about the network must be refused; an edit elsewhere (the info) may be harmless.
 */
final class ModelCases {
    /** Receives one case: its category, the model directory and whether it must be refused. */
    interface Sink {
        void accept(String category, Path model, boolean mustRefuse);
    }

    private final Path good;
    private final Path dir;
    private final SplittableRandom r;
    private int n;

    ModelCases(Path good, Path dir, SplittableRandom r) {
        this.good = good;
        this.dir = dir;
        this.r = r;
    }

    void all(Sink sink) throws IOException {
        Files.createDirectories(dir);
        String json = Files.readString(good.resolve("model.json"));
        for (int i = 0; i < 150; i++) {
            Path m = copy();
            byte[] w = Files.readAllBytes(m.resolve("weights.bin"));
            Files.write(m.resolve("weights.bin"), Arrays.copyOf(w, r.nextInt(w.length)));
            sink.accept("model: truncated weights.bin", m, true);
        }
        for (int i = 0; i < 150; i++) {
            Path m = copy();
            byte[] w = Files.readAllBytes(m.resolve("weights.bin"));
            w[r.nextInt(w.length)] ^= (byte) (1 << r.nextInt(8));
            Files.write(m.resolve("weights.bin"), w);
            sink.accept("model: flipped bit in weights", m, true);
        }
        for (int i = 0; i < 150; i++) {
            Path m = copy();
            char[] c = json.toCharArray();
            int at = r.nextInt(c.length);
            c[at] = (char) (r.nextBoolean() ? 32 + r.nextInt(95) : c[at] ^ (1 << r.nextInt(7)));
            Files.writeString(m.resolve("model.json"), new String(c), StandardCharsets.ISO_8859_1);
            // model.json has no checksum of its own: an edit that leaves a valid model (a digit of
            // inputScale, a word of the info) is read as written.
            sink.accept("model: edited model.json", m, false);
        }
        for (int i = 0; i < 20; i++) {
            // As a user's editor would change it: the local file system's checksum sidecar stays.
            Path m = copy();
            Files.copy(good.resolve(".model.json.crc"), m.resolve(".model.json.crc"));
            Files.writeString(m.resolve("model.json"), json.replace("\"paramCount\"", " \"paramCount\""));
            sink.accept("model: edited, .crc sidecar kept", m, true);
        }
        String[][] edits = {
            {"\"layers\" : \\[ [^]]* \\]", "\"layers\" : [ 4, 2000000000, 10 ]"},
            {"\"layers\" : \\[ [^]]* \\]", "\"layers\" : [ ]"},
            {"\"layers\" : \\[ [^]]* \\]", "\"layers\" : [ 4, -4, 10 ]"},
            {"\"layers\" : \\[ [^]]* \\]", "\"layers\" : [ 4, \"4\", 10 ]"},
            {"\"paramCount\" : \\d+", "\"paramCount\" : -1"},
            {"\"length\" : \\d+", "\"length\" : 99999999999"},
            {"\"file\" : \"weights.bin\"", "\"file\" : \"../model/weights.bin\""},
            {"\"hiddenActivation\" : \"\\w+\"", "\"hiddenActivation\" : \"swish\""},
            {"\"output\" : \"\\w+\"", "\"output\" : \"sigmoid\""},
            {"\"inputScale\" : [0-9.Ee-]+", "\"inputScale\" : \"x\""},
            {"\"format\" : \"[^\"]+\"", "\"format\" : \"other\""},
            {"\"weights\" : \\{", "\"weights\" : 3, \"x\" : {"},
            {"\\{", "["},
        };
        for (int i = 0; i < 10 * edits.length; i++) {
            Path m = copy();
            String[] e = edits[i % edits.length];
            Files.writeString(m.resolve("model.json"), json.replaceFirst(e[0], e[1]));
            sink.accept("model: edited fields", m, true);
        }
        for (int i = 0; i < 60; i++) {
            Path m = copy();
            String edited = json.replaceFirst("\"crc32\" : \"[0-9a-f]{8}\"", "\"crc32\" : \""
                    + String.format("%08x", r.nextInt() & 0xffffffffL) + "\"");
            Files.writeString(m.resolve("model.json"), edited);
            sink.accept("model: wrong checksum", m, !edited.equals(json));
        }
        for (int i = 0; i < 40; i++) {
            Path m = copy();
            try (Stream<Path> files = Files.list(m)) {
                List<Path> all = files.sorted().toList();
                Files.delete(all.get(r.nextInt(all.size())));
            }
            sink.accept("model: missing file", m, true);
        }
        for (int i = 0; i < 40; i++) {
            Path m = copy();
            int version = 3 + r.nextInt(1000);
            Files.writeString(m.resolve("model.json"), json.replaceFirst("\"formatVersion\" : \\d+",
                    "\"formatVersion\" : " + version));
            sink.accept("model: future format version", m, true);
        }
    }

    private Path copy() throws IOException {
        Path m = Files.createDirectories(dir.resolve("m" + (++n)));
        try (Stream<Path> files = Files.list(good)) {
            for (Path f : files.toList()) {
                // The local file system's .crc sidecars would catch edits before our checks do.
                if (!f.getFileName().toString().startsWith(".")) {
                    Files.copy(f, m.resolve(f.getFileName()));
                }
            }
        }
        return m;
    }
}
