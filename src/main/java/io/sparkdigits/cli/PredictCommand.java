package io.sparkdigits.cli;

import io.sparkdigits.data.InputFormat;
import io.sparkdigits.data.JobDescription;
import io.sparkdigits.ml.FramePredictions;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.model.OutputGuard;
import io.sparkdigits.score.BatchScorer;
import org.apache.spark.sql.SparkSession;

/** {@code predict}: batch scoring of CSV rows, Parquet rows or images with a saved model. */
final class PredictCommand implements Command {
    @Override
    public String name() {
        return "predict";
    }

    @Override
    public Options options() {
        return OutputFlags.add(DataFlags.add(new Options(name(), "Scores rows with a saved model: CSV rows may carry a label (one column wider than\n"
                + "the model's input; first unless --label-column says otherwise), Parquet a 'label'\n"
                + "column, images a class folder. Writes file,row[,label],prediction,confidence[,p0..p(K-1)]\n"
                + "per input row, where (file, row) is the input file and the 0-based data row in it\n"
                + "(0 for an image).")
                .required("model", "PATH", "model directory written by train, or a saved spark.ml stage")
                .required("input", "PATH", "data to score: CSV (a file, folder or glob, plain or .gz), Parquet or an image folder")
                .required("output", "PATH", "output directory; replaces only an earlier prediction output, atomically")
                .value("output-format", "csv|parquet", "output format (default csv, with a header)")
                .flag("probabilities", "add one probability column per class")));
    }

    private static String outputFormat(Options o) {
        return o.choice("output-format", "csv", "csv", "parquet");
    }

    @Override
    public void check(Options o) {
        DataFlags.check(o);
        outputFormat(o);
        String input = o.string("input").toLowerCase(java.util.Locale.ROOT);
        if (DataFlags.given(o) == InputFormat.PARQUET && (input.endsWith(".csv") || input.endsWith(".csv.gz"))) {
            // --format used to name the output's format; say so rather than fail to read a CSV as Parquet.
            throw new UsageException("--format names the input's format, and " + o.string("input")
                    + " looks like CSV; the output's format is --output-format parquet");
        }
        OutputFlags.check(o, "output", o.string("output"), OutputGuard.Kind.PREDICTIONS);
    }

    @Override
    public int run(Options o, SparkSession spark) throws Exception {
        Model model = ModelStore.load(o.string("model"), spark.sparkContext().hadoopConfiguration());
        String input = o.string("input");
        InputFormat format = DataFlags.format(o, input, spark);
        DataFlags.csvOnly(o, spark, input);
        BatchScorer.Result result = JobDescription.runIo(spark.sparkContext(), "predict", () -> format == InputFormat.CSV
                ? BatchScorer.score(spark, model, input, o.string("output"), new BatchScorer.Settings(DataFlags.header(o),
                        DataFlags.label(o, model), DataFlags.skipBadRows(o), outputFormat(o), o.flag("probabilities")), OutputFlags.overwrite(o))
                : FramePredictions.score(spark, model, input, format, o.string("output"), outputFormat(o),
                        o.flag("probabilities"), OutputFlags.overwrite(o)));
        System.out.println("read " + input + ": " + result.summary().describe());
        if (result.skipped() > 0) {
            System.err.println("warning: skipped " + result.skipped() + " bad rows of " + input);
        }
        System.out.println("wrote " + result.rows() + " predictions to " + o.string("output"));
        return 0;
    }
}
