package io.sparkdigits.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees from the real launcher, {@code submit/spark-digits}, in a process of its own:
 * everything it prints is checked, Spark's logging included.
 */
class LauncherIT {
    private static final Path BASEDIR = Path.of(System.getProperty("spark.digits.basedir", "."));

    @TempDir
    Path dir;

    private int run(Path log, String command, String... args) {
        try (Driver d = Driver.start(BASEDIR, log, "local[2]", command, List.of(args))) {
            return d.await(Duration.ofMinutes(3));
        }
    }

    @Test
    void aBadRowIsOneLineWithFileAndLineAndExitCodeTwo() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(
                BASEDIR.resolve("src/test/resources/mnist-sample/mnist_train_sample.csv")).subList(0, 20));
        lines.add("3,0,0");
        Path bad = Files.write(dir.resolve("bad.csv"), lines);
        Path log = dir.resolve("bad.log");
        assertEquals(2, run(log, "train", "--train", bad.toString(), "--model", dir.resolve("m").toString()));
        String out = Files.readString(log);
        assertTrue(out.contains("bad.csv: line 21: expected 785 fields but found 3"), out);
        assertFalse(out.contains("\tat "), "no stack trace:\n" + out);
        assertFalse(Files.exists(dir.resolve("m")), "no model written");
    }

    /**
     * A run asked to end mid-training (SIGTERM, as a scheduler sends; Ctrl-C takes the same path):
     * one line saying so, no stack trace, no model, and the folders Spark made for the run deleted
     * by its shutdown hook. The JVM's exit waits for that line (cli.Shutdown), so it is there.
     */
    @Test
    void aRunAskedToEndSaysSoInOneLineAndLeavesNothing() throws Exception {
        Path log = dir.resolve("signal.log");
        Path model = dir.resolve("m");
        Path scratch = log.resolveSibling("spark-local"); // SPARK_LOCAL_DIRS, see Driver.start
        try (Driver d = Driver.start(BASEDIR, log, "local[2]", "train", List.of("--train",
                BASEDIR.resolve("src/test/resources/mnist-sample/mnist_train_sample.csv").toString(),
                "--model", model.toString(), "--hidden", "8", "--epochs", "100000"))) {
            d.awaitLog("epoch 1/100000", Duration.ofMinutes(3));
            assertFalse(entries(scratch).isEmpty(), "Spark's folders for the run are in " + scratch);
            d.terminate();
            assertEquals(143, d.await(Duration.ofMinutes(1)), "the exit status of a JVM ended by SIGTERM");
        }
        String out = Files.readString(log);
        // What we print is one line. Spark may log a task's end as it stops, with a trace of the
        // task's frames, depending on timing; a trace through the command's thread would be ours.
        assertEquals(List.of("spark-digits train: stopped: the JVM is shutting down"),
                out.lines().filter(l -> l.startsWith("spark-digits train:")).map(l -> l.replaceAll(" \\(.*", "")).toList(),
                out);
        assertFalse(out.contains("at io.sparkdigits.cli.Main") || out.contains("SparkContext was created at"),
                "no stack trace of the command:\n" + out);
        assertFalse(Files.exists(model), "no model written");
        assertEquals(List.of(), entries(scratch), "the shutdown hook deleted the run's folders");
    }

    private static List<Path> entries(Path folder) throws java.io.IOException {
        try (var files = Files.list(folder)) {
            return files.toList();
        }
    }

    @Test
    void helpAndUsageErrors() throws Exception {
        Path help = dir.resolve("help.log");
        assertEquals(0, run(help, "predict", "--help"));
        assertTrue(Files.readString(help).contains("Usage: spark-digits predict"));
        // Spark's list opens a package Java 25 no longer has; the launcher leaves it out there.
        assertFalse(Files.readString(help).contains("not in java.base"), Files.readString(help));
        Path usage = dir.resolve("usage.log");
        assertEquals(2, run(usage, "train", "--train", "x.csv", "--model", "m", "--epochs", "many"));
        assertTrue(Files.readString(usage).contains("--epochs needs a whole number, got 'many'"));
    }
    /**
     * The driver runs the collector of conf/driver-jvm-options, and a collector the user chose
     * in JDK_JAVA_OPTIONS instead of failing to start with two. Without the start-up cache: the
     * collector does not depend on it, and each setting would record one of its own.
     */
    @Test
    void theDriverRunsTheParallelCollectorUnlessTheUserChoseOne() throws Exception {
        String ours = collectorLine("-Xlog:gc:stdout", "ours");
        assertTrue(ours.contains("Using Parallel"), ours);
        String users = collectorLine("-XX:+UseSerialGC -Xlog:gc:stdout", "users");
        assertTrue(users.contains("Using Serial"), users);
    }

    /**
     * The driver's young generation is conf/driver-jvm-options' 128 MB, or the user's when
     * JDK_JAVA_OPTIONS sizes it or chooses the collector (the launcher's option would come later
     * and win).
     */
    @Test
    void theDriversYoungGenerationIsOursUnlessTheUserSetsOne() throws Exception {
        String ours = "134217728";
        assertEquals(ours, maxNewSize("", "young-ours"));
        assertEquals("67108864", maxNewSize("-Xmn64m", "young-xmn"));
        assertEquals("100663296", maxNewSize("-XX:MaxNewSize=96m", "young-max"));
        assertNotEquals(ours, maxNewSize("-XX:NewRatio=3", "young-ratio"));
        assertNotEquals(ours, maxNewSize("-XX:+UseSerialGC", "young-serial"));
    }

    /**
     * The driver is told to add conf/jit-directives.json (cli.JitDirectives, whose test checks the
     * file's effect), unless the user's JDK_JAVA_OPTIONS name the property themselves.
     */
    @Test
    void theDriverAddsOurCompilerDirectivesUnlessTheUserSetsTheProperty() throws Exception {
        String ours = directivesProperty("", "jit-ours");
        assertTrue(ours.endsWith("/conf/jit-directives.json") && Files.isSameFile(Path.of(ours),
                BASEDIR.resolve("conf/jit-directives.json")), ours);
        assertEquals("", directivesProperty("-Dspark.digits.jitDirectives=", "jit-users"));
    }

    private String directivesProperty(String jdkJavaOptions, String name) throws Exception {
        String out = launchedHelp(jdkJavaOptions + " -XshowSettings:properties", name);
        return out.lines().map(String::trim).filter(l -> l.startsWith("spark.digits.jitDirectives ="))
                .map(l -> l.substring(l.indexOf('=') + 1).trim()).findFirst().orElse("(not set) " + out);
    }

    private String maxNewSize(String jdkJavaOptions, String name) throws Exception {
        String out = launchedHelp(jdkJavaOptions + " -XX:+PrintFlagsFinal", name);
        String flag = out.lines().filter(l -> l.matches("\\s*size_t MaxNewSize\\s+=.*")).findFirst().orElse(out);
        return flag.replaceAll(".*=\\s*(\\d+).*", "$1");
    }

    private String collectorLine(String jdkJavaOptions, String name) throws Exception {
        String out = launchedHelp(jdkJavaOptions, name);
        return out.lines().filter(l -> l.startsWith("[") && l.contains("Using ")).findFirst().orElse(out);
    }

    /** The output of {@code submit/spark-digits predict --help} run with {@code jdkJavaOptions}, without the start-up cache. */
    private String launchedHelp(String jdkJavaOptions, String name) throws Exception {
        Path log = dir.resolve(name + ".log");
        Driver.runOk(BASEDIR, log, List.of(BASEDIR.resolve("submit/spark-digits").toString(), "predict", "--help"),
                Map.of("JDK_JAVA_OPTIONS", jdkJavaOptions, "SPARK_DIGITS_AOT", "0"), Duration.ofMinutes(2));
        String out = Files.readString(log);
        assertTrue(out.contains("Usage: spark-digits predict"), out);
        return out;
    }

    /**
     * The launcher runs the newest Java >= 25 it finds (with its ahead-of-time cache), else Java 17;
     * JAVA_HOME overrides. Both must train the same model, bit for bit: this proves both JVMs on
     * every CI run, on a machine that has both.
     */
    @Test
    void java17AndTheLaunchersChoiceTrainTheSameModel() throws Exception {
        Path sample = BASEDIR.resolve("src/test/resources/mnist-sample/mnist_train_sample.csv");
        Path on17 = trainWith(System.getProperty("java.home"), sample, "java17");
        Path chosen = trainWith("", sample, "chosen");
        assertArrayEquals(Files.readAllBytes(on17.resolve("weights.bin")), Files.readAllBytes(chosen.resolve("weights.bin")));
        assertEquals(System.getProperty("java.version"), javaVersion(on17));
        if (newestJdkUnderUsrLibJvm() >= 25) {
            String version = javaVersion(chosen);
            assertTrue(Integer.parseInt(version.split("[.+-]")[0]) >= 25, "the launcher chose Java " + version);
            assertTrue(Files.isRegularFile(BASEDIR.resolve("target/aot/spark-digits.aot")), "the start-up cache was recorded");
        }
    }

    private Path trainWith(String javaHome, Path data, String name) {
        Path model = dir.resolve(name);
        List<String> cmd = List.of(BASEDIR.resolve("submit/spark-digits").toString(), "--master", "local[2]", "train",
                "--train", data.toString(), "--model", model.toString(), "--epochs", "2");
        Path log = dir.resolve(name + ".log");
        try (Driver d = Driver.start(BASEDIR, log, cmd, Map.of("JAVA_HOME", javaHome, "SPARK_LOCAL_IP", "127.0.0.1",
                "SPARK_DIGITS_DRIVER_MEMORY", "2g"))) {
            // The first launch on Java 25 also records the start-up cache (about 40 s).
            assertEquals(0, d.await(Duration.ofMinutes(4)), () -> "the run failed; its log " + log + " ends with:\n" + d.tail());
        }
        return model;
    }

    private static String javaVersion(Path model) throws Exception {
        Matcher m = Pattern.compile("\"javaVersion\"\\s*:\\s*\"([^\"]+)\"").matcher(Files.readString(model.resolve("model.json")));
        assertTrue(m.find(), "model.json records the Java version");
        return m.group(1);
    }

    /** The highest JAVA_VERSION major among /usr/lib/jvm's JDKs, as the launcher reads them; 0 if none. */
    private static int newestJdkUnderUsrLibJvm() throws Exception {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return 0;
        }
        int best = 0;
        try (var homes = Files.list(jvms)) {
            for (Path release : homes.map(h -> h.resolve("release")).filter(Files::isRegularFile).toList()) {
                Matcher m = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE).matcher(Files.readString(release));
                if (m.find() && Files.isExecutable(release.resolveSibling("bin/java"))) {
                    best = Math.max(best, Integer.parseInt(m.group(1)));
                }
            }
        }
        return best;
    }
}
