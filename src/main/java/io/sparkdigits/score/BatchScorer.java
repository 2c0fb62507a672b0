package io.sparkdigits.score;

import io.sparkdigits.data.BadInputException;
import io.sparkdigits.data.BadRowException;
import io.sparkdigits.data.BadRows;
import io.sparkdigits.data.CsvFrames;
import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.data.LineCursor;
import io.sparkdigits.data.LineParser;
import io.sparkdigits.model.AtomicPath;
import io.sparkdigits.model.Model;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.SoftmaxCrossEntropy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * The {@code predict} command's job: read image CSVs (with or without a label column), score
 * every row where it is read, and write one output row per input row. Nothing is collected to the
 * driver; the output appears atomically when the whole write has succeeded.
 */
public final class BatchScorer {
    private BatchScorer() {
    }

    /** How to read the input and what to write. */
    public record Settings(CsvLayout.Header header, boolean skipBadRows, String format, boolean probabilities) {
    }

    /** Rows written and rows dropped as bad ({@code --bad-rows skip}). */
    public record Result(long rows, long skipped) {
    }

    /** Scores {@code input} into {@code output}. */
    public static Result score(SparkSession spark, Model model, String input, String output, Settings s)
            throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        CsvLayout layout = CsvLayout.inspect(input, s.header(), conf);
        int width = model.spec().inputSize();
        boolean labeled = layout.columns() == width + 1;
        if (!labeled && layout.columns() != width) {
            throw new BadInputException(layout.files().get(0) + ": rows have " + layout.columns()
                    + " columns but the model takes " + width + " values (or a label and " + width + ")");
        }
        int partitions = spark.sparkContext().defaultParallelism();
        RowKeys keys = RowKeys.count(spark, layout, partitions);
        int classes = model.spec().outputSize();
        LineParser parser = new LineParser(labeled, width, classes);
        boolean header = layout.header();
        // The weights are broadcast, not a Predictor: in local mode tasks share a broadcast value by
        // reference, and a Predictor's scratch buffers must belong to one task.
        Broadcast<float[]> weights = spark.sparkContext().broadcast(model.params(),
                scala.reflect.ClassTag$.MODULE$.apply(float[].class));
        NetworkSpec spec = model.spec();
        float scale = model.inputScale();
        boolean skip = s.skipBadRows();
        // Counted in the write job's result stage, where Spark applies each task's updates once.
        LongAccumulator written = spark.sparkContext().longAccumulator("rows written");
        LongAccumulator skipped = spark.sparkContext().longAccumulator("bad rows skipped");
        CollectionAccumulator<BadRowException> bad = spark.sparkContext().collectionAccumulator("bad rows");
        boolean probs = s.probabilities();
        JavaRDD<Row> rows = CsvFrames.read(spark, layout, partitions)
                .queryExecution().toRdd().toJavaRDD()
                .mapPartitions(it -> scorePartition(new LineCursor(it, parser, header), labeled, keys,
                        new Predictor(spec, weights.value(), scale), skip ? skipped : null, bad, probs, written));
        AtomicPath out = AtomicPath.of(output, conf);
        try {
            var writer = spark.createDataFrame(rows, schema(labeled, classes, probs)).write().mode(SaveMode.ErrorIfExists);
            if (s.format().equals("parquet")) {
                writer.parquet(out.temp().toString());
            } else {
                writer.option("header", "true").csv(out.temp().toString());
            }
            if (!bad.value().isEmpty()) {
                out.abort();
                throw BadRows.describe(bad.value().get(0), header, conf);
            }
            out.commit();
            return new Result(written.value(), skipped.value());
        } catch (Exception e) { // SparkException is checked, though Scala does not declare it
            out.abort();
            throw BadRows.translate(e, layout.header(), conf);
        } finally {
            weights.destroy();
        }
    }

    static StructType schema(boolean labeled, int classes, boolean probabilities) {
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

    /**
     * @param skipped counts dropped bad rows, or null to stop at the first, which goes to
     *                {@code bad}: reported as data rather than thrown, since a failed task would be
     *                retried and logged at length
     */
    private static Iterator<Row> scorePartition(LineCursor cursor, boolean labeled, RowKeys keys, Predictor predictor,
                                                LongAccumulator skipped, CollectionAccumulator<BadRowException> bad,
                                                boolean probs, LongAccumulator written) {
        return new Iterator<>() {
            private final List<Row> ready = new ArrayList<>();
            private final float[] values = new float[predictor.spec().inputSize()];
            private int next;
            private boolean stopped;

            @Override
            public boolean hasNext() {
                if (next < ready.size()) {
                    return true;
                }
                ready.clear();
                next = 0;
                fill();
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return ready.get(next++);
            }

            /** Scores the next chunk of rows. */
            private void fill() {
                float[] x = predictor.inputBuffer();
                int cols = values.length;
                float scale = predictor.scale();
                Object[][] meta = new Object[Predictor.CHUNK][];
                int n = 0;
                while (n < Predictor.CHUNK && !stopped && cursor.next(values)) {
                    if (cursor.problem() != null) {
                        if (skipped == null) {
                            bad.add(cursor.badRow());
                            stopped = true;
                            break;
                        }
                        skipped.add(1);
                        continue;
                    }
                    for (int c = 0; c < cols; c++) {
                        x[n * cols + c] = values[c] * scale;
                    }
                    meta[n++] = new Object[] {cursor.file(), keys.row(cursor.file(), cursor.block(), cursor.ordinal()),
                        labeled ? cursor.label() : null};
                }
                if (n > 0) {
                    emit(predictor.probabilities(n), meta, n);
                    written.add(n);
                }
            }

            private void emit(float[] p, Object[][] meta, int n) {
                int k = predictor.spec().outputSize();
                for (int r = 0; r < n; r++) {
                    int best = SoftmaxCrossEntropy.argmax(p, r * k, k);
                    List<Object> row = new ArrayList<>(5 + k);
                    row.add(meta[r][0]);
                    row.add(meta[r][1]);
                    if (labeled) {
                        row.add(meta[r][2]);
                    }
                    row.add(best);
                    row.add(p[r * k + best]);
                    if (probs) {
                        for (int c = 0; c < k; c++) {
                            row.add(p[r * k + c]);
                        }
                    }
                    ready.add(RowFactory.create(row.toArray()));
                }
            }
        };
    }
}
