package io.sparkdigits.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the figures were measured: cores, CPU, JVM, Spark, master, and which BLAS MLlib found. */
final class MachineSection implements Section {
    @Override
    public String name() {
        return "machine";
    }

    @Override
    public void run(BenchContext ctx, Report.Part out) {
        String cpu = cpuModel().orElse("unknown");
        String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        out.row("cores (nproc)", Integer.toString(Runtime.getRuntime().availableProcessors()));
        out.row("CPU", cpu);
        out.row("JVM", jvm);
        out.row("Spark", ctx.spark.version() + " (Scala " + scala.util.Properties.versionNumberString() + ")");
        out.row("master", ctx.spark.sparkContext().master() + ", " + ctx.partitions + " partitions");
        out.detail("cores", Runtime.getRuntime().availableProcessors());
        out.detail("cpu", cpu);
        out.detail("jvm", jvm);
        out.detail("maxHeapBytes", Runtime.getRuntime().maxMemory());
        out.detail("sparkVersion", ctx.spark.version());
        out.detail("master", ctx.spark.sparkContext().master());
        out.detail("defaultParallelism", ctx.spark.sparkContext().defaultParallelism());
        out.detail("partitions", ctx.partitions);
        out.detail("mllibBlas", mllibBlas());
    }

    private static Optional<String> cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The BLAS MLlib's network multiplies with: native if netlib finds one, else its Java fallback. */
    private static String mllibBlas() {
        try {
            return dev.ludovic.netlib.blas.NativeBLAS.getInstance().getClass().getName();
        } catch (Throwable noNative) {
            return dev.ludovic.netlib.blas.JavaBLAS.getInstance().getClass().getName();
        }
    }
}
