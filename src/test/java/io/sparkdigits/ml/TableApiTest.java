package io.sparkdigits.ml;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.testing.SparkSessionExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A Spark user's table, features in any units and signs, fitted with no StandardScaler in front. */
@ExtendWith(SparkSessionExtension.class)
class TableApiTest {
    /**
     * Three classes told apart by a ratio near 0.5 and a signed difference in the thousands, beside
     * a count in the tens of thousands that is noise.
     */
    private static Dataset<Row> table(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Row> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            int k = random.nextInt(3);
            double ratio = 0.3 + 0.2 * k + 0.05 * (random.nextDouble() - 0.5);
            double difference = -3000 + 2500 * k + 800 * (random.nextDouble() - 0.5);
            double count = 20_000 + 30_000 * random.nextDouble();
            out.add(RowFactory.create((double) k, Vectors.dense(ratio, difference, count)));
        }
        StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", SQLDataTypes.VectorType());
        return SparkSessionExtension.spark().createDataFrame(out, schema).repartition(2);
    }

    @Test
    void theDefaultFitsATableOfFeaturesInOtherUnitsAndScoresRawRows() {
        DigitsClassificationModel m = new DigitsClassifier().setNumPartitions(2).setBatchSize(64).setEpochs(10).fit(table(600, 1));
        assertTrue(m.model().tableInputs(), "the features were standardised: " + m.model().info());
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .evaluate(m.transform(table(300, 2)));
        assertTrue(accuracy > 0.95, "accuracy " + accuracy + " on raw rows; the classes barely overlap");
    }
}
