package io.sparkdigits.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdigits.data.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code train --metrics FILE}: one JSON object per line, appended as training goes, for tools
 * that plot or watch a run. An {@code "event": "epoch"} line carries the epoch's history entry (the
 * same keys as {@code info.history} in model.json: losses are mean cross-entropy per row and
 * accuracies fractions, as {@code evaluate}'s {@code meanLoss} and {@code accuracy}); with
 * {@code --metrics-every N} an {@code "event": "step"} line every N steps carries that step's batch
 * figures.
 *
 * <p>The file is local to the driver (java.nio), not a Hadoop path: appending is what a metrics
 * stream needs, and HDFS and object stores do not append. Each line is written and flushed whole,
 * so a reader tailing the file sees complete lines; lines are appended to an existing file, so
 * resumed runs continue one stream.
 */
public final class MetricsFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final int every;
    private long stepsSeen;

    private MetricsFile(Path path, int every) {
        this.path = path;
        this.every = every;
    }

    /**
     * Checks that {@code path} can be appended to (creating it if missing) before a run starts, so
     * a wrong path fails in a second rather than after the first epoch.
     *
     * @param every write a step line every this many steps; 0 for epoch lines only
     */
    public static MetricsFile open(Path path, int every) {
        try {
            Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND).close();
        } catch (IOException e) {
            throw new BadInputException("cannot write the metrics file " + path + ": " + e);
        }
        return new MetricsFile(path, every);
    }

    void step(StepStats s) {
        stepsSeen++;
        if (every <= 0 || stepsSeen % every != 0) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "step");
        m.put("epoch", s.epoch());
        m.put("step", s.step());
        m.put("steps", s.steps());
        m.put("trainLoss", s.loss());
        m.put("trainAccuracy", s.accuracy());
        m.put("learningRate", s.learningRate());
        m.put("samplesPerSecond", s.samplesPerSecond());
        m.put("seconds", s.seconds());
        append(m);
    }

    /** Writes {@code entry} (an epoch's history entry) as an epoch line. */
    void epoch(Map<String, Object> entry, int steps) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "epoch");
        m.putAll(entry);
        m.put("step", steps);
        m.put("steps", steps);
        append(m);
    }

    private void append(Map<String, Object> record) {
        record.put("time", Instant.now().toString());
        try {
            String line = JSON.writeValueAsString(record) + "\n";
            Files.writeString(path, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a map of numbers failed to serialise", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the metrics file " + path + ": " + e.getMessage(), e);
        }
    }
}
