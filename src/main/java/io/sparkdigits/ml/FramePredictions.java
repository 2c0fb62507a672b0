package io.sparkdigits.ml;

import io.sparkdigits.data.BadInputException;
import io.sparkdigits.data.BadRowException;
import io.sparkdigits.data.InputFormat;
import io.sparkdigits.data.LoadSummary;
import io.sparkdigits.infer.Predictor;
import io.sparkdigits.model.Model;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.SoftmaxCrossEntropy;
import io.sparkdigits.score.BatchScorer;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code predict} on Parquet files and image folders: every row scored where it is read, in chunks
 * through the one {@link Predictor}, into the output {@code predict} writes for CSV
 * ({@link BatchScorer#schema}), keyed by file and row. As for CSV, the input is read once: the
 * predictions are kept per partition until the driver knows there is no bad row, and only then
 * written, atomically.
 */
public final class FramePredictions {
    private FramePredictions() {
    }

    /** Scores {@code input} ({@code format} Parquet or images) into a prediction output at {@code output}. */
    public static BatchScorer.Result score(SparkSession spark, Model model, String input, InputFormat format,
                                           String output, String outputFormat, boolean probabilities,
                                           boolean overwrite) throws IOException {
        NetworkSpec spec = model.spec();
        InputFrames.Frame frame = InputFrames.read(spark, input, format, spec.inputSize(), InputFrames.shape(spec), false);
        Broadcast<float[]> weights = spark.sparkContext().broadcast(model.params(),
                scala.reflect.ClassTag$.MODULE$.apply(float[].class));
        float scale = model.inputScale();
        Settings s = new Settings(frame.labeled(), probabilities, frame.labelName(), spec.outputSize());
        JavaRDD<Part> parts = frame.rows().javaRDD()
                .mapPartitions(it -> List.of(Part.score(it, new Predictor(spec, weights.value(), scale), s)).iterator())
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long rows = 0;
            for (Part.Summary summary : parts.map(Part::summary).collect()) {
                if (summary.badRow() != null) {
                    throw new BadInputException(summary.badRow().getMessage());
                }
                rows += summary.rows();
            }
            BatchScorer.write(spark, parts.flatMap(p -> p.rows.iterator()),
                    BatchScorer.schema(frame.labeled(), spec.outputSize(), probabilities), output, outputFormat, overwrite);
            return new BatchScorer.Result(rows, 0, new LoadSummary(null, Map.of(), rows, 0));
        } finally {
            parts.unpersist(false);
            weights.destroy();
        }
    }

    private record Settings(boolean labeled, boolean probabilities, String labelName, int classes) implements Serializable {
    }

    /** The output rows of one partition, or the first bad row that stopped it. */
    private static final class Part implements Serializable {
        private static final long serialVersionUID = 1L;
        private final List<Row> rows = new ArrayList<>();
        private BadRowException badRow;

        record Summary(long rows, BadRowException badRow) implements Serializable {
        }

        Summary summary() {
            return new Summary(rows.size(), badRow);
        }

        static Part score(Iterator<Row> it, Predictor predictor, Settings s) {
            Part part = new Part();
            int cols = predictor.spec().inputSize();
            float[] values = new float[cols];
            float[] x = predictor.inputBuffer();
            Object[][] keys = new Object[Predictor.CHUNK][];
            int n = 0;
            while (it.hasNext()) {
                Row row = it.next();
                String file = row.getString(2);
                long at = row.isNullAt(3) ? -1 : row.getLong(3);
                String problem = problem(row, values, s);
                if (problem != null) {
                    part.badRow = new BadRowException(FrameRows.where(file, at), problem);
                    return part;
                }
                for (int c = 0; c < cols; c++) {
                    x[n * cols + c] = values[c] * predictor.scale();
                }
                keys[n] = new Object[] {file, Math.max(at, 0), s.labeled() ? (int) row.getDouble(0) : null};
                if (++n == Predictor.CHUNK) {
                    part.add(predictor, n, keys, s);
                    n = 0;
                }
            }
            part.add(predictor, n, keys, s);
            return part;
        }

        private static String problem(Row row, float[] values, Settings s) {
            if (!row.isNullAt(4)) {
                return row.getString(4);
            }
            if (s.labeled()) {
                String bad = row.isNullAt(0) ? "label column '" + s.labelName() + "' is null"
                        : FrameRows.labelProblem(row.getDouble(0), s.labelName(), s.classes());
                if (bad != null) {
                    return bad;
                }
            }
            return FeatureColumns.toFloats(row.get(1), values, InputFrames.FEATURES);
        }

        /** Scores the first {@code n} rows of the input buffer into output rows. */
        private void add(Predictor predictor, int n, Object[][] keys, Settings s) {
            if (n == 0) {
                return;
            }
            int classes = predictor.spec().outputSize();
            float[] p = predictor.probabilities(n);
            for (int r = 0; r < n; r++) {
                int best = SoftmaxCrossEntropy.argmax(p, r * classes, classes);
                List<Object> out = new ArrayList<>(5 + classes);
                out.add(keys[r][0]);
                out.add(keys[r][1]);
                if (s.labeled()) {
                    out.add(keys[r][2]);
                }
                out.add(best);
                out.add(p[r * classes + best]);
                if (s.probabilities()) {
                    for (int c = 0; c < classes; c++) {
                        out.add(p[r * classes + c]);
                    }
                }
                rows.add(RowFactory.create(out.toArray()));
            }
        }
    }
}
