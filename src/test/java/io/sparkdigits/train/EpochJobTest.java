package io.sparkdigits.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.data.Shard;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An epoch as one Spark job on a local master: the same model to the bit as a job a step and as
 * one JVM without Spark; a failing task, a loop that stops between steps and a step taken out of
 * turn each end the epoch's job, leaving no task waiting (the timeout is there so that a task left
 * waiting fails the test rather than hanging it; a run here takes a few seconds).
 */
@ExtendWith(SparkSessionExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EpochJobTest {
    private static final TrainConfig DENSE = new TrainConfig("test", new int[] {32, 16}, Activation.RELU, "momentum",
            0.05, 0.9, true, 1e-4, "cosine", 100, 2, 9, 0, 0.1);
    private static final TrainConfig CNN = new TrainConfig("test", new int[0], Activation.RELU, "adam",
            0.002, 0.9, false, 0, "cosine", 200, 1, 9, 0, 0.1, "conv3x3x4:s2,pool2,dense16,10", null,
            new double[] {0.25, 0.5}, "shift=2,rotate=10,scale=0.1,elastic", 0);

    /** The 1,000-row sample in two partitions of 500 rows (DigitData would put it in one chunk). */
    private static List<Shard> halves;
    private JavaRDD<Shard> shards;

    @BeforeAll
    static void split() throws IOException {
        TestData.Rows rows = TestData.read(TestData.TRAIN);
        int half = rows.count() / 2;
        int cols = rows.cols();
        halves = List.of(
                Shard.ofBytes(half, cols, Arrays.copyOfRange(rows.labels(), 0, half),
                        Arrays.copyOfRange(rows.pixels(), 0, half * cols)),
                Shard.ofBytes(rows.count() - half, cols, Arrays.copyOfRange(rows.labels(), half, rows.count()),
                        Arrays.copyOfRange(rows.pixels(), half * cols, rows.count() * cols)));
    }

    @BeforeEach
    void distribute() {
        shards = spread(halves).cache();
    }

    @AfterEach
    void release() {
        shards.unpersist(true);
        assertEquals(0, StepRelay.openCount(), "every epoch's relay is closed when the loop is over");
    }

    /** Shard i in partition i, whatever is in the others (one shard spread over two leaves partition 0 empty). */
    private static JavaRDD<Shard> spread(List<Shard> list) {
        return JavaSparkContext.fromSparkContext(SparkSessionExtension.spark().sparkContext()).parallelize(list, 2);
    }

    private static TrainSetup setup(TrainConfig config, List<Shard> parts, int classes) {
        long[] rows = parts.stream().mapToLong(Shard::rows).toArray();
        return TrainSetup.of(config, parts.get(0).cols(), rows, 255f, classes);
    }

    private TrainSetup setup(TrainConfig config) {
        return setup(config, halves, 10);
    }

    private EpochJob epochJob(TrainSetup setup, TrainConfig config) {
        return new EpochJob(shards, setup.kernel(), config.epochs(), setup.plan().stepsPerEpoch(),
                JobDeadline.none(shards.context()));
    }

    private float[] train(TrainConfig config, GradientSource source) {
        return trainOn(config, halves, s -> source);
    }

    @Test
    void theTestSessionRunsAnEpochAsOneJob() {
        SparkContext sc = shards.context();
        assertTrue(EpochJob.suits(sc, 2), "local[2], two partitions, asked for as the command line asks");
        assertFalse(EpochJob.suits(sc, 3), "a third task would wait for a thread the other two never free");
        assertInstanceOf(EpochJob.class, GradientSource.onSpark(shards, setup(DENSE).kernel(),
                JobDeadline.none(sc), 2, 5));
    }

    @Test
    void onlyWhenAskedForAndEveryTaskCanRunAtOnce() {
        SparkConf asked = new SparkConf(false).set("spark.master", "local[2]").set(EpochJob.CONF, "true");
        assertTrue(EpochJob.suits(true, asked, 2));
        assertTrue(EpochJob.suits(true, asked, 1));
        assertFalse(EpochJob.suits(true, asked, 3));
        assertFalse(EpochJob.suits(false, asked, 2), "tasks that do not share the driver's memory");
        assertFalse(EpochJob.suits(true, asked.clone().remove(EpochJob.CONF), 2), "the spark.ml API unless asked");
        assertFalse(EpochJob.suits(true, asked.clone().set(EpochJob.CONF, "false"), 2));
        assertFalse(EpochJob.suits(true, asked.clone().set("spark.task.cpus", "2"), 2), "two threads, one task");
        assertTrue(EpochJob.suits(true, asked.clone().set("spark.task.cpus", "2"), 1));
        assertFalse(EpochJob.suits(true, asked.clone().set("spark.master", "local[2,3]"), 2), "retried tasks");
        assertFalse(EpochJob.suits(true, asked.clone().set("spark.master", "spark://host:7077"), 2));
    }

    /**
     * Holds a task until the test opens it (tasks of a local master run in this JVM); a new latch
     * for each test that uses it.
     */
    private static volatile CountDownLatch gate;

    /** Whether a thread of this JVM waits in {@link StepRelay#awaitWeights}: a task between steps. */
    private static boolean aTaskWaitsForWeights() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getState() == Thread.State.WAITING)
                .anyMatch(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().equals(StepRelay.class.getName())
                        && f.getMethodName().equals("awaitWeights")));
    }

    /**
     * Partition 0 is empty and never fails; partition 1's rows have labels the network has no
     * output for (it was set up for 2 classes). Partition 1 is held until partition 0's task waits
     * on the relay for weights; then its first step fails: the run fails with that task's error,
     * the waiting task is let go, and the session trains on.
     */
    @Test
    void aTaskThatFailsWhileItsSiblingWaitsFailsTheRun() throws InterruptedException {
        gate = new CountDownLatch(1);
        JavaRDD<Shard> rdd = spread(List.of(halves.get(1))).map(s -> {
            if (TaskContext.getPartitionId() == 1) {
                gate.await();
            }
            return s;
        });
        TrainSetup twoClasses = TrainSetup.of(DENSE, 784, new long[] {0, halves.get(1).rows()}, 255f, 2);
        EpochJob job = new EpochJob(rdd, twoClasses.kernel(), 2, twoClasses.plan().stepsPerEpoch(),
                JobDeadline.none(rdd.context()));
        Thread opener = new Thread(() -> {
            while (!aTaskWaitsForWeights()) {
                sleep(5);
            }
            gate.countDown();
        });
        opener.start();
        Exception e;
        try {
            e = assertThrows(Exception.class,
                    () -> twoClasses.trainer(job).train(twoClasses.initialParams(), 0, (s, p) -> { }));
        } finally {
            gate.countDown();
            opener.interrupt();
            opener.join();
        }
        assertInstanceOf(org.apache.spark.SparkException.class, e, "what a job a step throws");
        Throwable c = causeOf(IllegalArgumentException.class, e);
        assertTrue(c != null && c.getMessage().contains("outside 0..1"), e.toString());
        assertArrayEquals(train(DENSE, new LocalGradients(halves, setup(DENSE).kernel())),
                train(DENSE, epochJob(setup(DENSE), DENSE)), "the session trains on afterwards");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The first {@code type} in {@code e}'s chain of causes, or null. */
    private static Throwable causeOf(Class<? extends Throwable> type, Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return c;
            }
        }
        return null;
    }

    @Test
    void anEpochAJobTrainsTheSameBitsAsAJobAStepAndAsOneJvm() {
        for (TrainConfig config : List.of(DENSE, CNN)) {
            TrainSetup setup = setup(config);
            float[] local = train(config, new LocalGradients(halves, setup.kernel()));
            assertArrayEquals(local, train(config, epochJob(setup, config)), config.layers());
            assertArrayEquals(local, train(config, new SparkGradients(shards, setup.kernel(), 2,
                    JobDeadline.none(shards.context()))), config.layers());
            assertFalse(Arrays.equals(local, setup.initialParams()), "training moved the weights");
        }
    }

    /**
     * A partition without a shard (an RDD of shards not from the loader, which gives an empty
     * partition an empty shard) adds a leaf of zeros in its place of the tree: both Spark paths
     * give the bits of one JVM whose first part is an empty shard.
     */
    @Test
    void aPartitionWithoutRowsIsAZeroLeafOnEveryPath() {
        Shard none = Shard.ofBytes(0, halves.get(1).cols(), new short[0], new byte[0]);
        List<Shard> parts = List.of(none, halves.get(1));
        JavaRDD<Shard> oneShard = spread(List.of(halves.get(1))).cache();
        try {
            assertEquals(List.of(0, 1), oneShard.glom().map(List::size).collect(), "partition 0 holds nothing");
            float[] local = trainOn(DENSE, parts, s -> new LocalGradients(parts, s.kernel()));
            assertFalse(Arrays.equals(local, setup(DENSE, parts, 10).initialParams()), "training moved the weights");
            assertArrayEquals(local, trainOn(DENSE, parts, s -> new EpochJob(oneShard, s.kernel(), DENSE.epochs(),
                    s.plan().stepsPerEpoch(), JobDeadline.none(oneShard.context()))), "an epoch a job");
            assertArrayEquals(local, trainOn(DENSE, parts, s -> new SparkGradients(oneShard, s.kernel(), 2,
                    JobDeadline.none(oneShard.context()))), "a job a step");
        } finally {
            oneShard.unpersist(true);
        }
    }

    /** {@code config} trained from a setup of its own (a setup's optimizer keeps its state). */
    private static float[] trainOn(TrainConfig config, List<Shard> parts,
                                   java.util.function.Function<TrainSetup, GradientSource> source) {
        TrainSetup setup = setup(config, parts, 10);
        float[] params = setup.initialParams();
        setup.trainer(source.apply(setup)).train(params, 0, (st, p) -> { });
        return params;
    }

    /** Steps asked out of turn (a resumed or repeated step) start a new job from there: the same sums. */
    @Test
    void aStepOutOfTurnStartsTheEpochsJobAgainFromThere() {
        TrainSetup setup = setup(DENSE);
        float[] params = setup.initialParams();
        LocalGradients local = new LocalGradients(halves, setup.kernel());
        EpochJob job = epochJob(setup, DENSE);
        int[][] steps = {{0, 0}, {0, 1}, {0, 3}, {0, 3}, {1, 2}, {1, 3}, {0, 0}};
        try {
            for (int[] s : steps) {
                float[] ours = new float[params.length];
                float[] theirs = new float[params.length];
                job.gradient(params, s[0], s[1]).meanInto(ours);
                local.gradient(params, s[0], s[1]).meanInto(theirs);
                assertArrayEquals(theirs, ours, "epoch " + s[0] + " step " + s[1]);
            }
        } finally {
            job.close();
        }
    }

    @Test
    void aLoopStoppedBetweenStepsEndsItsJobAndTheNextRunTrains() {
        TrainSetup setup = setup(DENSE);
        RuntimeException stop = new IllegalStateException("stopped by the listener");
        Trainer.Listener stopAtThirdStep = new Trainer.Listener() {
            @Override
            public void epochEnd(EpochStats stats, float[] params) {
            }

            @Override
            public void stepEnd(StepStats stats) {
                if (stats.step() == 3) {
                    throw stop;
                }
            }
        };
        assertEquals(stop, assertThrows(IllegalStateException.class,
                () -> setup.trainer(epochJob(setup, DENSE)).train(setup.initialParams(), 0, stopAtThirdStep)));
        assertEquals(0, StepRelay.openCount());
        // Tasks left waiting would hold both threads of local[2], and this run would never start.
        assertArrayEquals(train(DENSE, new LocalGradients(halves, setup.kernel())),
                train(DENSE, epochJob(setup, DENSE)));
    }

    /** A task's error (here a diverging loss, found in the task) fails the run with that error. */
    @Test
    void aFailingTaskFailsTheRunWithItsError() {
        TrainConfig diverging = new TrainConfig("test", new int[] {32, 16}, Activation.RELU, "sgd",
                1e30, 0, false, 0, "constant", 100, 2, 9, 0, 0.1);
        TrainSetup setup = setup(diverging);
        Exception e = assertThrows(Exception.class,
                () -> setup.trainer(epochJob(setup, diverging)).train(setup.initialParams(), 0, (s, p) -> { }));
        assertInstanceOf(DivergedException.class, causeOf(DivergedException.class, e), "the task's error is in the chain: " + e);
        assertArrayEquals(train(DENSE, new LocalGradients(halves, setup(DENSE).kernel())),
                train(DENSE, epochJob(setup(DENSE), DENSE)), "the session trains on afterwards");
    }

    /**
     * A step whose partial does not come within the deadline (partition 1's task waits on a gate
     * that opens only after the verdict) fails the run with {@link JobTimeoutException} and
     * cancels the epoch's job, which interrupts the waiting task: the session trains on.
     */
    @Test
    void aStepPastTheDeadlineFailsTheRunAndCancelsTheJob() {
        gate = new CountDownLatch(1);
        JavaRDD<Shard> held = shards.map(s -> {
            if (TaskContext.getPartitionId() == 1) {
                gate.await();
            }
            return s;
        });
        TrainSetup setup = setup(DENSE);
        EpochJob job = new EpochJob(held, setup.kernel(), 2, setup.plan().stepsPerEpoch(),
                new JobDeadline(held.context(), 1));
        try {
            JobTimeoutException e = assertThrows(JobTimeoutException.class,
                    () -> setup.trainer(job).train(setup.initialParams(), 0, (s, p) -> { }));
            assertEquals("step 1 of epoch 1 did not finish within 1 s", e.getMessage());
        } finally {
            gate.countDown();
        }
        assertArrayEquals(train(DENSE, new LocalGradients(halves, setup.kernel())), train(DENSE, epochJob(setup, DENSE)),
                "the session trains on afterwards");
    }

    @Test
    void onlyALocalMastersThreadsWithoutRetriesRunEveryTaskAtOnce() {
        assertEquals(1, EpochJob.localThreads("local", 8));
        assertEquals(4, EpochJob.localThreads("local[4]", 8));
        assertEquals(8, EpochJob.localThreads("local[*]", 8));
        assertEquals(4, EpochJob.localThreads("local[4,1]", 8));
        assertEquals(4, EpochJob.localThreads("local[4 , 1]", 8), "spaces around the comma, as Spark allows");
        assertEquals(0, EpochJob.localThreads("local[ 4 ]", 8), "not a master Spark knows");
        assertEquals(0, EpochJob.localThreads("local[4,3]", 8), "a retried task could not rejoin the epoch");
        assertEquals(0, EpochJob.localThreads("local[*,2]", 8));
        assertEquals(0, EpochJob.localThreads("local-cluster[2,1,1024]", 8));
        assertEquals(0, EpochJob.localThreads("spark://host:7077", 8));
        assertEquals(0, EpochJob.localThreads("yarn", 8));
    }
}
