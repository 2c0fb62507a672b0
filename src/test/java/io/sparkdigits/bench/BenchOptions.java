package io.sparkdigits.bench;

import io.sparkdigits.cli.Options;
import io.sparkdigits.cli.UsageException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's command line. {@code --quick} shrinks every measurement (a 6,000-row subset,
 * few epochs and MLlib iterations) so that the whole bench runs in a couple of minutes while
 * developing; its figures are smoke values, not results.
 *
 * @param hidden     hidden widths of the network every section trains (784-128-64-10 by default)
 * @param partitions training partitions; 0 means the session's default parallelism
 * @param scaleRows  rows of the scale section's large scoring file; every other size follows from it
 * @param scaleDir   where the scale section's generated inputs are kept between runs
 */
public record BenchOptions(String train, String test, String master, boolean quick, boolean skipMllib,
                           int[] mllibIters, List<String> sections, int[] hidden, int partitions, Path out,
                           long scaleRows, Path scaleDir) {

    /** Every section, in the order they run. */
    public static final List<String> SECTIONS = List.of(
            "machine", "kernels", "conv", "load", "overhead", "throughput", "accuracy", "cnn", "mllib", "api", "scoring",
            "serving", "linear", "cold", "scale");

    /**
     * What runs without {@code --sections}: all but {@code scale}, which needs a standalone cluster,
     * about 35 GB of disk and hours at its full size.
     */
    static final List<String> DEFAULT_SECTIONS = SECTIONS.stream().filter(s -> !s.equals("scale")).toList();

    /** Rows of the scale section's large scoring file by default: issue 11's 10 million. */
    static final long SCALE_ROWS = 10_000_000;

    /** Rows of the {@code --quick} subsets of the training and test files. */
    static final int QUICK_TRAIN_ROWS = 6_000;
    static final int QUICK_TEST_ROWS = 1_000;

    static Options spec() {
        return new Options("bench", """
                Measures spark-digits against Spark MLlib's MultilayerPerceptronClassifier on the same data, in
                one SparkSession: dense and convolution kernel GFLOPS, load, step overhead, training throughput, time
                to accuracy, the cnn preset's samples/s and time to 99.0/99.4%, MLlib L-BFGS fits, the spark.ml API (Pipeline
                fit and transform against MLPC), batch scoring, in-process scoring against ONNX Runtime, linear cost,
                the cold quick start as separate processes, and (only when asked) scoring and training at scale on a
                standalone cluster. Prints a table and writes it as JSON to OUT/bench-<time>.json and
                OUT/latest.json. Sections, in the order they run (all but scale by default):
                """ + "  " + String.join(",", SECTIONS))
                .value("train", "CSV", "training CSV (default data/mnist/mnist_train.csv)")
                .value("test", "CSV", "test CSV (default data/mnist/mnist_test.csv)")
                .value("master", "URL", "Spark master (default local[2])")
                .flag("quick", "smoke run: first 6,000 train / 1,000 test rows, few epochs (cnn: 2), MLlib maxIter 5,10")
                .flag("skip-mllib", "measure spark-digits only")
                .value("mllib-iters", "N,N", "MLlib maxIter of each fit (default 100,200)")
                .value("sections", "LIST", "comma-separated sections to run (default all)")
                .flag("cold", "only the cold section: the README's train and evaluate as separate cold processes, 3 times")
                .flag("scale", "only the scale section: predict and evaluate on N generated rows (plain, gzipped) with a"
                        + " 512m driver, train on 0.6 N spilling its cache, on a standalone cluster")
                .value("scale-rows", "N", "rows of the scale section's large file (default 10,000,000; about 35 GB"
                        + " of inputs; 200000 for a smoke run)")
                .value("scale-dir", "DIR", "where the scale section keeps its generated inputs (default"
                        + " target/bench/scale/data)")
                .value("hidden", "N,N", "hidden layer widths of every network trained (default 128,64)")
                .value("partitions", "N", "training partitions (default: the master's default parallelism)")
                .value("out", "DIR", "where the JSON goes (default target/bench)");
    }

    /** Parses {@code args}; null if help was asked for. */
    public static BenchOptions parse(String[] args) {
        Options o = spec();
        if (!o.parse(args)) {
            return null;
        }
        boolean quick = o.flag("quick");
        if ((o.flag("cold") ? 1 : 0) + (o.flag("scale") ? 1 : 0) + (o.has("sections") ? 1 : 0) > 1) {
            throw new UsageException("give one of --cold, --scale and --sections");
        }
        List<String> sections = o.flag("cold") ? List.of("cold") : o.flag("scale") ? List.of("scale")
                : o.has("sections") ? List.of(o.string("sections").split(",")) : DEFAULT_SECTIONS;
        for (String s : sections) {
            if (!SECTIONS.contains(s)) {
                throw new UsageException("unknown section '" + s + "' (expected some of " + String.join(",", SECTIONS) + ")");
            }
        }
        return new BenchOptions(
                o.string("train", "data/mnist/mnist_train.csv"),
                o.string("test", "data/mnist/mnist_test.csv"),
                o.string("master", "local[2]"),
                quick,
                o.flag("skip-mllib"),
                o.has("mllib-iters") ? o.sizes("mllib-iters") : quick ? new int[] {5, 10} : new int[] {100, 200},
                SECTIONS.stream().filter(sections::contains).toList(),
                o.has("hidden") ? o.sizes("hidden") : new int[] {128, 64},
                o.integer("partitions", 0, 0, 10_000),
                Path.of(o.string("out", "target/bench")),
                scaleRows(o),
                Path.of(o.string("scale-dir", "target/bench/scale/data")));
    }

    private static long scaleRows(Options o) {
        long n = o.integer("scale-rows", SCALE_ROWS);
        if (n < 1_000 || n > Integer.MAX_VALUE) {
            throw new UsageException("--scale-rows must be from 1,000 to " + Integer.MAX_VALUE + ", got " + n);
        }
        return n;
    }

    static String usage() {
        return spec().usage().replaceFirst("spark-digits bench", "submit/bench");
    }

    public boolean runs(String section) {
        return sections.contains(section);
    }

    /** Epochs of a training run: {@code full} normally, {@code quick} under {@code --quick}. */
    int epochs(int full, int quickEpochs) {
        return quick ? quickEpochs : full;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("train", train);
        m.put("test", test);
        m.put("master", master);
        m.put("quick", quick);
        m.put("skipMllib", skipMllib);
        m.put("mllibIters", Arrays.stream(mllibIters).boxed().toList());
        m.put("sections", sections);
        m.put("hidden", Arrays.stream(hidden).boxed().toList());
        m.put("partitions", partitions);
        m.put("scaleRows", scaleRows);
        m.put("scaleDir", scaleDir.toString());
        return m;
    }
}
