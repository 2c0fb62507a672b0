package io.sparkdigits.data;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.testing.SparkSessionExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.BZip2Codec;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our line reader against Spark's text source, the peer it replaced: the same lines in the same
 * tasks, each with the same file name and split offset, for files cut into many splits, packed
 * several to a task, compressed (gzip, read whole, and bzip2, split), with Windows and old Mac line
 * ends, a byte-order mark, blank lines, no final newline, and a space and a percent sign in a name. The same splits are what keeps every trained model the same.
 */
@ExtendWith(SparkSessionExtension.class)
class CsvFramesTest {
    private static final String OPEN_COST = "spark.sql.files.openCostInBytes";
    @TempDir
    Path dir;
    private String openCostBefore;

    @BeforeEach
    void smallOpenCost() {
        openCostBefore = SparkSessionExtension.spark().conf().get(OPEN_COST);
        SparkSessionExtension.spark().conf().set(OPEN_COST, "3000"); // splits of a few kilobytes
    }

    @AfterEach
    void restore() {
        SparkSessionExtension.spark().conf().set(OPEN_COST, openCostBefore);
    }

    /** {@code n} lines of a few numbers each, {@code sep} between them; every file a different length. */
    private static String lines(int n, int seed, String sep) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i % 10).append(',').append((i * 37 + seed) % 256).append(',').append(seed).append(sep);
            if (i % 97 == 5) {
                sb.append("  ").append(sep); // a blank line
            }
        }
        return sb.toString();
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    /** Every task's rows as "file|block|line", as read by ours and by Spark's text source. */
    private static List<List<String>> tasks(JavaRDD<InternalRow> rows) {
        return rows.mapPartitions(it -> {
            List<String> out = new ArrayList<>();
            it.forEachRemaining(r -> out.add(r.getUTF8String(CsvFrames.FILE) + "|" + r.getLong(CsvFrames.BLOCK) + "|"
                    + r.getUTF8String(CsvFrames.LINE)));
            return List.of(out).iterator();
        }).collect();
    }

    private static JavaRDD<InternalRow> sparkText(SparkSession spark, CsvLayout layout, int partitions) {
        var conf = spark.conf();
        conf.set("spark.sql.files.minPartitionNum", Integer.toString(partitions));
        conf.set("spark.sql.files.maxPartitionBytes", Long.toString(FileSlices.MAX_SLICE));
        try {
            return spark.read().text(layout.files().toArray(String[]::new))
                    .select(col("value"), col("_metadata.file_path"), col("_metadata.file_block_start"))
                    .queryExecution().toRdd().toJavaRDD();
        } finally {
            conf.unset("spark.sql.files.minPartitionNum");
            conf.unset("spark.sql.files.maxPartitionBytes");
        }
    }

    /** Equal lists, or a failure showing the first row that differs rather than thousands. */
    private static void assertSameRows(List<String> expected, List<String> actual, String what) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertEquals(expected.get(i), actual.get(i), what + ", row " + i);
        }
        assertEquals(expected.size(), actual.size(), what + ": rows");
    }

    /** Sums the input metrics of every task that ends while it listens. */
    private static final class InputRead extends SparkListener {
        final AtomicLong records = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.taskMetrics() != null) {
                records.addAndGet(end.taskMetrics().inputMetrics().recordsRead());
                bytes.addAndGet(end.taskMetrics().inputMetrics().bytesRead());
            }
        }
    }

    /** Records and bytes read, as the Spark UI shows them, by the tasks of {@code rows.count()}. */
    private static long[] inputOf(JavaRDD<InternalRow> rows) throws TimeoutException {
        SparkContext sc = SparkSessionExtension.spark().sparkContext();
        InputRead read = new InputRead();
        sc.listenerBus().waitUntilEmpty(); // no task of an earlier job is counted
        sc.addSparkListener(read);
        try {
            rows.count();
            sc.listenerBus().waitUntilEmpty(); // task-end events arrive on the bus's own thread
        } finally {
            sc.removeSparkListener(read);
        }
        return new long[] {read.records.get(), read.bytes.get()};
    }

    /** The Spark UI's "Input" of our read is what the text source's is: a record a line, the bytes read. */
    @Test
    void theInputMetricsAreTheTextSources() throws IOException, TimeoutException {
        write("a.csv", "label,x,y\n" + lines(3000, 1, "\n"));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("e.csv.gz")))) {
            out.write(lines(2500, 5, "\n").getBytes(StandardCharsets.UTF_8));
        }
        SparkSession spark = SparkSessionExtension.spark();
        CsvLayout layout = CsvLayout.inspect(dir.toString(), CsvLayout.Header.AUTO, LabelColumn.DEFAULT, false,
                new Configuration());
        long[] ours = inputOf(CsvFrames.lines(spark, layout, 2));
        long[] theirs = inputOf(sparkText(spark, layout, 2));
        long lines = CsvFrames.lines(spark, layout, 2).count();
        assertEquals(lines, ours[0], "a record a line");
        assertEquals(theirs[0], ours[0], "records, as the text source counts them");
        assertTrue(ours[1] >= Files.size(dir.resolve("a.csv")), ours[1] + " bytes read");
        assertEquals(theirs[1], ours[1], "bytes, as the text source counts them");
    }

    @Test
    void theSameLinesInTheSameTasksAsSparksTextSource() throws IOException {
        write("a.csv", "\uFEFFlabel,x,y\n" + lines(3000, 1, "\n"));
        write("b c.csv", lines(1700, 2, "\r\n"));
        write("c.csv", lines(400, 3, "\r"));
        write("d.csv", lines(25, 4, "\n").stripTrailing());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("e.csv.gz")))) {
            out.write(lines(2500, 5, "\n").getBytes(StandardCharsets.UTF_8));
        }
        // bzip2 is a codec Spark splits: both readers must cut it alike.
        BZip2Codec bzip2 = new BZip2Codec();
        bzip2.setConf(new Configuration());
        try (OutputStream out = bzip2.createOutputStream(Files.newOutputStream(dir.resolve("f 100%.csv.bz2")))) {
            out.write(lines(120_000, 6, "\n").getBytes(StandardCharsets.UTF_8)); // two bzip2 blocks of 900 KB
        }
        SparkSession spark = SparkSessionExtension.spark();
        CsvLayout layout = CsvLayout.inspect(dir.toString(), CsvLayout.Header.AUTO, LabelColumn.DEFAULT, false,
                new Configuration());
        for (int partitions : new int[] {1, 2, 7}) {
            List<List<String>> ours = tasks(CsvFrames.lines(spark, layout, partitions));
            List<List<String>> spark4 = tasks(sparkText(spark, layout, partitions));
            assertTrue(partitions < 7 || ours.size() >= 7, ours.size() + " tasks: the files are cut and packed");
            long bzip2Splits = ours.stream().flatMap(List::stream).filter(r -> r.contains(".bz2|"))
                    .map(r -> r.split("\\|")[1]).distinct().count();
            assertTrue(partitions < 7 || bzip2Splits >= 2, bzip2Splits + " bzip2 splits with rows");
            assertEquals(spark4.size(), ours.size(), "tasks for " + partitions + " partitions");
            for (int t = 0; t < ours.size(); t++) {
                assertSameRows(spark4.get(t), ours.get(t), "task " + t + " of " + partitions);
            }
        }
    }
}
