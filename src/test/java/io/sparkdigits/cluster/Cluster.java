package io.sparkdigits.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The standalone test cluster of {@code submit/cluster/start}: one master and two one-core
 * workers on 127.0.0.1, each its own JVM. A test class starts it once and stops it in
 * {@code @AfterAll}; a shutdown hook stops it too should the test JVM end first.
 */
final class Cluster {
    static final String EXECUTOR_CLASS = "org.apache.spark.executor.CoarseGrainedExecutorBackend";

    private final Path basedir;
    private final Path logs;
    private String masterUrl;
    private Thread hook;

    Cluster(Path basedir, Path logs) {
        this.basedir = basedir;
        this.logs = logs;
    }

    /** Starts the cluster unless it is up, and returns the master URL. */
    synchronized String ensureStarted() {
        if (masterUrl == null) {
            hook = new Thread(this::stopQuietly, "stop-spark-test-cluster");
            Runtime.getRuntime().addShutdownHook(hook);
            String out = script("start", 180);
            List<String> lines = out.lines().filter(l -> l.startsWith("spark://")).toList();
            masterUrl = lines.get(lines.size() - 1).trim();
        }
        return masterUrl;
    }

    /** Stops the cluster (the script is a no-op when nothing runs). */
    synchronized void stop() {
        script("stop", 60);
        masterUrl = null;
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook is running or has run.
            }
            hook = null;
        }
    }

    private void stopQuietly() {
        try {
            script("stop", 60);
        } catch (RuntimeException | AssertionError e) {
            System.err.println("could not stop the test cluster: " + e.getMessage());
        }
    }

    /** Runs {@code submit/cluster/NAME}, asserts success and returns its standard output. */
    private String script(String name, int seconds) {
        Path out = logs.resolve("cluster-" + name + ".out");
        Path err = logs.resolve("cluster-" + name + ".err");
        try {
            Files.createDirectories(logs);
            Process p = new ProcessBuilder(basedir.resolve("submit/cluster/" + name).toString())
                    .directory(basedir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("submit/cluster/" + name + " took over " + seconds + " s; see " + err);
            }
            assertEquals(0, p.exitValue(), () -> "submit/cluster/" + name + " failed:\n" + read(err));
            return read(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** PIDs of the executor JVMs that this cluster's workers launched (and only those). */
    List<Long> executorPids() {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> files = Files.list(basedir.resolve("target/spark-cluster"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("worker-\\d+\\.pid")).toList()) {
                long worker = Long.parseLong(read(f).trim());
                ProcessHandle.of(worker).ifPresent(w -> w.children()
                        .filter(c -> commandLine(c.pid()).contains(EXECUTOR_CLASS))
                        .forEach(c -> pids.add(c.pid())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    /** Folders of applications the workers have run (one per application and worker). */
    List<Path> applicationDirs() {
        try (Stream<Path> dirs = Files.walk(basedir.resolve("target/spark-cluster/work"), 2)) {
            return dirs.filter(p -> p.getFileName().toString().startsWith("app-")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
