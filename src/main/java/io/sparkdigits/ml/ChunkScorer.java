package io.sparkdigits.ml;

import io.sparkdigits.infer.Predictor;
import io.sparkdigits.nn.SoftmaxCrossEntropy;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * {@code transform}'s work in a task: the rows of a partition scored {@link Predictor#CHUNK} at a
 * time through the one forward path, each given back with its logits, probabilities and prediction
 * appended (those whose column name is not empty). Row by row, a network's weights would be streamed
 * through the cache once per row and each output column would be a UDF of its own over the one
 * before; a chunk shares the weights' pass among 256 rows. A row's numbers do not depend on the
 * rows beside it (the kernels' contract), so they equal the CLI's and the SQL functions'.
 */
final class ChunkScorer implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The stage whose network scores and whose thresholds decide (a copy, shipped with the task). */
    private final DigitsClassificationModel stage;
    private final int featuresAt;
    private final String column;
    private final boolean raw;
    private final boolean probability;
    private final boolean prediction;

    ChunkScorer(DigitsClassificationModel stage, int featuresAt, String column, boolean raw, boolean probability,
                boolean prediction) {
        this.stage = stage;
        this.featuresAt = featuresAt;
        this.column = column;
        this.raw = raw;
        this.probability = probability;
        this.prediction = prediction;
    }

    Iterator<Row> score(Iterator<Row> rows) {
        Predictor predictor = stage.newPredictor();
        int width = stage.numFeatures();
        int classes = stage.numClasses();
        float[] row = new float[width];
        return new Iterator<>() {
            private final List<Row> out = new ArrayList<>(Predictor.CHUNK);
            private int next;

            @Override
            public boolean hasNext() {
                if (next < out.size()) {
                    return true;
                }
                out.clear();
                next = 0;
                List<Row> in = new ArrayList<>(Predictor.CHUNK);
                float[] x = predictor.inputBuffer();
                while (in.size() < Predictor.CHUNK && rows.hasNext()) {
                    Row r = rows.next();
                    String problem = FeatureColumns.toFloats(r.get(featuresAt), row, column);
                    if (problem != null) {
                        throw new IllegalArgumentException(problem);
                    }
                    int base = in.size() * width;
                    for (int i = 0; i < width; i++) {
                        x[base + i] = row[i] * predictor.scale();
                    }
                    in.add(r);
                }
                if (in.isEmpty()) {
                    return false;
                }
                float[] z = predictor.logits(in.size());
                for (int n = 0; n < in.size(); n++) {
                    out.add(scored(in.get(n), z, n * classes, classes));
                }
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return out.get(next++);
            }
        };
    }

    /** {@code r} with the columns of the logits {@code z[at .. at + classes)} appended. */
    private Row scored(Row r, float[] z, int at, int classes) {
        double[] logits = new double[classes];
        float[] p = new float[classes];
        for (int k = 0; k < classes; k++) {
            logits[k] = z[at + k];
            p[k] = z[at + k];
        }
        SoftmaxCrossEntropy.softmax(p, 1, classes);
        double[] probs = new double[classes];
        for (int k = 0; k < classes; k++) {
            probs[k] = p[k];
        }
        Vector rawVector = Vectors.dense(logits);
        Vector probVector = Vectors.dense(probs);
        Object[] values = new Object[r.length() + (raw ? 1 : 0) + (probability ? 1 : 0) + (prediction ? 1 : 0)];
        for (int i = 0; i < r.length(); i++) {
            values[i] = r.get(i);
        }
        int i = r.length();
        if (raw) {
            values[i++] = rawVector;
        }
        if (probability) {
            values[i++] = probVector;
        }
        if (prediction) {
            // As Spark's own transform decides: from the probabilities when they are asked for.
            values[i] = probability ? stage.predictFromProbability(probVector) : stage.predictFromRaw(rawVector);
        }
        return RowFactory.create(values);
    }
}
