package io.sparkdigits.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.reflect.ClassTag$;

/**
 * What a step ships survives both serializers Spark may be configured with, bit for bit, at every
 * size around the bulk-copy chunk, and a gradient sum arrives whole.
 */
class FloatPayloadTest {
    private static float[] values(int n) {
        SplittableRandom r = new SplittableRandom(n);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = Float.intBitsToFloat(r.nextInt()); // every bit pattern, NaNs and infinities included
        }
        return v;
    }

    private static <T> T roundTrip(Serializer serializer, T value, Class<T> type) {
        SerializerInstance s = serializer.newInstance();
        ByteBuffer bytes = s.serialize(value, ClassTag$.MODULE$.apply(type));
        return s.deserialize(bytes, ClassTag$.MODULE$.apply(type));
    }

    private static void assertSameBits(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "element " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 16383, 16384, 16385, 109386})
    void javaAndKryoRoundTripsKeepEveryBit(int n) {
        float[] v = values(n);
        SparkConf conf = new SparkConf();
        assertSameBits(v, roundTrip(new JavaSerializer(conf), new FloatPayload(v), FloatPayload.class).values());
        assertSameBits(v, roundTrip(new KryoSerializer(conf), new FloatPayload(v), FloatPayload.class).values());
    }

    @Test
    void aGradientSumTravelsWhole() {
        SplittableRandom r = new SplittableRandom(5);
        float[] g = new float[40000];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) r.nextGaussian();
        }
        GradientSum leaf = GradientSum.leaf(1, 2, g.clone(), 12.5, 7, 9);
        GradientSum back = roundTrip(new JavaSerializer(new SparkConf()), leaf, GradientSum.class);
        GradientSum other = GradientSum.leaf(0, 2, new float[g.length], 0.5, 1, 1);
        other.merge(back);
        assertEquals(13.0, other.lossSum());
        assertEquals(8, other.correct());
        assertEquals(10, other.count());
        float[] mean = new float[g.length];
        other.meanInto(mean);
        float[] expected = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            expected[i] = (0f + g[i]) * (float) (1.0 / 10);
        }
        assertArrayEquals(expected, mean);
    }
}
