package io.sparkdigits.bench;

import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.data.LabelColumn;
import io.sparkdigits.model.Model;
import io.sparkdigits.score.BatchScorer;
import java.nio.file.Path;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Batch scoring, CSV in, CSV of predictions out, timed end to end. Ours: {@code BatchScorer}, what
 * {@code predict} runs (including its row-key pass and the count of what it wrote). MLlib: read,
 * scale and assemble ({@link MllibPipeline}), {@code model.transform}, write {@code label,
 * prediction}. For context, MLlib's I/O alone: the same read (every value parsed, CSV column pruning
 * off) and a one-column write, no model. Each is run once untimed on the 1,000-row sample first.
 * Scoring cost does not depend on the weights, so when the accuracy or mllib section did not run, a
 * one-epoch / one-iteration model stands in.
 */
final class ScoringSection implements Section {
    static final double MIN_SPEEDUP = 5;

    @Override
    public String name() {
        return "scoring";
    }

    @Override
    public void run(BenchContext ctx, Report.Part out) throws Exception {
        String input = ctx.trainPath();
        String sample = BenchContext.WARM_UP_SAMPLE;
        Model model = ctx.run(AccuracySection.DEFAULT).map(TrainRun.Result::model).orElseGet(() -> standInModel(ctx));
        scoreOurs(ctx, model, sample); // warm-up, as for the loads: neither side pays first-job costs
        Scored ours = scoreOurs(ctx, model, input);
        long rows = ours.rows();
        double ourRate = rows / ours.seconds();
        out.detail("rows", rows);
        out.detail("oursSeconds", ours.seconds());
        out.detail("oursRowsPerSecond", ourRate);
        if (ctx.options.skipMllib()) {
            out.row("batch scoring CSV -> CSV, rows/s", Fmt.rate(ourRate));
            return;
        }
        MultilayerPerceptronClassificationModel mllib = ctx.mllibModel().orElseGet(() -> standInMllibModel(ctx));
        scoreMllib(ctx, mllib, sample);
        ioOnly(ctx, sample);
        double mllibSeconds = scoreMllib(ctx, mllib, input);
        double ioSeconds = ioOnly(ctx, input);
        double mllibRate = rows / mllibSeconds;
        double speedup = ourRate / mllibRate;
        out.row("batch scoring CSV -> CSV, rows/s", Fmt.rate(ourRate), Fmt.rate(mllibRate), Fmt.times(speedup),
                ">= 5x", speedup >= MIN_SPEEDUP);
        out.row("MLlib read + write only, no model (context)", "", Fmt.rate(rows / ioSeconds), "", "", null);
        out.detail("mllibSeconds", mllibSeconds);
        out.detail("mllibRowsPerSecond", mllibRate);
        out.detail("mllibIoOnlySeconds", ioSeconds);
        out.detail("mllibIoOnlyRowsPerSecond", rows / ioSeconds);
    }

    /** Rows written and seconds taken by one scoring run. */
    private record Scored(long rows, double seconds) {
    }

    private static Scored scoreOurs(BenchContext ctx, Model model, String input) throws Exception {
        Path dir = ctx.scratch("scoring-ours");
        long start = System.nanoTime();
        long rows = BatchScorer.score(ctx.spark, model, input, dir.resolve("predictions").toString(),
                new BatchScorer.Settings(CsvLayout.Header.AUTO, LabelColumn.DEFAULT, false, "csv", false)).rows();
        double seconds = (System.nanoTime() - start) / 1e9;
        BenchContext.deleteTree(dir);
        return new Scored(rows, seconds);
    }

    private static double scoreMllib(BenchContext ctx, MultilayerPerceptronClassificationModel model, String input) {
        return timeWrite(ctx, "scoring-mllib",
                model.transform(MllibPipeline.features(ctx.spark, input)).select("label", "prediction"));
    }

    /** MLlib's read with every value parsed (column pruning off) and a one-column write. */
    private static double ioOnly(BenchContext ctx, String input) {
        String pruning = "spark.sql.csv.parser.columnPruning.enabled";
        ctx.spark.conf().set(pruning, "false");
        try {
            return timeWrite(ctx, "scoring-mllib-io", MllibPipeline.read(ctx.spark, input).select("label"));
        } finally {
            ctx.spark.conf().unset(pruning);
        }
    }

    /** Seconds to write {@code frame} as CSV with a header into a fresh scratch directory. */
    private static double timeWrite(BenchContext ctx, String name, Dataset<Row> frame) {
        Path dir = ctx.scratch(name);
        long start = System.nanoTime();
        frame.write().option("header", "true").csv(dir.resolve("predictions").toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        BenchContext.deleteTree(dir);
        return seconds;
    }

    private static Model standInModel(BenchContext ctx) {
        var cfg = TrainRun.config("scoring-stand-in", ctx.options.hidden(), 1e-3, 128, 1);
        return TrainRun.run(cfg, ctx.ourTrain().data(), null).model();
    }

    private static MultilayerPerceptronClassificationModel standInMllibModel(BenchContext ctx) {
        return new MultilayerPerceptronClassifier().setLayers(MllibSection.layers(ctx)).setMaxIter(1)
                .setSeed(MllibSection.SEED).fit(ctx.mllibTrain().data());
    }
}
