package io.sparkdigits.nn;

/**
 * {@link MatMul} in plain Java, for JVMs without the Vector API. Two rows of {@code C} share each
 * pass over a row of {@code B}, and four terms are added per pass over the two output rows, so a
 * row of {@code B} is loaded half as often and an output row a quarter as often as in one-row,
 * one-term i-k-j loops. The innermost loop is a simple stride-1 loop that C2 vectorises.
 *
 * <p>Each element is {@code c + a0·b0 + a1·b1 + ...} evaluated left to right, without fused
 * multiply-add: the same rounding as the straightforward i-k-j loop over the non-zero terms.
 */
final class ScalarMatMul implements MatMul {
    static final ScalarMatMul INSTANCE = new ScalarMatMul();

    private ScalarMatMul() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public String toString() {
        return "scalar (auto-vectorised Java loops)";
    }

    @Override
    public void multiplyAdd(float[] c, int cOff, int ldc, float[] a, int aOff, int aRow, int aCol,
                            float[] b, int bOff, int ldb, int m, int n, int depth) {
        LiveTerms.Finder finder = new LiveTerms.Finder(depth);
        int[] live = finder.live();
        int i = 0;
        for (; i + 2 <= m; i += 2) {
            int count = finder.next(a, aOff + i * aRow, aRow, aCol, 2);
            rowPair(c, cOff + i * ldc, ldc, a, aOff + i * aRow, aRow, aCol, b, bOff, ldb, n, live, count);
        }
        if (i < m) {
            int count = finder.next(a, aOff + i * aRow, aRow, aCol, 1);
            row(c, cOff + i * ldc, a, aOff + i * aRow, aCol, b, bOff, ldb, n, live, count);
        }
    }

    /** Output rows {@code c0} and {@code c0 + ldc} (length n) over the live terms, four at a time. */
    private static void rowPair(float[] c, int c0, int ldc, float[] a, int a0, int aRow, int aCol,
                                float[] b, int bOff, int ldb, int n, int[] live, int count) {
        int c1 = c0 + ldc;
        int a1 = a0 + aRow;
        int t = 0;
        for (; t + 4 <= count; t += 4) {
            int p0 = live[t], p1 = live[t + 1], p2 = live[t + 2], p3 = live[t + 3];
            float x0 = a[a0 + p0 * aCol], x1 = a[a0 + p1 * aCol], x2 = a[a0 + p2 * aCol], x3 = a[a0 + p3 * aCol];
            float y0 = a[a1 + p0 * aCol], y1 = a[a1 + p1 * aCol], y2 = a[a1 + p2 * aCol], y3 = a[a1 + p3 * aCol];
            int b0 = bOff + p0 * ldb, b1 = bOff + p1 * ldb, b2 = bOff + p2 * ldb, b3 = bOff + p3 * ldb;
            for (int j = 0; j < n; j++) {
                float w0 = b[b0 + j], w1 = b[b1 + j], w2 = b[b2 + j], w3 = b[b3 + j];
                c[c0 + j] = c[c0 + j] + x0 * w0 + x1 * w1 + x2 * w2 + x3 * w3;
                c[c1 + j] = c[c1 + j] + y0 * w0 + y1 * w1 + y2 * w2 + y3 * w3;
            }
        }
        for (; t < count; t++) {
            int p = live[t];
            float x = a[a0 + p * aCol];
            float y = a[a1 + p * aCol];
            int bp = bOff + p * ldb;
            for (int j = 0; j < n; j++) {
                float w = b[bp + j];
                c[c0 + j] = c[c0 + j] + x * w;
                c[c1 + j] = c[c1 + j] + y * w;
            }
        }
    }

    /** One output row {@code c0} (length n) over the live terms, four at a time. */
    private static void row(float[] c, int c0, float[] a, int a0, int aCol,
                            float[] b, int bOff, int ldb, int n, int[] live, int count) {
        int t = 0;
        for (; t + 4 <= count; t += 4) {
            int p0 = live[t], p1 = live[t + 1], p2 = live[t + 2], p3 = live[t + 3];
            float x0 = a[a0 + p0 * aCol], x1 = a[a0 + p1 * aCol], x2 = a[a0 + p2 * aCol], x3 = a[a0 + p3 * aCol];
            int b0 = bOff + p0 * ldb, b1 = bOff + p1 * ldb, b2 = bOff + p2 * ldb, b3 = bOff + p3 * ldb;
            for (int j = 0; j < n; j++) {
                c[c0 + j] = c[c0 + j] + x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j] + x3 * b[b3 + j];
            }
        }
        for (; t < count; t++) {
            int p = live[t];
            float x = a[a0 + p * aCol];
            int bp = bOff + p * ldb;
            for (int j = 0; j < n; j++) {
                c[c0 + j] = c[c0 + j] + x * b[bp + j];
            }
        }
    }
}
