package io.sparkdigits.bench;

import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.train.TrainJob;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDInfo;

/**
 * What the sections of one bench run share: the session, the options, the data loaded once and
 * cached for all of them (ours as shards, MLlib's as an assembled DataFrame), and results one
 * section hands to a later one (our accuracy curves for the MLlib ratio, trained models for
 * scoring). Data is loaded on first use, so any subset of sections can run; every load is timed
 * and its cached bytes measured the same way, whichever section asks first.
 */
final class BenchContext implements AutoCloseable {
    /** A load's result, how long it took and the bytes it added to Spark's block storage. */
    record Loaded<T>(T data, double seconds, long cachedBytes) {
    }

    /** The committed 1,000-row MNIST sample: warm-up input, so no warm-up depends on the data given. */
    static final String WARM_UP_SAMPLE = "src/test/resources/mnist-sample/mnist_train_sample.csv";
    static final int WARM_UP_ROUNDS = 5;

    final SparkSession spark;
    final BenchOptions options;
    final int partitions;
    private final String trainPath;
    private final String testPath;
    private Loaded<DigitData> ourTrain;
    private Loaded<DigitData> ourTest;
    private Loaded<Dataset<Row>> mllibTrain;
    private Loaded<Dataset<Row>> mllibTest;
    private boolean warm;
    private final Map<String, TrainRun.Result> runs = new LinkedHashMap<>();
    private MultilayerPerceptronClassificationModel mllibModel;

    BenchContext(SparkSession spark, BenchOptions options) {
        this.spark = spark;
        this.options = options;
        this.partitions = options.partitions() > 0 ? options.partitions() : spark.sparkContext().defaultParallelism();
        if (options.quick()) {
            trainPath = head(options.train(), "quick_train.csv", BenchOptions.QUICK_TRAIN_ROWS);
            testPath = head(options.test(), "quick_test.csv", BenchOptions.QUICK_TEST_ROWS);
        } else {
            trainPath = options.train();
            testPath = options.test();
        }
    }

    /** The training CSV every section uses (under {@code --quick}, its first rows). */
    String trainPath() {
        return trainPath;
    }

    String testPath() {
        return testPath;
    }

    Loaded<DigitData> ourTrain() {
        if (ourTrain == null) {
            ourTrain = load(() -> loadOurs(trainPath));
        }
        return ourTrain;
    }

    Loaded<DigitData> ourTest() {
        if (ourTest == null) {
            ourTest = load(() -> loadOurs(testPath));
        }
        return ourTest;
    }

    Loaded<Dataset<Row>> mllibTrain() {
        if (mllibTrain == null) {
            mllibTrain = load(() -> loadMllib(trainPath));
        }
        return mllibTrain;
    }

    Loaded<Dataset<Row>> mllibTest() {
        if (mllibTest == null) {
            mllibTest = load(() -> loadMllib(testPath));
        }
        return mllibTest;
    }

    DigitData loadOurs(String path) {
        return DigitData.load(spark, path,
                new DigitData.Options(CsvLayout.Header.AUTO, false, partitions, 10), -1);
    }

    /** MLlib's load: read, assemble, {@code cache()} and {@code count()} to materialise the cache. */
    Dataset<Row> loadMllib(String path) {
        Dataset<Row> df = MllibPipeline.features(spark, path).cache();
        df.count();
        return df;
    }

    /**
     * Runs {@code load} timed, after a warm-up of both load paths on the committed 1,000-row sample
     * ({@value #WARM_UP_ROUNDS} times each)
     * (so neither pays the session's first jobs and code generation), and measures the bytes it
     * added to block storage: the growth of {@code SparkContext.getRDDStorageInfo()} memory plus
     * disk size, the same method for our shards and MLlib's cached DataFrame.
     */
    <T> Loaded<T> load(Supplier<T> load) {
        warmUp();
        Map<Integer, Long> before = storedBytes();
        long start = System.nanoTime();
        T data = load.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        long added = 0;
        for (Map.Entry<Integer, Long> e : storedBytes().entrySet()) {
            added += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
        }
        return new Loaded<>(data, seconds, added);
    }

    private Map<Integer, Long> storedBytes() {
        Map<Integer, Long> m = new HashMap<>();
        for (RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
            m.put(info.id(), info.memSize() + info.diskSize());
        }
        return m;
    }

    private void warmUp() {
        if (warm) {
            return;
        }
        warm = true;
        // Five rounds: one (1,000 rows) left both parsers mostly to the interpreter and C1, so a
        // timed load of 60,000 rows measured the JIT as much as the path (ours: 1.1-1.5 s timed,
        // 0.55 s once warm).
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            loadOurs(WARM_UP_SAMPLE).release();
            if (!options.skipMllib()) {
                loadMllib(WARM_UP_SAMPLE).unpersist(true);
            }
        }
    }

    /** Hands a finished run of ours to later sections under {@code name}. */
    void remember(String name, TrainRun.Result run) {
        runs.put(name, run);
    }

    Optional<TrainRun.Result> run(String name) {
        return Optional.ofNullable(runs.get(name));
    }

    void rememberMllibModel(MultilayerPerceptronClassificationModel model) {
        mllibModel = model;
    }

    Optional<MultilayerPerceptronClassificationModel> mllibModel() {
        return Optional.ofNullable(mllibModel);
    }

    /** An empty scratch directory {@code OUT/work/name}. */
    Path scratch(String name) {
        Path dir = options.out().resolve("work").resolve(name);
        deleteTree(dir);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The header and first {@code rows} data rows of a plain CSV file, copied under {@code OUT/data}. */
    private String head(String source, String name, int rows) {
        Path src = Path.of(source);
        if (!Files.isRegularFile(src) || source.endsWith(".gz")) {
            throw new io.sparkdigits.cli.UsageException("--quick takes the first rows of a plain CSV file, not " + source);
        }
        Path dst = options.out().resolve("data").resolve(name);
        try {
            Files.createDirectories(dst.getParent());
            try (BufferedReader in = Files.newBufferedReader(src); BufferedWriter out = Files.newBufferedWriter(dst)) {
                String line = in.readLine();
                for (int n = 0; line != null && n <= rows; line = in.readLine(), n++) {
                    out.write(line);
                    out.newLine();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dst.toString();
    }

    @Override
    public void close() {
        Stream.of(ourTrain, ourTest).filter(Objects::nonNull).forEach(d -> d.data().release());
        Stream.of(mllibTrain, mllibTest).filter(Objects::nonNull).forEach(d -> d.data().unpersist(false));
    }
}
