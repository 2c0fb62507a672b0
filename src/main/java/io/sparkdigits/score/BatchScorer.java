package io.sparkdigits.score;

import io.sparkdigits.infer.Predictor;
import io.sparkdigits.data.BadInputException;
import io.sparkdigits.data.BadRows;
import io.sparkdigits.data.CsvFrames;
import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.data.LabelColumn;
import io.sparkdigits.data.LineCursor;
import io.sparkdigits.data.LineParser;
import io.sparkdigits.data.LoadSummary;
import io.sparkdigits.model.AtomicPath;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.OutputGuard;
import io.sparkdigits.nn.NetworkSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code predict} command's job: read image CSVs (with or without a label column) once, score
 * every row where it is read, and write one output row per input row, keyed by its file and its
 * position there. Only per-split counts reach the driver; the output appears atomically when the
 * whole write has succeeded, and a bad row stops the run before anything is written.
 */
public final class BatchScorer {
    private BatchScorer() {
    }

    /** How to read the input (a label is looked for only in a row one column wider than the model's input) and what to write. */
    public record Settings(CsvLayout.Header header, LabelColumn label, boolean skipBadRows, String format,
                           boolean probabilities) {
    }

    /** Rows written, rows dropped as bad ({@code --bad-rows skip}), and what was read. */
    public record Result(long rows, long skipped, LoadSummary summary) {
    }

    /** Scores {@code input} into {@code output}, replacing only a prediction output of ours there. */
    public static Result score(SparkSession spark, Model model, String input, String output, Settings s)
            throws IOException {
        return score(spark, model, input, output, s, false);
    }

    /** As above; with {@code overwrite}, whatever is at {@code output} is replaced once the new output is complete. */
    public static Result score(SparkSession spark, Model model, String input, String output, Settings s,
                               boolean overwrite) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        CsvLayout layout = CsvLayout.inspect(input, s.header(), s.label(), s.skipBadRows(), conf);
        int width = model.spec().inputSize();
        boolean labeled = layout.columns() == width + 1;
        if (!labeled && layout.columns() != width) {
            throw new BadInputException(layout.files().get(0) + ": rows have " + layout.columns()
                    + " columns but the model takes " + width + " values (or a label and " + width + ")");
        }
        int partitions = spark.sparkContext().defaultParallelism();
        int classes = model.spec().outputSize();
        LineParser parser = new LineParser(labeled ? layout.label() : -1, width, classes);
        CsvLayout.Headers headers = layout.headers();
        // The weights are broadcast, not a Predictor: in local mode tasks share a broadcast value by
        // reference, and a Predictor's scratch buffers must belong to one task.
        Broadcast<float[]> weights = spark.sparkContext().broadcast(model.params(),
                scala.reflect.ClassTag$.MODULE$.apply(float[].class));
        NetworkSpec spec = model.spec();
        float scale = model.inputScale();
        boolean skip = s.skipBadRows();
        boolean probs = s.probabilities();
        // Scored where read and kept (a few bytes a row): the driver learns every split's row count
        // and every bad row from this one read, before a byte of output is written.
        JavaRDD<ScoredSplit> scored = CsvFrames.lines(spark, layout, partitions)
                .mapPartitions(it -> ScoredSplit.scoreAll(new LineCursor(it, parser, headers),
                        new Predictor(spec, weights.value(), scale), labeled, skip, probs))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<ScoredSplit.Summary> splits = summaries(scored, layout, conf);
            RowKeys keys = RowKeys.of(splits);
            write(spark, scored.flatMap(split -> split.rows(keys)), schema(labeled, classes, probs), output,
                    s.format(), overwrite);
            long rows = splits.stream().mapToLong(ScoredSplit.Summary::scored).sum();
            long skipped = splits.stream().mapToLong(ScoredSplit.Summary::skipped).sum();
            Map<String, Long> perFile = new HashMap<>();
            splits.forEach(split -> perFile.merge(split.file(), (long) split.scored(), Long::sum));
            return new Result(rows, skipped, new LoadSummary(layout, perFile, rows, skipped));
        } finally {
            scored.unpersist(false);
            weights.destroy();
        }
    }

    /**
     * Writes prediction rows of {@link #schema} as a prediction output at {@code output}, in
     * {@code format} (csv with a header, or parquet), atomically and with the marker that lets a
     * later run replace it: shared by every input format.
     */
    public static void write(SparkSession spark, JavaRDD<org.apache.spark.sql.Row> rows, StructType schema,
                             String output, String format, boolean overwrite) throws IOException {
        AtomicPath out = AtomicPath.of(output, OutputGuard.Kind.PREDICTIONS, overwrite,
                spark.sparkContext().hadoopConfiguration());
        try {
            var writer = spark.createDataFrame(rows, schema).write().mode(SaveMode.ErrorIfExists);
            if (format.equals("parquet")) {
                writer.parquet(out.temp().toString());
            } else {
                writer.option("header", "true").csv(out.temp().toString());
            }
            // Spark's _SUCCESS comes from any job; this marker lets a later run know the output is ours to replace.
            out.fs().create(new Path(out.temp(), OutputGuard.PREDICTIONS_MARKER), false).close();
            out.commit();
        } catch (Exception e) { // SparkException is checked, though Scala does not declare it
            out.abort();
            throw e;
        }
    }

    /** Runs the scoring job; fails with the first bad row in file order, if any was kept. */
    private static List<ScoredSplit.Summary> summaries(JavaRDD<ScoredSplit> scored, CsvLayout layout,
                                                       Configuration conf) {
        List<ScoredSplit.Summary> splits;
        try {
            splits = new ArrayList<>(scored.map(ScoredSplit::summary).collect());
        } catch (Exception e) { // SparkException is checked, though Scala does not declare it
            throw BadRows.translate(e, layout, conf);
        }
        splits.sort(Comparator.comparing(ScoredSplit.Summary::file).thenComparingLong(ScoredSplit.Summary::block));
        for (ScoredSplit.Summary split : splits) {
            if (split.badRow() != null) {
                throw BadRows.describe(split.badRow(), layout, conf);
            }
        }
        return splits;
    }

    /**
     * The prediction output's columns: {@code file, row, [label,] prediction, confidence[, p0..]};
     * {@code row} is the 0-based data row in {@code file} (0 for an image, which is one row).
     */
    public static StructType schema(boolean labeled, int classes, boolean probabilities) {
        StructType t = new StructType().add("file", DataTypes.StringType).add("row", DataTypes.LongType);
        if (labeled) {
            t = t.add("label", DataTypes.IntegerType);
        }
        t = t.add("prediction", DataTypes.IntegerType).add("confidence", DataTypes.FloatType);
        if (probabilities) {
            for (int c = 0; c < classes; c++) {
                t = t.add("p" + c, DataTypes.FloatType);
            }
        }
        return t;
    }
}
