package io.sparkdigits.bench;

import io.sparkdigits.cli.Main;
import io.sparkdigits.cli.UsageException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * {@code submit/bench}: spark-digits against Spark MLlib's MultilayerPerceptronClassifier on the
 * same data, master and session. Runs the selected sections in a fixed order, prints the table
 * (figure | ours | MLlib | ratio | target | met?) on stdout, progress on stderr, and writes the
 * table with every raw number as JSON, after every section ({@code "complete": false} until the
 * end). A section that fails is reported and the others still run; the exit code is then 1. What
 * each section times is described in {@code docs/performance.md}.
 */
public final class Bench {
    private Bench() {
    }

    /** Every section, in {@link BenchOptions#SECTIONS} order. */
    static List<Section> sections() {
        return List.of(
                new MachineSection(),
                new KernelSection(KernelBench::figures),
                new ConvKernelSection(),
                new LoadSection(),
                new OverheadSection(),
                new ThroughputSection(),
                new AccuracySection(),
                new CnnSection(),
                new MllibSection(),
                new ApiSection(),
                new ScoringSection(),
                new ServingSection(),
                new LinearCostSection(),
                new ColdSection(),
                new ScaleSection());
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (UsageException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println("Run 'submit/bench --help' for the options.");
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.print(BenchOptions.usage());
            return;
        }
        System.exit(run(options));
    }

    static int run(BenchOptions options) throws Exception {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Report report = new Report();
        report.header("started", stamp);
        report.header("options", options.toMap());
        report.header("complete", false);
        boolean failed = false;
        SparkSession spark = session(options.master());
        try (BenchContext ctx = new BenchContext(spark, options)) {
            report.header("trainData", ctx.trainPath());
            report.header("testData", ctx.testPath());
            for (Section s : sections()) {
                if (!options.runs(s.name())) {
                    continue;
                }
                System.err.println("bench: " + s.name() + " ...");
                long start = System.nanoTime();
                Report.Part out = report.part(s.name());
                try {
                    s.run(ctx, out);
                } catch (Exception e) {
                    failed = true;
                    out.row("FAILED", e.toString());
                    e.printStackTrace();
                }
                out.detail("sectionSeconds", (System.nanoTime() - start) / 1e9);
                // Above the core count while only the bench runs means another process took CPU: figures suspect.
                out.detail("loadAverageAfter", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                report.write(options.out(), stamp); // so an interrupted run still leaves what it measured
            }
            report.header("complete", true);
        } finally {
            spark.stop();
        }
        System.out.println();
        System.out.print(report.table());
        Path json = report.write(options.out(), stamp);
        System.out.printf(Locale.ROOT, "%nwritten to %s and %s%s%n", json, options.out().resolve("latest.json"),
                options.quick() ? " (--quick: smoke figures on a 6,000-row subset, not results)" : "");
        return failed ? 1 : 0;
    }

    /**
     * The one session of the run, with the settings the {@code spark-digits} CLI gives its own
     * ({@link Main#defaults(SparkConf)}: broadcasts uncompressed, and in small pieces on a local
     * master). The executors find the bench and application classes on the shared filesystem when
     * the master is not local.
     */
    private static SparkSession session(String master) {
        String classes = Path.of("target/test-classes").toAbsolutePath() + java.io.File.pathSeparator
                + Path.of("target/classes").toAbsolutePath();
        SparkConf conf = new SparkConf().setMaster(master).set("spark.ui.enabled", "false")
                .set("spark.executor.extraClassPath", classes);
        return SparkSession.builder().config(Main.defaults(conf)).appName("spark-digits bench").getOrCreate();
    }
}
