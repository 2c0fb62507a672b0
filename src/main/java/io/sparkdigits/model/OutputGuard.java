package io.sparkdigits.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Decides whether an existing path may be replaced by an output of ours. Without {@code --overwrite}
 * only an output of the same kind that spark-digits wrote may be, so a mistyped path cannot wipe a
 * user's data: a model directory (its {@code model.json} names {@link ModelStore#FORMAT}), a
 * prediction directory (it holds {@link #PREDICTIONS_MARKER}), an evaluation report (a JSON object
 * whose {@code format} is {@link #REPORT_FORMAT}), a converted CSV (its first line is the
 * {@code label,1x1,...} header convert-idx writes) or a converted image folder (it holds
 * {@link #IMAGES_MARKER}). An empty directory holds nothing to lose and
 * may take a directory output. The commands ask before Spark starts; {@link AtomicPath} asks again
 * about exactly what it moved aside, so a path that changed in between is judged as it is.
 */
public final class OutputGuard {
    /** The empty file we write into every prediction directory; Spark readers skip {@code _} names. */
    public static final String PREDICTIONS_MARKER = "_SPARK_DIGITS_PREDICTIONS";
    /** The marker file {@code convert-idx --to png} writes into its image folder; Spark skips {@code _} names. */
    public static final String IMAGES_MARKER = "_SPARK_DIGITS_IMAGES";
    /** The marker file {@code report} writes into its folder. */
    public static final String REPORT_MARKER = "_SPARK_DIGITS_REPORT";
    /** The {@code format} value at the top of an evaluation report. */
    public static final String REPORT_FORMAT = "spark-digits-evaluation";
    /** A report is a few kilobytes; a bigger file is not one of ours, and is not read whole. */
    private static final long MAX_REPORT_BYTES = 1 << 22;
    /** Far above the 4,704 characters of the 28x28 header; a longer first line is not ours. */
    private static final int MAX_HEADER_CHARS = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What an output is, and therefore what may stand in its place. */
    public enum Kind {
        MODEL("a spark-digits model directory", true),
        PREDICTIONS("a spark-digits prediction output", true),
        REPORT("a spark-digits evaluation report", false),
        CSV("a CSV written by convert-idx", false),
        ONNX("an ONNX model written by spark-digits", false),
        REPORT_FOLDER("a spark-digits report folder", true),
        IMAGE_FOLDER("an image folder written by convert-idx", true);

        private final String description;
        private final boolean directory;

        Kind(String description, boolean directory) {
            this.description = description;
            this.directory = directory;
        }

        public String description() {
            return description;
        }
    }

    private OutputGuard() {
    }

    /**
     * What makes {@code path} foreign to {@code kind}, as "it holds 3 entries and no model.json",
     * or null if nothing is there, or what is there is ours and of this kind (or an empty
     * directory where a directory goes).
     */
    public static String foreign(String path, Kind kind, Configuration conf) throws IOException {
        Path raw = new Path(path);
        FileSystem fs = raw.getFileSystem(conf);
        return foreign(fs, fs.makeQualified(raw), kind);
    }

    /** "PATH exists and is not KIND (WHY)", or null if {@code p} may be replaced by a {@code kind} output. */
    static String problem(FileSystem fs, Path p, Kind kind) throws IOException {
        String why = foreign(fs, p, kind);
        return why == null ? null : problem(p, kind, why);
    }

    /** "PATH exists and is not KIND (WHY)": the start of every refusal. */
    public static String problem(Object path, Kind kind, String why) {
        return path + " exists and is not " + kind.description + " (" + why + ")";
    }

    /** The line that tells the user what {@code --overwrite} replaced. */
    public static String replacedLine(Object target, Kind kind, String why) {
        return "spark-digits: replaced " + target + " as --overwrite asked; it was not " + kind.description
                + " (" + why + ")";
    }

    /** What makes {@code p} foreign to {@code kind}, or null if it is absent or replaceable. */
    static String foreign(FileSystem fs, Path p, Kind kind) throws IOException {
        FileStatus status;
        try {
            status = fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
            return null;
        }
        if (kind.directory != status.isDirectory()) {
            return status.isDirectory() ? "it is a directory, where a file goes" : "it is a file, where a directory goes";
        }
        return switch (kind) {
            case MODEL -> foreignModel(fs, p);
            case PREDICTIONS -> foreignPredictions(fs, p);
            case REPORT -> isReport(fs, status) ? null : "its content is not a report of ours";
            case CSV -> isConvertedCsv(fs, p) ? null : "its first line is not the label,1x1,... header convert-idx writes";
            case ONNX -> isOurOnnx(fs, p) ? null : "it does not start as an ONNX model produced by spark-digits";
            case REPORT_FOLDER -> foreignMarked(fs, p, REPORT_MARKER);
            case IMAGE_FOLDER -> foreignMarked(fs, p, IMAGES_MARKER);
        };
    }

    private static String foreignModel(FileSystem fs, Path dir) throws IOException {
        int entries = fs.listStatus(dir).length;
        if (entries == 0) {
            return null;
        }
        Path manifest = new Path(dir, ModelStore.MANIFEST);
        if (!fs.exists(manifest)) {
            return "it holds " + entries(entries) + " and no " + ModelStore.MANIFEST;
        }
        JsonNode root = readJson(fs, manifest);
        JsonNode format = root == null ? null : root.get("format");
        if (format == null || !ModelStore.FORMAT.equals(format.asText())) {
            return "its " + ModelStore.MANIFEST + " does not name the format " + ModelStore.FORMAT;
        }
        return null;
    }

    private static String foreignPredictions(FileSystem fs, Path dir) throws IOException {
        return foreignMarked(fs, dir, PREDICTIONS_MARKER);
    }

    private static String foreignMarked(FileSystem fs, Path dir, String marker) throws IOException {
        int entries = fs.listStatus(dir).length;
        if (entries == 0 || fs.exists(new Path(dir, marker))) {
            return null;
        }
        return "it holds " + entries(entries) + " and no " + marker + " marker";
    }

    private static boolean isReport(FileSystem fs, FileStatus file) throws IOException {
        if (file.getLen() > MAX_REPORT_BYTES) {
            return false;
        }
        JsonNode root = readJson(fs, file.getPath());
        JsonNode format = root == null ? null : root.get("format");
        return format != null && REPORT_FORMAT.equals(format.asText());
    }

    /**
     * The header is all convert-idx leaves to recognise its CSV by; data rows cannot hold a marker.
     * Gzip is told by its magic bytes, not the name, which a moved-aside file no longer ends in.
     */
    private static boolean isConvertedCsv(FileSystem fs, Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(fs.open(file));
             InputStream in = isGzip(raw) ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            StringBuilder header = new StringBuilder();
            for (int c = r.read(); c != '\n'; c = r.read()) {
                if (c < 0 || header.length() == MAX_HEADER_CHARS) {
                    return false;
                }
                header.append((char) c);
            }
            return header.toString().matches("label(,[1-9][0-9]*x[1-9][0-9]*)+");
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            return false; // not gzip after all: not written by us
        }
    }

    /**
     * An ONNX ModelProto that export wrote starts with its fields in number order: {@code ir_version}
     * (field 1, a varint) and then {@code producer_name} (field 2, a string) "spark-digits". Its
     * first bytes tell, with no protobuf classes down here.
     */
    private static boolean isOurOnnx(FileSystem fs, Path file) throws IOException {
        byte[] head = new byte[32];
        int n;
        try (InputStream in = fs.open(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        int at = 0;
        if (n < 2 || head[at++] != 0x08) {
            return false;
        }
        while (at < n && (head[at] & 0x80) != 0) {
            at++; // the varint's continuation bytes
        }
        at++;
        byte[] producer = ONNX_PRODUCER.getBytes(StandardCharsets.US_ASCII);
        if (at + 2 + producer.length > n || head[at] != 0x12 || head[at + 1] != producer.length) {
            return false;
        }
        return java.util.Arrays.equals(head, at + 2, at + 2 + producer.length, producer, 0, producer.length);
    }

    /** The {@code producer_name} export writes into every ONNX model. */
    public static final String ONNX_PRODUCER = "spark-digits";

    private static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip;
    }

    /** The parsed JSON object, or null if the file holds anything else. */
    private static JsonNode readJson(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            JsonNode root = JSON.readTree(in);
            return root != null && root.isObject() ? root : null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    private static String entries(int n) {
        return n == 1 ? "1 entry" : n + " entries";
    }
}
