package io.sparkdigits.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MatMul} with the Vector API ({@code jdk.incubator.vector}): register tiles of four rows of
 * {@code C} by one, two or four vectors of columns, accumulated with fused multiply-add. Per live
 * term a 4x4 tile loads four vectors of a {@code B} row and four scalars of {@code A} for sixteen
 * FMAs (loads are not the bottleneck, the FMA units are meant to be), and its {@code C} block
 * stays in registers across all terms, loaded and stored once.
 *
 * <p>Each element is {@code fma(a_p, b_p, ... fma(a_0, b_0, c))} over the live terms in ascending
 * order, whatever tile or tail computes it, so a row's result does not depend on its neighbours.
 *
 * <p>Only {@link Dense} loads this class, reflectively, and only when the JVM has the incubator
 * module ({@code --add-modules=jdk.incubator.vector}); without it the class is never touched.
 */
final class VectorMatMul implements MatMul {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * A 4x4 tile holds 16 accumulators, 4 {@code B} vectors and a broadcast: it needs the 32 vector
     * registers of AVX-512; with AVX2's 16 it spills (measured on Zen 4 with -XX:UseAVX=2, 784->128
     * forward: 32 GFLOPS with 4x4 tiles, 46 with 4x2), so narrower vectors use 4x2 tiles.
     */
    private static final boolean WIDE = S.vectorBitSize() >= 512;

    /** For reflective loading by {@link Dense}. */
    public VectorMatMul() {
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String toString() {
        return "vector (" + L + " x float, " + (WIDE ? "4x4" : "4x2") + " tiles)";
    }

    @Override
    public void multiplyAdd(float[] c, int cOff, int ldc, float[] a, int aOff, int aRow, int aCol,
                            float[] b, int bOff, int ldb, int m, int n, int depth) {
        LiveTerms.Finder finder = new LiveTerms.Finder(depth);
        int[] live = finder.live();
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int count = finder.next(a, aOff + i * aRow, aRow, aCol, 4);
            fourRows(c, cOff + i * ldc, ldc, a, aOff + i * aRow, aRow, aCol, b, bOff, ldb, n, live, count);
        }
        for (; i < m; i++) {
            int count = finder.next(a, aOff + i * aRow, aRow, aCol, 1);
            oneRow(c, cOff + i * ldc, a, aOff + i * aRow, aCol, b, bOff, ldb, n, live, count);
        }
    }

    /** Rows {@code c0 + r * ldc}, r < 4, of width n: widest tiles first, a partial tile for the last n % L columns. */
    private static void fourRows(float[] c, int c0, int ldc, float[] a, int a0, int aRow, int aCol,
                                 float[] b, int bOff, int ldb, int n, int[] live, int count) {
        int j = 0;
        if (WIDE) {
            for (; j + 4 * L <= n; j += 4 * L) {
                tile4x4(c, c0 + j, ldc, a, a0, aRow, aCol, b, bOff + j, ldb, live, count);
            }
        }
        for (; j + 2 * L <= n; j += 2 * L) {
            tile4x2(c, c0 + j, ldc, a, a0, aRow, aCol, b, bOff + j, ldb, live, count);
        }
        for (; j + L <= n; j += L) {
            tile4x1(c, c0 + j, ldc, a, a0, aRow, aCol, b, bOff + j, ldb, live, count);
        }
        if (j < n) {
            tile4xPart(c, c0 + j, ldc, a, a0, aRow, aCol, b, bOff + j, ldb, live, count, n - j, new float[L]);
        }
    }

    /**
     * One row {@code c0} of width n (the last m % 4 rows): four vectors at a time, so that four
     * independent FMA chains hide the FMA latency, then one, then scalar FMA for n % L columns.
     */
    private static void oneRow(float[] c, int c0, float[] a, int a0, int aCol,
                               float[] b, int bOff, int ldb, int n, int[] live, int count) {
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            FloatVector s0 = FloatVector.fromArray(S, c, c0 + j), s1 = FloatVector.fromArray(S, c, c0 + j + L);
            FloatVector s2 = FloatVector.fromArray(S, c, c0 + j + 2 * L), s3 = FloatVector.fromArray(S, c, c0 + j + 3 * L);
            for (int t = 0; t < count; t++) {
                int p = live[t];
                int bp = bOff + p * ldb + j;
                FloatVector x = FloatVector.broadcast(S, a[a0 + p * aCol]);
                s0 = FloatVector.fromArray(S, b, bp).fma(x, s0);
                s1 = FloatVector.fromArray(S, b, bp + L).fma(x, s1);
                s2 = FloatVector.fromArray(S, b, bp + 2 * L).fma(x, s2);
                s3 = FloatVector.fromArray(S, b, bp + 3 * L).fma(x, s3);
            }
            s0.intoArray(c, c0 + j);
            s1.intoArray(c, c0 + j + L);
            s2.intoArray(c, c0 + j + 2 * L);
            s3.intoArray(c, c0 + j + 3 * L);
        }
        for (; j + L <= n; j += L) {
            FloatVector s = FloatVector.fromArray(S, c, c0 + j);
            for (int t = 0; t < count; t++) {
                int p = live[t];
                s = FloatVector.fromArray(S, b, bOff + p * ldb + j).fma(FloatVector.broadcast(S, a[a0 + p * aCol]), s);
            }
            s.intoArray(c, c0 + j);
        }
        for (; j < n; j++) {
            column(c, c0 + j, a, a0, aCol, b, bOff + j, ldb, live, count);
        }
    }

    /** The single element {@code c[at]}: its row of A at {@code a0}, its column of B from {@code b0}. */
    private static void column(float[] c, int at, float[] a, int a0, int aCol,
                               float[] b, int b0, int ldb, int[] live, int count) {
        float acc = c[at];
        for (int t = 0; t < count; t++) {
            int p = live[t];
            acc = Math.fma(a[a0 + p * aCol], b[b0 + p * ldb], acc);
        }
        c[at] = acc;
    }

    /**
     * C[4][width] at {@code c0} += A[4][live] · B[live][width], {@code width < L}. Loads read a
     * full vector where the array is long enough (the extra lanes compute garbage that is never
     * stored) and go through {@code pad} otherwise; stores go through {@code pad}. (JDK 17 does not
     * compile masked stores into masked instructions, so they are avoided.)
     */
    private static void tile4xPart(float[] c, int c0, int ldc, float[] a, int a0, int aRow, int aCol,
                                   float[] b, int b0, int ldb, int[] live, int count, int width, float[] pad) {
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector s0 = load(c, c0, width, pad);
        FloatVector s1 = load(c, c1, width, pad);
        FloatVector s2 = load(c, c2, width, pad);
        FloatVector s3 = load(c, c3, width, pad);
        for (int t = 0; t < count; t++) {
            int p = live[t];
            int ap = a0 + p * aCol;
            FloatVector w = load(b, b0 + p * ldb, width, pad);
            s0 = w.fma(FloatVector.broadcast(S, a[ap]), s0);
            s1 = w.fma(FloatVector.broadcast(S, a[ap + aRow]), s1);
            s2 = w.fma(FloatVector.broadcast(S, a[ap + 2 * aRow]), s2);
            s3 = w.fma(FloatVector.broadcast(S, a[ap + 3 * aRow]), s3);
        }
        store(s0, c, c0, width, pad);
        store(s1, c, c1, width, pad);
        store(s2, c, c2, width, pad);
        store(s3, c, c3, width, pad);
    }

    /** {@code arr[off .. off + width)} in the low lanes of a vector; the other lanes are unspecified. */
    private static FloatVector load(float[] arr, int off, int width, float[] pad) {
        if (off + L <= arr.length) {
            return FloatVector.fromArray(S, arr, off);
        }
        System.arraycopy(arr, off, pad, 0, width);
        return FloatVector.fromArray(S, pad, 0);
    }

    /** The low {@code width} lanes of {@code v} into {@code arr[off ..)}. */
    private static void store(FloatVector v, float[] arr, int off, int width, float[] pad) {
        v.intoArray(pad, 0);
        System.arraycopy(pad, 0, arr, off, width);
    }

    /** C[4][L] at {@code c0} += A[4][live] · B[live][L] at {@code b0}. */
    private static void tile4x1(float[] c, int c0, int ldc, float[] a, int a0, int aRow, int aCol,
                                float[] b, int b0, int ldb, int[] live, int count) {
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector s0 = FloatVector.fromArray(S, c, c0);
        FloatVector s1 = FloatVector.fromArray(S, c, c1);
        FloatVector s2 = FloatVector.fromArray(S, c, c2);
        FloatVector s3 = FloatVector.fromArray(S, c, c3);
        for (int t = 0; t < count; t++) {
            int p = live[t];
            int ap = a0 + p * aCol;
            FloatVector w = FloatVector.fromArray(S, b, b0 + p * ldb);
            s0 = w.fma(FloatVector.broadcast(S, a[ap]), s0);
            s1 = w.fma(FloatVector.broadcast(S, a[ap + aRow]), s1);
            s2 = w.fma(FloatVector.broadcast(S, a[ap + 2 * aRow]), s2);
            s3 = w.fma(FloatVector.broadcast(S, a[ap + 3 * aRow]), s3);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c1);
        s2.intoArray(c, c2);
        s3.intoArray(c, c3);
    }

    /** C[4][2L] at {@code c0} += A[4][live] · B[live][2L] at {@code b0}. */
    private static void tile4x2(float[] c, int c0, int ldc, float[] a, int a0, int aRow, int aCol,
                                float[] b, int b0, int ldb, int[] live, int count) {
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector s00 = FloatVector.fromArray(S, c, c0), s01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector s10 = FloatVector.fromArray(S, c, c1), s11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector s20 = FloatVector.fromArray(S, c, c2), s21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector s30 = FloatVector.fromArray(S, c, c3), s31 = FloatVector.fromArray(S, c, c3 + L);
        for (int t = 0; t < count; t++) {
            int p = live[t];
            int ap = a0 + p * aCol;
            int bp = b0 + p * ldb;
            FloatVector w0 = FloatVector.fromArray(S, b, bp), w1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            s00 = w0.fma(x, s00);
            s01 = w1.fma(x, s01);
            x = FloatVector.broadcast(S, a[ap + aRow]);
            s10 = w0.fma(x, s10);
            s11 = w1.fma(x, s11);
            x = FloatVector.broadcast(S, a[ap + 2 * aRow]);
            s20 = w0.fma(x, s20);
            s21 = w1.fma(x, s21);
            x = FloatVector.broadcast(S, a[ap + 3 * aRow]);
            s30 = w0.fma(x, s30);
            s31 = w1.fma(x, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
    }

    /** C[4][4L] at {@code c0} += A[4][live] · B[live][4L] at {@code b0}: the hot loop of every layer. */
    private static void tile4x4(float[] c, int c0, int ldc, float[] a, int a0, int aRow, int aCol,
                                float[] b, int b0, int ldb, int[] live, int count) {
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector s00 = FloatVector.fromArray(S, c, c0), s01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector s02 = FloatVector.fromArray(S, c, c0 + 2 * L), s03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector s10 = FloatVector.fromArray(S, c, c1), s11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector s12 = FloatVector.fromArray(S, c, c1 + 2 * L), s13 = FloatVector.fromArray(S, c, c1 + 3 * L);
        FloatVector s20 = FloatVector.fromArray(S, c, c2), s21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector s22 = FloatVector.fromArray(S, c, c2 + 2 * L), s23 = FloatVector.fromArray(S, c, c2 + 3 * L);
        FloatVector s30 = FloatVector.fromArray(S, c, c3), s31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector s32 = FloatVector.fromArray(S, c, c3 + 2 * L), s33 = FloatVector.fromArray(S, c, c3 + 3 * L);
        for (int t = 0; t < count; t++) {
            int p = live[t];
            int ap = a0 + p * aCol;
            int bp = b0 + p * ldb;
            FloatVector w0 = FloatVector.fromArray(S, b, bp), w1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector w2 = FloatVector.fromArray(S, b, bp + 2 * L), w3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            s00 = w0.fma(x, s00);
            s01 = w1.fma(x, s01);
            s02 = w2.fma(x, s02);
            s03 = w3.fma(x, s03);
            x = FloatVector.broadcast(S, a[ap + aRow]);
            s10 = w0.fma(x, s10);
            s11 = w1.fma(x, s11);
            s12 = w2.fma(x, s12);
            s13 = w3.fma(x, s13);
            x = FloatVector.broadcast(S, a[ap + 2 * aRow]);
            s20 = w0.fma(x, s20);
            s21 = w1.fma(x, s21);
            s22 = w2.fma(x, s22);
            s23 = w3.fma(x, s23);
            x = FloatVector.broadcast(S, a[ap + 3 * aRow]);
            s30 = w0.fma(x, s30);
            s31 = w1.fma(x, s31);
            s32 = w2.fma(x, s32);
            s33 = w3.fma(x, s33);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s03.intoArray(c, c0 + 3 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s13.intoArray(c, c1 + 3 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s23.intoArray(c, c2 + 3 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
        s33.intoArray(c, c3 + 3 * L);
    }
}
