package io.sparkdigits.bench;

import java.nio.file.Path;

/**
 * GFLOPS per core of the convolution kernels of the {@code cnn} preset ({@link ConvKernelBench}),
 * forward and backward per convolution, as a share of the FP32 FMA peak measured beside them.
 * The largest convolution carries the target: at least {@value ConvKernelBench#TARGET_PERCENT}%.
 */
final class ConvKernelSection implements Section {
    @Override
    public String name() {
        return "conv";
    }

    @Override
    public void run(BenchContext ctx, Report.Part out) {
        ConvKernelBench.Result r = ConvKernelBench.measure(Path.of(BenchContext.WARM_UP_SAMPLE));
        out.row("FP32 FMA peak per core, vector (GFLOPS)", Fmt.number(r.peak(), 2));
        for (ConvKernelBench.Row row : r.rows()) {
            String figure = row.label() + ", " + r.batchRows() + " rows, warm";
            out.row(figure + ": GFLOPS", Fmt.number(row.gflops(), 2));
            // The CPU-time share beside it: on a shared machine, time slices lost to other processes
            // lower the wall-clock share more than the short peak probe's.
            String percent = Fmt.number(row.percentOfPeak(), 1) + "% (CPU time: "
                    + Fmt.number(row.cpuPercentOfPeak(), 1) + "%)";
            if (row.large()) {
                out.row(figure + ": % of peak", percent, "", "", ">= " + Fmt.number(ConvKernelBench.TARGET_PERCENT, 0) + "%",
                        row.percentOfPeak() >= ConvKernelBench.TARGET_PERCENT);
            } else {
                out.row(figure + ": % of peak", percent);
            }
        }
        out.detail("conv", r.toMap());
    }
}
