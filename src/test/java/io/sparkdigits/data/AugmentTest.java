package io.sparkdigits.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Image distortions: their syntax, that the identity changes nothing, and what a shift does. */
class AugmentTest {
    private static float[] square(int h, int w) {
        float[] x = new float[h * w];
        for (int y = 3; y < 7; y++) {
            for (int c = 4; c < 8; c++) {
                x[y * w + c] = 1f;
            }
        }
        return x;
    }

    @Test
    void parsesAndPrintsTheSyntax() {
        assertNull(Augment.parse("none"));
        Augment a = Augment.parse("shift=2,rotate=10,scale=0.1,elastic");
        assertEquals(new Augment(2, 10, 0.1, true, 34, 4), a);
        assertEquals(a, Augment.parse(a.toString()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Augment.parse("shear=3")).getMessage()
                .contains("unknown augmentation 'shear=3'"));
        assertThrows(IllegalArgumentException.class, () -> Augment.parse("shift=x"));
        assertThrows(IllegalArgumentException.class, () -> Augment.parse("scale=1.5"));
    }

    @Test
    void noDistortionLeavesTheImage() {
        float[] x = square(12, 12);
        float[] before = x.clone();
        Augment none = new Augment(0, 0, 0, false, 34, 4);
        none.apply(x, 1, new long[] {7}, none.scratch(12, 12, 1));
        assertArrayEquals(before, x);
    }

    @Test
    void sameSeedSameImageAndOtherSeedsDiffer() {
        Augment a = Augment.parse("shift=2,rotate=15,scale=0.1,elastic,alpha=8,sigma=3");
        Augment.Scratch s = a.scratch(12, 12, 1);
        float[] x1 = square(12, 12);
        float[] x2 = square(12, 12);
        float[] x3 = square(12, 12);
        a.apply(x1, 1, new long[] {5}, s);
        a.apply(x2, 1, new long[] {5}, s);
        a.apply(x3, 1, new long[] {6}, s);
        assertArrayEquals(x1, x2);
        assertFalse(Arrays.equals(x1, x3));
        for (float v : x1) {
            assertTrue(v >= 0f && v <= 1f, "bilinear samples stay within the source's range: " + v);
        }
    }

    @Test
    void anIntegerShiftMovesEveryPixel() {
        // shift=1 draws dx, dy in (-1, 1); find a seed whose draw we can check by moving the square back.
        Augment a = new Augment(3, 0, 0, false, 34, 4);
        float[] x = square(12, 12);
        a.apply(x, 1, new long[] {11}, a.scratch(12, 12, 1));
        double mass = 0;
        double cy = 0;
        double cx = 0;
        for (int y = 0; y < 12; y++) {
            for (int c = 0; c < 12; c++) {
                mass += x[y * 12 + c];
                cy += y * x[y * 12 + c];
                cx += c * x[y * 12 + c];
            }
        }
        assertEquals(16, mass, 1e-4, "a shift inside the frame keeps the mass");
        assertTrue(Math.abs(cy / mass - 4.5) > 0.01 || Math.abs(cx / mass - 5.5) > 0.01, "the square moved");
        assertTrue(Math.abs(cy / mass - 4.5) <= 3 && Math.abs(cx / mass - 5.5) <= 3, "by at most the shift");
    }

    @Test
    void channelsMoveTogether() {
        Augment a = Augment.parse("shift=2,rotate=20");
        float[] gray = square(10, 10);
        float[] rgb = new float[300];
        for (int i = 0; i < 100; i++) {
            rgb[3 * i] = gray[i];
            rgb[3 * i + 1] = gray[i] / 2;
            rgb[3 * i + 2] = 0;
        }
        a.apply(gray, 1, new long[] {3}, a.scratch(10, 10, 1));
        a.apply(rgb, 1, new long[] {3}, a.scratch(10, 10, 3));
        for (int i = 0; i < 100; i++) {
            assertEquals(gray[i], rgb[3 * i], 1e-6);
            assertEquals(gray[i] / 2, rgb[3 * i + 1], 1e-6);
        }
    }

    /**
     * The warp reads a zero-bordered copy with clamped corners instead of testing every read
     * against the edges: it must give the plain formula's bits, here on images whose edges are
     * not blank (unlike MNIST's), in one and three channels, with maps reaching far outside.
     */
    @Test
    void theWarpIsPlainBilinearSamplingToTheBit() {
        SplittableRandom values = new SplittableRandom(1);
        for (String spec : new String[] {"shift=3,rotate=30,scale=0.5", "shift=1,rotate=5", "elastic,alpha=300,sigma=2"}) {
            Augment a = Augment.parse(spec);
            for (int c : new int[] {1, 3}) {
                Augment.Scratch s = a.scratch(9, 11, c);
                for (long seed = 0; seed < 20; seed++) {
                    float[] source = new float[9 * 11 * c];
                    for (int i = 0; i < source.length; i++) {
                        source[i] = (float) values.nextDouble(-2, 2);
                    }
                    float[] x = source.clone();
                    a.applyThroughMap(x, 1, new long[] {seed}, s);
                    assertArrayEquals(bilinear(source, 9, 11, c, s.mapX, s.mapY), x, spec + " c=" + c + " seed " + seed);
                    float[] fast = source.clone();
                    a.apply(fast, 1, new long[] {seed}, s);
                    assertBitsEqual(x, fast, spec + " c=" + c + " seed " + seed);
                }
            }
        }
    }

    /**
     * The affine path samples only the part of each row that can reach the image's non-zero box:
     * on images mostly blank, with the box anywhere (touching an edge or a corner, one pixel,
     * none at all, or all of the image), with -0 and NaN pixels, distortions up to the limits,
     * it must write the full computation's bits, zeros included.
     */
    @Test
    void sparseImagesGetTheFullComputationsBits() {
        SplittableRandom values = new SplittableRandom(7);
        String[] specs = {"shift=1,rotate=5", "shift=3,rotate=30,scale=0.5", "rotate=180", "rotate=90",
                "shift=64,rotate=180,scale=0.9", "scale=0.99", "shift=0.5"};
        int computed = 0;
        for (String spec : specs) {
            Augment a = Augment.parse(spec);
            for (int c : new int[] {1, 3}) {
                Augment.Scratch s = a.scratch(28, 28, c);
                for (int image = 0; image < 200; image++) {
                    float[] source = sparseImage(values, 28, 28, c, image);
                    long seed = values.nextLong();
                    float[] full = source.clone();
                    a.applyThroughMap(full, 1, new long[] {seed}, s);
                    float[] fast = source.clone();
                    a.apply(fast, 1, new long[] {seed}, s);
                    assertBitsEqual(full, fast, spec + " c=" + c + " image " + image);
                    computed++;
                }
            }
        }
        assertEquals(specs.length * 2 * 200, computed);
    }

    /** A blank image with a box of random values: where and how big depends on {@code image}. */
    private static float[] sparseImage(SplittableRandom values, int h, int w, int c, int image) {
        float[] x = new float[h * w * c];
        if (image % 10 == 0) {
            return x;
        }
        int top = image % 10 == 1 ? 0 : values.nextInt(h);
        int left = image % 10 == 2 ? 0 : values.nextInt(w);
        int bottom = image % 10 == 3 ? h - 1 : image % 10 == 4 ? top : values.nextInt(top, h);
        int right = image % 10 == 5 ? w - 1 : image % 10 == 4 ? left : values.nextInt(left, w);
        for (int y = top; y <= bottom; y++) {
            for (int col = left; col <= right; col++) {
                for (int ch = 0; ch < c; ch++) {
                    double u = values.nextDouble();
                    x[(y * w + col) * c + ch] = u < 0.4 ? 0f : u < 0.42 ? -0f : u < 0.43 && image % 10 == 6
                            ? Float.NaN : (float) values.nextDouble(-1, 1);
                }
            }
        }
        return x;
    }

    private static void assertBitsEqual(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                assertEquals(expected[i], actual[i], what + ": pixel value " + i + " (bits differ)");
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), what + ": pixel value " + i);
            }
        }
    }

    private static float[] bilinear(float[] src, int h, int w, int c, float[] mapX, float[] mapY) {
        float[] out = new float[src.length];
        for (int at = 0; at < h * w; at++) {
            int x0 = (int) Math.floor(mapX[at]);
            int y0 = (int) Math.floor(mapY[at]);
            float fx = mapX[at] - x0;
            float fy = mapY[at] - y0;
            for (int ch = 0; ch < c; ch++) {
                out[at * c + ch] = (1 - fy) * ((1 - fx) * at(src, h, w, c, y0, x0, ch) + fx * at(src, h, w, c, y0, x0 + 1, ch))
                        + fy * ((1 - fx) * at(src, h, w, c, y0 + 1, x0, ch) + fx * at(src, h, w, c, y0 + 1, x0 + 1, ch));
            }
        }
        return out;
    }

    private static float at(float[] src, int h, int w, int c, int y, int x, int ch) {
        return y < 0 || y >= h || x < 0 || x >= w ? 0f : src[(y * w + x) * c + ch];
    }
}
