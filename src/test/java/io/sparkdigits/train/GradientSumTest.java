package io.sparkdigits.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GradientSumTest {
    private static final int LENGTH = 500;

    private static float[][] partials(int count) {
        Random r = new Random(3);
        float[][] out = new float[count][LENGTH];
        for (float[] g : out) {
            for (int j = 0; j < LENGTH; j++) {
                g[j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
            }
        }
        return out;
    }

    private static GradientSum leaf(float[][] parts, int p) {
        return GradientSum.leaf(p, parts.length, parts[p].clone(), p * 0.1, p, 10 + p);
    }

    /** Merges the leaves as treeAggregate might: random groups, each merged in random order, then the groups. */
    private static float[] mergeRandomly(float[][] parts, Random r) {
        List<Integer> order = new ArrayList<>();
        for (int p = 0; p < parts.length; p++) {
            order.add(p);
        }
        Collections.shuffle(order, r);
        List<GradientSum> groups = new ArrayList<>();
        int at = 0;
        while (at < order.size()) {
            int size = 1 + r.nextInt(3);
            GradientSum g = new GradientSum();
            for (int i = at; i < Math.min(order.size(), at + size); i++) {
                g.merge(leaf(parts, order.get(i)));
            }
            groups.add(g);
            at += size;
        }
        Collections.shuffle(groups, r);
        GradientSum total = new GradientSum();
        groups.forEach(total::merge);
        float[] mean = new float[LENGTH];
        total.meanInto(mean);
        return mean;
    }

    @Test
    void anyMergeOrderGivesTheSameBits() {
        for (int partitions : new int[] {1, 2, 3, 5, 8, 13}) {
            float[][] parts = partials(partitions);
            Random r = new Random(partitions);
            float[] reference = mergeRandomly(parts, r);
            for (int trial = 0; trial < 30; trial++) {
                assertArrayEquals(reference, mergeRandomly(parts, r), partitions + " partitions, trial " + trial);
            }
        }
    }

    @Test
    void plainFloatSumsWouldDependOnTheOrder() {
        // The premise of the class: summing the same floats in another order changes bits.
        float[][] parts = partials(8);
        float[] forward = new float[LENGTH];
        float[] backward = new float[LENGTH];
        for (int p = 0; p < 8; p++) {
            for (int j = 0; j < LENGTH; j++) {
                forward[j] += parts[p][j];
                backward[j] += parts[7 - p][j];
            }
        }
        assertTrue(!Arrays.equals(forward, backward));
    }

    @Test
    void meanAndCountsAreRight() {
        float[][] parts = partials(5);
        GradientSum total = new GradientSum();
        for (int p = 4; p >= 0; p--) {
            total.merge(leaf(parts, p));
        }
        float[] mean = new float[LENGTH];
        total.meanInto(mean);
        long count = 10 + 11 + 12 + 13 + 14;
        for (int j = 0; j < LENGTH; j++) {
            double exact = 0;
            for (float[] g : parts) {
                exact += g[j];
            }
            assertEquals(exact / count, mean[j], Math.abs(exact / count) * 1e-5 + 1e-9);
        }
        assertEquals(1.0, total.lossSum(), 1e-12);
        assertEquals(10, total.correct());
        assertEquals(count, total.count());
    }

    @Test
    void incompleteDuplicatedOrDivergedSumsAreRefused() {
        float[][] parts = partials(3);
        GradientSum two = new GradientSum().merge(leaf(parts, 0)).merge(leaf(parts, 2));
        assertThrows(IllegalStateException.class, () -> two.meanInto(new float[LENGTH]));
        assertThrows(IllegalStateException.class, () -> two.merge(leaf(parts, 2)));
        assertThrows(DivergedException.class, () -> GradientSum.leaf(0, 1, new float[] {Float.NaN}, 0, 0, 1));
        assertThrows(DivergedException.class, () -> GradientSum.leaf(0, 1, new float[] {1f}, Double.POSITIVE_INFINITY, 0, 1));
    }
}
