package io.sparkdigits.export;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sparkdigits.export.onnx.Onnx.ModelProto;
import io.sparkdigits.model.AtomicPath;
import io.sparkdigits.model.Model;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a model's ONNX form to a file through Hadoop's FileSystem, all or nothing: the graph is
 * built first (an unsupported model fails before anything exists), then written under a temporary
 * sibling name and renamed into place by {@link AtomicPath}. An existing file is replaced only if
 * it is an ONNX model that spark-digits wrote, or if the caller says so, so a typo in the output
 * name cannot destroy someone else's file.
 */
public final class OnnxFile {
    private OnnxFile() {
    }

    /**
     * Writes {@code model} to {@code path} as ONNX.
     *
     * @param overwrite replace whatever file is at {@code path} (never a directory)
     * @throws FileAlreadyExistsException if {@code path} exists and may not be replaced
     * @throws UnsupportedModelException  if the model has no ONNX form
     */
    public static void write(Model model, String path, Configuration conf, boolean overwrite) throws IOException {
        ModelProto onnx = OnnxExporter.toOnnx(model);
        AtomicPath out = AtomicPath.of(path, conf);
        FileSystem fs = out.target().getFileSystem(conf);
        checkReplaceable(fs, out.target(), path, overwrite);
        try {
            try (FSDataOutputStream s = fs.create(out.temp(), false)) {
                onnx.writeTo(s);
            }
            out.commit();
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    private static void checkReplaceable(FileSystem fs, Path target, String given, boolean overwrite) throws IOException {
        FileStatus status;
        try {
            status = fs.getFileStatus(target);
        } catch (FileNotFoundException e) {
            return;
        }
        if (status.isDirectory()) {
            throw new FileAlreadyExistsException(given, null, "is a directory; give a file name for the ONNX model");
        }
        if (!overwrite && !writtenByUs(fs, status)) {
            throw new FileAlreadyExistsException(given, null,
                    "exists and is not an ONNX model written by spark-digits; --overwrite replaces it");
        }
    }

    /** Whether {@code file} parses as an ONNX model whose producer is spark-digits. */
    static boolean writtenByUs(FileSystem fs, FileStatus file) throws IOException {
        if (file.getLen() > Integer.MAX_VALUE) {
            return false; // larger than any protobuf message, so not ours
        }
        try (InputStream in = fs.open(file.getPath())) {
            ModelProto m = ModelProto.parseFrom(in);
            return OnnxExporter.PRODUCER.equals(m.getProducerName()) && m.hasGraph();
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }
}
