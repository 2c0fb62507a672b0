package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sparkdigits.testing.ListeningSockets;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local run listens on the loopback interface only, whatever SPARK_LOCAL_IP says: a
 * {@code train} runs in its own JVM and, once its first epoch is logged, every TCP socket that
 * JVM listens on must be bound to 127.0.0.1 or ::1. SPARK_LOCAL_IP is set to one of this
 * machine's other addresses (the café network), where Spark would otherwise bind. Nothing is
 * sent to that address: only the JVM's own socket table is read.
 */
class LoopbackIT {
    private static final Path BASEDIR = Path.of(System.getProperty("spark.digits.basedir", "."));
    private static final Pattern UI_LINE = Pattern.compile("Spark UI at http://([^:/]+):(\\d+)");
    /** Spark's UI takes 4040, or one of the next spark.port.maxRetries (16) ports when taken. */
    private static final int UI_PORT = 4040;
    private static final int UI_PORT_RETRIES = 16;

    @TempDir
    Path dir;

    @Test
    void theLauncherListensOnLoopbackOnlyAndHasNoUi() {
        List<InetSocketAddress> open = socketsDuringTraining(launcher(), "launcher");
        assertFalse(open.stream().anyMatch(LoopbackIT::uiPort), "the UI is off by default: " + open);
    }

    @Test
    void aStockSparkSubmitListensOnLoopbackOnly() {
        // SparkSubmit without the launcher, which leaves SPARK_LOCAL_IP as it is: the application's
        // own settings must keep the driver and the block manager on loopback.
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(lines(BASEDIR.resolve("conf/java-module-options")));
        cmd.add("-Xmx1g");
        cmd.addAll(List.of("-cp", BASEDIR.resolve("conf") + File.pathSeparator + read(BASEDIR.resolve("target/spark-classpath.txt")).strip(),
                "org.apache.spark.deploy.SparkSubmit", "--master", "local[2]", "--class", Main.class.getName(),
                BASEDIR.resolve("target/spark-digits-0.1.0.jar").toString()));
        List<InetSocketAddress> open = socketsDuringTraining(cmd, "stock");
        assertFalse(open.stream().anyMatch(LoopbackIT::uiPort), "the UI is off by default: " + open);
    }

    @Test
    void theUiOnRequestListensOnLoopbackAndItsUrlIsPrintedOnce() {
        List<String> cmd = launcher();
        cmd.add(1, "--ui");
        Path log = dir.resolve("ui.log");
        List<InetSocketAddress> open = socketsDuringTraining(cmd, "ui");
        Matcher m = UI_LINE.matcher(read(log));
        assertTrue(m.find(), "no 'Spark UI at' line in " + log);
        int port = Integer.parseInt(m.group(2));
        assertEquals("127.0.0.1", m.group(1));
        assertFalse(m.find(), "the URL is printed once");
        assertTrue(open.stream().anyMatch(a -> a.getPort() == port), "the UI's port " + port + " is not among " + open);
    }

    private static List<String> launcher() {
        return new ArrayList<>(List.of(BASEDIR.resolve("submit/spark-digits").toString(), "--master", "local[2]"));
    }

    /**
     * Starts {@code cmd train ...} (a long run on the sample), waits for its first epoch line,
     * reads the sockets its JVM listens on, kills it, and fails unless all are on loopback.
     */
    private List<InetSocketAddress> socketsDuringTraining(List<String> cmd, String name) {
        List<String> full = new ArrayList<>(cmd);
        full.addAll(List.of("train", "--train", BASEDIR.resolve("src/test/resources/mnist-sample/mnist_train_sample.csv").toString(),
                "--model", dir.resolve(name + "-model").toString(), "--hidden", "8", "--epochs", "100000"));
        Path log = dir.resolve(name + ".log");
        Process p = start(full, log);
        try {
            awaitLog(p, log, "epoch 1/100000", 120);
            List<InetSocketAddress> open = ListeningSockets.of(p.pid());
            assertTrue(p.isAlive(), "the sockets were read from a live JVM");
            assertFalse(open.isEmpty(), "the driver listens somewhere (RPC, block manager); none found for pid " + p.pid());
            for (InetSocketAddress a : open) {
                assertTrue(a.getAddress().isLoopbackAddress(), "listening on " + a + " (all: " + open + "); log " + log);
            }
            return open;
        } finally {
            stop(p);
        }
    }

    private static boolean uiPort(InetSocketAddress a) {
        return a.getPort() >= UI_PORT && a.getPort() <= UI_PORT + UI_PORT_RETRIES;
    }

    private static Process start(List<String> cmd, Path log) {
        try {
            Files.writeString(log, String.join(" ", cmd) + "\n", StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(BASEDIR.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Optional<InetAddress> external = externalAddress();
            if (external.isPresent()) {
                pb.environment().put("SPARK_LOCAL_IP", external.get().getHostAddress());
            } else {
                pb.environment().remove("SPARK_LOCAL_IP");
            }
            pb.environment().put("SPARK_DIGITS_DRIVER_MEMORY", "1g");
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    /** One of this machine's addresses other than loopback (IPv4 first), where Spark would bind. */
    static Optional<InetAddress> externalAddress() {
        try {
            return NetworkInterface.networkInterfaces().filter(LoopbackIT::upAndNotLoopback)
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                    .min(Comparator.comparing(a -> a instanceof Inet4Address ? 0 : 1));
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    private static boolean upAndNotLoopback(NetworkInterface n) {
        try {
            return n.isUp() && !n.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    /** Polls the log for {@code text}; fails if the process exits first or time runs out. */
    private static void awaitLog(Process p, Path log, String text, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!read(log).contains(text)) {
            if (!p.isAlive()) {
                fail("the run exited (" + p.exitValue() + ") before logging '" + text + "':\n" + read(log));
            }
            if (System.nanoTime() > deadline) {
                fail("no '" + text + "' within " + seconds + " s:\n" + read(log));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * SIGTERM first, so that Spark's shutdown hooks delete the scratch folders the run made
     * (SIGKILL would leave them for good); SIGKILL only if it has not exited within a minute.
     */
    private static void stop(Process p) {
        try {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) {
        return read(file).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }
}
