package io.sparkdigits.ml;

import java.util.Arrays;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The README's "Use from Spark code" example, verbatim between the markers: {@code ReadmeExampleTest}
 * checks that the README shows exactly this code and runs it, so the example cannot rot.
 */
final class ReadmeExample {
    private ReadmeExample() {
    }

    /** What the example computes, for the test to check. */
    record Result(double accuracy, Dataset<Row> sql) {
    }

    static Result run(SparkSession spark, String trainCsv, String testCsv, String modelPath) throws Exception {
        // README begin
        Dataset<Row> train = spark.read().option("header", "true").option("inferSchema", "true").csv(trainCsv);
        Dataset<Row> test = spark.read().option("header", "true").option("inferSchema", "true").csv(testCsv);
        String[] pixels = Arrays.stream(train.columns()).filter(c -> !c.equals("label")).toArray(String[]::new);

        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new VectorAssembler().setInputCols(pixels).setOutputCol("features"),
            new DigitsClassifier().setHidden(new int[] {64}).setBatchSize(100).setEpochs(5)});
        PipelineModel model = pipeline.fit(train);

        Dataset<Row> scored = model.transform(test);
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);

        model.write().overwrite().save(modelPath);
        PipelineModel loaded = PipelineModel.load(modelPath);

        DigitsFunctions.register(spark, "digit", (DigitsClassificationModel) loaded.stages()[1]);
        loaded.stages()[0].transform(test).createOrReplaceTempView("digits");
        Dataset<Row> sql = spark.sql("SELECT label, digit(features) AS predicted FROM digits");
        // README end
        return new Result(accuracy, sql);
    }
}
