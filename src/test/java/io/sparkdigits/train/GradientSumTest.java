package io.sparkdigits.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GradientSumTest {

    private static List<float[]> partials(int count, int length) {
        Random r = new Random(3);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] g = new float[length];
            for (int j = 0; j < length; j++) {
                g[j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
            }
            out.add(g);
        }
        return out;
    }

    private static float[] mean(List<float[]> parts, List<Integer> order) {
        GradientSum total = new GradientSum();
        for (int i : order) {
            total.merge(GradientSum.of(parts.get(i), i, 1, 10));
        }
        float[] out = new float[parts.get(0).length];
        total.meanInto(out);
        return out;
    }

    @Test
    void sumIsTheSameInAnyOrderWhereFloatSumsAreNot() {
        List<float[]> parts = partials(8, 1000);
        List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7));
        float[] reference = mean(parts, order);
        Random r = new Random(11);
        boolean floatOrderMatters = false;
        for (int trial = 0; trial < 20; trial++) {
            Collections.shuffle(order, r);
            assertArrayEquals(reference, mean(parts, order), "order " + order);
            float[] naive = new float[1000];
            for (int i : order) {
                for (int j = 0; j < naive.length; j++) {
                    naive[j] += parts.get(i)[j];
                }
            }
            float[] naiveFirst = new float[1000];
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < naive.length; j++) {
                    naiveFirst[j] += parts.get(i)[j];
                }
            }
            floatOrderMatters |= !java.util.Arrays.equals(naive, naiveFirst);
        }
        // The premise of the class: plain float sums do depend on the order.
        assertEquals(true, floatOrderMatters);
    }

    @Test
    void meanIsCloseToTheExactMean() {
        List<float[]> parts = partials(3, 50);
        float[] got = mean(parts, List.of(0, 1, 2));
        for (int j = 0; j < 50; j++) {
            double exact = ((double) parts.get(0)[j] + parts.get(1)[j] + parts.get(2)[j]) / 30;
            assertEquals(exact, got[j], Math.abs(exact) * 1e-6 + 1e-9);
        }
    }

    @Test
    void zeroValueIsNeutralAndCountsAdd() {
        GradientSum a = GradientSum.of(new float[] {1.5f, -2f}, 3.25, 4, 7);
        GradientSum b = new GradientSum().merge(a);
        float[] m = new float[2];
        b.merge(new GradientSum());
        b.meanInto(m);
        assertArrayEquals(new float[] {1.5f / 7, -2f / 7}, m, 1e-7f);
        assertEquals(3.25, b.lossSum(), 1e-9);
        assertEquals(4, b.correct());
        assertEquals(7, b.count());
        assertNotEquals(0, m[0]);
    }

    @Test
    void nonFiniteOrHugeGradientsAreReportedAsDivergence() {
        assertThrows(DivergedException.class, () -> GradientSum.of(new float[] {Float.NaN}, 0, 0, 1));
        assertThrows(DivergedException.class, () -> GradientSum.of(new float[] {3e9f}, 0, 0, 1));
        assertThrows(DivergedException.class, () -> GradientSum.of(new float[] {1f}, Double.NaN, 0, 1));
    }
}
