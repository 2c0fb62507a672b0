package io.sparkdigits.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.NetworkSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Saves and loads a {@link Model} as a self-describing, versioned directory through Hadoop's
 * {@link FileSystem}, so the same code serves {@code file://}, {@code hdfs://} and {@code s3a://}.
 *
 * <pre>
 * model/
 *   model.json          format name and version, layer sizes, hidden activation, output, input
 *                       scale, parameter count, file name + length + CRC32 of every array, info
 *   weights.bin         the flat parameters
 *   state-&lt;name&gt;.bin    one per state array
 * </pre>
 *
 * An array file is the 4 magic bytes {@code SDW1}, an int32 array-format version (1), an int64
 * float count, then the floats, all big-endian. The CRC32 in {@code model.json} covers the whole
 * file, so it matches what a {@code crc32} command line tool prints.
 *
 * <p><b>Atomic replace.</b> {@link #save} writes everything into a sibling {@code <path>._tmp-<uuid>},
 * then moves an existing {@code <path>} aside to {@code <path>._old-<uuid>}, renames the temp
 * directory to {@code <path>} and deletes the old one. Any failure before the final rename deletes
 * the temp directory and leaves an existing model untouched. Directory renames are atomic on
 * HDFS and the local file system, so a reader sees the old model, the new one, or (for the
 * instant between the two renames) none; it never sees a half-written model. On object stores
 * such as S3A a directory rename is a copy, so a reader racing the copy can see an incomplete
 * directory; the lengths and checksums in {@code model.json} turn that into a load error rather
 * than a wrong model. If a process dies between the two renames, the previous model survives as
 * {@code <path>._old-<uuid>}; {@link #load} names it in its error. Concurrent saves to one path
 * end with one complete model, the last to commit (see {@link AtomicPath}); an old model is
 * deleted only once a new one is in its place.
 *
 * <p>{@code save} refuses to replace a path that is neither a model directory (its
 * {@code model.json} names {@link #FORMAT}) nor an empty directory, so a mistyped path cannot wipe
 * unrelated data, unless asked to overwrite; see {@link OutputGuard}.
 */
public final class ModelStore {
    /** The {@code format} value in {@code model.json}. */
    public static final String FORMAT = "spark-digits-model";
    /**
     * The newest {@code model.json} format version this build reads. Version 2 adds the stages of
     * networks with convolutions ({@code architecture}, {@code inputShape}); a network of dense
     * layers only is still written as version 1, which every earlier build reads.
     */
    public static final int FORMAT_VERSION = 2;
    /** The manifest's file name inside a model directory. */
    public static final String MANIFEST = "model.json";
    /** Where a saved spark.ml stage ({@code DigitsClassificationModel.write()}) keeps the model directory. */
    public static final String STAGE_MODEL = "model";
    static final String WEIGHTS_FILE = "weights.bin";
    static final byte[] ARRAY_MAGIC = {'S', 'D', 'W', '1'};
    static final int ARRAY_VERSION = 1;
    static final int ARRAY_HEADER_BYTES = 16;

    private static final int CHUNK_BYTES = 1 << 16;
    private static final String OUTPUT = "softmax";
    private static final System.Logger LOG = System.getLogger(ModelStore.class.getName());
    /** Floats are read as BigDecimal so inputScale converts to float with a single rounding. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS);

    /** Test hook: called after each step of a save, so a test can make it fail at that point. */
    @FunctionalInterface
    interface SaveHook {
        /** {@code step} is a file name just written, or {@code "renamed-old"}. */
        void after(String step) throws IOException;
    }

    private ModelStore() {
    }

    /**
     * Atomically writes {@code m} as a model directory at {@code path}, replacing an existing
     * model there. Relative paths resolve against the file system's working directory.
     *
     * @throws OutputExistsException if {@code path} exists and is neither a model directory nor
     *                               an empty directory (nothing changes there)
     * @throws IOException           if writing fails (nothing changes at {@code path} then)
     */
    public static void save(Model m, String path, Configuration conf) throws IOException {
        save(m, path, conf, false);
    }

    /** As {@link #save(Model, String, Configuration)}; with {@code overwrite}, whatever is at {@code path} is replaced. */
    public static void save(Model m, String path, Configuration conf, boolean overwrite) throws IOException {
        save(m, path, conf, overwrite, step -> { });
    }

    static void save(Model m, String path, Configuration conf, boolean overwrite, SaveHook hook) throws IOException {
        Objects.requireNonNull(m, "model");
        AtomicPath out = AtomicPath.of(Objects.requireNonNull(path, "path"), OutputGuard.Kind.MODEL, overwrite, conf);
        FileSystem fs = out.fs();
        Path tmp = out.temp();
        String problem = overwrite ? null : OutputGuard.problem(fs, out.target(), OutputGuard.Kind.MODEL);
        if (problem != null) {
            throw new OutputExistsException(problem + "; choose another path or pass --overwrite");
        }
        boolean committed = false;
        try {
            if (!fs.mkdirs(tmp)) {
                throw new IOException("cannot create temporary model directory " + tmp);
            }
            ObjectNode manifest = manifest(m);
            manifest.set("weights", writeArray(fs, new Path(tmp, WEIGHTS_FILE), m.params()));
            hook.after(WEIGHTS_FILE);
            ObjectNode states = manifest.putObject("state");
            for (Map.Entry<String, float[]> e : m.state().entrySet()) {
                String file = stateFile(e.getKey());
                states.set(e.getKey(), writeArray(fs, new Path(tmp, file), e.getValue()));
                hook.after(file);
            }
            manifest.set("info", JSON.valueToTree(m.info()));
            try (FSDataOutputStream stream = fs.create(new Path(tmp, MANIFEST), false)) {
                stream.write(JSON.writeValueAsBytes(manifest));
                stream.write('\n');
            }
            hook.after(MANIFEST);
            out.commit(() -> hook.after("renamed-old"));
            committed = true;
        } finally {
            if (!committed) {
                out.abort();
            }
        }
    }

    /**
     * Reads the model directory at {@code path}, verifying format, version, sizes and checksums.
     *
     * @throws FileNotFoundException if nothing exists at {@code path}
     * @throws ModelFormatException  if {@code path} is not a valid model directory
     */
    public static Model load(String path, Configuration conf) throws IOException {
        Path raw = new Path(Objects.requireNonNull(path, "path"));
        FileSystem fs = raw.getFileSystem(conf);
        Path dir = fs.makeQualified(raw);
        FileStatus status;
        try {
            status = fs.getFileStatus(dir);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException("no model at " + dir + ": path does not exist" + leftoverHint(fs, dir));
        }
        if (!status.isDirectory()) {
            throw new ModelFormatException("not a model directory: " + dir + " is a file");
        }
        Path manifestPath = new Path(dir, MANIFEST);
        if (!fs.exists(manifestPath)) {
            Path staged = new Path(new Path(dir, STAGE_MODEL), MANIFEST);
            if (fs.exists(new Path(dir, "metadata")) && fs.exists(staged)) {
                // A saved spark.ml stage keeps our model directory inside; read it where it is.
                return load(staged.getParent().toString(), conf);
            }
            throw new ModelFormatException("not a model directory: " + dir + " has no " + MANIFEST + pipelineHint(fs, dir));
        }
        JsonNode root;
        try (FSDataInputStream in = fs.open(manifestPath)) {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(manifestPath + " is not valid JSON: "
                    + e.getOriginalMessage().replace('\n', ' '), e);
        } catch (ChecksumException e) {
            // The local file system's .crc sidecar: the file was changed (or damaged) after it was written.
            throw new ModelFormatException("checksum mismatch in " + manifestPath + ": the file was changed after"
                    + " it was written", e);
        }
        Manifest mf = new Manifest(manifestPath, root);

        String format = mf.text("format");
        if (!FORMAT.equals(format)) {
            throw mf.error("unknown model format '" + format + "' (expected " + FORMAT + ")");
        }
        long version = mf.integer("formatVersion");
        if (version > FORMAT_VERSION) {
            throw mf.error("model format version " + version + " is newer than this build supports ("
                    + FORMAT_VERSION + ")");
        }
        if (version < 1) {
            throw mf.error("invalid model format version " + version);
        }
        String output = mf.text("output");
        if (!OUTPUT.equals(output)) {
            throw mf.error("unsupported output layer '" + output + "' (expected " + OUTPUT + ")");
        }
        NetworkSpec spec = mf.spec();
        long paramCount = mf.integer("paramCount");
        if (paramCount != spec.numParams()) {
            throw mf.error("network " + spec + " has " + spec.numParams() + " parameters but paramCount is "
                    + paramCount);
        }
        float inputScale = mf.inputScale();

        ArrayEntry weightsEntry = mf.arrayEntry(mf.field(root, "weights"), "weights");
        if (weightsEntry.length != paramCount) {
            throw mf.error("size mismatch: weights has " + weightsEntry.length + " floats but paramCount is "
                    + paramCount);
        }
        float[] params = readArray(fs, new Path(dir, weightsEntry.file), weightsEntry);
        Map<String, float[]> state = new LinkedHashMap<>();
        JsonNode states = root.get("state");
        if (states != null && !states.isNull()) {
            if (!states.isObject()) {
                throw mf.error("field 'state' must be an object");
            }
            for (Map.Entry<String, JsonNode> e : states.properties()) {
                ArrayEntry entry = mf.arrayEntry(e.getValue(), "state." + e.getKey());
                state.put(e.getKey(), readArray(fs, new Path(dir, entry.file), entry));
            }
        }
        Map<String, Object> info = mf.info();
        try {
            return new Model(spec, params, inputScale, info, state);
        } catch (IllegalArgumentException e) {
            throw mf.error(e.getMessage());
        }
    }

    private static ObjectNode manifest(Model m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        NetworkSpec spec = m.spec();
        root.put("formatVersion", spec.denseOnly() ? 1 : 2);
        ArrayNode layers = root.putArray("layers");
        for (int s : spec.sizes()) {
            layers.add(s);
        }
        if (!spec.denseOnly()) {
            root.put("architecture", spec.architecture());
            root.putArray("inputShape").add(spec.input().h()).add(spec.input().w()).add(spec.input().c());
        }
        root.put("hiddenActivation", m.spec().hidden().id());
        root.put("output", OUTPUT);
        root.put("inputScale", m.inputScale());
        root.put("paramCount", m.spec().numParams());
        return root;
    }

    static String stateFile(String name) {
        return "state-" + name + ".bin";
    }

    /** Writes one array file and returns its manifest entry (file, length, crc32). */
    private static ObjectNode writeArray(FileSystem fs, Path file, float[] data) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES); // big-endian
        buf.put(ARRAY_MAGIC).putInt(ARRAY_VERSION).putLong(data.length);
        try (FSDataOutputStream out = fs.create(file, false)) {
            int i = 0;
            do {
                int n = Math.min(buf.remaining() / Float.BYTES, data.length - i);
                buf.asFloatBuffer().put(data, i, n);
                buf.position(buf.position() + n * Float.BYTES);
                i += n;
                crc.update(buf.array(), 0, buf.position());
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            } while (i < data.length);
        }
        ObjectNode entry = JSON.createObjectNode();
        entry.put("file", file.getName());
        entry.put("length", data.length);
        entry.put("crc32", String.format(Locale.ROOT, "%08x", crc.getValue()));
        return entry;
    }

    private static float[] readArray(FileSystem fs, Path file, ArrayEntry entry) throws IOException {
        long expectedBytes = ARRAY_HEADER_BYTES + (long) Float.BYTES * entry.length;
        long actualBytes;
        try {
            actualBytes = fs.getFileStatus(file).getLen();
        } catch (FileNotFoundException e) {
            throw new ModelFormatException("missing array file " + file + " listed in " + MANIFEST);
        }
        if (actualBytes < expectedBytes) {
            throw new ModelFormatException("truncated file " + file + ": " + actualBytes + " bytes, expected "
                    + expectedBytes + " for " + entry.length + " floats");
        }
        if (actualBytes > expectedBytes) {
            throw new ModelFormatException("size mismatch in " + file + ": " + actualBytes + " bytes, expected "
                    + expectedBytes + " for " + entry.length + " floats");
        }
        float[] data = new float[entry.length];
        CRC32 crc = new CRC32();
        byte[] chunk = new byte[CHUNK_BYTES];
        try (FSDataInputStream in = fs.open(file)) {
            in.readFully(chunk, 0, ARRAY_HEADER_BYTES);
            crc.update(chunk, 0, ARRAY_HEADER_BYTES);
            ByteBuffer header = ByteBuffer.wrap(chunk, 0, ARRAY_HEADER_BYTES);
            byte[] magic = new byte[ARRAY_MAGIC.length];
            header.get(magic);
            if (!java.util.Arrays.equals(magic, ARRAY_MAGIC)) {
                throw new ModelFormatException("not a spark-digits array file: " + file + " (bad magic bytes '"
                        + new String(magic, StandardCharsets.ISO_8859_1) + "')");
            }
            int version = header.getInt();
            if (version != ARRAY_VERSION) {
                throw new ModelFormatException("unsupported array file version " + version + " in " + file
                        + " (this build reads " + ARRAY_VERSION + ")");
            }
            long count = header.getLong();
            if (count != entry.length) {
                throw new ModelFormatException("size mismatch in " + file + ": header says " + count
                        + " floats, " + MANIFEST + " says " + entry.length);
            }
            int i = 0;
            while (i < data.length) {
                int n = Math.min(CHUNK_BYTES / Float.BYTES, data.length - i);
                in.readFully(chunk, 0, n * Float.BYTES);
                crc.update(chunk, 0, n * Float.BYTES);
                ByteBuffer.wrap(chunk, 0, n * Float.BYTES).asFloatBuffer().get(data, i, n);
                i += n;
            }
        } catch (ChecksumException e) {
            // The local file system's own .crc sidecar caught the damage before our CRC could.
            throw corrupt(file, e);
        } catch (EOFException e) {
            throw new ModelFormatException("truncated file " + file + ": ended before " + entry.length
                    + " floats were read", e);
        }
        if (crc.getValue() != entry.crc32) {
            throw corrupt(file, null);
        }
        return data;
    }

    private static ModelFormatException corrupt(Path file, Throwable cause) {
        return new ModelFormatException("checksum mismatch in " + file + ": file is corrupt", cause);
    }

    /** Names a leftover {@code ._old-} directory from an interrupted save, if there is one. */
    /**
     * For a saved PipelineModel, where its spark-digits stage is: the CLI applies no other stage,
     * so it takes the stage, not the pipeline, and says so.
     */
    private static String pipelineHint(FileSystem fs, Path dir) {
        try {
            Path stages = new Path(dir, "stages");
            if (!fs.exists(new Path(dir, "metadata")) || !fs.isDirectory(stages)) {
                return "";
            }
            for (FileStatus s : fs.listStatus(stages)) {
                if (fs.exists(new Path(new Path(s.getPath(), STAGE_MODEL), MANIFEST))) {
                    return " (it is a saved PipelineModel; the CLI applies none of its other stages, so give its"
                            + " spark-digits stage: " + s.getPath() + ")";
                }
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    private static String leftoverHint(FileSystem fs, Path dir) {
        try {
            Path parent = dir.getParent();
            if (parent == null || !fs.exists(parent)) {
                return "";
            }
            for (FileStatus s : fs.listStatus(parent)) {
                if (s.getPath().getName().startsWith(dir.getName() + "._old-")) {
                    return " (an interrupted save left the previous model at " + s.getPath() + ")";
                }
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    private record ArrayEntry(String file, int length, long crc32) {
    }

    /** Field access on a parsed {@code model.json}, turning every defect into a one-line error. */
    private static final class Manifest {
        private final Path path;
        private final JsonNode root;

        Manifest(Path path, JsonNode root) throws ModelFormatException {
            this.path = path;
            if (root == null || !root.isObject()) {
                throw new ModelFormatException(path + " does not hold a JSON object");
            }
            this.root = root;
        }

        ModelFormatException error(String problem) {
            return new ModelFormatException(path + ": " + problem);
        }

        JsonNode field(JsonNode node, String name) throws ModelFormatException {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                throw error("missing field '" + name + "'");
            }
            return v;
        }

        String text(String name) throws ModelFormatException {
            JsonNode v = field(root, name);
            if (!v.isTextual()) {
                throw error("field '" + name + "' must be a string");
            }
            return v.textValue();
        }

        long integer(String name) throws ModelFormatException {
            return integer(field(root, name), name);
        }

        long integer(JsonNode v, String name) throws ModelFormatException {
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw error("field '" + name + "' must be an integer");
            }
            return v.longValue();
        }

        NetworkSpec spec() throws ModelFormatException {
            JsonNode layers = field(root, "layers");
            if (!layers.isArray()) {
                throw error("field 'layers' must be an array of integers");
            }
            int[] sizes = new int[layers.size()];
            for (int i = 0; i < sizes.length; i++) {
                long s = integer(layers.get(i), "layers");
                if (s < 1 || s > Integer.MAX_VALUE) {
                    throw error("layer size out of range: " + s);
                }
                sizes[i] = (int) s;
            }
            try {
                Activation hidden = Activation.parse(text("hiddenActivation"));
                if (!root.has("architecture")) {
                    return new NetworkSpec(sizes, hidden);
                }
                NetworkSpec spec = NetworkSpec.parse(text("architecture"), inputShape(), sizes[0],
                        sizes[sizes.length - 1], hidden);
                if (!java.util.Arrays.equals(spec.sizes(), sizes)) {
                    throw error("architecture " + spec.architecture() + " has widths "
                            + java.util.Arrays.toString(spec.sizes()) + " but layers says " + java.util.Arrays.toString(sizes));
                }
                return spec;
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
        }

        private io.sparkdigits.nn.Stage.Shape inputShape() throws ModelFormatException {
            JsonNode shape = field(root, "inputShape");
            if (!shape.isArray() || shape.size() != 3) {
                throw error("field 'inputShape' must be [height, width, channels]");
            }
            int[] hwc = new int[3];
            for (int i = 0; i < 3; i++) {
                long v = integer(shape.get(i), "inputShape");
                if (v < 1 || v > 1 << 16) {
                    throw error("image size out of range: " + v);
                }
                hwc[i] = (int) v;
            }
            return new io.sparkdigits.nn.Stage.Shape(hwc[0], hwc[1], hwc[2]);
        }

        float inputScale() throws ModelFormatException {
            JsonNode v = field(root, "inputScale");
            if (!v.isNumber()) {
                throw error("field 'inputScale' must be a number");
            }
            return v.decimalValue().floatValue();
        }

        ArrayEntry arrayEntry(JsonNode node, String name) throws ModelFormatException {
            if (!node.isObject()) {
                throw error("array entry '" + name + "' must be an object");
            }
            JsonNode fileNode = field(node, "file");
            String file = fileNode.asText();
            if (!fileNode.isTextual() || !file.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
                throw error("array entry '" + name + "' has an invalid file name '" + file + "'");
            }
            long length = integer(field(node, "length"), name + ".length");
            if (length < 0 || length > Integer.MAX_VALUE - 8) {
                throw error("array entry '" + name + "' has an invalid length " + length);
            }
            String crcText = field(node, "crc32").asText();
            if (!crcText.matches("[0-9a-fA-F]{8}")) {
                throw error("array entry '" + name + "' has an invalid crc32 '" + crcText + "'");
            }
            return new ArrayEntry(file, (int) length, Long.parseLong(crcText, 16));
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> info() throws ModelFormatException {
            JsonNode info = root.get("info");
            if (info == null || info.isNull()) {
                return Map.of();
            }
            if (!info.isObject()) {
                throw error("field 'info' must be an object");
            }
            return JSON.convertValue(info, Map.class);
        }
    }
}
