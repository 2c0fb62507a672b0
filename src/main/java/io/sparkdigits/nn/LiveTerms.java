package io.sparkdigits.nn;

/** Which terms of a block of rows of {@code A} are worth multiplying: the zero-skipping of {@link MatMul}. */
final class LiveTerms {
    private LiveTerms() {
    }

    /**
     * Writes to {@code live[0 .. count)}, ascending, every {@code p < depth} for which
     * {@code a[base + r * aRow + p * aCol]} is non-zero for at least one {@code r < rows}, and
     * returns {@code count}. Branch-free, so the pattern of zeros costs no mispredictions.
     */
    static int find(float[] a, int base, int aRow, int aCol, int rows, int depth, int[] live) {
        int count = 0;
        for (int p = 0; p < depth; p++) {
            int at = base + p * aCol;
            boolean any = false;
            for (int r = 0; r < rows; r++) {
                any |= a[at + r * aRow] != 0f;
            }
            live[count] = p;
            count += any ? 1 : 0;
        }
        return count;
    }
}
