package io.sparkdigits.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 11's scale figures: {@code predict} and {@code evaluate} of a generated CSV of N rows
 * (10 million, about 18 GB; plain and gzipped) with a 512 MB driver, against a file of N/100 rows
 * of the same kind, and {@code train} on 0.6 N rows (6 million, 100x MNIST) with a cache larger
 * than the executors' storage memory, against 0.06 N rows. Every command is a separate {@code
 * submit/spark-digits} process on a standalone cluster of two one-core executors; rows/s is over
 * the span of the process's Spark jobs (from its event log), so JVM and session start-up do not
 * flatter the large file. The inputs come from {@link ScaleData} and are kept for the next run.
 * What is measured and why: docs/performance.md, "scale".
 */
final class ScaleSection implements Section {
    private static final Path JAR = Path.of("target/spark-digits-0.1.0.jar");
    /** Bytes a cached row takes: its pixels as bytes and a two-byte label. */
    static final long CACHED_ROW_BYTES = 784 + 2;
    static final long EXECUTOR_HEAP = 1L << 30;
    /** Spark's reserved heap (UnifiedMemoryManager), outside the storage and execution share. */
    static final long RESERVED = 300L << 20;
    static final int EXECUTORS = 2;
    /** The training runs: 784-32-10 ReLU, full-batch gradient descent (relu10's optimizer), two epochs. */
    static final List<String> TRAIN_SETTINGS = List.of("--preset", "relu10", "--hidden", "32", "--epochs", "2");

    /**
     * The row counts of a run, all from N: scoring N rows against N/100, training 0.6 N against
     * 0.06 N, in as many partitions as 100,000-row shards of the larger training file (at least 2).
     */
    record Sizes(long score, long scoreReference, long train, long trainReference, int partitions) {
        static Sizes of(long n) {
            long train = n * 6 / 10;
            return new Sizes(n, n / 100, train, train / 10, (int) Math.max(2, train / 100_000));
        }
    }

    /**
     * Spark's {@code spark.memory.fraction} for the training runs: its default 0.6 unless less
     * already holds the reference training cache three times over, so that at any N the small
     * file's cache fits in the executors' storage memory and the file ten times larger does not.
     */
    static double memoryFraction(long trainReferenceRows) {
        double perExecutor = 3.0 * trainReferenceRows * CACHED_ROW_BYTES / EXECUTORS;
        return Math.min(0.6, perExecutor / (EXECUTOR_HEAP - RESERVED));
    }

    @Override
    public String name() {
        return "scale";
    }

    @Override
    public void run(BenchContext ctx, Report.Part out) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run 'mvn -DskipTests package' first");
        }
        Sizes sizes = Sizes.of(ctx.options.scaleRows());
        out.detail("sizes", sizes);
        ScaleInputs inputs = ScaleInputs.generate(Path.of(ctx.options.train()), ctx.options.scaleDir(), sizes, out);
        Path runs = Files.createDirectories(ctx.options.out().resolve("scale"));
        List<String> failed = new ArrayList<>();
        try (ScaleCluster cluster = ScaleCluster.start(runs.resolve("cluster.log"))) {
            out.detail("master", cluster.master);
            ScaleRun.Launcher launcher = new ScaleRun.Launcher(runs, cluster.master, cluster.workers,
                    List.of("--driver-memory", "512m", "--executor-memory", Long.toString(EXECUTOR_HEAP >> 20) + "m"));
            Path model = runs.resolve("model");
            measure(failed, out, "train", () -> train(launcher, sizes, inputs, model, out));
            for (boolean gzip : new boolean[] {false, true}) {
                String kind = gzip ? "gzip" : "plain";
                measure(failed, out, "predict " + kind, () -> predict(launcher, sizes, inputs, model, gzip, out));
                measure(failed, out, "evaluate " + kind, () -> evaluate(launcher, sizes, inputs, model, gzip, out));
            }
        }
        out.detail("diskFreeBytesAfter", Files.getFileStore(ctx.options.scaleDir()).getUsableSpace());
        if (!failed.isEmpty()) {
            throw new IllegalStateException("scale: failed: " + String.join(", ", failed) + " (see the rows above)");
        }
    }

    private interface Measure {
        void run() throws Exception;
    }

    /** Runs one measurement; a failure is a row and the next measurement still runs. */
    private static void measure(List<String> failed, Report.Part out, String what, Measure m) {
        try {
            m.run();
        } catch (Exception e) {
            failed.add(what);
            out.row(what + ": FAILED", e.getMessage() == null ? e.toString() : e.getMessage());
            e.printStackTrace();
        }
    }

    private static void train(ScaleRun.Launcher l, Sizes sizes, ScaleInputs inputs, Path model, Report.Part out)
            throws Exception {
        List<String> conf = List.of("--conf", "spark.memory.fraction=" + memoryFraction(sizes.trainReference()));
        // The same partitions for both, so the two differ only in rows per partition.
        ScaleRun ref = trainOne(l, conf, inputs.file(sizes.trainReference(), false), model, sizes.partitions());
        ScaleRun big = trainOne(l, conf, inputs.file(sizes.train(), false), l.dir().resolve("model-large"),
                sizes.partitions());
        ColdRun refTimes = ColdRun.parse(ref.lines(), ref.seconds());
        ColdRun bigTimes = ColdRun.parse(big.lines(), big.seconds());
        // The last epoch of each: the first one also pays the executors' JIT warm-up.
        double refEpoch = last(refTimes.epochs());
        double bigEpoch = last(bigTimes.epochs());
        double linear = refEpoch * sizes.train() / sizes.trainReference();
        String rows = Fmt.number(sizes.train(), 0) + " rows";
        out.row("train " + rows + " (" + Fmt.gigabytes(inputs.size(sizes.train(), false)) + "): epoch vs linear from "
                + Fmt.number(sizes.trainReference(), 0) + " rows (" + Fmt.seconds(refEpoch) + ")",
                Fmt.seconds(bigEpoch), "", Fmt.times(bigEpoch / linear), "<= 1.2x", bigEpoch / linear <= 1.2);
        EventLog e = big.events();
        out.row("train " + rows + ": cached blocks on disk at most (spilled, not recomputed)",
                Fmt.bytes(e.cachedDiskPeak()), "", "", "> 0", e.cachedDiskPeak() > 0);
        out.row("train " + rows + ": cached blocks in memory at most / the reference's on disk",
                Fmt.bytes(e.cachedMemoryPeak()) + " / " + Fmt.bytes(ref.events().cachedDiskPeak()));
        peaks(out, "train " + rows, big, ref);
        out.detail("train", Map.of("settings", TRAIN_SETTINGS, "conf", conf, "partitions", sizes.partitions(),
                "reference", withTimes(ref, refTimes), "large", withTimes(big, bigTimes)));
    }

    private static ScaleRun trainOne(ScaleRun.Launcher l, List<String> conf, Path data, Path model, int partitions)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("train", "--train", data.toString(), "--model", model.toString(),
                "--overwrite", "--partitions", Integer.toString(partitions)));
        cmd.addAll(TRAIN_SETTINGS);
        return l.run("train-" + data.getFileName(), conf, cmd.toArray(String[]::new));
    }

    private static void predict(ScaleRun.Launcher l, Sizes sizes, ScaleInputs inputs, Path model, boolean gzip,
                                Report.Part out) throws Exception {
        scoreBoth("predict", sizes, inputs, gzip, out, (input, rows, detail) -> {
            Path output = l.dir().resolve("predictions");
            ScaleRun run = l.run("predict-" + input.getFileName(), List.of(), "predict", "--model", model.toString(),
                    "--input", input.toString(), "--output", output.toString(), "--overwrite");
            PredictionCheck check = PredictionCheck.check(output, input.getFileName().toString(), rows,
                    inputs.source()::label);
            BenchContext.deleteTree(output); // up to a GB at full size; the check is what is kept
            detail.put("check", check.toMap());
            if (rows == sizes.score()) {
                out.row("predict " + label(sizes.score(), inputs, gzip) + ": predictions and (file, row) keys",
                        check.ok(rows) ? Fmt.number(check.rows(), 0) + ", keys complete and unique, labels match"
                                : check.toMap().toString(), "", "", "exactly " + Fmt.number(rows, 0), check.ok(rows));
            } else if (!check.ok(rows)) {
                throw new IllegalStateException("the reference's predictions are wrong: " + check.toMap());
            }
            return run;
        });
    }

    private static void evaluate(ScaleRun.Launcher l, Sizes sizes, ScaleInputs inputs, Path model, boolean gzip,
                                 Report.Part out) throws Exception {
        scoreBoth("evaluate", sizes, inputs, gzip, out, (input, rows, detail) -> {
            Path report = l.dir().resolve("evaluation.json");
            ScaleRun run = l.run("evaluate-" + input.getFileName(), List.of(), "evaluate", "--model", model.toString(),
                    "--data", input.toString(), "--report", report.toString(), "--overwrite");
            long scored = new ObjectMapper().readTree(report.toFile()).path("rows").asLong();
            if (scored != rows) {
                throw new IllegalStateException("evaluate of " + input + " scored " + scored + " rows, not " + rows);
            }
            return run;
        });
    }

    /** One scoring command on one input of {@code rows} rows; what it checked goes in {@code detail}. */
    private interface ScoreRun {
        ScaleRun run(Path input, long rows, Map<String, Object> detail) throws Exception;
    }

    /** A scoring command on the reference file, then on the large one, and their throughput rows. */
    private static void scoreBoth(String command, Sizes sizes, ScaleInputs inputs, boolean gzip, Report.Part out,
                                  ScoreRun score) throws Exception {
        Map<String, Object> detail = new LinkedHashMap<>();
        ScaleRun[] runs = new ScaleRun[2];
        long[] rows = {sizes.scoreReference(), sizes.score()};
        for (int i = 0; i < 2; i++) {
            Path input = inputs.file(rows[i], gzip);
            Map<String, Object> checked = new LinkedHashMap<>();
            runs[i] = score.run(input, rows[i], checked);
            Map<String, Object> run = new LinkedHashMap<>(runs[i].toMap());
            run.putAll(checked);
            detail.put(input.getFileName().toString(), run);
        }
        throughput(out, command, sizes, inputs, gzip, runs);
        out.detail(command + " " + (gzip ? "gzip" : "plain"), detail);
    }

    /** The rows/s of the large file against the reference's, and both runs' peak memory. */
    private static void throughput(Report.Part out, String command, Sizes sizes, ScaleInputs inputs, boolean gzip,
                                   ScaleRun[] runs) {
        double ref = sizes.scoreReference() / runs[0].events().jobSeconds();
        double big = sizes.score() / runs[1].events().jobSeconds();
        out.row(command + " " + label(sizes.score(), inputs, gzip) + ": rows/s vs "
                + Fmt.number(sizes.scoreReference(), 0) + " rows (" + Fmt.rate(ref) + ")",
                Fmt.rate(big), "", Fmt.times(big / ref), ">= 0.9x", big / ref >= 0.9);
        peaks(out, command + " " + label(sizes.score(), inputs, gzip), runs[1], runs[0]);
    }

    /**
     * Peak RSS of the driver and of the larger executor, the large run's beside the reference's, and
     * the executors' peak heap used (Spark's own reading); a JVM's RSS grows with its heap up to
     * {@code -Xmx} and stays there, so "flat" is judged by eye against the heap sizes.
     */
    private static void peaks(Report.Part out, String what, ScaleRun big, ScaleRun ref) {
        out.row(what + ": peak RSS driver / executor (reference run); executor heap used",
                Fmt.megabytes(big.driver()) + " / " + Fmt.megabytes(big.executorPeak()) + " ("
                        + Fmt.megabytes(ref.driver()) + " / " + Fmt.megabytes(ref.executorPeak()) + "); "
                        + Fmt.megabytes(big.events().executorHeap()) + " (" + Fmt.megabytes(ref.events().executorHeap())
                        + ")", "", Fmt.times((double) big.driver() / ref.driver()) + " / "
                        + Fmt.times((double) big.executorPeak() / ref.executorPeak()), "flat", null);
    }

    private static String label(long rows, ScaleInputs inputs, boolean gzip) {
        return Fmt.number(rows, 0) + " rows (" + Fmt.gigabytes(inputs.size(rows, gzip)) + (gzip ? " gzipped, one task)"
                : " plain)");
    }

    private static double last(List<Double> values) {
        return values.get(values.size() - 1);
    }

    private static Map<String, Object> withTimes(ScaleRun run, ColdRun times) {
        Map<String, Object> m = new LinkedHashMap<>(run.toMap());
        m.put("loadSeconds", times.load());
        m.put("epochSeconds", times.epochs());
        return m;
    }
}
