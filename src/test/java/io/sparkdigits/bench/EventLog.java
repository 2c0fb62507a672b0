package io.sparkdigits.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a finished application's Spark event log says about it, for a process the bench cannot
 * attach a listener to: the span of its jobs (the work, without JVM and session start-up), the
 * bytes its cached blocks held on disk at most (with {@code spark.eventLog.logBlockUpdates.enabled}),
 * the bytes tasks spilled from sorts and aggregations, the shuffle bytes written, and each
 * executor's peak JVM heap (with {@code spark.eventLog.logStageExecutorMetrics}).
 *
 * @param jobs            jobs that ended
 * @param jobSeconds      first job submitted to last job completed
 * @param cachedDiskPeak  the largest total, over time, of the disk size of every RDD block
 * @param cachedMemoryPeak the same for the memory size
 * @param taskDiskSpilled sum of the tasks' "Disk Bytes Spilled" (sorts, aggregations; not the cache)
 * @param shuffleWritten  sum of the tasks' shuffle bytes written
 * @param executorHeapPeak each executor's peak JVM heap used, by executor id
 */
record EventLog(int jobs, double jobSeconds, long cachedDiskPeak, long cachedMemoryPeak, long taskDiskSpilled,
                long shuffleWritten, Map<String, Long> executorHeapPeak) {

    /** Reads the one event log file in {@code dir}. */
    static EventLog readDir(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            Path file = files.filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().startsWith("."))
                    .findFirst()
                    .orElseThrow(() -> new IOException("no event log in " + dir));
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                return parse(r);
            }
        }
    }

    static EventLog parse(BufferedReader lines) throws IOException {
        ObjectMapper json = new ObjectMapper();
        long firstSubmit = Long.MAX_VALUE;
        long lastEnd = Long.MIN_VALUE;
        int jobs = 0;
        Map<String, long[]> blocks = new HashMap<>(); // block id -> {memory, disk}
        long memory = 0;
        long disk = 0;
        long memoryPeak = 0;
        long diskPeak = 0;
        long spilled = 0;
        long shuffle = 0;
        Map<String, Long> heap = new TreeMap<>();
        for (String line; (line = lines.readLine()) != null; ) {
            JsonNode e = json.readTree(line);
            switch (e.path("Event").asText()) {
                case "SparkListenerJobStart" -> firstSubmit = Math.min(firstSubmit, e.path("Submission Time").asLong());
                case "SparkListenerJobEnd" -> {
                    lastEnd = Math.max(lastEnd, e.path("Completion Time").asLong());
                    jobs++;
                }
                case "SparkListenerTaskEnd" -> {
                    JsonNode m = e.path("Task Metrics");
                    spilled += m.path("Disk Bytes Spilled").asLong();
                    shuffle += m.path("Shuffle Write Metrics").path("Shuffle Bytes Written").asLong();
                }
                case "SparkListenerBlockUpdated" -> {
                    JsonNode b = e.path("Block Updated Info");
                    String id = b.path("Block ID").asText();
                    if (!id.startsWith("rdd_")) {
                        continue; // broadcast pieces and the like are not the cache
                    }
                    long[] now = {b.path("Memory Size").asLong(), b.path("Disk Size").asLong()};
                    long[] before = blocks.getOrDefault(id, new long[2]);
                    blocks.put(id, now);
                    memory += now[0] - before[0];
                    disk += now[1] - before[1];
                    memoryPeak = Math.max(memoryPeak, memory);
                    diskPeak = Math.max(diskPeak, disk);
                }
                case "SparkListenerStageExecutorMetrics" -> heap.merge(e.path("Executor ID").asText(),
                        e.path("Executor Metrics").path("JVMHeapMemory").asLong(), Math::max);
                default -> {
                }
            }
        }
        double span = jobs == 0 ? Double.NaN : (lastEnd - firstSubmit) / 1e3;
        return new EventLog(jobs, span, diskPeak, memoryPeak, spilled, shuffle, heap);
    }

    /** The largest executor heap peak (the driver's excluded), or -1 if none was logged. */
    long executorHeap() {
        return executorHeapPeak.entrySet().stream().filter(e -> !e.getKey().equals("driver"))
                .mapToLong(Map.Entry::getValue).max().orElse(-1);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jobs", jobs);
        m.put("jobSeconds", jobSeconds);
        m.put("cachedDiskPeakBytes", cachedDiskPeak);
        m.put("cachedMemoryPeakBytes", cachedMemoryPeak);
        m.put("taskDiskSpilledBytes", taskDiskSpilled);
        m.put("shuffleWrittenBytes", shuffleWritten);
        m.put("heapPeakBytesByExecutor", executorHeapPeak);
        return m;
    }
}
