package io.sparkdigits.cli;

import io.sparkdigits.data.JobDescription;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.model.OutputGuard;
import io.sparkdigits.score.BatchScorer;
import org.apache.spark.sql.SparkSession;

/** {@code predict}: batch scoring of CSV rows with a saved model. */
final class PredictCommand implements Command {
    @Override
    public String name() {
        return "predict";
    }

    @Override
    public Options options() {
        return OutputFlags.add(DataFlags.add(new Options(name(), "Scores CSV rows with a saved model. Rows may carry a label first (one column wider\n"
                + "than the model's input). Writes file,row[,label],prediction,confidence[,p0..p(K-1)] per input row,\n"
                + "where (file, row) is the input file and the 0-based data row in it.")
                .required("model", "PATH", "model directory written by train")
                .required("input", "PATH", "CSV to score: a file, folder or glob, plain or .gz")
                .required("output", "PATH", "output directory; replaces only an earlier prediction output, atomically")
                .value("format", "csv|parquet", "output format (default csv, with a header)")
                .flag("probabilities", "add one probability column per class")));
    }

    @Override
    public void check(Options o) {
        DataFlags.header(o);
        DataFlags.skipBadRows(o);
        o.choice("format", "csv", "csv", "parquet");
        OutputFlags.check(o, "output", o.string("output"), OutputGuard.Kind.PREDICTIONS);
    }

    @Override
    public int run(Options o, SparkSession spark) throws Exception {
        Model model = ModelStore.load(o.string("model"), spark.sparkContext().hadoopConfiguration());
        BatchScorer.Settings settings = new BatchScorer.Settings(DataFlags.header(o), DataFlags.skipBadRows(o),
                o.choice("format", "csv", "csv", "parquet"), o.flag("probabilities"));
        BatchScorer.Result result = JobDescription.runIo(spark.sparkContext(), "predict",
                () -> BatchScorer.score(spark, model, o.string("input"), o.string("output"), settings,
                        OutputFlags.overwrite(o)));
        System.out.println("read " + o.string("input") + ": " + result.summary().describe());
        if (result.skipped() > 0) {
            System.err.println("warning: skipped " + result.skipped() + " bad rows of " + o.string("input"));
        }
        System.out.println("wrote " + result.rows() + " predictions to " + o.string("output"));
        return 0;
    }
}
