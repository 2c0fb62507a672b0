package io.sparkdigits.bench;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The plug for a kernel micro-benchmark (single-JVM matrix products, GFLOPS): any source of
 * {@code name -> number} pairs; {@link Bench} plugs in {@link KernelBench#figures}.
 */
final class KernelSection implements Section {
    /** No kernel benchmark in this build. */
    static final Supplier<Map<String, Double>> NONE = Map::of;

    private final Supplier<Map<String, Double>> figures;

    KernelSection(Supplier<Map<String, Double>> figures) {
        this.figures = figures;
    }

    @Override
    public String name() {
        return "kernels";
    }

    @Override
    public void run(BenchContext ctx, Report.Part out) {
        Map<String, Double> measured = figures.get();
        if (measured.isEmpty()) {
            out.row("kernel micro-benchmark", "not in this build");
        }
        measured.forEach((name, value) -> {
            out.row(name, Fmt.number(value, 2));
            out.detail(name, value);
        });
    }
}
