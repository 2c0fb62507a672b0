package io.sparkdigits.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.model.ModelStore;
import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The stage among Spark's own: persistence in a PipelineModel, the CLI's model directory, tuning, SQL. */
@ExtendWith(SparkSessionExtension.class)
class PipelineTest {
    @TempDir
    static Path dir;
    static Dataset<Row> train;
    static Dataset<Row> test;

    @BeforeAll
    static void read() {
        SparkSession spark = SparkSessionExtension.spark();
        train = spark.read().option("header", "true").option("inferSchema", "true").csv(TestData.TRAIN.toString()).cache();
        test = spark.read().option("header", "true").option("inferSchema", "true").csv(TestData.TEST.toString()).cache();
    }

    static Pipeline pipeline() {
        return pipeline(new DigitsClassifier().setHidden(new int[] {8}).setEpochs(2).setBatchSize(100).setNumPartitions(2));
    }

    static Pipeline pipeline(DigitsClassifier digits) {
        String[] pixels = java.util.Arrays.stream(train.columns()).filter(c -> !c.equals("label")).toArray(String[]::new);
        return new Pipeline().setStages(new PipelineStage[] {
            new VectorAssembler().setInputCols(pixels).setOutputCol("features"), digits});
    }

    @Test
    void aSavedPipelineModelLoadsAndPredictsIdentically() throws Exception {
        PipelineModel fitted = pipeline().fit(train);
        Path saved = dir.resolve("pipeline");
        fitted.write().save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());
        DigitsClassificationModel stage = assertInstanceOf(DigitsClassificationModel.class, loaded.stages()[1]);
        assertEquals(fitted.stages()[1].uid(), stage.uid());
        assertArrayEquals(((DigitsClassificationModel) fitted.stages()[1]).model().params(), stage.model().params());
        assertEquals(scores(fitted.transform(test)), scores(loaded.transform(test)));

        // The stage keeps our model directory, which the CLI reads as it is.
        Path stageDir;
        try (var dirs = Files.list(saved.resolve("stages"))) {
            stageDir = dirs.filter(p -> p.getFileName().toString().startsWith("1_")).findFirst().orElseThrow();
        }
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", stageDir.resolve("model").toString(),
                "--data", TestData.TEST.toString());
        assertEquals(0, r.code(), r.toString());
        // The stage directory itself is a --model too.
        Cli.Result direct = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", stageDir.toString(),
                "--data", TestData.TEST.toString(), "--report", dir.resolve("stage-eval.json").toString());
        assertEquals(0, direct.code(), direct.toString());
        // The pipeline is not: its other stages would be skipped, so the error names the stage to give.
        Cli.Result pipeline = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", saved.toString(),
                "--data", TestData.TEST.toString(), "--report", dir.resolve("pipeline-eval.json").toString());
        assertEquals(2, pipeline.code(), pipeline.toString());
        assertTrue(pipeline.err().contains(stageDir.getFileName().toString()), pipeline.toString());
    }

    @Test
    void anEstimatorSavesAndLoadsItsParams() throws Exception {
        DigitsClassifier c = new DigitsClassifier().setPreset("relu10").setHidden(new int[] {32, 16}).setSeed(5L);
        Path saved = dir.resolve("estimator");
        c.save(saved.toString());
        DigitsClassifier back = DigitsClassifier.load(saved.toString());
        assertEquals(c.uid(), back.uid());
        assertEquals("relu10", back.getPreset());
        assertArrayEquals(new int[] {32, 16}, back.getHidden());
        assertEquals(5L, back.getSeed());
        assertFalse(back.isSet(back.epochs()), "an unset Param stays the preset's");
        assertEquals(500, back.getEpochs());
    }

    @Test
    void loadReadsAModelDirectoryWrittenByTrain() throws Exception {
        Path cli = dir.resolve("cli-model");
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "train", "--train", TestData.TRAIN.toString(),
                "--model", cli.toString(), "--hidden", "8", "--epochs", "1", "--batch-size", "100");
        assertEquals(0, r.code(), r.toString());
        DigitsClassificationModel m = DigitsClassificationModel.load(cli.toString());
        assertArrayEquals(ModelStore.load(cli.toString(), new Configuration()).params(), m.model().params());
        Dataset<Row> scored = m.transform(MlFrames.assembled(SparkSessionExtension.spark(), TestData.TEST));
        assertEquals(500, scored.where("prediction >= 0").count());
    }

    @Test
    void crossValidatorPicksAModel() {
        DigitsClassifier digits = new DigitsClassifier().setHidden(new int[] {8}).setBatchSize(100).setLearningRate(0.01)
                .setNumPartitions(2);
        ParamMap[] grid = new ParamGridBuilder().addGrid(digits.epochs(), new int[] {1, 3}).build();
        CrossValidator cv = new CrossValidator().setEstimator(pipeline(digits))
                .setEstimatorParamMaps(grid).setNumFolds(2).setSeed(1)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"));
        CrossValidatorModel best = cv.fit(train.limit(600));
        assertEquals(2, best.avgMetrics().length);
        // Three epochs learn more than one on the same rows.
        assertTrue(best.avgMetrics()[1] > best.avgMetrics()[0], java.util.Arrays.toString(best.avgMetrics()));
        PipelineModel chosen = (PipelineModel) best.bestModel();
        assertEquals(3, ((DigitsClassifier) ((DigitsClassificationModel) chosen.stages()[1]).parent()).getEpochs());
    }

    @Test
    void trainValidationSplitPicksAModel() {
        DigitsClassifier digits = new DigitsClassifier().setEpochs(2).setBatchSize(100).setNumPartitions(2);
        ParamMap[] grid = new ParamGridBuilder().addGrid(digits.hidden(),
                scala.jdk.javaapi.CollectionConverters.asScala(List.of(new int[] {4}, new int[] {16}))).build();
        TrainValidationSplitModel best = new TrainValidationSplit().setEstimator(pipeline(digits))
                .setEstimatorParamMaps(grid).setTrainRatio(0.75).setSeed(1)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
                .fit(train.limit(600));
        assertEquals(2, best.validationMetrics().length);
        assertTrue(java.util.Arrays.stream(best.validationMetrics()).allMatch(a -> a > 0.1),
                java.util.Arrays.toString(best.validationMetrics()));
        assertInstanceOf(DigitsClassificationModel.class, ((PipelineModel) best.bestModel()).stages()[1]);
    }

    @Test
    void sqlFunctionsEqualTransform() {
        SparkSession spark = SparkSessionExtension.spark();
        PipelineModel fitted = pipeline().fit(train);
        DigitsClassificationModel model = (DigitsClassificationModel) fitted.stages()[1];
        Dataset<Row> scored = fitted.transform(test).withColumn("pixels",
                org.apache.spark.ml.functions.vector_to_array(org.apache.spark.sql.functions.col("features"), "float64"));
        scored.createOrReplaceTempView("scored");
        DigitsFunctions.register(spark, "digit", model);
        List<Row> rows = spark.sql("SELECT prediction, probability, digit(features) AS d,"
                + " digit_probability(features) AS p, digit(pixels) AS da FROM scored").collectAsList();
        assertEquals(500, rows.size());
        for (Row row : rows) {
            assertEquals(row.getDouble(0), row.getInt(2));
            assertEquals(row.get(1), row.get(3));
            assertEquals(row.getInt(2), row.getInt(4), "an array argument scores as its vector");
        }
    }

    private static List<Row> scores(Dataset<Row> scored) {
        return scored.select("rawPrediction", "probability", "prediction").collectAsList();
    }
}
