package io.sparkdigits.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code submit/spark-digits} run as a child process (the script execs the driver JVM, so
 * the child is the driver), its output going to a log file for diagnosis. Closing it kills a
 * driver that is still running, so a failed test leaves no process behind.
 */
public final class Driver implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final long started = System.nanoTime();

    private Driver(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code submit/spark-digits --master MASTER COMMAND ARGS...}. The driver binds to
     * 127.0.0.1, has a 2g heap and no web UI (the other engineer's Spark may hold port 4040).
     */
    static Driver start(Path basedir, Path log, String master, String command, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(basedir.resolve("submit/spark-digits").toString(),
                "--master", master, "--conf", "spark.ui.enabled=false", command));
        cmd.addAll(args);
        return start(basedir, log, cmd, Map.of("SPARK_LOCAL_IP", "127.0.0.1", "SPARK_DIGITS_DRIVER_MEMORY", "2g"));
    }

    /**
     * Starts {@code cmd} in {@code dir} with {@code env} added to this JVM's environment. Spark's
     * scratch space (block manager and driver folders) goes beside the log unless {@code env}
     * says otherwise: a driver killed like a crash runs no shutdown hook, and would otherwise
     * leave its folders in /tmp for good.
     */
    static Driver start(Path dir, Path log, List<String> cmd, Map<String, String> env) {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, String.join(" ", cmd) + "\n", StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("SPARK_LOCAL_DIRS", log.resolveSibling("spark-local").toString());
            pb.environment().putAll(env);
            return new Driver(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    /** Runs to the end and asserts exit code 0. */
    static void runOk(Path basedir, Path log, String master, String command, List<String> args, Duration limit) {
        try (Driver d = start(basedir, log, master, command, args)) {
            d.assertSucceeds(limit);
        }
    }

    /** Runs {@code cmd} in {@code dir}, {@code env} added, to the end and asserts exit code 0. */
    public static void runOk(Path dir, Path log, List<String> cmd, Map<String, String> env, Duration limit) {
        try (Driver d = start(dir, log, cmd, env)) {
            d.assertSucceeds(limit);
        }
    }

    private void assertSucceeds(Duration limit) {
        assertEquals(0, await(limit), () -> "the run failed; its log " + log + " ends with:\n" + tail());
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits for the driver to exit and returns its exit code; fails the test (and kills it) past the limit. */
    int await(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                fail("the driver did not finish within " + limit.toSeconds() + " s; its log " + log
                        + " ends with:\n" + tail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the log contains {@code text}; fails if the driver exits first or time runs out. */
    void awaitLog(String text, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!log().contains(text)) {
            if (!process.isAlive()) {
                fail("the driver exited (" + process.exitValue() + ") before logging '" + text + "'; its log "
                        + log + " ends with:\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                fail("no '" + text + "' in the log within " + limit.toSeconds() + " s; " + log + " ends with:\n" + tail());
            }
            sleep(100);
        }
    }

    /** Asks the driver to end, as a scheduler or an operator does: SIGTERM, shutdown hooks run. */
    void terminate() {
        process.destroy();
    }

    /** Kills the driver like a crash would: SIGKILL, no shutdown hooks. */
    void kill() {
        try {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The log's last lines, stack frames left out. */
    String tail() {
        List<String> lines = log().lines().filter(l -> !l.startsWith("\tat ") && !l.startsWith("\t...")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
