package io.sparkdigits.train;

import io.sparkdigits.data.JobDescription;
import io.sparkdigits.data.Shard;
import java.util.Iterator;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.VoidFunction;

/**
 * The steps of an epoch on a local master as one Spark job instead of one job a step. The job has
 * a task a partition, all running at once on the master's threads; each task computes its
 * partition's partial for every step of the epoch in turn, taking the step's weights from the
 * driver and leaving the partial with it in memory ({@link StepRelay}), as {@link StepExchange}
 * does for a job a step. The driver sums the partials in partition order and updates the weights
 * between steps as before, so the model is the same to the bit ({@code EpochJobTest}).
 *
 * <p>Why: on local[2] a Spark job costs about 9 ms once warm (the scheduler's events, the task
 * binary's broadcast, launching and finishing two tasks) and several times that in a cold JVM's
 * first hundreds, against about 18 ms of arithmetic a core in a warm step of the default preset;
 * the default's 15 epochs are 450 steps. The data stay where Spark cached them and each epoch is
 * still a job in the Spark UI.
 *
 * <p>Only where it is safe ({@link #suits}): every task must run at once, or a task waiting for
 * a step's weights would wait for a partial that cannot come, and a failed task must not be
 * retried, since a new attempt could not rejoin the steps already taken. Every task starting at
 * once also needs the master's threads free of other work while the epoch runs, which only an
 * application that owns its session can promise: the command line does ({@code cli.Main} sets
 * {@link #CONF}); Spark code that trains through the {@code spark.ml} API, which may run other
 * jobs at the same time (a streaming query, a parallel cross-validation under the fair
 * scheduler), asks for it by setting {@link #CONF} itself. While an epoch runs, other jobs of the
 * session wait for it, and a step's listener must not start one.
 */
public final class EpochJob implements GradientSource {
    /** {@code true} for a job an epoch where {@link #suits} allows it; off unless set. */
    public static final String CONF = "spark.digits.jobPerEpoch";
    /** Spark's local property: cancelling the job interrupts its running tasks' threads. */
    private static final String INTERRUPT = "spark.job.interruptOnCancel";
    /** A local master as Spark reads it: {@code local}, {@code local[N]}, {@code local[*]}, {@code local[N, F]}. */
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:\\s*,\\s*(\\d+))?])?");

    private final JavaRDD<Shard> shards;
    private final PartitionGradient kernel;
    private final int steps;
    private final int epochs;
    private final JobDeadline deadline;
    private Running running;

    /** A started epoch: its job and the relay its tasks take their steps through. */
    private record Running(int epoch, int nextStep, StepRelay relay, JavaFutureAction<Void> job) {
    }

    public EpochJob(JavaRDD<Shard> shards, PartitionGradient kernel, int epochs, int stepsPerEpoch, JobDeadline deadline) {
        this.shards = shards;
        this.kernel = kernel;
        this.epochs = epochs;
        this.steps = stepsPerEpoch;
        this.deadline = deadline;
    }

    /** Whether {@code sc} runs an epoch over {@code partitions} as one job: {@link #suits(boolean, SparkConf, int)}. */
    public static boolean suits(SparkContext sc, int partitions) {
        return suits(StepExchange.inMemory(sc), sc.getConf(), partitions);
    }

    /**
     * Whether a session of {@code conf} runs an epoch as one job over {@code partitions}: when
     * {@link #CONF} asks for it, its tasks hand over in memory ({@code inMemory},
     * {@link StepExchange#inMemory(SparkContext)}), the master's threads can run every partition's
     * task at once, and a failed task is not retried (only {@code local[N,F]} retries).
     */
    static boolean suits(boolean inMemory, SparkConf conf, int partitions) {
        if (!inMemory || !conf.getBoolean(CONF, false)) {
            return false;
        }
        int slots = localThreads(conf.get("spark.master", ""), Runtime.getRuntime().availableProcessors())
                / Math.max(1, conf.getInt("spark.task.cpus", 1));
        return partitions <= slots;
    }

    /**
     * How many tasks a local master runs at once, or 0 if its tasks may be retried or it is no
     * local master: {@code local} 1, {@code local[N]} N, {@code local[*]} the processors.
     */
    static int localThreads(String master, int processors) {
        Matcher m = LOCAL.matcher(master.trim());
        if (!m.matches() || (m.group(2) != null && Integer.parseInt(m.group(2)) > 1)) {
            return 0;
        }
        return m.group(1) == null ? 1 : m.group(1).equals("*") ? processors : Integer.parseInt(m.group(1));
    }

    @Override
    public GradientSum gradient(float[] params, int epoch, int step) {
        if (running == null || running.epoch() != epoch || running.nextStep() != step) {
            close(); // a loop that skips or repeats a step starts a job from there
            running = start(epoch, step);
        }
        GradientSum[] partials = awaitPartials(params, epoch, step);
        GradientSum sum = new GradientSum();
        for (GradientSum p : partials) {
            sum.merge(p);
        }
        if (step == steps - 1) {
            finish(running);
            running = null;
        } else {
            running = new Running(epoch, step + 1, running.relay(), running.job());
        }
        return sum;
    }

    private Running start(int epoch, int firstStep) {
        SparkContext sc = shards.context();
        StepRelay relay = StepRelay.open(shards.getNumPartitions());
        Steps tasks = new Steps(kernel, shards.getNumPartitions(), relay.id(), epoch, firstStep, steps);
        String name = "train epoch " + (epoch + 1) + "/" + epochs + ", steps " + (firstStep + 1) + "-" + steps;
        String interrupt = sc.getLocalProperty(INTERRUPT);
        sc.setLocalProperty(INTERRUPT, "true"); // a cancelled or aborted job wakes its waiting tasks
        try {
            JavaFutureAction<Void> job = JobDescription.run(sc, name, () -> shards.foreachPartitionAsync(tasks));
            return new Running(epoch, firstStep, relay, job);
        } catch (RuntimeException | Error e) {
            relay.close();
            throw e;
        } finally {
            sc.setLocalProperty(INTERRUPT, interrupt);
        }
    }

    /**
     * Hands the tasks the step's weights and waits for their partials. A task that failed, a job
     * that ended early, or a step past the deadline ends the epoch's job, and the run, here.
     */
    private GradientSum[] awaitPartials(float[] params, int epoch, int step) {
        String what = "step " + (step + 1) + " of epoch " + (epoch + 1);
        StepRelay.Outcome outcome = running.relay().step(step, params, deadline.seconds(), running.job()::isDone);
        if (outcome.partials() != null) {
            return outcome.partials();
        }
        Running failed = running;
        running = null;
        if (outcome.timedOut()) {
            failed.relay().close();
            failed.job().cancel(true);
            throw new JobTimeoutException(what + " did not finish within " + deadline.seconds() + " s", null);
        }
        finish(failed); // throws the job's failure: the task's exception, as Spark reports it
        throw new IllegalStateException(what + ": the epoch's job ended without the step's partials (were its"
                + " tasks in another JVM? --conf " + CONF + "=false runs a job a step)");
    }

    /** Lets the tasks go and waits for the job to end, throwing its failure if it failed. */
    private static void finish(Running r) {
        r.relay().close();
        try {
            r.job().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.job().cancel(true);
            throw new IllegalStateException("interrupted while the epoch's job ended", e);
        } catch (ExecutionException e) {
            throw EpochJob.<RuntimeException>undeclared(e.getCause());
        }
    }

    /**
     * Throws {@code t} as it is: a failed job's {@code SparkException} is checked, yet Spark's own
     * actions throw it undeclared, and a caller should get what a job a step would have thrown.
     */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException undeclared(Throwable t) throws E {
        throw (E) t;
    }

    /** Ends an epoch left unfinished (the loop stopped or failed between steps): its tasks return. */
    @Override
    public void close() {
        if (running != null) {
            Running r = running;
            running = null;
            try {
                finish(r);
            } catch (Exception e) { // the SparkException of a failed job too, though undeclared
                // The run is already ending on another error, or was stopped: this job's own is not the news.
            }
        }
    }

    /** A partition's task: the partition's partial for each step from {@code first} to the epoch's last. */
    static final class Steps implements VoidFunction<Iterator<Shard>> {
        private static final long serialVersionUID = 1L;
        private final PartitionGradient kernel;
        private final int partitions;
        private final long relay;
        private final int epoch;
        private final int first;
        private final int end;

        Steps(PartitionGradient kernel, int partitions, long relay, int epoch, int first, int end) {
            this.kernel = kernel;
            this.partitions = partitions;
            this.relay = relay;
            this.epoch = epoch;
            this.first = first;
            this.end = end;
        }

        @Override
        public void call(Iterator<Shard> it) throws InterruptedException {
            int partition = TaskContext.getPartitionId();
            StepRelay r = StepRelay.of(relay);
            if (r == null) {
                return; // the driver closed the epoch before this task started
            }
            try {
                Shard shard = it.hasNext() ? it.next() : null; // a partition holds one shard, or none
                for (int step = first; step < end; step++) {
                    float[] params = r.awaitWeights(step);
                    if (params == null) {
                        return; // the driver stopped the epoch
                    }
                    r.leave(partition, step, shard == null
                            ? GradientSum.empty(partition, partitions, params.length)
                            : kernel.compute(partition, partitions, shard, params, epoch, step));
                }
            } catch (RuntimeException | Error | InterruptedException e) {
                r.fail(e);
                throw e;
            }
        }
    }
}
