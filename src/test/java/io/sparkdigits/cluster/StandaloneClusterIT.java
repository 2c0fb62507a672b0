package io.sparkdigits.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Our determinism guarantees on a real multi-process Spark standalone cluster (one master, two
 * one-core workers, executors in their own JVMs; see {@code submit/cluster/start}), each run
 * through {@code submit/spark-digits} as a user would:
 * <ol>
 *   <li>the cluster's model equals the {@code local[2]} model bit for bit;</li>
 *   <li>an executor killed with SIGKILL mid-training changes nothing;</li>
 *   <li>a driver killed after a checkpoint, resumed with {@code --resume}, ends with the same model;</li>
 *   <li>a small convolutional network with dropout and augmentation, killed and resumed on the
 *   cluster, equals its uninterrupted {@code local[2]} run;</li>
 *   <li>a driver whose cluster vanishes fails with a clear message instead of waiting forever.</li>
 * </ol>
 * Data: the first 8,000 MNIST training rows (the 1,000-row sample if full MNIST is absent),
 * 784-128-64-10, 3 epochs, 2 partitions. Each run's driver log is in
 * {@code target/cluster-it/StandaloneClusterIT/}, the daemons' in {@code target/spark-cluster/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    private static final int ROWS = 8_000;
    private static final int EPOCHS = 3;
    private static final Duration RUN_LIMIT = Duration.ofMinutes(5);

    private static final Path BASE = TestData.basedir();
    private static final Path WORK = TestData.workDir("StandaloneClusterIT");
    private static final Cluster CLUSTER = new Cluster(BASE, WORK);
    private static Path train;
    private static Path localModel;
    private static Path clusterModel;

    @BeforeAll
    static void setUp() throws IOException {
        deleteTree(WORK);
        Files.createDirectories(WORK);
        train = TestData.trainRows(ROWS);
        CLUSTER.ensureStarted();
    }

    @AfterAll
    static void tearDown() {
        CLUSTER.stop();
    }

    /** The options of every run here, writing the model to {@code model}. */
    private static List<String> trainArgs(Path model, String... more) {
        return trainArgs(model, EPOCHS, more);
    }

    private static List<String> trainArgs(Path model, int epochs, String... more) {
        List<String> args = new ArrayList<>(List.of("--train", train.toString(),
                "--test", TestData.sampleTest().toString(), "--model", model.toString(),
                "--partitions", "2", "--seed", "7", "--epochs", Integer.toString(epochs), "--hidden", "128,64",
                "--batch-size", "128", "--lr", "0.001", "--schedule", "cosine"));
        args.addAll(List.of(more));
        return args;
    }

    /** The undisturbed run on the cluster: the reference of the other cluster tests. */
    private static synchronized Path clusterModel() {
        if (clusterModel == null) {
            Path model = WORK.resolve("cluster-model");
            Driver.runOk(BASE, WORK.resolve("cluster.log"), CLUSTER.ensureStarted(), "train", trainArgs(model), RUN_LIMIT);
            clusterModel = model;
        }
        return clusterModel;
    }

    private static synchronized Path localModel() {
        if (localModel == null) {
            Path model = WORK.resolve("local-model");
            Driver.runOk(BASE, WORK.resolve("local.log"), "local[2]", "train", trainArgs(model), RUN_LIMIT);
            localModel = model;
        }
        return localModel;
    }

    @Test
    @Order(1)
    void clusterModelEqualsLocalModel() {
        List<Path> appsBefore = CLUSTER.applicationDirs();
        Path cluster = clusterModel();
        List<Path> newApps = CLUSTER.applicationDirs().stream().filter(p -> !appsBefore.contains(p)).toList();
        // One application folder per worker: executors really ran in both worker JVMs.
        assertEquals(2, newApps.size(), () -> "expected executors on both workers, got " + newApps);
        assertEquals(2, newApps.stream().map(Path::getParent).distinct().count());

        assertSameWeights(localModel(), cluster);
    }

    @Test
    @Order(2)
    void executorKilledMidTrainingChangesNothing() {
        String master = CLUSTER.ensureStarted();
        Instant before = Instant.now();
        try (Driver d = Driver.start(BASE, WORK.resolve("kill-executor.log"), master, "train",
                trainArgs(WORK.resolve("kill-executor-model")))) {
            d.awaitLog("epoch 1/" + EPOCHS, RUN_LIMIT);
            List<Long> executors = ourExecutors(before);
            assertEquals(2, executors.size(), () -> "executors of this run: " + executors);
            assertFalse(d.log().contains("epoch " + EPOCHS + "/" + EPOCHS), "too late: training already ended");
            ProcessHandle victim = ProcessHandle.of(executors.get(0)).orElseThrow();
            victim.destroyForcibly();
            victim.onExit().join();

            assertEquals(0, d.await(RUN_LIMIT), () -> "the run failed after the kill:\n" + d.tail());
            assertTrue(d.log().contains("Lost executor"), "the driver never noticed the lost executor");
        }
        assertSameWeights(clusterModel(), WORK.resolve("kill-executor-model"));
    }

    @Test
    @Order(3)
    void resumeAfterDriverKilledMatchesUninterruptedRun() throws IOException {
        String master = CLUSTER.ensureStarted();
        Path model = WORK.resolve("resume-model");
        Path checkpoint = WORK.resolve("resume-checkpoint");
        List<String> args = trainArgs(model, "--checkpoint-every", "1", "--checkpoint", checkpoint.toString());
        int done = killAfterFirstCheckpoint(WORK.resolve("resume-1-killed.log"), master, args, checkpoint, EPOCHS);
        assertFalse(Files.exists(model), "the killed run must not have written its model");

        List<String> resume = new ArrayList<>(args);
        resume.add("--resume");
        try (Driver d = Driver.start(BASE, WORK.resolve("resume-2.log"), master, "train", resume)) {
            assertEquals(0, d.await(RUN_LIMIT), () -> "the resumed run failed:\n" + d.tail());
            assertTrue(d.log().contains("resumed from " + checkpoint + " after epoch " + done), d::tail);
        }
        assertSameWeights(clusterModel(), model);
    }

    /**
     * Starts {@code train ARGS} on the cluster, kills its driver as soon as the first checkpoint is
     * published, and returns the epochs that checkpoint holds: at least one and fewer than {@code
     * epochs}, so that the kill fell between checkpoints.
     */
    private static int killAfterFirstCheckpoint(Path log, String master, List<String> args, Path checkpoint, int epochs)
            throws IOException {
        try (Driver d = Driver.start(BASE, log, master, "train", args)) {
            long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
            while (!Files.exists(checkpoint.resolve("model.json"))) {
                assertTrue(d.alive(), () -> "the run ended before its first checkpoint:\n" + d.tail());
                assertTrue(System.nanoTime() < deadline, "no checkpoint within " + RUN_LIMIT);
                Driver.sleep(50);
            }
            d.kill();
        }
        int done = ((Number) load(checkpoint).info().get("epochsDone")).intValue();
        assertTrue(done >= 1 && done < epochs, "the kill must fall between checkpoints, after epoch " + done);
        return done;
    }

    /**
     * A small convolutional network with dropout and augmentation, whose random masks and
     * distortions come from (seed, epoch, step, row): trained on the cluster, its driver killed
     * after a checkpoint and resumed, it equals the uninterrupted {@code local[2]} run bit for bit.
     */
    @Test
    @Order(4)
    void cnnWithDropoutAndAugmentationResumedOnTheClusterEqualsLocal() throws IOException {
        String master = CLUSTER.ensureStarted();
        // Four epochs: the kill after the first checkpoint has three epochs' time to land.
        int epochs = 4;
        List<String> cnn = List.of("--train", TestData.trainRows(2_000).toString(), "--partitions", "2", "--seed", "11",
                "--epochs", Integer.toString(epochs), "--batch-size", "100", "--layers", "conv3x3x4,pool2,dense32,10",
                "--dropout", "0.1,0.3", "--augment", "shift=2,rotate=10,scale=0.1,elastic");
        Path local = WORK.resolve("cnn-local-model");
        List<String> localArgs = new ArrayList<>(cnn);
        localArgs.addAll(List.of("--model", local.toString()));
        Driver.runOk(BASE, WORK.resolve("cnn-local.log"), "local[2]", "train", localArgs, RUN_LIMIT);

        Path model = WORK.resolve("cnn-cluster-model");
        Path checkpoint = WORK.resolve("cnn-checkpoint");
        List<String> args = new ArrayList<>(cnn);
        args.addAll(List.of("--model", model.toString(), "--checkpoint-every", "1", "--checkpoint", checkpoint.toString()));
        killAfterFirstCheckpoint(WORK.resolve("cnn-cluster-killed.log"), master, args, checkpoint, epochs);
        args.add("--resume");
        try (Driver d = Driver.start(BASE, WORK.resolve("cnn-cluster-resumed.log"), master, "train", args)) {
            assertEquals(0, d.await(RUN_LIMIT), () -> "the resumed run failed:\n" + d.tail());
        }
        assertSameWeights(local, model);
    }

    /** Last, as it takes the cluster away (a later test would start it again). */
    @Test
    @Order(5)
    void driverFailsWhenTheClusterVanishes() {
        String master = CLUSTER.ensureStarted();
        int timeout = 15;
        // Many epochs, so that training is still far from done when the executors are gone.
        int epochs = 20;
        try (Driver d = Driver.start(BASE, WORK.resolve("cluster-vanishes.log"), master, "train",
                trainArgs(WORK.resolve("vanish-model"), epochs, "--step-timeout", Integer.toString(timeout)))) {
            d.awaitLog("epoch 1/" + epochs, RUN_LIMIT);
            double stoppedAt = d.seconds();
            CLUSTER.stop();
            // Without the step deadline Spark would keep this driver waiting for executors forever.
            int code = d.await(Duration.ofSeconds(timeout + 90));
            double waited = d.seconds() - stoppedAt;
            assertEquals(1, code, d::tail);
            // Honest endings, depending on the order in which things die: the executors are simply
            // gone (the deadline fires), their dying pools reject tasks (Spark aborts the job after
            // its retries), or Spark gives up on the master and stops the application itself.
            assertTrue(d.log().lines().anyMatch(l -> l.startsWith("spark-digits train: error: step ")
                    && l.endsWith(" did not finish within " + timeout + " s: no executors? (see the Spark UI / master)")
                    || l.startsWith("spark-digits train: error: a Spark job failed: Job aborted due to stage failure: ")
                    || l.startsWith("spark-digits train: error: Spark stopped the application")),
                    d::tail);
            assertTrue(waited < timeout + 90, "failed " + waited + " s after the cluster stopped");
        }
    }

    /** Executors launched by our workers after {@code since}: those of the run under test. */
    private static List<Long> ourExecutors(Instant since) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<Long> pids = CLUSTER.executorPids().stream()
                    .filter(pid -> ProcessHandle.of(pid).flatMap(h -> h.info().startInstant())
                            .map(t -> t.isAfter(since)).orElse(false))
                    .toList();
            if (pids.size() >= 2 || System.nanoTime() > deadline) {
                return pids;
            }
            Driver.sleep(200);
        }
    }

    private static Model load(Path dir) {
        try {
            return ModelStore.load(dir.toString(), new Configuration());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertSameWeights(Path expected, Path actual) {
        Model e = load(expected);
        Model a = load(actual);
        assertEquals(e.spec(), a.spec());
        assertArrayEquals(e.params(), a.params(), () -> actual + " differs from " + expected);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
