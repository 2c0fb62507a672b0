package io.sparkdigits.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.SplittableCompressionCodec;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Reads the lines of digit CSVs, each line with its file and split offset (as Spark's
 * {@code _metadata} gives them) so that a bad row can be traced back to its line.
 * {@link LineParser} then parses the values where the lines are. The lines are read by
 * {@link LineRDD} from splits that {@link FileSlices} plans as Spark's text source would, without a
 * DataFrame query: planning one took about a second of a cold run's load.
 */
public final class CsvFrames {
    /** Column indices of a row: the line, its file and its split's first byte. */
    public static final int LINE = 0;
    public static final int FILE = 1;
    public static final int BLOCK = 2;
    private static final String OPEN_COST = "spark.sql.files.openCostInBytes";
    private static final int MOST_HOSTS = 3;

    private CsvFrames() {
    }

    /**
     * The lines of {@code layout}'s files as an RDD of rows ({@link #LINE}, {@link #FILE},
     * {@link #BLOCK}); one row object is reused, so use each before taking the next. What a file
     * costs to open is the session's {@code spark.sql.files.openCostInBytes}, as for Spark's scans.
     *
     * @param partitions how many splits to aim for: fixing it (rather than leaving it to the
     *                   cluster's default parallelism) makes the rows of each split, and so the
     *                   trained model, the same on every master
     */
    public static JavaRDD<InternalRow> lines(SparkSession spark, CsvLayout layout, int partitions) {
        SparkContext sc = spark.sparkContext();
        Configuration conf = sc.hadoopConfiguration();
        CompressionCodecFactory codecs = new CompressionCodecFactory(conf);
        List<FileSlices.File> files = new ArrayList<>();
        for (int i = 0; i < layout.files().size(); i++) {
            Path p = new Path(layout.files().get(i));
            CompressionCodec codec = codecs.getCodec(p);
            files.add(new FileSlices.File(p.toUri().toString(), layout.lengths().get(i),
                    codec == null || codec instanceof SplittableCompressionCodec));
        }
        long openCost = JavaUtils.byteStringAsBytes(spark.conf().get(OPEN_COST, "4m"));
        Map<String, BlockLocation[]> blocks = new HashMap<>();
        List<LineRDD.Task> tasks = new ArrayList<>();
        for (List<FileSlices.Slice> group : FileSlices.plan(files, Math.max(1, partitions), openCost)) {
            tasks.add(new LineRDD.Task(tasks.size(), List.copyOf(group), hosts(group, blocks, conf)));
        }
        // A copy: on a local master the tasks would share the driver's live configuration.
        return new LineRDD(sc, tasks, SerializableConfiguration.broadcast(sc, new Configuration(conf))).toJavaRDD();
    }

    /**
     * The HDFS hosts that hold most of a task's bytes, for locality on a cluster; a file's blocks
     * are asked for once ({@code blocks}). Other file systems give none: local files are
     * everywhere, and an object store would answer a request per file with made-up hosts.
     * Locality is a hint: a file whose blocks cannot be had gives none.
     */
    private static List<String> hosts(List<FileSlices.Slice> slices, Map<String, BlockLocation[]> blocks,
                                      Configuration conf) {
        Map<String, Long> bytes = new HashMap<>();
        for (FileSlices.Slice s : slices) {
            Path p = CsvLayout.fromSparkName(s.file());
            if (!"hdfs".equals(p.toUri().getScheme())) {
                continue;
            }
            for (BlockLocation b : blocks.computeIfAbsent(s.file(), f -> blocksOf(p, conf))) {
                long from = Math.max(b.getOffset(), s.start());
                long to = Math.min(b.getOffset() + b.getLength(), s.start() + s.length());
                try {
                    for (String host : b.getHosts()) {
                        if (!host.equals("localhost") && to > from) {
                            bytes.merge(host, to - from, Long::sum);
                        }
                    }
                } catch (IOException e) {
                    return List.of();
                }
            }
        }
        return bytes.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey())).limit(MOST_HOSTS).map(Map.Entry::getKey).toList();
    }

    private static BlockLocation[] blocksOf(Path p, Configuration conf) {
        try {
            FileSystem fs = p.getFileSystem(conf);
            return fs.getFileBlockLocations(fs.getFileStatus(p), 0, Long.MAX_VALUE);
        } catch (IOException e) {
            return new BlockLocation[0];
        }
    }
}
