package io.sparkdigits.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Zero-skipping finds exactly the terms that are non-zero ({@code != 0f}) in some row of a block. */
class LiveTermsTest {
    private static final float[] SPECIAL = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.NaN, 1f, -2f,
        Float.NEGATIVE_INFINITY};

    /** Mostly zeros (both signs), with every special value somewhere. */
    private static float[] sparse(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(4) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (r.nextBoolean() ? 0f : -0f);
        }
        return a;
    }

    private static int[] expected(float[] a, int base, int aRow, int aCol, int rows, int depth) {
        return java.util.stream.IntStream.range(0, depth)
                .filter(p -> java.util.stream.IntStream.range(0, rows).anyMatch(r -> a[base + r * aRow + p * aCol] != 0f))
                .toArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void findMatchesTheDefinitionInBothLayouts(int rows) {
        int depth = 37;
        int width = 41;
        float[] a = sparse(rows * depth * width, rows);
        int[] live = new int[depth];
        for (int base : new int[] {0, 5}) {
            // rows contiguous in p (a forward pass), and p strided (a transposed operand)
            int count = LiveTerms.find(a, base, depth, 1, rows, depth, live);
            assertArrayEquals(expected(a, base, depth, 1, rows, depth), Arrays.copyOf(live, count));
            count = LiveTerms.find(a, base, 1, width, rows, depth, live);
            assertArrayEquals(expected(a, base, 1, width, rows, depth), Arrays.copyOf(live, count));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theFinderStopsLookingOnlyWhenTheFirstBlockIsDense(boolean denseFirst) {
        int depth = 16;
        float[] a = new float[3 * 4 * depth];
        for (int p = 0; p < depth; p++) {
            a[p] = denseFirst || p % 2 == 0 ? 1f : 0f; // first block: row 0 alone decides
            a[4 * depth + p] = p == 3 ? 1f : 0f; // second block: one live term
        }
        LiveTerms.Finder finder = new LiveTerms.Finder(depth);
        int first = finder.next(a, 0, depth, 1, 4);
        assertEquals(denseFirst ? depth : depth / 2, first);
        int second = finder.next(a, 4 * depth, depth, 1, 4);
        if (denseFirst) {
            assertEquals(depth, second, "every term once the first block was dense");
            assertArrayEquals(java.util.stream.IntStream.range(0, depth).toArray(), finder.live());
        } else {
            assertEquals(1, second);
            assertEquals(3, finder.live()[0]);
        }
        assertEquals(denseFirst ? depth : 0, finder.next(a, 8 * depth, depth, 1, 4), "an all-zero third block");
    }
}
