package io.sparkdigits.report;

import io.sparkdigits.data.BadInputException;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.JobDescription;
import io.sparkdigits.eval.EvaluationReport;
import io.sparkdigits.eval.Evaluator;
import io.sparkdigits.infer.Predictor;
import io.sparkdigits.model.AtomicPath;
import io.sparkdigits.model.OutputExistsException;
import io.sparkdigits.model.OutputGuard;
import io.sparkdigits.model.Model;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code report} command's work, in three steps: {@link #gather} scores the data on Spark
 * into a {@link ReportData} (two passes over the cached shards: the evaluation, and the picked
 * rows; only counts and a bounded number of rows reach the driver), {@link #write} draws the
 * figures and publishes the folder atomically, with {@link #checkTarget} run first so that a
 * folder that is not a report is never replaced without {@code --overwrite}.
 */
public final class Reports {
    /** Present in every report folder we write: such a folder may be replaced by a newer report. */
    public static final String MARKER = OutputGuard.REPORT_MARKER;
    public static final int DEFAULT_MISTAKES = 32;
    public static final int DEFAULT_CORRECT = 16;

    private Reports() {
    }

    /** Scores {@code data} with {@code model} and collects what the report shows. */
    public static ReportData gather(SparkSession spark, Model model, String modelPath, DigitData data, String dataPath,
                                    int mistakes, int correct) {
        Predictor predictor = new Predictor(model.spec(), model.params(), model.inputScale());
        var sc = spark.sparkContext();
        EvaluationReport evaluation = JobDescription.run(sc, "report: evaluate",
                () -> Evaluator.evaluate(data.shards(), predictor, Evaluator.ALL_ROWS));
        SampleCollector.Picks picks = JobDescription.run(sc, "report: pick samples",
                () -> SampleCollector.collect(data.shards(), predictor, mistakes, correct));
        return new ReportData(modelPath, model, dataPath, data.summary().describe(), data.rows(), data.skipped(),
                evaluation, picks.mistakes(), picks.correct(), sc.master(), data.partitions(),
                versions(spark.version()), Instant.now().toString());
    }

    /**
     * Refuses to go on if {@code output} exists and is not a report folder of ours, unless
     * {@code overwrite}: a report replaces only a report. Run before any work.
     */
    public static void checkTarget(String output, boolean overwrite, Configuration conf) throws IOException {
        String why = overwrite ? null : OutputGuard.foreign(output, OutputGuard.Kind.REPORT_FOLDER, conf);
        if (why != null) {
            throw new OutputExistsException(OutputGuard.problem(output, OutputGuard.Kind.REPORT_FOLDER, why)
                    + "; choose another path or pass --overwrite to replace it once the new output is complete");
        }
    }

    /** Draws the figures and writes the report folder at {@code output}, replacing it as one. */
    public static void write(ReportData d, String output, boolean overwrite, Configuration conf) throws IOException {
        checkTarget(output, overwrite, conf);
        System.setProperty("java.awt.headless", "true");
        Map<Figure, BufferedImage> figures = ReportFigures.render(d);
        AtomicPath out = AtomicPath.of(output, OutputGuard.Kind.REPORT_FOLDER, overwrite, conf);
        FileSystem fs = out.target().getFileSystem(conf);
        if (fs instanceof ChecksumFileSystem checked) {
            // A report is a folder to open and send: no hidden .crc beside every file.
            fs = checked.getRawFileSystem();
        }
        try {
            fs.mkdirs(out.temp());
            for (Map.Entry<Figure, BufferedImage> f : figures.entrySet()) {
                try (OutputStream s = fs.create(new Path(out.temp(), f.getKey().file()), false)) {
                    if (!ImageIO.write(f.getValue(), "png", s)) {
                        throw new IOException("no PNG writer in this JVM");
                    }
                }
            }
            text(fs, new Path(out.temp(), "index.html"), HtmlPage.render(d, new ArrayList<>(figures.keySet())));
            text(fs, new Path(out.temp(), "report.json"), d.toJson());
            text(fs, new Path(out.temp(), MARKER), "a report written by spark-digits; `report` may replace this folder\n");
            out.commit();
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    private static void text(FileSystem fs, Path p, String text) throws IOException {
        try (OutputStream s = fs.create(p, false)) {
            s.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** What produced the report: our build, Spark, Java and the chart library. */
    static Map<String, String> versions(String spark) {
        Map<String, String> v = new LinkedHashMap<>();
        String ours = Reports.class.getPackage().getImplementationVersion();
        v.put("spark-digits", ours != null ? ours : "development build (classes, no jar)");
        v.put("Spark", spark);
        v.put("Java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        v.put("JFreeChart", mavenVersion("org.jfree", "jfreechart", org.jfree.chart.JFreeChart.class));
        return v;
    }

    private static String mavenVersion(String group, String artifact, Class<?> from) {
        String name = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = from.getResourceAsStream(name)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
