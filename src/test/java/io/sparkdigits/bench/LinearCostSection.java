package io.sparkdigits.bench;

import io.sparkdigits.data.DigitData;
import io.sparkdigits.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Training cost is linear in the data and communication is not in it at all. One epoch at the
 * default batch size on ten copies of the training file (a folder of ten symlinks loaded as one
 * input, same partition count) against one epoch on one copy (the second of two, so both are
 * warm): the ratio should be 10 within 15%. Per-step communication is the weights broadcast plus
 * one partial gradient per partition, computed from the model size, and measured as the task
 * result and shuffle bytes of the training jobs: both must be the same at 1x and 10x.
 */
final class LinearCostSection implements Section {
    static final int COPIES = 10;
    static final double TOLERANCE = 0.15;

    @Override
    public String name() {
        return "linear";
    }

    @Override
    public void run(BenchContext ctx, Report.Part out) throws IOException {
        TrainConfig preset = TrainConfig.preset("default");
        DigitData one = ctx.ourTrain().data();
        // Untimed warm-up epochs first, then the 1x data timed before and after the 10x data: on 2
        // cores the JIT keeps speeding steps up for some ten epochs, and measured only before, the
        // 1x epochs were the slower (run alone: 1x 0.88 s an epoch, 10x 6.27 s: 7.1x). Three epochs
        // each side, every one averaged: a 1x epoch is 30 steps, too short to time once.
        TrainRun.run(TrainRun.config("linear-warm-up", ctx.options.hidden(), preset.learningRate(),
                preset.batchSize(), ctx.options.epochs(3, 1)), one, null);
        TrainConfig oneX = TrainRun.config("linear-1x", ctx.options.hidden(), preset.learningRate(),
                preset.batchSize(), 3);
        Measured before = measure(ctx, one, oneX);
        Path folder = copies(ctx, COPIES);
        BenchContext.Loaded<DigitData> ten = ctx.load(() -> ctx.loadOurs(folder.toString()));
        // The load's garbage (lines, parse buffers, shuffle blocks of 470 MB of shards) is the
        // load's cost: collect it now rather than in the timed epoch (in one run the 10x steps
        // averaged 19.2 ms against 15.3 for the 1x ones; per-step timing with a settled heap: equal).
        System.gc();
        Measured x10;
        try {
            x10 = measure(ctx, ten.data(), TrainRun.config("linear-10x", ctx.options.hidden(), preset.learningRate(),
                    preset.batchSize(), 1));
        } finally {
            ten.data().release();
        }
        Measured x1 = before.and(measure(ctx, one, oneX));
        double ratio = x10.epochSeconds() / x1.epochSeconds();
        out.row("epoch s, " + Fmt.number(ten.data().rows(), 0) + " rows / " + Fmt.number(one.rows(), 0),
                Fmt.seconds(x10.epochSeconds()) + " / " + Fmt.seconds(x1.epochSeconds()), "", Fmt.times(ratio),
                "10x +- 15%", Math.abs(ratio / COPIES - 1) <= TOLERANCE);
        long params = x1.params();
        long broadcast = 4L * params;
        long partials = 4L * params * ctx.partitions;
        out.row("per-step bytes: weights broadcast + " + ctx.partitions + " partial gradients (computed)",
                Fmt.bytes(broadcast) + " + " + Fmt.bytes(partials), "", "", "independent of rows", true);
        double measuredRatio = x10.bytesPerStep() / x1.bytesPerStep();
        out.row("per-step task result + shuffle bytes (measured), 10x / 1x",
                Fmt.bytes(Math.round(x10.bytesPerStep())) + " / " + Fmt.bytes(Math.round(x1.bytesPerStep())), "",
                Fmt.times(measuredRatio), "1.00x +- 1%", Math.abs(measuredRatio - 1) <= 0.01);
        out.detail("x1", x1.toMap());
        out.detail("x10", x10.toMap());
        out.detail("x10LoadSeconds", ten.seconds());
        out.detail("x10CachedBytes", ten.cachedBytes());
        out.detail("epochRatio", ratio);
        out.detail("broadcastBytesPerStepPerExecutor", broadcast);
        out.detail("partialGradientBytesPerStepComputed", partials);
        out.detail("measuredBytesRatio", measuredRatio);
    }

    /** Mean epoch seconds and mean per-step bytes of one run (or two runs on the same data). */
    record Measured(long rows, int steps, long params, double epochSeconds, double bytesPerStep) {
        Measured and(Measured other) {
            return new Measured(rows, steps, params, (epochSeconds + other.epochSeconds) / 2,
                    (bytesPerStep + other.bytesPerStep) / 2);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rows", rows);
            m.put("stepsPerEpoch", steps);
            m.put("params", params);
            m.put("epochSeconds", epochSeconds);
            m.put("measuredBytesPerStep", bytesPerStep);
            return m;
        }
    }

    private static Measured measure(BenchContext ctx, DigitData data, TrainConfig cfg) {
        SparkContext sc = ctx.spark.sparkContext();
        StepBytes bytes = new StepBytes();
        sc.addSparkListener(bytes);
        TrainRun.Result r;
        try {
            // Through Spark even on a local master: the bytes are what a cluster's steps ship.
            r = TrainRun.run(cfg, data, null, true);
            int steps = r.setup().plan().stepsPerEpoch() * cfg.epochs();
            bytes.awaitJobs(steps);
        } finally {
            sc.removeSparkListener(bytes);
        }
        double seconds = r.epochs().stream().mapToDouble(TrainRun.Epoch::seconds).average().orElseThrow();
        return new Measured(data.rows(), r.setup().plan().stepsPerEpoch(), r.setup().spec().numParams(),
                seconds, bytes.bytes.get() / (double) bytes.jobs.get());
    }

    /** A folder of {@code n} symbolic links to the training file: n times the data, no extra disk. */
    private static Path copies(BenchContext ctx, int n) throws IOException {
        Path source = Path.of(ctx.trainPath()).toAbsolutePath();
        if (!Files.isRegularFile(source)) {
            throw new IllegalArgumentException("the linear section needs --train to be one file, not " + source);
        }
        Path dir = ctx.scratch("linear-" + n + "x");
        for (int i = 0; i < n; i++) {
            Files.createSymbolicLink(dir.resolve(String.format(java.util.Locale.ROOT, "copy-%02d.csv", i)), source);
        }
        return dir;
    }

    /**
     * Sums task result and shuffle-write bytes of training-step jobs (those {@code SparkGradients}
     * describes as "train epoch ..."). Events arrive on Spark's listener thread, after the job.
     */
    static final class StepBytes extends SparkListener {
        private final Set<Integer> stages = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final Set<Integer> jobIds = new HashSet<>();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong jobs = new AtomicLong();

        @Override
        public synchronized void onJobStart(SparkListenerJobStart start) {
            String description = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
            if (description != null && description.startsWith("train epoch")) {
                jobIds.add(start.jobId());
                scala.jdk.javaapi.CollectionConverters.asJava(start.stageIds()).forEach(s -> stages.add((Integer) s));
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (stages.contains(end.stageId()) && end.taskMetrics() != null) {
                bytes.addAndGet(end.taskMetrics().resultSize() + end.taskMetrics().shuffleWriteMetrics().bytesWritten());
            }
        }

        @Override
        public synchronized void onJobEnd(SparkListenerJobEnd end) {
            if (jobIds.contains(end.jobId())) {
                jobs.incrementAndGet();
                notifyAll();
            }
        }

        /** Waits until {@code n} training jobs have been seen (a minute at most). */
        synchronized void awaitJobs(long n) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (jobs.get() < n && System.nanoTime() < deadline) {
                try {
                    wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
