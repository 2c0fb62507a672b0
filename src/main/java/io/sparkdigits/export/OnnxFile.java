package io.sparkdigits.export;

import io.sparkdigits.export.onnx.Onnx.ModelProto;
import io.sparkdigits.model.AtomicPath;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.OutputGuard;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;

/**
 * Writes a model's ONNX form to a file through Hadoop's FileSystem, all or nothing: the graph is
 * built first (an unsupported model fails before anything exists), then written under a temporary
 * sibling name and renamed into place by {@link AtomicPath}. An existing file is replaced only if
 * it is an ONNX model that spark-digits wrote ({@link OutputGuard.Kind#ONNX}), or if the caller
 * says so, so a typo in the output name cannot destroy someone else's file.
 */
public final class OnnxFile {
    private OnnxFile() {
    }

    /**
     * Writes {@code model} to {@code path} as ONNX.
     *
     * @param overwrite replace whatever file is at {@code path} (never a directory)
     * @throws io.sparkdigits.model.OutputExistsException if {@code path} exists and may not be replaced
     * @throws UnsupportedModelException  if the model has no ONNX form
     */
    public static void write(Model model, String path, Configuration conf, boolean overwrite) throws IOException {
        ModelProto onnx = OnnxExporter.toOnnx(model);
        AtomicPath out = AtomicPath.of(path, OutputGuard.Kind.ONNX, overwrite, conf);
        FileSystem fs = out.target().getFileSystem(conf);
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
}
