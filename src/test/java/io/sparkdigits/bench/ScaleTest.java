package io.sparkdigits.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.GzipCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scale section's pure parts: the generator, the readings of /proc and event logs, the key check. */
class ScaleTest {
    @TempDir
    Path dir;

    private static final String SOURCE = "label,a,b\n3,0,1\n7,2,3\n1,4,5\n"; // three data lines

    @Test
    void generatedFilesRepeatTheSourceLinesExactlyAsManyRowsAsAsked() throws IOException {
        ScaleData data = ScaleData.of(SOURCE.getBytes(StandardCharsets.US_ASCII));
        boolean[] generated = new boolean[1];
        Path plain = data.ensure(dir, 7, false, generated);
        assertTrue(generated[0]);
        List<String> lines = Files.readAllLines(plain);
        assertEquals(List.of("label,a,b", "3,0,1", "7,2,3", "1,4,5", "3,0,1", "7,2,3", "1,4,5", "3,0,1"), lines);
        assertEquals(Files.size(plain), data.size(7, false));
        assertEquals(7, data.label(4), "row 4 is the source's second line");

        Path gz = data.ensure(dir, 7, true, generated);
        assertEquals(Files.size(gz), data.size(7, true));
        GzipCodec codec = new GzipCodec();
        codec.setConf(new Configuration());
        try (InputStream in = codec.createInputStream(Files.newInputStream(gz))) {
            assertEquals(String.join("\n", lines) + "\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII),
                    "Hadoop's codec reads every member of the multi-member gzip");
        }

        data.ensure(dir, 7, false, generated);
        assertFalse(generated[0], "a file of the right size is reused");
        Files.writeString(plain, "label,a,b\n3,0,1\n");
        data.ensure(dir, 7, false, generated);
        assertTrue(generated[0], "a file of another size is written again");
        assertEquals(lines, Files.readAllLines(plain));
    }

    @Test
    void sizesFollowFromNAndOnlyTheLargeTrainingCacheOutgrowsStorage() {
        ScaleSection.Sizes full = ScaleSection.Sizes.of(10_000_000);
        assertEquals(new ScaleSection.Sizes(10_000_000, 100_000, 6_000_000, 600_000, 60), full);
        double fraction = ScaleSection.memoryFraction(full.trainReference());
        assertEquals(0.6, fraction, "full size: Spark's default");
        double storage = ScaleSection.EXECUTORS * fraction * (ScaleSection.EXECUTOR_HEAP - ScaleSection.RESERVED);
        assertTrue(full.trainReference() * ScaleSection.CACHED_ROW_BYTES < storage / 1.5);
        assertTrue(full.train() * ScaleSection.CACHED_ROW_BYTES > 3 * storage);
        ScaleSection.Sizes small = ScaleSection.Sizes.of(200_000);
        double smallStorage = ScaleSection.EXECUTORS * ScaleSection.memoryFraction(small.trainReference())
                * (ScaleSection.EXECUTOR_HEAP - ScaleSection.RESERVED);
        assertEquals(3.0, smallStorage / (small.trainReference() * ScaleSection.CACHED_ROW_BYTES), 1e-9);
        assertEquals(2, small.partitions());
    }

    @Test
    void peakRssIsTheKernelsHighWaterMark() {
        String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmHWM:\t  524288 kB\nVmRSS:\t  400000 kB\n";
        assertEquals(512L << 20, PeakRss.highWaterMark(status));
        assertEquals(-1, PeakRss.highWaterMark("Name:\tkthreadd\nState:\tS (sleeping)\n"));
    }

    @Test
    void eventLogGivesTheJobSpanTheCacheOnDiskAtItsPeakAndExecutorHeaps() throws IOException {
        String log = String.join("\n",
                "{\"Event\":\"SparkListenerApplicationStart\",\"Timestamp\":1000}",
                "{\"Event\":\"SparkListenerJobStart\",\"Job ID\":0,\"Submission Time\":5000}",
                block("rdd_4_0", 100, 0), block("rdd_4_1", 0, 700), block("broadcast_1", 0, 9999),
                "{\"Event\":\"SparkListenerTaskEnd\",\"Task Metrics\":{\"Disk Bytes Spilled\":3,"
                        + "\"Shuffle Write Metrics\":{\"Shuffle Bytes Written\":40}}}",
                "{\"Event\":\"SparkListenerJobEnd\",\"Job ID\":0,\"Completion Time\":6500}",
                "{\"Event\":\"SparkListenerJobStart\",\"Job ID\":1,\"Submission Time\":6600}",
                block("rdd_4_0", 0, 0), block("rdd_4_1", 0, 0), // unpersisted at the end
                "{\"Event\":\"SparkListenerStageExecutorMetrics\",\"Executor ID\":\"1\",\"Executor Metrics\":{\"JVMHeapMemory\":50}}",
                "{\"Event\":\"SparkListenerStageExecutorMetrics\",\"Executor ID\":\"1\",\"Executor Metrics\":{\"JVMHeapMemory\":80}}",
                "{\"Event\":\"SparkListenerStageExecutorMetrics\",\"Executor ID\":\"driver\",\"Executor Metrics\":{\"JVMHeapMemory\":999}}",
                "{\"Event\":\"SparkListenerJobEnd\",\"Job ID\":1,\"Completion Time\":9000}");
        EventLog e = EventLog.parse(new BufferedReader(new StringReader(log)));
        assertEquals(2, e.jobs());
        assertEquals(4.0, e.jobSeconds(), 1e-9);
        assertEquals(700, e.cachedDiskPeak(), "the peak, not the final 0; broadcasts are not the cache");
        assertEquals(100, e.cachedMemoryPeak());
        assertEquals(3, e.taskDiskSpilled());
        assertEquals(40, e.shuffleWritten());
        assertEquals(80, e.executorHeap(), "the driver's heap is not an executor's");
    }

    private static String block(String id, long memory, long disk) {
        return "{\"Event\":\"SparkListenerBlockUpdated\",\"Block Updated Info\":{\"Block ID\":\"" + id
                + "\",\"Memory Size\":" + memory + ",\"Disk Size\":" + disk + "}}";
    }

    @Test
    void predictionCheckCatchesMissingDuplicateAndMisplacedKeys() throws IOException {
        ScaleData data = ScaleData.of(SOURCE.getBytes(StandardCharsets.US_ASCII));
        String header = "file,row,label,prediction,confidence";
        String file = "file:///x/digits-5.csv";
        Path good = Files.createDirectories(dir.resolve("good"));
        Files.writeString(good.resolve("part-00000.csv"), header + "\n" + rows(file, data, 0, 3));
        Files.writeString(good.resolve("part-00001.csv"), header + "\n" + rows(file, data, 3, 5));
        Files.writeString(good.resolve("_SUCCESS"), "");
        PredictionCheck ok = PredictionCheck.check(good, "digits-5.csv", 5, data::label);
        assertTrue(ok.ok(5), ok.toMap().toString());
        assertFalse(ok.ok(6), "one row short of 6");

        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(bad.resolve("part-00000.csv"), header + "\n" + rows(file, data, 0, 3)
                + file + ",2,7,7,0.9\n" // row 2 again, with line 1's label 7 instead of its own 1
                + file + ",3,3,3,0.9\n" // row 3 is line 0 again: label 3, right; row 4 never comes
                + "\"file:///x/other.csv\",1,7,7,0.5\n" + file + ",9,7,7,0.5\n");
        PredictionCheck c = PredictionCheck.check(bad, "digits-5.csv", 5, data::label);
        assertEquals(Map.of("rows", 7L, "otherFiles", 1L, "outOfRange", 1L, "duplicates", 1L, "missing", 1L,
                "wrongLabel", 1L), Map.copyOf(c.toMap()));
        assertFalse(c.ok(5));
    }

    private static String rows(String file, ScaleData data, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int r = from; r < to; r++) {
            sb.append(file).append(',').append(r).append(',').append(data.label(r)).append(",0,0.5\n");
        }
        return sb.toString();
    }

    @Test
    void csvFieldsAsSparkQuotesThem() {
        assertEquals(List.of("a,b", "1", "say \"hi\""), PredictionCheck.fields("\"a,b\",1,\"say \"\"hi\"\"\""));
        assertEquals(new ArrayList<>(List.of("", "")), PredictionCheck.fields(","));
    }
}
