package io.sparkdigits.bench;

import io.sparkdigits.nn.BatchStats;
import io.sparkdigits.nn.Conv2d;
import io.sparkdigits.nn.Dense;
import io.sparkdigits.nn.Init;
import io.sparkdigits.nn.MatMul;
import io.sparkdigits.nn.MaxPool;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.SoftmaxCrossEntropy;
import io.sparkdigits.nn.Stage;
import io.sparkdigits.train.TrainConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Micro-benchmark of the convolution kernels on one core: {@link Conv2d#forward} and
 * {@link Conv2d#backward} of every convolution of the {@code cnn} preset's network, on one
 * training chunk of real activations, against the FP32 FMA peak measured beside them.
 *
 * <p>Inputs are what training feeds each stage: MNIST rows of the committed sample scaled to 0..1
 * for the first convolution, the pooled ReLU outputs of the real forward pass for the later ones,
 * and as output deltas the real backward pass's (ReLU and pooling zeros included), all computed
 * once with the seeded initial weights and no dropout. Zero skipping therefore sees the sparsity
 * of training, except that trained weights may leave more ReLU outputs at zero.
 *
 * <p>GFLOPS are nominal: per image {@code 2 · oh·ow · patch · filters} forward; backward the same
 * for {@code dW}, plus the same again for {@code dIn} when the stage is not the first (training
 * computes no input delta there). The time is the whole kernel call: im2col, bias, the products,
 * col2im. Warm-up and interleaving with the peak probe are {@link KernelBench}'s.
 */
final class ConvKernelBench {
    /** Rows per call: the chunk the trainer's tasks run forward and backward on. */
    static final int ROWS = 256;
    /** The stages whose share of the peak carries the target: the convolution with most flops. */
    static final double TARGET_PERCENT = 50;
    private static final int ROUNDS = 15;

    private ConvKernelBench() {
    }

    /** One timed call: a convolution's forward or backward, and the peak measured in the same rounds. */
    record Row(int stage, String conv, String in, String out, String op, boolean inputDelta, boolean large,
               double zeroInputShare, double zeroDeltaShare, double flopsPerCall, double gflops, double peak,
               double cpuGflops, double cpuPeak) {
        double percentOfPeak() {
            return 100 * gflops / peak;
        }

        /** The share on the thread's CPU time: what the kernel does while it has the core. */
        double cpuPercentOfPeak() {
            return 100 * cpuGflops / cpuPeak;
        }

        String label() {
            return conv + " " + in + "->" + out + " " + op + (op.equals(Op.BACKWARD.label) && !inputDelta ? " (no dIn)" : "");
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stage", stage);
            m.put("conv", conv);
            m.put("input", in);
            m.put("output", out);
            m.put("op", op);
            m.put("input_delta", inputDelta);
            m.put("large", large);
            m.put("zero_input_share", zeroInputShare);
            m.put("zero_output_delta_share", zeroDeltaShare);
            m.put("nominal_flops_per_call", flopsPerCall);
            m.put("gflops", gflops);
            m.put("fma_peak_gflops", peak);
            m.put("percent_of_peak", percentOfPeak());
            m.put("cpu_time_gflops", cpuGflops);
            m.put("cpu_time_fma_peak_gflops", cpuPeak);
            m.put("cpu_time_percent_of_peak", cpuPercentOfPeak());
            return m;
        }
    }

    record Result(String network, String kernels, int batchRows, double peak, List<Row> rows) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("network", network);
            m.put("kernels", kernels);
            m.put("rows_per_call", batchRows);
            m.put("vector_fma_peak_gflops", peak);
            m.put("flops", "nominal: 2*oh*ow*patch*filters per image and product (forward; backward dW, plus dIn "
                    + "after the first stage), zero-skipping not credited; time of the whole Conv2d call");
            m.put("rows", rows.stream().map(Row::toMap).toList());
            return m;
        }
    }

    /** Measures every convolution of {@code cnn} on the first {@value #ROWS} rows of {@code csv}. */
    static Result measure(Path csv) {
        MatMul mm = Dense.matMul();
        NetworkSpec spec = TrainConfig.preset("cnn").network(784, 10);
        float[] params = Init.initialize(spec, TrainConfig.preset("cnn").seed());
        Pass pass = new Pass(spec, params, mm, csv);
        double peak = KernelBench.median(KernelBench.VectorPeak::sample, 2 * ROUNDS);
        long largest = 0;
        for (Stage st : spec.stages()) {
            if (st instanceof Stage.Conv c) {
                largest = Math.max(largest, (long) c.outSize() * c.patch());
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < spec.stages().size(); i++) {
            if (spec.stages().get(i) instanceof Stage.Conv c) {
                boolean large = (long) c.outSize() * c.patch() == largest;
                rows.add(time(pass, i, c, Op.FORWARD, large, mm));
                rows.add(time(pass, i, c, Op.BACKWARD, large, mm));
                if (i > 0) {
                    // Which half of the backward pass is slow: the same call with no input delta.
                    rows.add(time(pass, i, c, Op.WEIGHTS_ONLY, false, mm));
                }
            }
        }
        return new Result(spec.toString(), mm.name(), ROWS, peak, rows);
    }

    /** A timed call: the forward pass, the backward pass as training runs it, or its weight gradient alone. */
    enum Op {
        FORWARD("forward"), BACKWARD("backward"), WEIGHTS_ONLY("backward, dW only");

        final String label;

        Op(String label) {
            this.label = label;
        }
    }

    private static Row time(Pass pass, int stage, Stage.Conv c, Op op, boolean large, MatMul mm) {
        int l = pass.weightIndex(stage);
        int wOff = pass.spec.weightOffset(l);
        int bOff = pass.spec.biasOffset(l);
        float[] in = pass.input(stage);
        boolean inputDelta = stage > 0 && op != Op.WEIGHTS_ONLY;
        float[] out = new float[ROWS * c.outSize()];
        float[] dIn = inputDelta ? new float[ROWS * c.inSize()] : null;
        float[] grad = new float[pass.params.length];
        float[] cols = new float[Conv2d.colsSize(c)];
        float[] dOut = pass.deltas[stage];
        Runnable run = op == Op.FORWARD
                ? () -> Conv2d.forward(mm, c, out, in, pass.params, wOff, bOff, ROWS, cols)
                : () -> Conv2d.backward(mm, c, dIn, grad, dOut, in, pass.params, wOff, bOff, ROWS, cols);
        double perProduct = 2.0 * ROWS * c.out().h() * c.out().w() * c.patch() * c.filters();
        double flops = perProduct * (inputDelta && op == Op.BACKWARD ? 2 : 1);
        int calls = KernelBench.warmUp(run);
        double[] gflops = new double[ROUNDS];
        double[] peaks = new double[ROUNDS];
        double[] cpuGflops = new double[ROUNDS];
        double[] cpuPeaks = new double[ROUNDS];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < ROUNDS; round++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int k = 0; k < calls; k++) {
                run.run();
            }
            gflops[round] = flops * calls / (System.nanoTime() - t0);
            long c1 = threads.getCurrentThreadCpuTime();
            cpuGflops[round] = flops * calls / (c1 - c0);
            peaks[round] = KernelBench.VectorPeak.sample();
            cpuPeaks[round] = KernelBench.VectorPeak.flops() / (threads.getCurrentThreadCpuTime() - c1);
        }
        return new Row(stage, c.token(), c.in().toString(), c.out().toString(), op.label,
                inputDelta, large, zeroShare(in, ROWS * c.inSize()), zeroShare(dOut, ROWS * c.outSize()), flops,
                KernelBench.median(gflops), KernelBench.median(peaks), KernelBench.median(cpuGflops),
                KernelBench.median(cpuPeaks));
    }

    private static double zeroShare(float[] a, int n) {
        long zeros = 0;
        for (int i = 0; i < n; i++) {
            zeros += a[i] == 0f ? 1 : 0;
        }
        return (double) zeros / n;
    }

    /**
     * One forward and backward pass of {@link #ROWS} rows through the network, stage by stage as
     * the trainer's {@code Mlp} runs it, keeping every stage's input and output delta (the gradient
     * of the loss at the stage's output, after the activation's derivative).
     */
    static final class Pass {
        final NetworkSpec spec;
        final float[] params;
        final float[] x;
        final short[] y = new short[ROWS];
        /** The gradient of the pass, summed over its rows: what {@code Mlp.accumulateGradient} adds. */
        final float[] grad;
        final float[][] acts;
        final float[][] deltas;

        Pass(NetworkSpec spec, float[] params, MatMul mm, Path csv) {
            this.spec = spec;
            this.params = params;
            this.x = readRows(csv, y);
            List<Stage> stages = spec.stages();
            int n = stages.size();
            acts = new float[n][];
            deltas = new float[n][];
            int[][] argmax = new int[n][];
            float[] cols = new float[colsSize(stages)];
            for (int i = 0; i < n; i++) {
                Stage st = stages.get(i);
                float[] in = input(i);
                acts[i] = new float[ROWS * st.outSize()];
                if (st instanceof Stage.Dense d) {
                    int l = weightIndex(i);
                    Dense.forward(mm, acts[i], in, params, spec.weightOffset(l), spec.biasOffset(l), ROWS, d.in(), d.out());
                } else if (st instanceof Stage.Conv c) {
                    int l = weightIndex(i);
                    Conv2d.forward(mm, c, acts[i], in, params, spec.weightOffset(l), spec.biasOffset(l), ROWS, cols);
                } else {
                    argmax[i] = new int[ROWS * st.outSize()];
                    MaxPool.forward((Stage.Pool) st, acts[i], argmax[i], in, ROWS);
                }
                if (st.weights() > 0 && i < n - 1) {
                    spec.hidden().forward(acts[i], ROWS * st.outSize());
                }
            }
            deltas[n - 1] = acts[n - 1].clone();
            SoftmaxCrossEntropy.softmax(deltas[n - 1], ROWS, spec.outputSize());
            SoftmaxCrossEntropy.lossAndDelta(deltas[n - 1], y, 0, ROWS, spec.outputSize(), new BatchStats());
            grad = new float[params.length];
            for (int i = n - 1; i >= 0; i--) {
                Stage st = stages.get(i);
                // As in training, the first stage computes its weight gradient but no input delta.
                float[] dIn = i == 0 ? null : new float[ROWS * st.inSize()];
                if (st instanceof Stage.Dense d) {
                    int l = weightIndex(i);
                    Dense.backward(mm, dIn, grad, deltas[i], input(i), params, spec.weightOffset(l), spec.biasOffset(l),
                            ROWS, d.in(), d.out());
                } else if (st instanceof Stage.Conv c) {
                    int l = weightIndex(i);
                    Conv2d.backward(mm, c, dIn, grad, deltas[i], input(i), params, spec.weightOffset(l),
                            spec.biasOffset(l), ROWS, cols);
                } else if (dIn != null) {
                    MaxPool.backward((Stage.Pool) st, dIn, deltas[i], argmax[i], ROWS);
                }
                if (dIn == null) {
                    break;
                }
                if (stages.get(i - 1).weights() > 0) {
                    spec.hidden().backward(dIn, acts[i - 1], ROWS * st.inSize());
                }
                deltas[i - 1] = dIn;
            }
        }

        /** What stage {@code i} reads: the scaled rows, or the previous stage's (activated) output. */
        float[] input(int i) {
            return i == 0 ? x : acts[i - 1];
        }

        /** The index among the stages with weights of stage {@code i}, which has weights. */
        int weightIndex(int i) {
            int l = 0;
            for (int s = 0; s < i; s++) {
                l += spec.stages().get(s).weights() > 0 ? 1 : 0;
            }
            return l;
        }

        private static int colsSize(List<Stage> stages) {
            int size = 0;
            for (Stage st : stages) {
                if (st instanceof Stage.Conv c) {
                    size = Math.max(size, Conv2d.colsSize(c));
                }
            }
            return size;
        }

        /** The first {@link #ROWS} rows of a {@code label,pixels...} CSV with a header, pixels scaled to 0..1. */
        private static float[] readRows(Path csv, short[] y) {
            float[] x = new float[ROWS * 784];
            try (BufferedReader in = Files.newBufferedReader(csv)) {
                String line = in.readLine();
                for (int r = 0; r < ROWS; r++) {
                    line = in.readLine();
                    String[] f = line == null ? new String[0] : line.split(",");
                    if (f.length != 785) {
                        throw new IllegalStateException(csv + " row " + (r + 1) + ": expected a label and 784 pixels");
                    }
                    y[r] = Short.parseShort(f[0].trim());
                    for (int p = 0; p < 784; p++) {
                        x[r * 784 + p] = Float.parseFloat(f[p + 1]) / 255f;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return x;
        }
    }

    /** Prints the rows; runnable alone like {@link KernelBench} (same JVM options). */
    public static void main(String[] args) {
        Result r = measure(Path.of(args.length > 0 ? args[0] : BenchContext.WARM_UP_SAMPLE));
        System.out.printf(Locale.ROOT, "%s, %d rows a call, %s kernels, FP32 FMA peak %.1f GFLOPS%n",
                r.network(), r.batchRows(), r.kernels(), r.peak());
        for (Row row : r.rows()) {
            System.out.printf(Locale.ROOT,
                    "%-52s %8.2f GFLOPS %6.1f%% of peak, %6.1f%% on CPU time (inputs %.0f%%, deltas %.0f%% zero)%n",
                    row.label(), row.gflops(), row.percentOfPeak(), row.cpuPercentOfPeak(), 100 * row.zeroInputShare(),
                    100 * row.zeroDeltaShare());
        }
    }
}
