package io.sparkdigits.nn;

import java.util.Arrays;

/**
 * Forward and backward kernels of a 2-D convolution on channel-last images, lowered to the
 * {@link MatMul} of the dense layers (im2col): the patches of one image become the rows of a
 * {@code [oh*ow][kh*kw*c]} matrix, and one product with the {@code [kh*kw*c][filters]} weights
 * gives the image's {@code [oh*ow][filters]} output, which is the channel-last output image.
 *
 * <p>Shapes, per row of the batch: {@code in [h][w][c] -> out [oh][ow][filters]}. One image is
 * lowered at a time: its patch matrix (e.g. 196 x 800 floats for a 5x5x32 input at 14x14) stays in
 * cache, where lowering the whole batch would take hundreds of megabytes. Padding and ReLU zeros
 * in the patches are skipped by the {@link MatMul} like zero pixels in a dense layer.
 */
public final class Conv2d {
    private Conv2d() {
    }

    /** {@code out = conv(in) + b} for {@code rows} images; {@code cols} is scratch of {@link #colsSize}. */
    public static void forward(MatMul mm, Stage.Conv cv, float[] out, float[] in, float[] params, int wOff, int bOff,
                               int rows, float[] cols) {
        check(cv, in, out, params, wOff, bOff, rows, cols);
        int positions = cv.out().h() * cv.out().w();
        int k = cv.filters();
        int outSize = cv.outSize();
        for (int r = 0; r < rows; r++) {
            lower(cv, in, r * cv.inSize(), cols);
            int o = r * outSize;
            for (int p = 0; p < positions; p++) {
                System.arraycopy(params, bOff, out, o + p * k, k);
            }
            // out[p][k] += cols[p][patch] · W[patch][k]
            mm.multiplyAdd(out, o, k, cols, 0, cv.patch(), 1, params, wOff, k, positions, k, cv.patch());
        }
    }

    /**
     * Accumulates the parameter gradient ({@code dW += colsᵀ · dOut}, {@code db += Σ dOut}) into
     * {@code grad} and, unless {@code dIn} is null, overwrites {@code dIn} with the input delta
     * (the patch deltas {@code dOut · Wᵀ}, summed back onto the pixels they came from).
     */
    public static void backward(MatMul mm, Stage.Conv cv, float[] dIn, float[] grad, float[] dOut, float[] in,
                                float[] params, int wOff, int bOff, int rows, float[] cols) {
        check(cv, in, dOut, params, wOff, bOff, rows, cols);
        if (grad.length < params.length || (dIn != null && dIn.length < rows * cv.inSize())) {
            throw new IllegalArgumentException("gradient or input-delta buffer too small");
        }
        int positions = cv.out().h() * cv.out().w();
        int k = cv.filters();
        int patch = cv.patch();
        int outSize = cv.outSize();
        float[] dWt = new float[k * patch];
        for (int r = 0; r < rows; r++) {
            int o = r * outSize;
            for (int p = 0; p < positions; p++) {
                for (int j = 0; j < k; j++) {
                    grad[bOff + j] += dOut[o + p * k + j];
                }
            }
            lower(cv, in, r * cv.inSize(), cols);
            // dWᵀ[k][patch] += dOutᵀ[k][positions] · cols[positions][patch]. In this orientation the
            // zero-skipping works on the output deltas (most are zero behind ReLU and max pooling)
            // and the long patch rows fill the widest register tiles; colsᵀ · dOut had only k columns.
            mm.multiplyAdd(dWt, 0, patch, dOut, o, 1, k, cols, 0, patch, k, patch, positions);
        }
        for (int i = 0; i < patch; i++) {
            for (int j = 0; j < k; j++) {
                grad[wOff + i * k + j] += dWt[j * patch + i];
            }
        }
        if (dIn == null) {
            return;
        }
        Arrays.fill(dIn, 0, rows * cv.inSize(), 0f);
        float[] wt = transpose(params, wOff, patch, k);
        for (int r = 0; r < rows; r++) {
            // dCols[positions][patch] = dOut[positions][k] · Wᵀ[k][patch], then back onto the pixels
            Arrays.fill(cols, 0, positions * patch, 0f);
            mm.multiplyAdd(cols, 0, patch, dOut, r * outSize, k, 1, wt, 0, patch, positions, patch, k);
            raise(cv, cols, dIn, r * cv.inSize());
        }
    }

    /** Floats of scratch the lowering of one image needs. */
    public static int colsSize(Stage.Conv cv) {
        return cv.out().h() * cv.out().w() * cv.patch();
    }

    /**
     * im2col of one image: row {@code p = oy * ow + ox} of {@code cols} is the patch under output
     * pixel {@code (oy, ox)}, {@code [ky][kx][c]}, zeros where the patch overhangs the image.
     */
    static void lower(Stage.Conv cv, float[] in, int inOff, float[] cols) {
        Stage.Shape s = cv.in();
        Stage.Shape o = cv.out();
        int c = s.c();
        int patch = cv.patch();
        int top = cv.padTop();
        int left = cv.padLeft();
        for (int oy = 0; oy < o.h(); oy++) {
            for (int ox = 0; ox < o.w(); ox++) {
                int at = (oy * o.w() + ox) * patch;
                for (int ky = 0; ky < cv.kh(); ky++) {
                    int iy = oy * cv.stride() + ky - top;
                    int dst = at + ky * cv.kw() * c;
                    if (iy < 0 || iy >= s.h()) {
                        Arrays.fill(cols, dst, dst + cv.kw() * c, 0f);
                        continue;
                    }
                    int x0 = ox * cv.stride() - left;
                    int from = Math.max(0, -x0);
                    int to = Math.min(cv.kw(), s.w() - x0);
                    if (from > 0) {
                        Arrays.fill(cols, dst, dst + from * c, 0f);
                    }
                    if (to > from) {
                        System.arraycopy(in, inOff + (iy * s.w() + x0 + from) * c, cols, dst + from * c, (to - from) * c);
                    }
                    if (to < cv.kw()) {
                        Arrays.fill(cols, dst + Math.max(to, from) * c, dst + cv.kw() * c, 0f);
                    }
                }
            }
        }
    }

    /** col2im: adds each patch row of {@code cols} back onto the pixels it was lowered from. */
    static void raise(Stage.Conv cv, float[] cols, float[] dIn, int inOff) {
        Stage.Shape s = cv.in();
        Stage.Shape o = cv.out();
        int c = s.c();
        int patch = cv.patch();
        int top = cv.padTop();
        int left = cv.padLeft();
        for (int oy = 0; oy < o.h(); oy++) {
            for (int ox = 0; ox < o.w(); ox++) {
                int at = (oy * o.w() + ox) * patch;
                for (int ky = 0; ky < cv.kh(); ky++) {
                    int iy = oy * cv.stride() + ky - top;
                    if (iy < 0 || iy >= s.h()) {
                        continue;
                    }
                    int x0 = ox * cv.stride() - left;
                    int from = Math.max(0, -x0);
                    int to = Math.min(cv.kw(), s.w() - x0);
                    int src = at + ky * cv.kw() * c + from * c;
                    int dst = inOff + (iy * s.w() + x0 + from) * c;
                    for (int i = 0; i < (to - from) * c; i++) {
                        dIn[dst + i] += cols[src + i];
                    }
                }
            }
        }
    }

    private static float[] transpose(float[] params, int wOff, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = params[wOff + i * cols + j];
            }
        }
        return t;
    }

    private static void check(Stage.Conv cv, float[] in, float[] out, float[] params, int wOff, int bOff, int rows,
                              float[] cols) {
        if (rows < 0 || in.length < rows * cv.inSize() || out.length < rows * cv.outSize()) {
            throw new IllegalArgumentException("batch buffer smaller than rows x image");
        }
        if (wOff < 0 || bOff != wOff + cv.weights() || bOff + cv.biases() > params.length) {
            throw new IllegalArgumentException("layer slice outside the parameter array");
        }
        if (cols.length < colsSize(cv)) {
            throw new IllegalArgumentException("patch scratch smaller than " + colsSize(cv));
        }
        if (out == in || out == params || cols == in || cols == out) {
            throw new IllegalArgumentException("buffers must not alias");
        }
    }
}
