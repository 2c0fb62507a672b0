package io.sparkdigits.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One measured command of the scale section: {@code submit/spark-digits} against the standalone
 * cluster, as its own process with its own event log, its output kept in a log file with the
 * second each line arrived, and the peak resident memory of its driver and executors sampled
 * meanwhile ({@link PeakRss}).
 *
 * @param name     what the run was, for the report
 * @param seconds  launcher start to exit (JVM start-up and Spark session included)
 * @param lines    the merged stdout and stderr with arrival times
 * @param driver   the driver's peak RSS in bytes
 * @param executors each executor's peak RSS in bytes, by PID
 * @param events   what the event log says
 */
record ScaleRun(String name, double seconds, List<ColdRun.Line> lines, long driver, Map<Long, Long> executors,
                EventLog events) {

    /** What every run shares: where it writes, the cluster, and the spark-submit settings. */
    record Launcher(Path dir, String master, List<Long> workers, List<String> submitOptions) {
        /**
         * Runs {@code submit/spark-digits SUBMIT_OPTIONS EXTRA COMMAND...}; a run that exits with
         * another code than 0 fails, naming its log.
         */
        ScaleRun run(String name, List<String> extra, String... command) throws IOException, InterruptedException {
            Path events = Files.createDirectories(dir.resolve(name + "-events"));
            BenchContext.deleteTree(events);
            Files.createDirectories(events);
            List<String> cmd = new ArrayList<>(List.of("submit/spark-digits", "--master", master));
            cmd.addAll(submitOptions);
            cmd.addAll(List.of("--conf", "spark.eventLog.enabled=true",
                    "--conf", "spark.eventLog.dir=" + events.toAbsolutePath().toUri(),
                    // One plain JSON file (Spark 4 rolls and compresses by default), read after the run.
                    "--conf", "spark.eventLog.rolling.enabled=false",
                    "--conf", "spark.eventLog.compress=false",
                    "--conf", "spark.eventLog.logBlockUpdates.enabled=true",
                    "--conf", "spark.eventLog.logStageExecutorMetrics=true",
                    // Heap peaks sampled every 100 ms, not only at the 10 s heartbeats a short run may never reach.
                    "--conf", "spark.executor.metrics.pollingInterval=100ms"));
            cmd.addAll(extra);
            cmd.addAll(List.of(command));
            Path log = dir.resolve(name + ".log");
            System.err.println("bench: scale: " + name + ": " + String.join(" ", cmd));
            long start = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            List<ColdRun.Line> lines = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            int code;
            long driver;
            Map<Long, Long> executors;
            try (PeakRss rss = new PeakRss(p.pid(), workers);
                 BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(new ColdRun.Line((System.nanoTime() - start) / 1e9, line));
                    text.append(line).append('\n');
                }
                code = p.waitFor();
                // The executors' work ended with the driver's last job: their last readings stand.
                driver = rss.driverPeak();
                executors = rss.executorPeaks();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Files.writeString(log, text);
            if (code != 0) {
                throw new IllegalStateException(name + ": " + String.join(" ", cmd) + " failed with exit code " + code
                        + "; see " + log);
            }
            return new ScaleRun(name, seconds, lines, driver, executors, EventLog.readDir(events));
        }
    }

    long executorPeak() {
        return executors.values().stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("processSeconds", seconds);
        m.put("driverPeakRssBytes", driver);
        m.put("executorPeakRssBytes", executors.values());
        m.putAll(events.toMap());
        return m;
    }
}
