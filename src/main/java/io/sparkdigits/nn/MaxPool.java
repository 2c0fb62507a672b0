package io.sparkdigits.nn;

import java.util.Arrays;

/**
 * Max pooling on channel-last images: {@code in [h][w][c] -> out [h/s][w/s][c]}, each output the
 * largest of its {@code s x s} window. The forward pass records which input won, so the backward
 * pass routes each delta to that one input without comparing again.
 */
public final class MaxPool {
    private MaxPool() {
    }

    /** Fills {@code out} and {@code argmax} (the winning input index within its row) for {@code rows} images. */
    public static void forward(Stage.Pool pool, float[] out, int[] argmax, float[] in, int rows) {
        Stage.Shape s = pool.in();
        Stage.Shape o = pool.out();
        int c = s.c();
        int k = pool.size();
        for (int r = 0; r < rows; r++) {
            int inOff = r * pool.inSize();
            int outOff = r * pool.outSize();
            for (int oy = 0; oy < o.h(); oy++) {
                for (int ox = 0; ox < o.w(); ox++) {
                    int dst = outOff + (oy * o.w() + ox) * c;
                    int first = (oy * k * s.w() + ox * k) * c;
                    for (int ch = 0; ch < c; ch++) {
                        int best = first + ch;
                        float max = in[inOff + best];
                        for (int dy = 0; dy < k; dy++) {
                            for (int dx = 0; dx < k; dx++) {
                                int at = ((oy * k + dy) * s.w() + ox * k + dx) * c + ch;
                                // Strictly greater: ties go to the first input, the same on every JVM.
                                if (in[inOff + at] > max) {
                                    max = in[inOff + at];
                                    best = at;
                                }
                            }
                        }
                        out[dst + ch] = max;
                        argmax[dst + ch] = best;
                    }
                }
            }
        }
    }

    /** Overwrites {@code dIn} with {@code dOut} routed to the inputs that won the forward pass. */
    public static void backward(Stage.Pool pool, float[] dIn, float[] dOut, int[] argmax, int rows) {
        Arrays.fill(dIn, 0, rows * pool.inSize(), 0f);
        for (int r = 0; r < rows; r++) {
            int inOff = r * pool.inSize();
            int outOff = r * pool.outSize();
            for (int i = 0; i < pool.outSize(); i++) {
                dIn[inOff + argmax[outOff + i]] += dOut[outOff + i];
            }
        }
    }
}
