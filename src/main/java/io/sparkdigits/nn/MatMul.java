package io.sparkdigits.nn;

/**
 * The one arithmetic kernel under {@link Dense}: {@code C += A · B} on row-major slices of float
 * arrays. Forward is {@code out += in · W}, the weight gradient {@code dW += inᵀ · dOut} and the
 * input delta {@code dIn += dOut · Wᵀ}; {@code A} is addressed through two strides so that
 * {@code inᵀ} needs no copy.
 *
 * <p>Implementations are single-threaded and deterministic: every element of {@code C} receives
 * its terms in ascending {@code p}, so the same arguments give the same bits on the same machine.
 * Two implementations of this interface may round differently.
 *
 * <p>A term whose {@code A(i, p)} is zero may be skipped (MNIST inputs are about 80% zeros). With
 * finite {@code B} that changes nothing but, at most, the sign of a zero result.
 */
public interface MatMul {

    /**
     * {@code c[i][j] += Σ_p A(i, p) · b[p][j]} for {@code i < m}, {@code j < n}, {@code p < depth},
     * where {@code A(i, p) = a[aOff + i * aRow + p * aCol]}, {@code b[p][j] = b[bOff + p * ldb + j]}
     * and {@code c[i][j] = c[cOff + i * ldc + j]}. {@code c} must not overlap {@code a} or {@code b}.
     * Bounds are the caller's job: {@link Dense} checks them.
     */
    void multiplyAdd(float[] c, int cOff, int ldc, float[] a, int aOff, int aRow, int aCol,
                     float[] b, int bOff, int ldb, int m, int n, int depth);

    /** {@code scalar} or {@code vector}, as in the {@code spark.digits.kernels} property. */
    String name();
}
