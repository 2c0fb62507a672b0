package io.sparkdigits.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The masks are SplittableRandom's floats compared with the rate, written out: they must stay the
 * same bits as that loop's, or every saved seed would train another model.
 */
class DropoutTest {
    private static float[] reference(long seed, float rate, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        float keep = 1f / (1f - rate);
        float[] f = new float[n];
        for (int k = 0; k < n; k++) {
            f[k] = random.nextFloat() < rate ? 0f : keep;
        }
        return f;
    }

    @Test
    void aRowsMasksAreSplittableRandomsFloatsBelowTheRate() {
        float[] rates = {0.1f, 0.2f, 0.5f, 1f / 3, 0x1.0p-24f, 3e-8f, 0.999f, 0.75f};
        for (float rate : rates) {
            for (long seed : new long[] {0, 1, -1, 42, Long.MIN_VALUE, 0x9E3779B97F4A7C15L}) {
                float[] out = new float[1000 + 3];
                Dropout.drawRow(seed, Dropout.dropBelow(rate), 1f / (1f - rate), out, 3, 1000);
                float[] expected = reference(seed, rate, 1000);
                float[] got = java.util.Arrays.copyOfRange(out, 3, 1003);
                assertArrayEquals(expected, got, "rate " + rate + " seed " + seed);
            }
        }
    }

    @Test
    void theVectorDrawsAreTheScalarLoopsToTheBit() {
        assertEquals("io.sparkdigits.nn.VectorMaskDraw", Dropout.Draws.CHOSEN.getClass().getName(),
                "the test JVM has the incubator module, so the vector draws are the ones used");
        java.util.Random pick = new java.util.Random(5);
        for (float rate : new float[] {0.1f, 0.5f, 0x1.0p-24f, 0.999f}) {
            for (int n : new int[] {1, 7, 8, 9, 15, 16, 17, 128, 784, 1001}) {
                long seed = pick.nextLong();
                int off = pick.nextInt(5);
                float[] scalar = new float[off + n + 2];
                float[] vector = scalar.clone();
                java.util.Arrays.fill(scalar, -1f);
                java.util.Arrays.fill(vector, -1f);
                int drop = Dropout.dropBelow(rate);
                Dropout.Draws.SCALAR.drawRow(seed, drop, 1f / (1f - rate), scalar, off, n);
                Dropout.Draws.CHOSEN.drawRow(seed, drop, 1f / (1f - rate), vector, off, n);
                assertArrayEquals(scalar, vector, "rate " + rate + " n " + n + " seed " + seed);
                assertArrayEquals(reference(seed, rate, n), java.util.Arrays.copyOfRange(vector, off, off + n));
            }
        }
    }

    @Test
    void theThresholdSplitsTheFloatsExactly() {
        // nextFloat() is m * 2^-24 for m in [0, 2^24): m is dropped exactly when that float is below the rate.
        for (float rate : new float[] {0.1f, 0.2f, 0.5f, 0x1.0p-24f, 0x1.8p-24f, Math.nextDown(1f)}) {
            int t = Dropout.dropBelow(rate);
            assertTrue((t - 1) * 0x1.0p-24f < rate, "rate " + rate);
            assertFalse(t * 0x1.0p-24f < rate, "rate " + rate);
        }
    }

    @Test
    void eachStageDrawsFromItsOwnStreamOfTheRowsSeed() {
        NetworkSpec spec = new NetworkSpec(new int[] {20, 8, 5, 3}, Activation.RELU);
        Dropout d = Dropout.of(spec, new double[] {0.1, 0, 0.4});
        long[] seeds = {7, 8, 9};
        Dropout.Masks m = d.masks(spec, 3).draw(seeds, 3);
        assertEquals(null, m.factors(1), "a rate of 0 draws nothing");
        int[] stages = {0, 2};
        float[] rates = {0.1f, 0.4f};
        int[] widths = {20, 5};
        for (int j = 0; j < 2; j++) {
            for (int r = 0; r < 3; r++) {
                long stream = seeds[r] ^ (0x9E3779B97F4A7C15L * (stages[j] + 1));
                float[] row = java.util.Arrays.copyOfRange(m.factors(stages[j]), r * widths[j], (r + 1) * widths[j]);
                assertArrayEquals(reference(stream, rates[j], widths[j]), row, "stage " + stages[j] + " row " + r);
            }
        }
    }

    @Test
    void aRateThatRoundsToOneIsRefused() {
        NetworkSpec spec = new NetworkSpec(new int[] {4, 3, 2}, Activation.RELU);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dropout.of(spec, new double[] {0.99999999}));
        assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
        assertTrue(Dropout.of(spec, new double[] {0.9999}).any());
    }
}
