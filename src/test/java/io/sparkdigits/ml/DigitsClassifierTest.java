package io.sparkdigits.ml;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.infer.Predictor;
import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The Estimator and its Model on the committed sample: the CLI's weights, scoring, clear errors. */
@ExtendWith(SparkSessionExtension.class)
class DigitsClassifierTest {
    @TempDir
    static Path dir;
    static Dataset<Row> train;
    static Dataset<Row> test;
    static DigitsClassificationModel model;

    @BeforeAll
    static void fit() {
        SparkSession spark = SparkSessionExtension.spark();
        train = MlFrames.assembled(spark, TestData.TRAIN).cache();
        test = MlFrames.assembled(spark, TestData.TEST).cache();
        model = small().fit(train);
    }

    static DigitsClassifier small() {
        return new DigitsClassifier().setHidden(new int[] {16}).setEpochs(4).setBatchSize(100).setLearningRate(0.01)
                .setNumPartitions(2);
    }

    @Test
    void fitGivesTheCliWeightsBitForBit() throws Exception {
        SparkSession spark = SparkSessionExtension.spark();
        Path folder = MlFrames.splitSample(dir.resolve("parts"), 3);
        Path cliModel = dir.resolve("cli-model");
        Cli.Result r = Cli.run(spark, "train", "--train", folder.toString(), "--model", cliModel.toString(),
                "--hidden", "8", "--epochs", "2", "--batch-size", "100", "--partitions", "2", "--seed", "7",
                "--validation", "0.1");
        assertEquals(0, r.code(), r.toString());
        float[] cli = ModelStore.load(cliModel.toString(), new Configuration()).params();

        DigitsClassifier same = new DigitsClassifier().setHidden(new int[] {8}).setEpochs(2).setBatchSize(100)
                .setNumPartitions(2).setSeed(7).setValidationFraction(0.1);
        Dataset<Row> arrays = MlFrames.asArrays(spark, folder);
        assertTrue(arrays.rdd().getNumPartitions() > 1, "several input splits, read as the CLI reads them");
        assertArrayEquals(cli, same.fit(arrays).model().params(), "array<int> features");
        Dataset<Row> vectors = arrays.withColumn("features", functions.array_to_vector(col("features")));
        assertArrayEquals(cli, same.fit(vectors).model().params(), "Vector features");
        assertNotEquals(cli[0], same.setSeed(8).fit(arrays).model().params()[0], "the seed matters");
    }

    @Test
    void imageParamsGiveTheCliWeightsBitForBit() throws Exception {
        SparkSession spark = SparkSessionExtension.spark();
        Path folder = MlFrames.splitSample(dir.resolve("image-parts"), 2);
        Path cliModel = dir.resolve("cli-cnn");
        Cli.Result r = Cli.run(spark, "train", "--train", folder.toString(), "--model", cliModel.toString(),
                "--layers", "conv3x3x4,pool2,dense16,10", "--shape", "28x28", "--dropout", "0.1,0.2",
                "--augment", "shift=1,rotate=5", "--early-stopping", "1", "--validation", "0.2", "--epochs", "3",
                "--batch-size", "64", "--partitions", "2", "--seed", "5");
        assertEquals(0, r.code(), r.toString());
        Model cli = ModelStore.load(cliModel.toString(), new Configuration());

        DigitsClassifier same = new DigitsClassifier().setLayers("conv3x3x4,pool2,dense16,10").setShape("28x28")
                .setDropout(new double[] {0.1, 0.2}).setAugment("shift=1,rotate=5").setEarlyStopping(1)
                .setValidationFraction(0.2).setEpochs(3).setBatchSize(64).setNumPartitions(2).setSeed(5);
        assertEquals("conv3x3x4,pool2,dense16,10", same.getLayers());
        assertEquals(1, same.getEarlyStopping());
        Model fitted = same.fit(MlFrames.asArrays(spark, folder)).model();
        assertEquals(cli.spec(), fitted.spec());
        assertArrayEquals(cli.params(), fitted.params(), "conv layers, dropout, augmentation and early stopping");
        assertEquals(cli.info().get("earlyStopping"), fitted.info().get("earlyStopping"));
    }

    @Test
    void earlyStoppingWithoutAValidationFractionIsRefused() {
        DigitsClassifier c = new DigitsClassifier().setEarlyStopping(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::config);
        assertTrue(e.getMessage().contains("validationFraction"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DigitsClassifier().setLayers("conv3x3,10"));
        assertThrows(IllegalArgumentException.class, () -> new DigitsClassifier().setAugment("spin=3"));
    }

    @Test
    void transformAddsTheCliScoresAndEvaluates() {
        Dataset<Row> scored = model.transform(test);
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
        assertTrue(accuracy > 0.6, "accuracy " + accuracy + " on 500 test rows; chance is 0.1");

        Model m = model.model();
        Predictor cli = new Predictor(m.spec(), m.params(), m.inputScale());
        for (Row row : scored.select("features", "probability", "prediction").limit(50).collectAsList()) {
            double[] x = ((Vector) row.get(0)).toArray();
            float[] in = cli.inputBuffer();
            for (int i = 0; i < x.length; i++) {
                in[i] = (float) x[i] * m.inputScale();
            }
            float[] p = cli.probabilities(1);
            double[] got = ((Vector) row.get(1)).toArray();
            for (int k = 0; k < 10; k++) {
                assertEquals(p[k], (float) got[k], "probability of class " + k + " as the CLI scores it");
            }
            assertEquals(((Vector) row.get(1)).argmax(), row.getDouble(2));
        }
    }

    @Test
    void paramsFollowThePresetUnlessSet() {
        DigitsClassifier c = new DigitsClassifier().setPreset("sigmoid128");
        assertArrayEquals(new int[] {128, 64}, c.getHidden());
        assertEquals("sigmoid", c.getActivation());
        assertEquals(64, c.getBatchSize());
        c.setBatchSize(32).setOptimizer("momentum");
        assertEquals(32, c.getBatchSize());
        assertEquals(0.9, c.getMomentum(), "momentum chosen on a preset without one, as on the CLI");
        DigitsClassifier copy = c.copy(new org.apache.spark.ml.param.ParamMap().put(c.epochs(), 3));
        assertEquals(3, copy.getEpochs());
        assertEquals(32, copy.getBatchSize());
        assertDoesNotThrow(() -> new java.io.ObjectOutputStream(new java.io.ByteArrayOutputStream()).writeObject(c),
                "Spark can ship the stage and its validators");
        assertThrows(IllegalArgumentException.class, () -> c.setSchedule("sometimes"));
        assertThrows(IllegalArgumentException.class, () -> c.setHidden(new int[] {0}));
    }

    @Test
    void aMissingColumnIsNamedBeforeAnyJob() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> small().setFeaturesCol("pixels").fit(train));
        assertTrue(e.getMessage().contains("'pixels'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.setFeaturesCol("pixels").transform(test));
        model.setFeaturesCol("features");
        assertTrue(e.getMessage().contains("'pixels'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> small().setLabelCol("digit").fit(train));
        assertTrue(e.getMessage().contains("'digit'"), e.getMessage());
    }

    @Test
    void aWrongVectorSizeIsNamed() {
        SparkSession spark = SparkSessionExtension.spark();
        Dataset<Row> narrow = spark.sql("SELECT 1 AS label, array(1, 2, 3) AS features");
        // Arrays carry no size: the first row that is scored says what is wrong.
        Exception e = assertThrows(Exception.class, () -> model.transform(narrow).collect());
        assertTrue(rootMessage(e).contains("features column 'features' holds an array of 3 values, expected 784"),
                rootMessage(e));
        // An assembled vector declares its size: transform fails before any job.
        Dataset<Row> assembled = new org.apache.spark.ml.feature.VectorAssembler()
                .setInputCols(new String[] {"a", "b"}).setOutputCol("features")
                .transform(spark.sql("SELECT 1.0 AS a, 2.0 AS b"));
        IllegalArgumentException early = assertThrows(IllegalArgumentException.class, () -> model.transform(assembled));
        assertTrue(early.getMessage().contains("size 2 but the model expects 784"), early.getMessage());
    }

    @Test
    void aNonIntegerLabelIsNamedWithItsValue() {
        Dataset<Row> bad = train.withColumn("label",
                org.apache.spark.sql.functions.when(col("label").equalTo(3), 3.5).otherwise(col("label")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small().fit(bad));
        assertTrue(e.getMessage().contains("label column 'label': 3.5 is not an integer"), e.getMessage());
        Dataset<Row> text = train.withColumn("label", col("label").cast("string"));
        e = assertThrows(IllegalArgumentException.class, () -> small().fit(text));
        assertTrue(e.getMessage().contains("label column 'label' must be numeric"), e.getMessage());
    }

    static String rootMessage(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append(" | ");
        }
        return all.toString();
    }

    static List<Row> predictions(Dataset<Row> scored) {
        return scored.select("prediction", "probability").collectAsList();
    }
}
