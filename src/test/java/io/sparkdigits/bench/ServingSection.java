package io.sparkdigits.bench;

import io.sparkdigits.export.OnnxFile;
import io.sparkdigits.export.OrtModel;
import io.sparkdigits.export.TinyModels;
import io.sparkdigits.model.Model;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.Init;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.testing.TestData;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Scoring in a JVM without Spark, one core each: {@code Model.predictBatch} on the calling thread
 * against the exported ONNX file in ONNX Runtime for Java with one intra-op and one inter-op
 * thread, on the same model and the same test rows, given to both as {@code float[][]} of raw
 * pixels (ONNX Runtime's time includes copying them into its input tensor, as a service would).
 * Each side runs {@value #WARM_UP} times untimed, then the best of {@value #TIMED} timed runs counts.
 */
final class ServingSection implements Section {
    static final double MIN_RATIO = 0.5;
    static final int WARM_UP = 5;
    static final int TIMED = 5;

    @Override
    public String name() {
        return "serving";
    }

    @Override
    public void run(BenchContext ctx, Report.Part out) throws Exception {
        Model model = ctx.run(AccuracySection.DEFAULT).map(TrainRun.Result::model).orElseGet(() -> standIn(ctx));
        float[][] rows = TinyModels.rawRows(TestData.read(Path.of(ctx.testPath())));
        Path onnx = ctx.scratch("serving").resolve("model.onnx");
        OnnxFile.write(model, onnx.toString(), new Configuration(), true);
        double ours;
        double ort;
        try (OrtModel runtime = new OrtModel(onnx.toString())) {
            ours = best(() -> model.predictBatch(rows));
            ort = best(() -> runtime.run(rows));
        }
        double ourRate = rows.length / ours;
        double ortRate = rows.length / ort;
        double ratio = ourRate / ortRate;
        out.row("in-process predictBatch, 1 thread, " + model.spec() + ", rows/s", Fmt.rate(ourRate), "",
                Fmt.times(ratio) + " ONNX Runtime's " + Fmt.rate(ortRate), ">= 0.5x", ratio >= MIN_RATIO);
        out.detail("rows", rows.length);
        out.detail("network", model.spec().toString());
        out.detail("oursSeconds", ours);
        out.detail("onnxRuntimeSeconds", ort);
        out.detail("oursRowsPerSecond", ourRate);
        out.detail("onnxRuntimeRowsPerSecond", ortRate);
    }

    private interface Run {
        void run() throws Exception;
    }

    /** Seconds of the fastest timed run, after the warm-up runs. */
    private static double best(Run run) throws Exception {
        for (int i = 0; i < WARM_UP; i++) {
            run.run();
        }
        double best = Double.MAX_VALUE;
        for (int i = 0; i < TIMED; i++) {
            long start = System.nanoTime();
            run.run();
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return best;
    }

    /**
     * Initial weights of the bench's network when the accuracy section did not run: the cost of a
     * forward pass does not depend on the weights beyond how many ReLU outputs are zero.
     */
    private static Model standIn(BenchContext ctx) {
        int[] hidden = ctx.options.hidden();
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = 784;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = 10;
        NetworkSpec spec = new NetworkSpec(sizes, Activation.RELU);
        return new Model(spec, Init.initialize(spec, 42), 1f / 255, Map.of(), Map.of());
    }
}
