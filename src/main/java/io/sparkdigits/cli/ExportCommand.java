package io.sparkdigits.cli;

import io.sparkdigits.export.OnnxExporter;
import io.sparkdigits.export.OnnxFile;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.model.OutputGuard;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/** {@code export}: a saved model as an ONNX file for serving runtimes, without Spark. */
final class ExportCommand implements Command {
    @Override
    public String name() {
        return "export";
    }

    @Override
    public Options options() {
        return OutputFlags.add(new Options(name(), "Writes a model as a standard ONNX model (opset " + OnnxExporter.OPSET + ") for ONNX Runtime and other\n"
                + "serving runtimes. Input '" + OnnxExporter.INPUT + "': float [N, inputs] of raw values (0..255; the scaling\n"
                + "is inside the graph). Outputs '" + OnnxExporter.PROBABILITIES + "' float [N, classes] and '"
                + OnnxExporter.LABEL + "' int64 [N].\n"
                + "The file is written atomically; an existing file is replaced only if spark-digits wrote it.")
                .required("model", "DIR", "model directory (from train)")
                .required("onnx", "FILE", "ONNX file to write; replaces only an ONNX model spark-digits wrote")
                );
    }

    @Override
    public void check(Options o) {
        OutputFlags.check(o, "onnx", o.string("onnx"), OutputGuard.Kind.ONNX);
    }

    @Override
    public boolean needsSpark() {
        return false;
    }

    @Override
    public int run(Options o, SparkSession spark) throws Exception {
        Configuration conf = new Configuration();
        Model model = ModelStore.load(o.string("model"), conf);
        OnnxFile.write(model, o.string("onnx"), conf, OutputFlags.overwrite(o));
        System.out.println("wrote " + o.string("onnx") + " (ONNX opset " + OnnxExporter.OPSET + ", network " + model.spec()
                + "; input '" + OnnxExporter.INPUT + "' raw values, outputs '" + OnnxExporter.PROBABILITIES
                + "' and '" + OnnxExporter.LABEL + "')");
        return 0;
    }
}
