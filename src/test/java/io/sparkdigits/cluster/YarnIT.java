package io.sparkdigits.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.data.CsvFrames;
import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.data.LabelColumn;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.testing.SparkSessionExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.spark.Partition;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The job on YARN with HDFS, submitted by {@code submit/examples/yarn.sh} itself to Hadoop's
 * in-process clusters ({@link MiniHadoop}) with {@code spark.authenticate=true}, as a user of a
 * real cluster would, in both deploy modes:
 * <ol>
 *   <li>{@code train} from {@code hdfs://} CSV to an {@code hdfs://} model equals the
 *       {@code local[2]} model bit for bit (client mode), and a cluster-mode run publishes the
 *       same model over it through the atomic rename, leaving no temporary path behind;</li>
 *   <li>{@code evaluate} and {@code predict} read and write {@code hdfs://} and agree with the
 *       model scored in this JVM;</li>
 *   <li>YARN records each of these as SUCCEEDED, and a run on a file with a bad row as FAILED
 *       in either mode, with our one-line error in the driver's output;</li>
 *   <li>an executor container killed (SIGKILL) after the first epoch changes nothing: YARN
 *       starts another, Spark recomputes the lost cached shards, and the model is the same.</li>
 * </ol>
 * Data: the first 2,000 MNIST training rows (the 1,000-row sample without full MNIST) and the
 * 500-row test sample; 784-64-10, 3 epochs, 2 partitions; one executor of 2 cores and 1 GB.
 * Logs: {@code target/cluster-it/YarnIT/} (spark-submit's output) and
 * {@code target/test/data/YarnIT/} (the containers').
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SparkSessionExtension.class)
class YarnIT {
    private static final int ROWS = 2_000;
    private static final Duration RUN_LIMIT = Duration.ofMinutes(3);
    private static final Path BASE = TestData.basedir();
    private static final Path WORK = TestData.workDir("YarnIT");
    private static final String MODEL = "/yarn-it/model";

    private static MiniHadoop hadoop;
    private static String train;
    private static String test;
    private static Path localModel;

    @BeforeAll
    static void setUp() throws IOException {
        StandaloneClusterIT.deleteTree(WORK);
        StandaloneClusterIT.deleteTree(MiniHadoop.workDir());
        Files.createDirectories(WORK);
        hadoop = MiniHadoop.start(BASE, WORK);
        FileSystem hdfs = hadoop.hdfs();
        hdfs.mkdirs(new org.apache.hadoop.fs.Path("/data"));
        hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(TestData.trainRows(ROWS).toString()),
                new org.apache.hadoop.fs.Path("/data/train.csv"));
        hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(TestData.sampleTest().toString()),
                new org.apache.hadoop.fs.Path("/data/test.csv"));
        train = hadoop.hdfsUri("/data/train.csv");
        test = hadoop.hdfsUri("/data/test.csv");
    }

    @AfterAll
    static void tearDown() {
        if (hadoop != null) {
            hadoop.close();
        }
    }

    private static List<String> trainArgs(String trainData, String model, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--train", trainData, "--test", test,
                "--model", model, "--partitions", "2", "--seed", "7", "--epochs", "3", "--hidden", "64",
                "--batch-size", "128", "--lr", "0.001", "--schedule", "cosine"));
        args.addAll(List.of(more));
        return args;
    }

    /** The same training on {@code local[2]} from the local copy of the data: the reference. */
    private static synchronized Path localModel() {
        if (localModel == null) {
            Path model = WORK.resolve("local-model");
            List<String> args = trainArgs(TestData.trainRows(ROWS).toString(), model.toString());
            args.set(4, TestData.sampleTest().toString());
            Driver.runOk(BASE, WORK.resolve("local.log"), "local[2]", args.get(0), args.subList(1, args.size()), RUN_LIMIT);
            localModel = model;
        }
        return localModel;
    }

    /** One run of {@code submit/examples/yarn.sh}: its exit code, its output and YARN's report of it. */
    record Run(int exitCode, String output, ApplicationReport report) {
        FinalApplicationStatus status() {
            return report.getFinalApplicationStatus();
        }

        ApplicationId id() {
            return report.getApplicationId();
        }
    }

    private static Run yarn(String deployMode, String logName, List<String> args) {
        Set<ApplicationId> before = hadoop.applications();
        List<String> cmd = new ArrayList<>(List.of("bash", BASE.resolve("submit/examples/yarn.sh").toString()));
        cmd.addAll(args);
        try (Driver d = Driver.start(BASE, WORK.resolve(logName), cmd, env(deployMode))) {
            int code = d.await(RUN_LIMIT);
            try {
                return new Run(code, d.log(), hadoop.endedApplicationSince(before, Duration.ofSeconds(60)));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; spark-submit exited with " + code + ", its output ends with:\n" + d.tail(), e);
            }
        }
    }

    /** What a user of yarn.sh sets: where Spark and the cluster's configuration are, and small resources. */
    private static Map<String, String> env(String deployMode) {
        return Map.of(
                "SPARK_HOME", hadoop.sparkHome().toString(),
                "HADOOP_CONF_DIR", hadoop.confDir().toString(),
                "SPARK_LOCAL_IP", "127.0.0.1",
                "DEPLOY_MODE", deployMode,
                "NUM_EXECUTORS", "1",
                "EXECUTOR_CORES", "2",
                "EXECUTOR_MEMORY", "1g",
                "DRIVER_MEMORY", "1g");
    }

    private static void assertSucceeded(Run run) {
        assertEquals(0, run.exitCode(), run::output);
        assertEquals(FinalApplicationStatus.SUCCEEDED, run.status(), () -> run.report() + "\n" + run.output());
    }

    /**
     * The load asks HDFS where each split's blocks are (issue 11), so that on a cluster a split's
     * task is scheduled where its bytes are: every task of the training file prefers the DataNode
     * that holds it (the only one here, so this checks the asking, not a choice among nodes).
     */
    @Test
    @Order(0)
    void everySplitOfAnHdfsFilePrefersTheDataNodeHoldingIt() {
        SparkSession spark = SparkSessionExtension.spark();
        CsvLayout layout = CsvLayout.inspect(train, CsvLayout.Header.AUTO, LabelColumn.DEFAULT, false,
                spark.sparkContext().hadoopConfiguration());
        RDD<InternalRow> lines = CsvFrames.lines(spark, layout, 2).rdd();
        assertTrue(lines.partitions().length > 0, "the file has splits");
        for (Partition p : lines.partitions()) {
            assertEquals(List.of(hadoop.dataNodeHost()), CollectionConverters.asJava(lines.preferredLocations(p)),
                    "the hosts of split " + p.index());
        }
    }

    @Test
    @Order(1)
    void trainInClientModeEqualsTheLocalModel() throws IOException {
        Run run = yarn("client", "train-client.log", trainArgs(train, hadoop.hdfsUri(MODEL)));
        assertSucceeded(run);
        // Client mode: the driver is spark-submit's JVM, so its progress is in its output.
        assertTrue(run.output().contains("epoch 3/3"), run::output);
        assertSameModel(localModel(), MODEL);
    }

    @Test
    @Order(2)
    void trainInClusterModeReplacesTheModelAtomically() throws IOException {
        FileSystem hdfs = hadoop.hdfs();
        org.apache.hadoop.fs.Path weights = new org.apache.hadoop.fs.Path(MODEL, "weights.bin");
        long before = hdfs.getFileStatus(weights).getModificationTime();
        Run run = yarn("cluster", "train-cluster.log", trainArgs(train, hadoop.hdfsUri(MODEL), "--overwrite"));
        assertSucceeded(run);
        // Cluster mode: the driver ran in the application master's container.
        assertTrue(hadoop.applicationMasterStderr(run.id()).contains("epoch 3/3"));
        assertNotEquals(before, hdfs.getFileStatus(weights).getModificationTime(), "the model was not written again");
        assertSameModel(localModel(), MODEL);
        List<String> siblings = Arrays.stream(hdfs.listStatus(new org.apache.hadoop.fs.Path(MODEL).getParent()))
                .map(s -> s.getPath().getName()).toList();
        assertEquals(List.of("model"), siblings, "temporary or moved-aside paths left beside the model");
    }

    @Test
    @Order(3)
    void evaluateInClientModeAgreesWithTheModel() throws IOException {
        String report = hadoop.hdfsUri("/yarn-it/evaluation.json");
        Run run = yarn("client", "evaluate-client.log", List.of("evaluate", "--model", hadoop.hdfsUri(MODEL),
                "--data", test, "--report", report));
        assertSucceeded(run);
        Matcher m = Pattern.compile("\"accuracy\"\\s*:\\s*([0-9.eE+-]+)").matcher(readHdfs(report));
        assertTrue(m.find(), report);
        assertEquals(inProcessAccuracy(), Double.parseDouble(m.group(1)), 1e-12);
    }

    @Test
    @Order(4)
    void predictInClusterModeAgreesWithTheModel() throws IOException {
        String out = hadoop.hdfsUri("/yarn-it/predictions");
        Run run = yarn("cluster", "predict-cluster.log", List.of("predict", "--model", hadoop.hdfsUri(MODEL),
                "--input", test, "--output", out));
        assertSucceeded(run);
        int[] expected = inProcessPredictions();
        int[] actual = new int[expected.length];
        Arrays.fill(actual, -1);
        int seen = 0;
        for (FileStatus part : hadoop.hdfs().listStatus(new org.apache.hadoop.fs.Path(out))) {
            if (!part.getPath().getName().endsWith(".csv")) {
                continue;
            }
            List<String> lines = readHdfs(part.getPath().toString()).lines().toList();
            assertEquals("file,row,label,prediction,confidence", lines.get(0));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                assertEquals(test, f[0]);
                actual[Integer.parseInt(f[1])] = Integer.parseInt(f[3]);
                seen++;
            }
        }
        assertEquals(expected.length, seen, "one prediction per input row");
        assertArrayEquals(expected, actual);
    }

    @Test
    @Order(5)
    void aBadRowFailsTheApplicationWithOneLineInClusterMode() throws IOException {
        String bad = badFile();
        Run run = yarn("cluster", "bad-cluster.log", trainArgs(bad, hadoop.hdfsUri("/yarn-it/bad-model-cluster")));
        assertNotEquals(0, run.exitCode(), run::output);
        assertFailedWithOneLine(run, hadoop.applicationMasterStderr(run.id()), bad, "/yarn-it/bad-model-cluster");
    }

    @Test
    @Order(6)
    void aBadRowFailsTheApplicationWithOneLineInClientMode() throws IOException {
        String bad = badFile();
        Run run = yarn("client", "bad-client.log", trainArgs(bad, hadoop.hdfsUri("/yarn-it/bad-model-client")));
        assertEquals(2, run.exitCode(), run::output);
        assertFailedWithOneLine(run, run.output(), bad, "/yarn-it/bad-model-client");
    }

    /** The first 20 sample rows and a short one, on HDFS. */
    private static String badFile() throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path("/data/bad.csv");
        if (!hadoop.hdfs().exists(path)) {
            List<String> lines = new ArrayList<>(Files.readAllLines(TestData.sampleTrain()).subList(0, 20));
            lines.add("3,0,0");
            Path local = Files.write(WORK.resolve("bad.csv"), lines);
            hadoop.hdfs().copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toString()), path);
        }
        return hadoop.hdfsUri(path.toString());
    }

    private static void assertFailedWithOneLine(Run run, String driverLog, String bad, String model) throws IOException {
        assertEquals(FinalApplicationStatus.FAILED, run.status(), () -> run.report() + "\n" + run.output());
        assertTrue(driverLog.lines().anyMatch(l -> l.startsWith("spark-digits train: error: " + bad
                + ": line 21: expected 785 fields but found 3")), driverLog);
        assertFalse(driverLog.contains("\tat io.sparkdigits"), "a stack trace of ours:\n" + driverLog);
        assertFalse(hadoop.hdfs().exists(new org.apache.hadoop.fs.Path(model)), "no model written");
    }

    @Test
    @Order(7)
    void executorKilledMidTrainingChangesNothing() throws IOException {
        String model = "/yarn-it/kill-model";
        Set<ApplicationId> before = hadoop.applications();
        java.time.Instant started = java.time.Instant.now();
        List<String> cmd = new ArrayList<>(List.of("bash", BASE.resolve("submit/examples/yarn.sh").toString()));
        cmd.addAll(trainArgs(train, hadoop.hdfsUri(model)));
        try (Driver d = Driver.start(BASE, WORK.resolve("kill-executor.log"), cmd, env("client"))) {
            // The signal: the first epoch is done, so every executor holds cached shards.
            d.awaitLog("epoch 1/3", RUN_LIMIT);
            ProcessHandle victim = executor(started);
            assertFalse(d.log().contains("epoch 3/3"), "too late: training already ended");
            victim.destroyForcibly();
            victim.onExit().join();
            assertEquals(0, d.await(RUN_LIMIT), () -> "the run failed after the kill:\n" + d.tail());
            assertTrue(d.log().contains("Lost executor"), "the driver never noticed the lost executor");
        }
        ApplicationReport report = hadoop.endedApplicationSince(before, Duration.ofSeconds(60));
        assertEquals(FinalApplicationStatus.SUCCEEDED, report.getFinalApplicationStatus(), report::toString);
        assertSameModel(localModel(), model);
    }

    /** The one executor container's JVM started since {@code since}: a child of this JVM's NodeManager. */
    private static ProcessHandle executor(java.time.Instant since) {
        List<ProcessHandle> found = ProcessHandle.current().descendants()
                .filter(h -> h.info().startInstant().map(t -> t.isAfter(since)).orElse(false))
                .filter(h -> h.info().arguments().map(a -> Arrays.asList(a)
                        .contains("org.apache.spark.executor.YarnCoarseGrainedExecutorBackend")).orElse(false))
                .toList();
        assertEquals(1, found.size(), () -> "executors of this run: " + found);
        return found.get(0);
    }

    private static void assertSameModel(Path expectedDir, String hdfsDir) throws IOException {
        Model expected = ModelStore.load(expectedDir.toString(), new org.apache.hadoop.conf.Configuration());
        Model actual = ModelStore.load(hadoop.hdfsUri(hdfsDir), hadoop.hdfs().getConf());
        assertEquals(expected.spec(), actual.spec());
        assertArrayEquals(expected.params(), actual.params(), () -> hdfsDir + " differs from " + expectedDir);
        byte[] localBytes = Files.readAllBytes(expectedDir.resolve("weights.bin"));
        byte[] hdfsBytes = readHdfsBytes(hadoop.hdfsUri(hdfsDir + "/weights.bin"));
        assertArrayEquals(localBytes, hdfsBytes, "weights.bin differs byte for byte");
    }

    /** Rows of the test sample: label, then the 784 pixels (header skipped). */
    private static List<float[]> testRows(List<Integer> labels) throws IOException {
        List<float[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(TestData.sampleTest());
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            labels.add(Integer.parseInt(f[0]));
            float[] pixels = new float[f.length - 1];
            for (int i = 1; i < f.length; i++) {
                pixels[i - 1] = Float.parseFloat(f[i]);
            }
            rows.add(pixels);
        }
        return rows;
    }

    private static int[] inProcessPredictions() throws IOException {
        Model model = ModelStore.load(localModel().toString(), new org.apache.hadoop.conf.Configuration());
        List<float[]> rows = testRows(new ArrayList<>());
        return rows.stream().mapToInt(model::predictLabel).toArray();
    }

    private static double inProcessAccuracy() throws IOException {
        List<Integer> labels = new ArrayList<>();
        testRows(labels);
        int[] predicted = inProcessPredictions();
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            correct += predicted[i] == labels.get(i) ? 1 : 0;
        }
        return (double) correct / predicted.length;
    }

    private static String readHdfs(String uri) throws IOException {
        return new String(readHdfsBytes(uri), StandardCharsets.UTF_8);
    }

    private static byte[] readHdfsBytes(String uri) throws IOException {
        try (InputStream in = hadoop.hdfs().open(new org.apache.hadoop.fs.Path(uri))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + uri, e);
        }
    }
}
