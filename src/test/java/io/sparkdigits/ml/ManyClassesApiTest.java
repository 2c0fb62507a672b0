package io.sparkdigits.ml;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.testing.SparkSessionExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Estimator with another number of classes than ten: given, inferred, from metadata; and bad labels. */
@ExtendWith(SparkSessionExtension.class)
class ManyClassesApiTest {
    static Dataset<Row> three;

    @BeforeAll
    static void data() {
        three = clusters(3, 80, 1).cache();
    }

    /** {@code perClass} rows of each class around a seeded centre of 12 values, labels as doubles, shuffled. */
    static Dataset<Row> clusters(int classes, int perClass, long seed) {
        SplittableRandom centres = new SplittableRandom(42);
        double[][] centre = new double[classes][12];
        for (double[] c : centre) {
            for (int v = 0; v < c.length; v++) {
                c[v] = 20 + centres.nextInt(216);
            }
        }
        SplittableRandom noise = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < classes * perClass; r++) {
            int k = r % classes;
            double[] x = new double[12];
            for (int v = 0; v < x.length; v++) {
                x[v] = Math.max(0, Math.min(255, centre[k][v] + noise.nextInt(-12, 13)));
            }
            rows.add(RowFactory.create((double) k, Vectors.dense(x)));
        }
        java.util.Collections.shuffle(rows, new java.util.Random(seed));
        StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", SQLDataTypes.VectorType());
        return SparkSessionExtension.spark().createDataFrame(rows, schema).repartition(2);
    }

    static DigitsClassifier small(int epochs) {
        return new DigitsClassifier().setHidden(new int[] {16}).setOptimizer("adam").setLearningRate(0.02)
                .setBatchSize(64).setEpochs(epochs).setNumPartitions(2);
    }

    private static double accuracy(DigitsClassificationModel m, Dataset<Row> data) {
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(m.transform(data));
    }

    @Test
    void threeClassesInferredFromTheLabels() {
        DigitsClassificationModel m = small(15).fit(three);
        assertEquals(3, m.numClasses());
        double accuracy = accuracy(m, clusters(3, 30, 2));
        assertTrue(accuracy > 0.9, "accuracy " + accuracy + ", chance is 1/3");
    }

    @Test
    void threeClassesGivenAndMoreThanTheLabelsShow() {
        DigitsClassificationModel m = small(15).setNumClasses(3).fit(three);
        assertEquals(3, m.numClasses());
        assertTrue(accuracy(m, three) > 0.9);
        assertEquals(5, small(1).setNumClasses(5).fit(three).numClasses());
    }

    /** StringIndexer's metadata names every class, including one no row of the training data has. */
    @Test
    void theLabelColumnsMetadataSaysHowManyClasses() {
        Dataset<Row> named = three.withColumn("name", col("label").cast("string"))
                .union(clusters(4, 1, 3).where("label = 3").withColumn("name", col("label").cast("string")));
        Dataset<Row> indexed = new StringIndexer().setInputCol("name").setOutputCol("index")
                .setStringOrderType("alphabetAsc").fit(named).transform(named).where("index < 3");
        assertEquals(4, small(1).setLabelCol("index").fit(indexed).numClasses());
    }

    @Test
    void aLabelThatIsNoClassNamesTheColumn() {
        Dataset<Row> five = three.withColumn("label",
                org.apache.spark.sql.functions.when(col("label").equalTo(2), 5.0).otherwise(col("label")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small(1).setNumClasses(3).fit(five));
        assertTrue(e.getMessage().contains("label column 'label': 5 is outside 0..2"), e.getMessage());
        Dataset<Row> half = three.withColumn("label",
                org.apache.spark.sql.functions.when(col("label").equalTo(2), 1.5).otherwise(col("label")));
        e = assertThrows(IllegalArgumentException.class, () -> small(1).fit(half));
        assertTrue(e.getMessage().contains("label column 'label': 1.5 is not an integer"), e.getMessage());
        Dataset<Row> one = three.withColumn("label", org.apache.spark.sql.functions.lit(0.0));
        e = assertThrows(IllegalArgumentException.class, () -> small(1).fit(one));
        assertTrue(e.getMessage().contains("every label is 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> small(1).setNumClasses(1));
        assertThrows(IllegalArgumentException.class, () -> small(1).setNumClasses(1001));
    }
}
