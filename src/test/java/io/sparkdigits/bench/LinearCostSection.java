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
        Measured x1 = measure(ctx, one, TrainRun.config("linear-1x", ctx.options.hidden(), preset.learningRate(),
                preset.batchSize(), 2));
        Path folder = copies(ctx, COPIES);
        BenchContext.Loaded<DigitData> ten = ctx.load(() -> ctx.loadOurs(folder.toString()));
        Measured x10;
        try {
            x10 = measure(ctx, ten.data(), TrainRun.config("linear-10x", ctx.options.hidden(), preset.learningRate(),
                    preset.batchSize(), 1));
        } finally {
            ten.data().release();
        }
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

    /** Last epoch's seconds and the mean per-step bytes of one run. */
    record Measured(long rows, int steps, long params, double epochSeconds, double bytesPerStep) {
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
            r = TrainRun.run(cfg, data, null);
            int steps = r.setup().plan().stepsPerEpoch() * cfg.epochs();
            bytes.awaitJobs(steps);
        } finally {
            sc.removeSparkListener(bytes);
        }
        var last = r.epochs().get(r.epochs().size() - 1);
        return new Measured(data.rows(), r.setup().plan().stepsPerEpoch(), r.setup().spec().numParams(),
                last.seconds(), bytes.bytes.get() / (double) bytes.jobs.get());
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
