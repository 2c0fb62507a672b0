package io.sparkdigits.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What a user waits for: the README's quick start ({@code train} with {@code --test}, which prints
 * the evaluation table) on {@code local[2]}, and {@code evaluate} after it, each a process started cold through
 * {@code submit/spark-digits}, three times; the medians of the timeline {@link ColdRun} reads from
 * each train process's output. The bench's own JVM stays idle meanwhile. Nothing here is warm:
 * every JVM, Spark session and JIT starts from nothing, as for a user; the data files and the
 * application jar exist and the operating system's file cache is warm after the first run.
 */
final class ColdSection implements Section {
    static final int RUNS = 3;
    private static final Path JAR = Path.of("target/spark-digits-0.1.0.jar");

    @Override
    public String name() {
        return "cold";
    }

    @Override
    public void run(BenchContext ctx, Report.Part out) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run 'mvn -DskipTests package' first, so no run pays for the build");
        }
        Path dir = Files.createDirectories(ctx.options.out().resolve("cold"));
        // The first command after a build records the launcher's start-up cache (submit/jvm-env);
        // a user pays that once, so it is a figure of its own and no timed run includes it.
        launch(dir.resolve("first-after-build.log"), "--help");
        out.row("first command (--help): records the start-up cache if this build has none (once a build, Java 25)", Fmt.seconds(lastExit));
        List<ColdRun> runs = new ArrayList<>();
        double[] evaluate = new double[RUNS];
        double[] both = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            String model = dir.resolve("model").toString();
            ColdRun train = ColdRun.parse(launch(dir.resolve("train-" + i + ".log"), "train", "--train", ctx.trainPath(),
                    "--test", ctx.testPath(), "--model", model, "--overwrite"), lastExit);
            runs.add(train);
            launch(dir.resolve("evaluate-" + i + ".log"), "evaluate", "--model", model, "--data", ctx.testPath());
            evaluate[i] = lastExit;
            both[i] = train.total() + lastExit;
            out.detail("run" + (i + 1), Map.of("train", train.toMap(), "evaluateSeconds", lastExit));
        }
        double warm = median(runs, ColdRun::warmEpoch);
        double first = median(runs, ColdRun::firstEpoch);
        out.row("cold train, whole process (launcher start to model saved, --test included)",
                Fmt.seconds(median(runs, ColdRun::total)), "", "", "<= 10 s", median(runs, ColdRun::total) <= 10);
        // The quick start is this one train command: with --test it prints evaluate's table too.
        out.row("the README's first command (train --test, data and jar present)",
                Fmt.seconds(median(runs, ColdRun::total)), "", "", "<= 15 s", median(runs, ColdRun::total) <= 15);
        out.row("train, then evaluate as a second process", Fmt.seconds(StepOverhead.median(both)));
        out.row("cold: start-up (launcher, driver JVM, Spark session) / load", Fmt.seconds(median(runs, ColdRun::startUp))
                + " / " + Fmt.seconds(median(runs, ColdRun::load)));
        out.row("cold: first epoch / warmest epoch of the run", Fmt.seconds(first) + " / " + Fmt.seconds(warm),
                "", Fmt.number(first / warm, 2) + "x", "<= 1.5x", first / warm <= 1.5);
        for (double percent : new double[] {97, 98}) {
            double s = median(runs, r -> r.secondsTo(percent));
            out.row("cold: process start to " + Fmt.number(percent, 0) + "% test accuracy", Double.isNaN(s) ? "not reached"
                    : Fmt.seconds(s), "", "", percent == 98 ? "<= 9 s" : "", percent == 98 ? (Boolean) (s <= 9) : null);
        }
        out.row("cold evaluate, whole process", Fmt.seconds(StepOverhead.median(evaluate)));
        out.detail("runs", RUNS);
    }

    /** Seconds from start to exit of the last {@link #launch}. */
    private double lastExit;

    /** Runs {@code submit/spark-digits --master local[2] ARGS}, keeping its output with arrival times. */
    private List<ColdRun.Line> launch(Path log, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("submit/spark-digits", "--master", "local[2]"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        long start = System.nanoTime();
        List<ColdRun.Line> lines = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(new ColdRun.Line((System.nanoTime() - start) / 1e9, line));
                text.append(line).append('\n');
            }
        }
        int code = p.waitFor();
        lastExit = (System.nanoTime() - start) / 1e9;
        Files.writeString(log, text);
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed with exit code " + code + "; see " + log);
        }
        return lines;
    }

    private static double median(List<ColdRun> runs, ToDoubleFunction<ColdRun> figure) {
        return StepOverhead.median(runs.stream().mapToDouble(figure).toArray());
    }
}
