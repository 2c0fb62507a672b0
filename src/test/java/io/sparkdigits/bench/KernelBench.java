package io.sparkdigits.bench;

import io.sparkdigits.nn.Dense;
import io.sparkdigits.nn.MatMul;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Micro-benchmark of the dense-layer kernels on one core: the naive one-row i-k-j loops they
 * replaced, the scalar path and the vector path, against this machine's FP32 FMA peak measured by
 * the same harness (independent FMA chains, no memory traffic).
 *
 * <p>GFLOPS are nominal dense flops, {@code 2 · rows · nIn · nOut} per matrix product (forward: one;
 * backward: {@code dW}, plus {@code dIn} unless it is the first layer), over the median time. Skipped
 * zero inputs are counted as if computed, so the image-like first layer can show more than the peak.
 *
 * <p>The machine may be shared: each case times its implementations and the peak probe in
 * interleaved rounds, so the ratios in a row are measured under the same load. Warm-up runs every
 * implementation until its speed stops improving (C2 has compiled it). Needs
 * {@code --add-modules=jdk.incubator.vector}. Run after {@code mvn -o package -DskipTests}:
 * <pre>
 * java $(grep -v '^#' conf/java-module-options | tr '\n' ' ') \
 *     -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) \
 *     io.sparkdigits.bench.KernelBench [rows]
 * </pre>
 */
public final class KernelBench {
    /** Batch rows by default: half of a training chunk, a typical per-partition slice. */
    public static final int ROWS = 128;
    private static final int ROUNDS = 15;
    private static final long SAMPLE_NANOS = 15_000_000;

    private KernelBench() {
    }

    /** One timed operation: GFLOPS of each implementation and of the peak probe, medians of the same rounds. */
    public record Row(String op, int nIn, int nOut, String input, int rows, boolean inputDelta, double flopsPerCall,
                      double naive, double scalar, double vector, double vectorPeak) {
        /** Vector GFLOPS as a percentage of the vector FMA peak measured beside it. */
        public double vectorPercentOfPeak() {
            return 100 * vector / vectorPeak;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("op", op);
            m.put("shape", nIn + "->" + nOut);
            m.put("input", input);
            m.put("rows", rows);
            m.put("input_delta", inputDelta);
            m.put("nominal_flops_per_call", flopsPerCall);
            m.put("naive_gflops", naive);
            m.put("scalar_gflops", scalar);
            m.put("vector_gflops", vector);
            m.put("vector_fma_peak_gflops", vectorPeak);
            m.put("vector_percent_of_peak", vectorPercentOfPeak());
            return m;
        }
    }

    /** The whole table, with the peaks measured on their own before it. */
    public record Report(String vectorKernels, int lanes, int batchRows, double vectorPeak, double scalarPeak,
                         List<Row> rows) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("vector_kernels", vectorKernels);
            m.put("batch_rows", batchRows);
            m.put("lanes", lanes);
            m.put("vector_fma_peak_gflops", vectorPeak);
            m.put("scalar_fma_peak_gflops", scalarPeak);
            m.put("flops", "nominal dense: 2*rows*nIn*nOut per matrix product, zero-skipping not credited");
            List<Map<String, Object>> r = new ArrayList<>();
            for (Row row : rows) {
                r.add(row.toMap());
            }
            m.put("rows", r);
            return m;
        }
    }

    /**
     * The figures for {@code submit/bench}: the FP32 FMA peaks per core and, for every measured
     * product, GFLOPS per core of each path and the vector path's share of the peak.
     */
    public static Map<String, Double> figures() {
        Report r = measure(ROWS);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("FP32 FMA peak per core, vector (GFLOPS)", r.vectorPeak());
        out.put("FP32 FMA peak per core, scalar (GFLOPS)", r.scalarPeak());
        for (Row row : r.rows()) {
            String name = row.op() + " " + row.nIn() + "->" + row.nOut() + " " + row.input() + ", " + row.rows() + " rows";
            out.put(name + ": scalar GFLOPS", row.scalar());
            out.put(name + ": vector GFLOPS", row.vector());
            out.put(name + ": vector % of peak", row.vectorPercentOfPeak());
        }
        return out;
    }

    /** Prints the table; an optional argument sets the batch rows (default {@value #ROWS}). */
    public static void main(String[] args) {
        Report report = measure(args.length > 0 ? Integer.parseInt(args[0]) : ROWS);
        System.out.print(format(report));
    }

    /** Runs every case at {@code batchRows} rows; half a minute or more. */
    public static Report measure(int batchRows) {
        MatMul vector = Dense.vectorMatMul().orElseThrow(() -> new IllegalStateException(
                "run with --add-modules=jdk.incubator.vector (conf/java-module-options)"));
        double vectorPeak = median(VectorPeak::sample, 2 * ROUNDS);
        double scalarPeak = median(KernelBench::scalarPeakSample, 2 * ROUNDS);
        SplittableRandom random = new SplittableRandom(2024);
        List<Row> rows = new ArrayList<>();
        int[][] shapes = {{784, 128}, {784, 128}, {128, 64}, {64, 10}};
        for (int s = 0; s < shapes.length; s++) {
            int nIn = shapes[s][0];
            int nOut = shapes[s][1];
            boolean images = s == 1;
            Case c = new Case(random, batchRows, nIn, nOut, images);
            String input = images ? "image-like" : "dense";
            // The image-like case is the first layer, which computes no input delta.
            boolean inputDelta = !images;
            rows.add(time(c, "forward", input, false, vector));
            rows.add(time(c, "backward", input, inputDelta, vector));
        }
        return new Report(vector.toString(), VectorPeak.lanes(), batchRows, vectorPeak, scalarPeak, rows);
    }

    /** The table as text, with forward+backward totals per case. */
    public static String format(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "dense-layer kernels, %d rows, one core, %s%n", r.batchRows(), r.vectorKernels()));
        sb.append(String.format(Locale.ROOT, "FP32 FMA peak: vector %.1f GFLOPS (%d lanes), scalar %.1f GFLOPS%n",
                r.vectorPeak(), r.lanes(), r.scalarPeak()));
        sb.append("GFLOPS = nominal dense flops (2*rows*nIn*nOut per product, skipped zeros counted) / median time\n");
        sb.append(String.format(Locale.ROOT, "%-18s %-9s %-10s %7s %7s %7s %9s %9s %8s%n",
                "op", "shape", "input", "naive", "scalar", "vector", "vec/naive", "vec/scal", "%peak"));
        for (int i = 0; i < r.rows().size(); i++) {
            Row row = r.rows().get(i);
            line(sb, row.op() + (row.inputDelta() || !row.op().equals("backward") ? "" : " (no dIn)"), row,
                    row.naive(), row.scalar(), row.vector(), row.vectorPercentOfPeak());
            if (row.op().equals("backward")) {
                Row f = r.rows().get(i - 1);
                line(sb, "fwd+bwd", row, combined(f, row, f.naive(), row.naive()), combined(f, row, f.scalar(), row.scalar()),
                        combined(f, row, f.vector(), row.vector()),
                        100 * combined(f, row, f.vector(), row.vector()) / ((f.vectorPeak() + row.vectorPeak()) / 2));
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String op, Row row, double naive, double scalar, double vector, double pct) {
        sb.append(String.format(Locale.ROOT, "%-18s %-9s %-10s %7.2f %7.2f %7.2f %8.1fx %8.1fx %7.1f%%%n",
                op, row.nIn() + "->" + row.nOut(), row.input(), naive, scalar, vector,
                vector / naive, vector / scalar, pct));
    }

    /** GFLOPS of a forward and a backward call in sequence. */
    private static double combined(Row f, Row b, double fGflops, double bGflops) {
        return (f.flopsPerCall() + b.flopsPerCall()) / (f.flopsPerCall() / fGflops + b.flopsPerCall() / bGflops);
    }

    /** Buffers of one layer shape: weights, a batch of inputs and of output deltas. */
    private static final class Case {
        final int rows, nIn, nOut;
        final float[] params, in, out, dOut, grad, dIn;

        Case(SplittableRandom random, int rows, int nIn, int nOut, boolean images) {
            this.rows = rows;
            this.nIn = nIn;
            this.nOut = nOut;
            this.params = uniform(random, nIn * nOut + nOut, 0.1);
            this.in = images ? DigitLike.images(random, rows) : uniform(random, rows * nIn, 1);
            this.out = new float[rows * nOut];
            this.dOut = uniform(random, rows * nOut, 0.01);
            this.grad = new float[params.length];
            this.dIn = new float[rows * nIn];
        }
    }

    private static Row time(Case c, String op, String input, boolean inputDelta, MatMul vector) {
        boolean forward = op.equals("forward");
        float[] dIn = inputDelta ? c.dIn : null;
        int bOff = c.nIn * c.nOut;
        Runnable[] runs = new Runnable[3];
        if (forward) {
            runs[0] = () -> Naive.forward(c.out, c.in, c.params, 0, bOff, c.rows, c.nIn, c.nOut);
            runs[1] = () -> Dense.forward(Dense.scalarMatMul(), c.out, c.in, c.params, 0, bOff, c.rows, c.nIn, c.nOut);
            runs[2] = () -> Dense.forward(vector, c.out, c.in, c.params, 0, bOff, c.rows, c.nIn, c.nOut);
        } else {
            runs[0] = () -> Naive.backward(dIn, c.grad, c.dOut, c.in, c.params, 0, bOff, c.rows, c.nIn, c.nOut);
            runs[1] = () -> Dense.backward(Dense.scalarMatMul(), dIn, c.grad, c.dOut, c.in, c.params, 0, bOff,
                    c.rows, c.nIn, c.nOut);
            runs[2] = () -> Dense.backward(vector, dIn, c.grad, c.dOut, c.in, c.params, 0, bOff, c.rows, c.nIn, c.nOut);
        }
        double flops = 2.0 * c.rows * c.nIn * c.nOut * (forward || !inputDelta ? 1 : 2);
        int[] calls = new int[runs.length];
        for (int i = 0; i < runs.length; i++) {
            calls[i] = warmUp(runs[i]);
        }
        double[][] gflops = new double[runs.length + 1][ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < runs.length; i++) {
                long t0 = System.nanoTime();
                for (int k = 0; k < calls[i]; k++) {
                    runs[i].run();
                }
                gflops[i][round] = flops * calls[i] / (System.nanoTime() - t0);
            }
            gflops[runs.length][round] = VectorPeak.sample();
        }
        return new Row(op, c.nIn, c.nOut, input, c.rows, inputDelta, flops,
                median(gflops[0]), median(gflops[1]), median(gflops[2]), median(gflops[3]));
    }

    /**
     * Runs {@code run} in 100 ms windows until C2 has compiled it: at least five windows, then until
     * three windows in a row are no more than 3% faster than the best so far (at most 60). Until then
     * the Vector API runs interpreted or in C1, a hundred times slower, and compiling takes longer
     * on a loaded machine. Returns how many calls fill one sample.
     */
    static int warmUp(Runnable run) {
        double best = Double.MAX_VALUE;
        int stale = 0;
        for (int window = 0; window < 60 && (window < 5 || stale < 3); window++) {
            long start = System.nanoTime();
            long calls = 0;
            while (System.nanoTime() - start < 100_000_000L) {
                run.run();
                calls++;
            }
            double perCall = (double) (System.nanoTime() - start) / calls;
            stale = perCall < best * 0.97 ? 0 : stale + 1;
            best = Math.min(best, perCall);
        }
        return (int) Math.max(1, SAMPLE_NANOS / best);
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static double median(java.util.function.DoubleSupplier sample, int n) {
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = sample.getAsDouble();
        }
        return median(xs);
    }

    private static float[] uniform(SplittableRandom random, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(-scale, scale);
        }
        return a;
    }

    private static float scalarSink;

    /** GFLOPS of 12 independent scalar {@link Math#fma} chains: the scalar FP32 peak. */
    static double scalarPeakSample() {
        float a0 = 1, a1 = 1, a2 = 1, a3 = 1, a4 = 1, a5 = 1, a6 = 1, a7 = 1, a8 = 1, a9 = 1, a10 = 1, a11 = 1;
        float m = 0.999999f, d = 1e-7f;
        int iterations = 1 << 20;
        long t0 = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            a0 = Math.fma(a0, m, d);
            a1 = Math.fma(a1, m, d);
            a2 = Math.fma(a2, m, d);
            a3 = Math.fma(a3, m, d);
            a4 = Math.fma(a4, m, d);
            a5 = Math.fma(a5, m, d);
            a6 = Math.fma(a6, m, d);
            a7 = Math.fma(a7, m, d);
            a8 = Math.fma(a8, m, d);
            a9 = Math.fma(a9, m, d);
            a10 = Math.fma(a10, m, d);
            a11 = Math.fma(a11, m, d);
        }
        long t = System.nanoTime() - t0;
        scalarSink += a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return 2.0 * 12 * iterations / t;
    }

    /** The vector FP32 peak: 12 independent chains of preferred-width FMAs, enough to hide FMA latency. */
    static final class VectorPeak {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static float sink;

        private static final int ITERATIONS = 1 << 18;

        static int lanes() {
            return S.length();
        }

        /** Flops of one {@link #sample}. */
        static double flops() {
            return 2.0 * S.length() * 12 * ITERATIONS;
        }

        static double sample() {
            FloatVector m = FloatVector.broadcast(S, 0.999999f);
            FloatVector d = FloatVector.broadcast(S, 1e-7f);
            FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
            FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
            long t0 = System.nanoTime();
            for (int i = 0; i < ITERATIONS; i++) {
                a0 = a0.fma(m, d);
                a1 = a1.fma(m, d);
                a2 = a2.fma(m, d);
                a3 = a3.fma(m, d);
                a4 = a4.fma(m, d);
                a5 = a5.fma(m, d);
                a6 = a6.fma(m, d);
                a7 = a7.fma(m, d);
                a8 = a8.fma(m, d);
                a9 = a9.fma(m, d);
                a10 = a10.fma(m, d);
                a11 = a11.fma(m, d);
            }
            long t = System.nanoTime() - t0;
            FloatVector all = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
            sink += all.reduceLanes(VectorOperators.ADD);
            return flops() / t;
        }
    }

    /**
     * Synthetic 28x28 images shaped like MNIST digits: a polyline of six segments inside the
     * central 20x20 box, drawn with a soft brush. About 79% of the pixels are exactly zero, and the
     * share of pixels zero in four images at once (61%) matches MNIST's, which is what the
     * zero-skipping of row blocks sees.
     */
    static final class DigitLike {
        private DigitLike() {
        }

        static float[] images(SplittableRandom random, int rows) {
            float[] x = new float[rows * 784];
            for (int r = 0; r < rows; r++) {
                double[] px = new double[7];
                double[] py = new double[7];
                for (int s = 0; s < 7; s++) {
                    px[s] = random.nextDouble(6, 22);
                    py[s] = random.nextDouble(4, 24);
                }
                for (int y = 0; y < 28; y++) {
                    for (int xx = 0; xx < 28; xx++) {
                        double d = Double.MAX_VALUE;
                        for (int s = 0; s < 6; s++) {
                            d = Math.min(d, distance(xx, y, px[s], py[s], px[s + 1], py[s + 1]));
                        }
                        double v = Math.min(1, 2.0 - d);
                        x[r * 784 + y * 28 + xx] = v > 0 ? (float) v : 0f;
                    }
                }
            }
            return x;
        }

        /** From (x, y) to the segment (x0, y0)-(x1, y1). */
        private static double distance(double x, double y, double x0, double y0, double x1, double y1) {
            double dx = x1 - x0, dy = y1 - y0, len = dx * dx + dy * dy;
            double t = len == 0 ? 0 : Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / len));
            double ex = x0 + t * dx - x, ey = y0 + t * dy - y;
            return Math.sqrt(ex * ex + ey * ey);
        }
    }

    /** The kernels before blocking: one batch row at a time, i-k-j, a zero input skips its weight row. */
    static final class Naive {
        private Naive() {
        }

        static void forward(float[] out, float[] in, float[] params, int wOff, int bOff, int rows, int nIn, int nOut) {
            for (int r = 0; r < rows; r++) {
                int o = r * nOut;
                System.arraycopy(params, bOff, out, o, nOut);
                int i = r * nIn;
                for (int k = 0; k < nIn; k++) {
                    float a = in[i + k];
                    if (a == 0f) {
                        continue;
                    }
                    int w = wOff + k * nOut;
                    for (int j = 0; j < nOut; j++) {
                        out[o + j] += a * params[w + j];
                    }
                }
            }
        }

        static void backward(float[] dIn, float[] grad, float[] dOut, float[] in, float[] params,
                             int wOff, int bOff, int rows, int nIn, int nOut) {
            for (int r = 0; r < rows; r++) {
                int o = r * nOut;
                for (int j = 0; j < nOut; j++) {
                    grad[bOff + j] += dOut[o + j];
                }
                int i = r * nIn;
                for (int k = 0; k < nIn; k++) {
                    float a = in[i + k];
                    int w = wOff + k * nOut;
                    if (a != 0f) {
                        for (int j = 0; j < nOut; j++) {
                            grad[w + j] += a * dOut[o + j];
                        }
                    }
                    if (dIn != null) {
                        float s = 0f;
                        for (int j = 0; j < nOut; j++) {
                            s += dOut[o + j] * params[w + j];
                        }
                        dIn[i + k] = s;
                    }
                }
            }
        }
    }
}
