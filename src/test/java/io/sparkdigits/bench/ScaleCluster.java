package io.sparkdigits.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The standalone cluster the scale section runs on, started and stopped with {@code
 * submit/cluster/start} and {@code stop}: a master and two workers of one core each, every one its
 * own JVM, so the driver and each executor are separate processes whose memory can be read
 * apart. Its ports default to others than the cluster tests' ({@link #PORTS}); the environment's
 * {@code SPARK_DIGITS_*} settings win.
 */
final class ScaleCluster implements AutoCloseable {
    static final Map<String, String> PORTS = Map.of(
            "SPARK_DIGITS_MASTER_PORT", "7177",
            "SPARK_DIGITS_MASTER_UI_PORT", "8180",
            "SPARK_DIGITS_WORKER_UI_PORT", "8181");
    private static final Path STATE = Path.of("target/spark-cluster");

    private final Path log;
    final String master;
    final List<Long> workers;

    private ScaleCluster(Path log, String master, List<Long> workers) {
        this.log = log;
        this.master = master;
        this.workers = workers;
    }

    static ScaleCluster start(Path log) throws IOException, InterruptedException {
        Process p = script("start", log);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0 || !out.startsWith("spark://")) {
            throw new IllegalStateException("submit/cluster/start failed; see " + log);
        }
        List<Long> workers = new ArrayList<>();
        try (var files = Files.list(STATE)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("worker-\\d+\\.pid")).toList()) {
                workers.add(Long.parseLong(Files.readString(f).strip()));
            }
        }
        String[] lines = out.split("\n");
        return new ScaleCluster(log, lines[lines.length - 1].strip(), workers);
    }

    private static Process script(String name, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("submit/cluster/" + name)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        PORTS.forEach(pb.environment()::putIfAbsent);
        return pb.start();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Process p = script("stop", log);
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("submit/cluster/stop failed; see " + log);
        }
    }
}
