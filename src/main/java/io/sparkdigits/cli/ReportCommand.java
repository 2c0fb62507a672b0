package io.sparkdigits.cli;

import io.sparkdigits.data.DigitData;
import io.sparkdigits.ml.InputFrames;
import io.sparkdigits.train.TrainJob;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.model.OutputGuard;
import io.sparkdigits.report.ReportData;
import io.sparkdigits.report.Reports;
import java.io.IOException;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/** {@code report}: a saved model on labeled data, as an HTML page with figures (and the same as JSON). */
final class ReportCommand implements Command {
    @Override
    public String name() {
        return "report";
    }

    @Override
    public Options options() {
        return OutputFlags.add(DataFlags.add(new Options(name(), "Writes an HTML report of a saved model on labeled data: learning curves, the\n"
                + "confusion matrix, per-class metrics, the digits it gets wrong, the first layer's weights and a\n"
                + "model card; one folder (index.html, a PNG per figure, report.json) that opens from file://.")
                .required("model", "PATH", "model directory written by train")
                .required("data", "PATH", "labeled data: CSV (a file, folder or glob, plain or .gz), Parquet or an image folder")
                .required("output", "DIR", "report folder to write (replaced as a whole if it holds an earlier report)")
                .value("mistakes", "N", "misclassified digits to show, most confident first (default "
                        + Reports.DEFAULT_MISTAKES + ")")
                .value("correct", "N", "correctly classified digits to show (default " + Reports.DEFAULT_CORRECT + ")")));
    }

    @Override
    public void check(Options o) {
        DataFlags.check(o);
        o.integer("mistakes", Reports.DEFAULT_MISTAKES, 0, 1024);
        o.integer("correct", Reports.DEFAULT_CORRECT, 0, 1024);
        OutputFlags.check(o, "output", o.string("output"), OutputGuard.Kind.REPORT_FOLDER);
    }

    @Override
    public int run(Options o, SparkSession spark) throws Exception {
        var conf = spark.sparkContext().hadoopConfiguration();
        Model model = ModelStore.load(o.string("model"), conf);
        DataFlags.csvOnly(o, spark, o.string("data"));
        write(spark, model, o.string("model"), o.string("data"),
                DataFlags.loader(o, spark, InputFrames.shape(model.spec()), DataFlags.label(o, model)),
                o.string("output"), OutputFlags.overwrite(o), o.integer("mistakes", Reports.DEFAULT_MISTAKES, 0, 1024),
                o.integer("correct", Reports.DEFAULT_CORRECT, 0, 1024));
        return 0;
    }

    /** Loads {@code dataPath}, gathers the report and writes it; shared with {@code train --report}. */
    static void write(SparkSession spark, Model model, String modelPath, String dataPath, TrainJob.Loader loader,
                      String output, boolean overwrite, int mistakes, int correct)
            throws IOException {
        DigitData data = loader.load(dataPath, spark.sparkContext().defaultParallelism(), model.spec().inputSize(),
                model.spec().outputSize());
        try {
            ReportData report = Reports.gather(spark, model, modelPath, data, dataPath, mistakes, correct);
            Reports.write(report, output, overwrite, spark.sparkContext().hadoopConfiguration());
            System.out.println("read " + dataPath + ": " + data.summary().describe());
            System.out.printf(Locale.ROOT, "report of %s on %,d rows (accuracy %.2f%%, %d mistakes %s) written to %s%n",
                    modelPath, report.evaluation().rows(), 100 * report.evaluation().accuracy(),
                    report.mistakes().size(), model.tableInputs() ? "listed in report.json" : "shown",
                    output + "/index.html");
        } finally {
            data.release();
        }
    }
}
