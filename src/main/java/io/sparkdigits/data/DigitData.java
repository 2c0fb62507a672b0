package io.sparkdigits.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.Partition;
import org.apache.spark.Partitioner;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Option;
import scala.Tuple2;

/**
 * Labeled digit data loaded from CSV (or another source of rows), validated, packed into one
 * {@link Shard} per partition and cached: what the trainer and the evaluator iterate over. The
 * number of partitions is chosen by the caller, not by the input's splits, and rows are dealt to
 * partitions in a fixed order, so the same files and partition count give the same shards on any
 * master.
 */
public final class DigitData {
    private final JavaRDD<Shard> shards;
    private final CsvLayout layout;
    private final int width;
    private final long rows;
    private final long skipped;
    private final String firstSkipped;
    private final long inputBytes;
    private final float maxValue;
    private final long[] rowsPerPartition;
    private final LoadSummary summary;
    private final int classesGiven;
    private final int maxLabel;
    private final String source;
    /** Whether the labels came from column 1 of headerless CSV by default, not by anybody's choice. */
    private final boolean labelByDefault;

    private DigitData(JavaRDD<Shard> shards, CsvLayout layout, int width, List<Info> summaries, int classesGiven,
                      String source, boolean labelByDefault) {
        this.shards = shards;
        this.layout = layout;
        this.width = width;
        this.classesGiven = classesGiven;
        this.source = source;
        this.labelByDefault = labelByDefault;
        int maxL = -1;
        long r = 0;
        long s = 0;
        long b = 0;
        float m = 0;
        String first = null;
        java.util.Map<String, Long> fileRows = new java.util.HashMap<>();
        rowsPerPartition = new long[summaries.size()];
        for (int i = 0; i < summaries.size(); i++) {
            Info sh = summaries.get(i);
            rowsPerPartition[i] = sh.rows();
            r += sh.rows();
            s += sh.skipped();
            b += sh.inputBytes();
            m = Math.max(m, sh.maxValue());
            maxL = Math.max(maxL, sh.maxLabel());
            first = first != null ? first : sh.firstSkipped();
            sh.fileRows().forEach((f, n) -> fileRows.merge(f, n, Long::sum));
        }
        this.rows = r;
        this.skipped = s;
        this.firstSkipped = first;
        this.inputBytes = b;
        this.maxValue = m;
        this.maxLabel = maxL;
        this.summary = new LoadSummary(layout, fileRows, r, s);
    }

    /**
     * Options of a load: how to treat the header, where the label is, what to do with bad rows, how
     * to partition, and the number of classes the labels must fit ({@link Labels#FROM_DATA}: any up
     * to {@link Labels#MAX_CLASSES}, the largest label deciding).
     */
    public record Options(CsvLayout.Header header, LabelColumn label, boolean skipBadRows, int partitions,
                          int classes) {
        /** Label first (or where a header's check finds it wanting), as most callers read. */
        public Options(CsvLayout.Header header, boolean skipBadRows, int partitions, int classes) {
            this(header, LabelColumn.DEFAULT, skipBadRows, partitions, classes);
        }

        /** These options with {@code k} classes. */
        public Options withClasses(int k) {
            return new Options(header, label, skipBadRows, partitions, k);
        }
    }

    /**
     * Reads, validates, packs and caches {@code path}. A bad row fails the load with a
     * {@link BadInputException} naming its file and line, unless bad rows are to be skipped.
     *
     * @param width expected number of values per row (the model's input), or -1 to take it from the data
     */
    public static DigitData load(SparkSession spark, String path, Options options, int width) {
        CsvLayout layout = CsvLayout.inspect(path, options.header(), options.label(), options.skipBadRows(),
                spark.sparkContext().hadoopConfiguration());
        int values = labeledValues(layout, width);
        int partitions = options.partitions();
        ShardPacker packer = new ShardPacker(new LineParser(layout.label(), values, options.classes()), layout.headers(),
                options.skipBadRows());
        JavaPairRDD<Long, Shard> chunks = CsvFrames.lines(spark, layout, partitions)
                .mapPartitionsWithIndex((split, it) -> packer.pack(split, it), false)
                .mapToPair(t -> t);
        Dealt dealt = deal(chunks, partitions, dealsInMemory(spark, layout));
        JavaRDD<Shard> shards = dealt.shards();
        try {
            List<Info> summaries = JobDescription.run(spark.sparkContext(), "load " + path,
                    () -> shards.map(Info::of).collect());
            for (Info info : summaries) {
                if (info.badRow() != null) {
                    throw info.badRow();
                }
            }
            DigitData data = new DigitData(shards, layout, values, summaries, options.classes(), path,
                    !options.label().given() && layout.headerCount() == 0);
            if (data.rows == 0) {
                throw noUsableRows(path, data.skipped, data.firstSkipped);
            }
            return data;
        } catch (Exception e) { // SparkException is checked, though Scala does not declare it
            shards.unpersist(false);
            throw BadRows.translate(e, layout, spark.sparkContext().hadoopConfiguration());
        } finally {
            dealt.dropChunks();
        }
    }

    /**
     * The values per row of labeled CSV input (its columns less the label), refused with a
     * {@link BadInputException} when there are none or, if {@code width > 0}, not {@code width}.
     */
    public static int labeledValues(CsvLayout layout, int width) {
        int values = layout.columns() - 1;
        if (values < 1) {
            throw new BadInputException(layout.files().get(0) + ": a row needs a label and at least one value, found "
                    + layout.columns() + " column(s)");
        }
        if (width > 0 && values != width) {
            throw new BadInputException(layout.files().get(0) + ": rows have " + values
                    + " values besides the label but the model expects " + width);
        }
        return values;
    }

    /** The failure of a CSV input none of whose rows can be used ({@code skipped} bad ones, the first described). */
    public static BadInputException noUsableRows(String path, long skipped, String firstSkipped) {
        return new BadInputException(path + ": no usable rows"
                + (skipped > 0 ? " (all " + skipped + " rows were bad: " + firstSkipped + ")" : ""));
    }

    /** Opens a {@link RowCursor} on one split of rows that are not CSV lines. */
    public interface CursorFactory<T> extends java.io.Serializable {
        RowCursor open(int split, java.util.Iterator<T> rows);
    }

    /**
     * Packs and caches labeled rows of another source (a DataFrame) exactly as {@link #load} packs
     * CSV: chunks keyed by (input split, chunk) dealt round-robin to {@code partitions}, so the same
     * rows in the same input splits give the same shards. Any bad row fails the load with a
     * {@link BadInputException} carrying the cursor's description of it.
     *
     * @param source  what the rows are, for messages (e.g. "DataFrame column 'features'")
     * @param classes the number of classes the cursors hold labels to, or {@link Labels#FROM_DATA}
     */
    public static <T> DigitData fromRows(JavaRDD<T> rows, CursorFactory<T> cursors, int width, int partitions,
                                         String source, int classes) {
        JavaPairRDD<Long, Shard> chunks = rows
                .mapPartitionsWithIndex((split, it) -> ShardPacker.pack(split, cursors.open(split, it), width, false), false)
                .mapToPair(t -> t);
        // A DataFrame's size is not known before it is read: the shuffle, which never holds two copies.
        Dealt dealt = deal(chunks, partitions, false);
        JavaRDD<Shard> shards = dealt.shards();
        List<Info> summaries;
        try {
            summaries = shards.map(Info::of).collect();
        } catch (Exception e) { // SparkException is checked, though Scala does not declare it
            shards.unpersist(false);
            throw e;
        } finally {
            dealt.dropChunks();
        }
        DigitData data = new DigitData(shards, null, width, summaries, classes, source, false);
        for (Info info : summaries) {
            if (info.badRow() != null) {
                data.release();
                throw new BadInputException(info.badRow().getMessage());
            }
        }
        if (data.rows == 0) {
            data.release();
            throw new BadInputException(source + ": no rows");
        }
        return data;
    }

    /**
     * Memory first, disk for the shards that do not fit: every training step reads every shard, so a
     * shard left out of a MEMORY_ONLY cache would be rebuilt from the shuffle at every step. On disk
     * it is read back as it was stored (the issue 11 scale run trains on 6 million rows, 4.7 GB of
     * shards, with less storage memory than that).
     */
    static final StorageLevel CACHE = StorageLevel.MEMORY_AND_DISK();

    /**
     * Whether a CSV load deals its chunks in memory: on a local master, whose cache is in this JVM,
     * and when the input's text, more than its packed chunks take, fits in a quarter of the
     * storage memory, since the chunks and the shards are both cached until the shards are built.
     * A compressed file is counted as {@value #COMPRESSED_TEXT} times its size.
     */
    private static boolean dealsInMemory(SparkSession spark, CsvLayout layout) {
        return spark.sparkContext().isLocal() && fitsTwice(layout,
                new CompressionCodecFactory(spark.sparkContext().hadoopConfiguration()),
                SparkEnv.get().memoryManager().maxOnHeapStorageMemory());
    }

    /** Whether the text of {@code layout}'s files fits in a quarter of {@code storage} bytes. */
    static boolean fitsTwice(CsvLayout layout, CompressionCodecFactory codecs,
                             long storage) {
        long text = 0;
        for (int i = 0; i < layout.files().size(); i++) {
            boolean compressed = codecs.getCodec(new Path(layout.files().get(i))) != null;
            text += layout.lengths().get(i) * (compressed ? COMPRESSED_TEXT : 1);
        }
        return text <= storage / 4;
    }

    /** What a compressed CSV file is taken to expand to, as a multiple of its size (MNIST's test file gzips 8x). */
    static final int COMPRESSED_TEXT = 10;

    /** The shuffle's deal, or the in-memory one of a local master. */
    static Dealt deal(JavaPairRDD<Long, Shard> chunks, int partitions, boolean inMemory) {
        if (inMemory) {
            return dealInMemory(chunks, partitions);
        }
        return new Dealt(chunks
                .partitionBy(new RoundRobin(partitions))
                .mapPartitions(DigitData::merge, true)
                .persist(CACHE), null);
    }

    /** The dealt shards, cached, and the cached chunks they are read from, if any, until the shards are built. */
    record Dealt(JavaRDD<Shard> shards, JavaPairRDD<Long, Shard> chunks) {
        /** Drops the chunks' cache, once the shards are materialised or have failed. */
        void dropChunks() {
            if (chunks != null) {
                chunks.unpersist(false);
            }
        }
    }

    /**
     * The deal of a local master, without a shuffle: the packed chunks are cached as they are, and
     * each partition reads every input split's chunks from that cache and keeps its own. A local
     * master's cache is in the same JVM, so this skips the shuffle's serialisation, compression
     * and files. Partition {@code j} starts with its own splits ({@link EverySplit}), so that the
     * first reads compute different splits at once rather than wait on one another. The chunks and their order are the
     * shuffle's, so the shards are the same. The chunks' cache is dropped when the caller has
     * materialised the shards ({@link Dealt#dropChunks}); a shard lost afterwards is rebuilt from
     * the input, every split of it, where the shuffle's would be read back from its files.
     */
    private static Dealt dealInMemory(JavaPairRDD<Long, Shard> chunks, int partitions) {
        RoundRobin deal = new RoundRobin(partitions);
        JavaPairRDD<Long, Shard> packed = chunks.persist(CACHE);
        RDD<Tuple2<Long, Shard>> everySplit = packed.rdd().coalesce(partitions, false,
                Option.apply(new EverySplit()), null);
        JavaRDD<Shard> shards = new JavaRDD<>(everySplit, packed.classTag())
                .mapPartitionsWithIndex((j, it) -> merge(mine(it, deal, j)), false)
                .persist(CACHE);
        return new Dealt(shards, packed);
    }

    /** The chunks of {@code it} that {@code deal} gives to partition {@code j}. */
    private static java.util.Iterator<Tuple2<Long, Shard>> mine(java.util.Iterator<Tuple2<Long, Shard>> it,
                                                               RoundRobin deal, int j) {
        List<Tuple2<Long, Shard>> kept = new ArrayList<>();
        it.forEachRemaining(t -> {
            if (deal.getPartition(t._1()) == j) {
                kept.add(t);
            }
        });
        return kept.iterator();
    }

    /**
     * Puts every input split into every output partition's group: with the splits cached, each
     * partition reads them all. Partition {@code j} of {@code n} lists the splits {@code k} with
     * {@code k mod n = j} first, so that the partitions' first reads compute different splits at
     * once; a split another partition is computing is waited for, not computed twice.
     */
    static final class EverySplit implements PartitionCoalescer, java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
            Partition[] splits = parent.partitions();
            PartitionGroup[] groups = new PartitionGroup[maxPartitions];
            for (int j = 0; j < maxPartitions; j++) {
                groups[j] = new PartitionGroup(Option.empty());
                for (int k : readOrder(j, maxPartitions, splits.length)) {
                    groups[j].partitions().$plus$eq(splits[k]);
                }
            }
            return groups;
        }

        /** Partition {@code j}'s order of the splits: its own ({@code k mod n = j}), then the others. */
        static int[] readOrder(int j, int n, int splits) {
            return IntStream.concat(IntStream.range(0, splits).filter(k -> k % n == j),
                    IntStream.range(0, splits).filter(k -> k % n != j)).toArray();
        }
    }

    private static java.util.Iterator<Shard> merge(java.util.Iterator<Tuple2<Long, Shard>> it) {
        List<Tuple2<Long, Shard>> parts = new ArrayList<>();
        it.forEachRemaining(parts::add);
        // Shuffle blocks arrive in any order; the key restores the input order.
        parts.sort(Comparator.comparing(Tuple2::_1));
        List<Shard> shards = parts.stream().map(Tuple2::_2).toList();
        int cols = shards.isEmpty() ? 0 : shards.get(0).cols();
        return List.of(Shard.concat(shards, cols)).iterator();
    }

    /** A shard's counts, what the driver needs of it. */
    private record Info(int rows, long inputBytes, float maxValue, int maxLabel, long skipped, String firstSkipped,
                        BadRowException badRow, java.util.Map<String, Long> fileRows) implements java.io.Serializable {
        static Info of(Shard s) {
            return new Info(s.rows(), s.inputBytes(), s.maxValue(), s.maxLabel(), s.skipped(), s.firstSkipped(),
                    s.badRow(), new java.util.TreeMap<>(s.fileRows()));
        }
    }

    /** Which rows of a partition's shard to take, in storage order; null for all of them. */
    @FunctionalInterface
    public interface Rows extends java.io.Serializable {
        int[] of(int shardRows, int partition);
    }

    /** Per-column sums and sums of squares over some rows, and how many rows. */
    public record ColumnSums(double[] sum, double[] sumSq, long rows) implements java.io.Serializable {
        ColumnSums plus(ColumnSums o) {
            double[] s = sum.clone();
            double[] q = sumSq.clone();
            for (int c = 0; c < s.length; c++) {
                s[c] += o.sum[c];
                q[c] += o.sumSq[c];
            }
            return new ColumnSums(s, q, rows + o.rows);
        }
    }

    /**
     * The column sums of the rows {@code which} picks in every partition: one job over the cached
     * shards, the partitions' sums added on the driver in partition order, so the same data gives
     * the same sums to the bit.
     */
    public ColumnSums columnSums(Rows which) {
        int w = width;
        List<ColumnSums> parts = shards.mapPartitionsWithIndex((p, it) -> {
            double[] sum = new double[w];
            double[] sumSq = new double[w];
            long n = 0;
            while (it.hasNext()) {
                Shard s = it.next();
                int[] rows = which.of(s.rows(), p);
                s.addColumnSums(rows, sum, sumSq);
                n += rows == null ? s.rows() : rows.length;
            }
            return List.of(new ColumnSums(sum, sumSq, n)).iterator();
        }, true).collect();
        ColumnSums total = new ColumnSums(new double[w], new double[w], 0);
        for (ColumnSums part : parts) {
            total = total.plus(part);
        }
        return total;
    }

    public JavaRDD<Shard> shards() {
        return shards;
    }

    /** The CSV layout the rows came from, or null if they came from {@link #fromRows}. */
    public CsvLayout layout() {
        return layout;
    }

    /** Files, headers and rows per file read by this load. */
    public LoadSummary summary() {
        return summary;
    }

    public int width() {
        return width;
    }

    public long rows() {
        return rows;
    }

    public long skipped() {
        return skipped;
    }

    public String firstSkipped() {
        return firstSkipped;
    }

    /** Bytes of cached input values (labels excluded). */
    public long inputBytes() {
        return inputBytes;
    }

    public float maxValue() {
        return maxValue;
    }

    /** The largest label of the rows (found by the load's summary job, no extra pass), or -1 without rows. */
    public int maxLabel() {
        return maxLabel;
    }

    /**
     * The number of classes of this data: the one it was loaded for, else its largest label + 1.
     *
     * @throws BadInputException if the data decides and holds fewer than {@link Labels#MIN_CLASSES}
     */
    public int classes() {
        try {
            return Labels.classes(classesGiven, maxLabel, source);
        } catch (BadInputException e) {
            if (!labelByDefault) {
                throw e;
            }
            // A file without a header whose label is last reads its first pixel, blank in most
            // images, as the label.
            throw new BadInputException(e.getMessage() + "; if the label is not in column 1, give --label-column"
                    + " (last, or its number)");
        }
    }

    public long[] rowsPerPartition() {
        return rowsPerPartition.clone();
    }

    public int partitions() {
        return rowsPerPartition.length;
    }

    public void release() {
        shards.unpersist(false);
    }

    /** Deals chunk {@code c} of split {@code s} to partition {@code (s + c) mod n}: balanced and fixed. */
    static final class RoundRobin extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int n;

        RoundRobin(int n) {
            this.n = n;
        }

        @Override
        public int numPartitions() {
            return n;
        }

        @Override
        public int getPartition(Object key) {
            long k = (Long) key;
            return (int) (((k >>> 32) + (k & 0xFFFFFFFFL)) % n);
        }
    }
}
