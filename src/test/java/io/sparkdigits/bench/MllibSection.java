package io.sparkdigits.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Spark MLlib's {@link MultilayerPerceptronClassifier} with our layer sizes, its default L-BFGS
 * solver and block size, a fixed seed, fitted on the cached assembled DataFrame once per
 * {@code --mllib-iters} value. Timed: {@code fit} alone; the test accuracy is computed after. The
 * ratio is MLlib's time to its best accuracy over our training seconds to reach that accuracy
 * (from the accuracy section's curves).
 */
final class MllibSection implements Section {
    static final long SEED = 42;
    static final double MIN_RATIO = 20;

    /** One fit: its maxIter, seconds, test accuracy and the iterations L-BFGS actually ran. */
    record Fit(int maxIter, double seconds, double accuracy, int iterations) {
    }

    @Override
    public String name() {
        return "mllib";
    }

    @Override
    public void run(BenchContext ctx, Report.Part out) {
        if (ctx.options.skipMllib()) {
            out.row("MLlib", "skipped (--skip-mllib)");
            return;
        }
        Dataset<Row> train = ctx.mllibTrain().data();
        Dataset<Row> test = ctx.mllibTest().data();
        int[] layers = layers(ctx);
        warmUp(ctx, layers);
        List<Fit> fits = new ArrayList<>();
        for (int maxIter : ctx.options.mllibIters()) {
            System.err.printf(java.util.Locale.ROOT, "  MLlib MLPC %s maxIter %d ...%n", java.util.Arrays.toString(layers), maxIter);
            MultilayerPerceptronClassifier mlpc = new MultilayerPerceptronClassifier()
                    .setLayers(layers).setMaxIter(maxIter).setSeed(SEED);
            long start = System.nanoTime();
            MultilayerPerceptronClassificationModel model = mlpc.fit(train);
            double seconds = (System.nanoTime() - start) / 1e9;
            Fit fit = new Fit(maxIter, seconds, accuracy(model, test), model.summary().totalIterations());
            fits.add(fit);
            ctx.rememberMllibModel(model);
            out.row("MLlib MLPC " + dashed(layers) + " L-BFGS maxIter " + maxIter + ": test acc", "",
                    Fmt.percent(fit.accuracy()) + " in " + Fmt.seconds(fit.seconds()), "", "", null);
        }
        out.detail("solver", "l-bfgs (default), blockSize 128 (default), seed " + SEED);
        out.detail("fits", fits.stream().map(MllibSection::toMap).toList());
        Fit best = fits.stream().reduce((a, b) -> b.accuracy() > a.accuracy()
                || b.accuracy() == a.accuracy() && b.seconds() < a.seconds() ? b : a).orElseThrow();
        compare(ctx, out, best);
    }

    /**
     * A short fit on the warm-up sample first, so the first timed fit does not pay for loading and
     * compiling MLlib's code paths (our trainer is likewise warm from the earlier sections).
     */
    private static void warmUp(BenchContext ctx, int[] layers) {
        Dataset<Row> sample = MllibPipeline.features(ctx.spark, BenchContext.WARM_UP_SAMPLE).cache();
        try {
            new MultilayerPerceptronClassifier().setLayers(layers).setMaxIter(5).setSeed(SEED).fit(sample);
        } finally {
            sample.unpersist(true);
        }
    }

    /** The ratio row for each of our runs the accuracy section left. */
    private static void compare(BenchContext ctx, Report.Part out, Fit best) {
        String figure = "train s to MLlib's best test acc (" + Fmt.percent(best.accuracy()) + ")";
        boolean any = false;
        double bestRatio = Double.NaN;
        String bestRun = null;
        for (String run : new String[] {AccuracySection.DEFAULT, AccuracySection.FAST}) {
            var ours = ctx.run(run);
            if (ours.isEmpty()) {
                continue;
            }
            any = true;
            OptionalDouble t = ours.get().secondsTo(best.accuracy());
            double ratio = t.isPresent() ? best.seconds() / t.getAsDouble() : Double.NaN;
            out.row(figure + ", ours " + run, Fmt.seconds(t), Fmt.seconds(best.seconds()),
                    t.isPresent() ? Fmt.times(ratio) : "", "", null);
            out.detail("ratio_" + run, t.isPresent() ? ratio : null);
            if (t.isPresent() && !(ratio <= bestRatio)) {
                bestRatio = ratio;
                bestRun = run;
            }
        }
        if (!any) {
            out.row(figure, "run section accuracy too", Fmt.seconds(best.seconds()), "", ">= 20x", null);
        } else {
            // Like the accuracy targets, this one allows any network of ours: the faster run counts.
            out.row(figure + ", faster run", bestRun == null ? "not reached" : bestRun, Fmt.seconds(best.seconds()),
                    bestRun == null ? "" : Fmt.times(bestRatio), ">= 20x", bestRun != null && bestRatio >= MIN_RATIO);
        }
    }

    static int[] layers(BenchContext ctx) {
        int[] hidden = ctx.options.hidden();
        int[] layers = new int[hidden.length + 2];
        layers[0] = ctx.mllibTrain().data().first().<org.apache.spark.ml.linalg.Vector>getAs("features").size();
        System.arraycopy(hidden, 0, layers, 1, hidden.length);
        layers[layers.length - 1] = 10;
        return layers;
    }

    static double accuracy(MultilayerPerceptronClassificationModel model, Dataset<Row> test) {
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(test));
    }

    private static String dashed(int[] layers) {
        return java.util.Arrays.stream(layers).mapToObj(Integer::toString).reduce((a, b) -> a + "-" + b).orElse("");
    }

    private static Map<String, Object> toMap(Fit f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("maxIter", f.maxIter());
        m.put("iterations", f.iterations());
        m.put("fitSeconds", f.seconds());
        m.put("testAccuracy", f.accuracy());
        return m;
    }
}
