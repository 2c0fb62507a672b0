package io.sparkdigits.ml;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * A model as SQL functions: {@code NAME(features)}, the predicted class as an INT, and
 * {@code NAME_probability(features)}, the class probabilities as a Vector. Both take a Vector or an
 * array of numbers and compute exactly what {@link DigitsClassificationModel#transform} puts in
 * {@code prediction} and {@code probability} (thresholds included).
 */
public final class DigitsFunctions {
    private DigitsFunctions() {
    }

    /** Registers {@code name} and {@code name_probability} with {@code spark}, replacing any of those names. */
    public static void register(SparkSession spark, String name, DigitsClassificationModel model) {
        DigitsClassificationModel m = model.copy(new org.apache.spark.ml.param.ParamMap());
        String what = "the argument of " + name + "()";
        String whatP = "the argument of " + name + "_probability()";
        spark.udf().register(name, (UDF1<Object, Integer>) features ->
                features == null ? null : (int) m.raw2prediction(m.raw(features, what)), DataTypes.IntegerType);
        spark.udf().register(name + "_probability", (UDF1<Object, Vector>) features ->
                features == null ? null : m.raw2probability(m.raw(features, whatP)), new VectorUDT());
    }
}
