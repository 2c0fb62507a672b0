package io.sparkdigits.train;

/** Computes one step's summed gradient over the global mini-batch: on Spark, or in this JVM. */
public interface GradientSource {
    GradientSum gradient(float[] params, int epoch, int step);
}
