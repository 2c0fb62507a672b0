package io.sparkdigits.nn;

import java.util.Optional;

/**
 * Forward and backward kernels of a fully connected layer on row-major batches, written as three
 * matrix products handed to a {@link MatMul}: {@code out = b + in · W}, {@code dW += inᵀ · dOut},
 * {@code dIn = dOut · Wᵀ}.
 *
 * <p>Shapes: {@code in} is {@code rows x nIn}, {@code out}/{@code dOut} are {@code rows x nOut},
 * the weights {@code W} are {@code nIn x nOut} at {@code params[wOff]}, the biases {@code nOut} at
 * {@code params[bOff]}. A zero input skips its weight row ({@link MatMul} skips terms that are zero
 * in a whole block of rows); MNIST images are about 80% zeros, so the first layer does a fraction
 * of the nominal work.
 *
 * <p>The {@link MatMul} is chosen once per JVM: the Vector API kernels when the JVM runs with
 * {@code --add-modules=jdk.incubator.vector} (Spark's launcher adds it), the scalar ones otherwise;
 * the system property {@value #KERNELS_PROPERTY} ({@code scalar} or {@code vector}) forces one.
 * The two round differently, so bit-for-bit reproducibility holds for one kernel path.
 */
public final class Dense {
    /** System property that forces a kernel path: {@code scalar} or {@code vector}. */
    public static final String KERNELS_PROPERTY = "spark.digits.kernels";

    private Dense() {
    }

    /** The kernels this JVM uses by default. */
    public static MatMul matMul() {
        return Chosen.MAT_MUL;
    }

    /** The plain-Java kernels, available everywhere. */
    public static MatMul scalarMatMul() {
        return ScalarMatMul.INSTANCE;
    }

    /** The Vector API kernels, if this JVM has the {@code jdk.incubator.vector} module. */
    public static Optional<MatMul> vectorMatMul() {
        return Vector.MAT_MUL;
    }

    /** {@code out = in · W + b} with the default kernels. */
    public static void forward(float[] out, float[] in, float[] params, int wOff, int bOff,
                               int rows, int nIn, int nOut) {
        forward(matMul(), out, in, params, wOff, bOff, rows, nIn, nOut);
    }

    /** {@code out = in · W + b}: out[rows][nOut] = in[rows][nIn] · W[nIn][nOut] + b[nOut]. */
    public static void forward(MatMul mm, float[] out, float[] in, float[] params, int wOff, int bOff,
                               int rows, int nIn, int nOut) {
        checkShapes(in, out, params, wOff, bOff, rows, nIn, nOut);
        if (out == in || out == params) {
            throw new IllegalArgumentException("output buffer must not alias the inputs");
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(params, bOff, out, r * nOut, nOut);
        }
        mm.multiplyAdd(out, 0, nOut, in, 0, nIn, 1, params, wOff, nOut, rows, nOut, nIn);
    }

    /** {@link #backward(MatMul, float[], float[], float[], float[], float[], int, int, int, int, int)} with the default kernels. */
    public static void backward(float[] dIn, float[] grad, float[] dOut, float[] in, float[] params,
                                int wOff, int bOff, int rows, int nIn, int nOut) {
        backward(matMul(), dIn, grad, dOut, in, params, wOff, bOff, rows, nIn, nOut);
    }

    /**
     * Accumulates the parameter gradient ({@code dW += inᵀ · dOut}, {@code db += Σ dOut}) into
     * {@code grad} (same layout as {@code params}) and, unless {@code dIn} is null, overwrites
     * {@code dIn = dOut · Wᵀ}.
     */
    public static void backward(MatMul mm, float[] dIn, float[] grad, float[] dOut, float[] in, float[] params,
                                int wOff, int bOff, int rows, int nIn, int nOut) {
        backward(mm, dIn, grad, dOut, in, params, wOff, bOff, rows, nIn, nOut, null);
    }

    /**
     * As above, with {@code wt} ({@code nIn x nOut} floats at least, or null for a new array) as
     * the scratch that holds {@code Wᵀ}: a training step would otherwise allocate it for every
     * chunk and layer, megabytes a step that the collector must clear and, in a cold JVM, the
     * operating system first map.
     */
    public static void backward(MatMul mm, float[] dIn, float[] grad, float[] dOut, float[] in, float[] params,
                                int wOff, int bOff, int rows, int nIn, int nOut, float[] wt) {
        checkShapes(in, dOut, params, wOff, bOff, rows, nIn, nOut);
        if (grad.length < params.length || (dIn != null && dIn.length < rows * nIn)) {
            throw new IllegalArgumentException("gradient or input-delta buffer too small");
        }
        if (dIn == grad || dIn == dOut || dIn == in || dIn == params || grad == dOut || grad == in) {
            throw new IllegalArgumentException("output buffers must not alias the inputs");
        }
        // db[nOut] += Σ_r dOut[r][nOut]
        for (int r = 0; r < rows; r++) {
            int o = r * nOut;
            for (int j = 0; j < nOut; j++) {
                grad[bOff + j] += dOut[o + j];
            }
        }
        // dW[nIn][nOut] += inᵀ[nIn][rows] · dOut[rows][nOut]: A(k, r) = in[r * nIn + k]
        mm.multiplyAdd(grad, wOff, nOut, in, 0, 1, nIn, dOut, 0, nOut, nIn, nOut, rows);
        if (dIn != null) {
            // dIn[rows][nIn] = dOut[rows][nOut] · Wᵀ[nOut][nIn], with Wᵀ copied so that B is row-major
            java.util.Arrays.fill(dIn, 0, rows * nIn, 0f);
            float[] t = transpose(params, wOff, nIn, nOut, wt == null || wt.length < nIn * nOut ? new float[nIn * nOut] : wt);
            mm.multiplyAdd(dIn, 0, nIn, dOut, 0, nOut, 1, t, 0, nIn, rows, nIn, nOut);
        }
    }

    /**
     * {@code Wᵀ[nOut][nIn]} of {@code W[nIn][nOut]} at {@code params[wOff]}, into {@code t}. Four rows of W per
     * pass: four sequential read streams, and each write fills 16 contiguous bytes of a row of Wᵀ
     * (measured twice as fast as 8x8 blocks for 784x128).
     */
    private static float[] transpose(float[] params, int wOff, int nIn, int nOut, float[] t) {
        int k = 0;
        for (; k + 4 <= nIn; k += 4) {
            int w0 = wOff + k * nOut, w1 = w0 + nOut, w2 = w1 + nOut, w3 = w2 + nOut;
            for (int j = 0; j < nOut; j++) {
                int at = j * nIn + k;
                t[at] = params[w0 + j];
                t[at + 1] = params[w1 + j];
                t[at + 2] = params[w2 + j];
                t[at + 3] = params[w3 + j];
            }
        }
        for (; k < nIn; k++) {
            for (int j = 0; j < nOut; j++) {
                t[j * nIn + k] = params[wOff + k * nOut + j];
            }
        }
        return t;
    }

    private static void checkShapes(float[] in, float[] out, float[] params, int wOff, int bOff,
                                    int rows, int nIn, int nOut) {
        if (rows < 0 || nIn < 1 || nOut < 1 || in.length < rows * nIn || out.length < rows * nOut) {
            throw new IllegalArgumentException("batch buffer smaller than rows x width");
        }
        if (wOff < 0 || bOff != wOff + nIn * nOut || bOff + nOut > params.length) {
            throw new IllegalArgumentException("layer slice outside the parameter array");
        }
    }

    /** The default kernels, resolved on first use. */
    private static final class Chosen {
        static final MatMul MAT_MUL = choose(System.getProperty(KERNELS_PROPERTY, ""));

        private static MatMul choose(String wanted) {
            return switch (wanted) {
                case "" -> Vector.MAT_MUL.orElse(ScalarMatMul.INSTANCE);
                case "scalar" -> ScalarMatMul.INSTANCE;
                case "vector" -> Vector.MAT_MUL.orElseThrow(() -> new IllegalStateException(
                        KERNELS_PROPERTY + "=vector, but this JVM was started without --add-modules=jdk.incubator.vector"));
                default -> throw new IllegalArgumentException(
                        KERNELS_PROPERTY + " must be scalar or vector, not '" + wanted + "'");
            };
        }
    }

    /**
     * The Vector API kernels, loaded by name so that no class referring to the incubator module is
     * linked when the module is absent.
     */
    private static final class Vector {
        static final Optional<MatMul> MAT_MUL = load();

        private static Optional<MatMul> load() {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of((MatMul) Class.forName("io.sparkdigits.nn.VectorMatMul")
                        .getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot load the Vector API kernels", e);
            }
        }
    }
}
