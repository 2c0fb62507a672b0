package io.sparkdigits.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Peak resident memory of one run's driver and executors, each its own JVM: the kernel's
 * high-water mark {@code VmHWM} of {@code /proc/PID/status}, read every {@link #PERIOD_MS} ms
 * while the run lasts. The kernel keeps the peak itself, so a reading is exact up to its moment;
 * only growth in the last period before a process exits would be missed. Executors are found as
 * the standalone workers' child processes running Spark's executor backend (a worker starts a new
 * executor for every application).
 */
final class PeakRss implements AutoCloseable {
    static final long PERIOD_MS = 100;
    private static final String EXECUTOR_CLASS = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
    private static final Pattern HWM = Pattern.compile("(?m)^VmHWM:\\s+(\\d+)\\s+kB");

    private final long driver;
    private final List<Long> workers;
    private final Map<Long, Long> peaks = new TreeMap<>();
    /** Executors alive before this run started: an earlier application's, still shutting down. */
    private final java.util.Set<Long> earlier;
    private final Thread sampler;
    private volatile boolean running = true;

    /** Starts sampling {@code driver} and the executors of {@code workers}. */
    PeakRss(long driver, List<Long> workers) {
        this.driver = driver;
        this.workers = List.copyOf(workers);
        this.earlier = executors().collect(java.util.stream.Collectors.toSet());
        sampler = new Thread(this::sampleUntilClosed, "peak-rss");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** The bytes of {@code VmHWM} in a {@code /proc/PID/status} text; -1 if absent (a kernel thread, a zombie). */
    static long highWaterMark(String status) {
        Matcher m = HWM.matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    private void sampleUntilClosed() {
        while (running) {
            sample();
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void sample() {
        read(driver);
        executors().filter(pid -> !earlier.contains(pid)).forEach(this::read);
    }

    private java.util.stream.Stream<Long> executors() {
        return workers.stream().flatMap(w -> ProcessHandle.of(w).stream()).flatMap(ProcessHandle::children)
                .map(ProcessHandle::pid).filter(pid -> commandLine(pid).contains(EXECUTOR_CLASS));
    }

    private void read(long pid) {
        try {
            long hwm = highWaterMark(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            if (hwm > 0) {
                peaks.merge(pid, hwm, Math::max);
            }
        } catch (IOException e) {
            // The process has exited between listing and reading: its last reading stands.
        }
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The driver's peak in bytes, or -1 if it was never read. */
    synchronized long driverPeak() {
        return peaks.getOrDefault(driver, -1L);
    }

    /** Each executor's peak in bytes, by PID. */
    synchronized Map<Long, Long> executorPeaks() {
        Map<Long, Long> m = new TreeMap<>(peaks);
        m.remove(driver);
        return m;
    }

    /** The largest executor peak in bytes, or -1 if no executor was seen. */
    synchronized long executorPeak() {
        return executorPeaks().values().stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    /** Stops sampling; the readings taken stay. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join();
    }
}
