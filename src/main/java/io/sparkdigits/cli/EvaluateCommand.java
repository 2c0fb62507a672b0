package io.sparkdigits.cli;

import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.InputFormat;
import io.sparkdigits.data.JobDescription;
import io.sparkdigits.data.LabelColumn;
import io.sparkdigits.eval.CsvEvaluation;
import io.sparkdigits.eval.EvaluationReport;
import io.sparkdigits.eval.Evaluator;
import io.sparkdigits.model.AtomicPath;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.model.OutputGuard;
import io.sparkdigits.infer.Predictor;
import io.sparkdigits.ml.InputFrames;
import org.apache.spark.sql.SparkSession;

/** {@code evaluate}: a saved model on labeled data, as a table on stdout and a JSON report. */
final class EvaluateCommand implements Command {
    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public Options options() {
        return OutputFlags.add(DataFlags.add(new Options(name(), "Scores labeled data with a saved model: accuracy, mean loss, the confusion\n"
                + "matrix and per-class precision, recall and F1, printed and saved as JSON.")
                .required("model", "PATH", "model directory written by train, or a saved spark.ml stage")
                .required("data", "PATH", "labeled data: CSV (a file, folder or glob, plain or .gz), Parquet or an image folder")
                .value("report", "FILE", "JSON report to write (default MODEL-evaluation.json)")));
    }

    @Override
    public void check(Options o) {
        DataFlags.check(o);
        OutputFlags.check(o, "report", report(o), OutputGuard.Kind.REPORT);
    }

    private static String report(Options o) {
        return o.string("report", stripSlash(o.string("model")) + "-evaluation.json");
    }

    @Override
    public int run(Options o, SparkSession spark) throws Exception {
        var conf = spark.sparkContext().hadoopConfiguration();
        Model model = ModelStore.load(o.string("model"), conf);
        Predictor predictor = new Predictor(model.spec(), model.params(), model.inputScale());
        String data = o.string("data");
        DataFlags.csvOnly(o, spark, data);
        CsvEvaluation.Result result = DataFlags.format(o, data, spark) == InputFormat.CSV
                ? JobDescription.run(spark.sparkContext(), "evaluate", () -> CsvEvaluation.evaluate(spark, predictor,
                        data, DataFlags.header(o), DataFlags.label(o, model), DataFlags.skipBadRows(o),
                        spark.sparkContext().defaultParallelism()))
                : cached(o, spark, model, predictor);
        System.out.println("model " + o.string("model") + " (" + model.spec() + ") on " + data);
        System.out.println("read " + data + ": " + result.summary().describe());
        if (result.skipped() > 0) {
            System.out.println("skipped " + result.skipped() + " bad rows; first: " + result.firstSkipped());
        }
        EvaluationReport report = result.report();
        System.out.print(report.toTable());
        String path = report(o);
        AtomicPath.writeString(path, report.toJson(), OutputGuard.Kind.REPORT, OutputFlags.overwrite(o), conf);
        System.out.println("report written to " + path);
        return 0;
    }

    /**
     * Parquet and image folders: loaded into cached shards, then evaluated there. Their rows come
     * through a DataFrame, not as lines with a file and an offset, so the CSV streaming does not apply.
     */
    private static CsvEvaluation.Result cached(Options o, SparkSession spark, Model model, Predictor predictor) {
        DigitData data = DataFlags.loader(o, spark, InputFrames.shape(model.spec()), LabelColumn.DEFAULT)
                .load(o.string("data"), spark.sparkContext().defaultParallelism(), model.spec().inputSize(),
                        model.spec().outputSize());
        try {
            EvaluationReport report = JobDescription.run(spark.sparkContext(), "evaluate",
                    () -> Evaluator.evaluate(data.shards(), predictor, Evaluator.ALL_ROWS));
            return new CsvEvaluation.Result(report, data.summary(), data.skipped(), data.firstSkipped());
        } finally {
            data.release();
        }
    }

    private static String stripSlash(String p) {
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
