package io.sparkdigits.nn;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Inverted dropout (Srivastava et al. 2014) on the inputs of dense stages: while training, each
 * input is zeroed with probability {@code p} and the survivors are scaled by {@code 1 / (1 - p)},
 * so inference uses the weights as they are. The rates are given for the dense stages in order
 * (the first for the input of the first dense stage: the pixels of an MLP, the flattened features
 * of a convolutional network).
 *
 * <p>A row's masks come from its own seed, which the trainer derives from the run's seed, the
 * epoch, the step and the row, so they do not depend on which thread or executor computes it.
 */
public final class Dropout implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Rate per stage of the network; 0 where there is no dropout. */
    private final float[] rates;

    private Dropout(float[] rates) {
        this.rates = rates;
    }

    /**
     * @param denseRates rates for the dense stages in order, each in [0, 1); fewer than the dense
     *                   stages leaves the rest without dropout
     */
    public static Dropout of(NetworkSpec spec, double[] denseRates) {
        List<Stage> stages = spec.stages();
        float[] rates = new float[stages.size()];
        int d = 0;
        for (int i = 0; i < stages.size() && d < denseRates.length; i++) {
            if (stages.get(i) instanceof Stage.Dense) {
                double r = denseRates[d++];
                if (!isRate(r)) {
                    throw new IllegalArgumentException("a dropout rate must be in [0, 1), got " + r);
                }
                rates[i] = (float) r;
            }
        }
        if (d < denseRates.length) {
            throw new IllegalArgumentException(denseRates.length + " dropout rates for a network with " + d
                    + " dense layers");
        }
        return new Dropout(rates);
    }

    /**
     * Whether {@code r} is a dropout rate: in [0, 1) as the float it is kept as (0.99999999
     * rounds to 1f, whose keep-factor is infinite). The one test the CLI and the API share.
     */
    public static boolean isRate(double r) {
        return r >= 0 && (float) r < 1;
    }

    /** Whether any stage drops anything. */
    public boolean any() {
        for (float r : rates) {
            if (r > 0) {
                return true;
            }
        }
        return false;
    }

    /** Per-chunk masks and scratch for one thread. */
    public Masks masks(NetworkSpec spec, int capacity) {
        return new Masks(spec, capacity);
    }

    /** The scaled keep-factors of one chunk of rows, and the dropped inputs the forward pass saw. */
    public final class Masks {
        private final float[][] factors;
        private final float[][] applied;
        private final int[] widths;

        private Masks(NetworkSpec spec, int capacity) {
            List<Stage> stages = spec.stages();
            factors = new float[stages.size()][];
            applied = new float[stages.size()][];
            widths = new int[stages.size()];
            for (int i = 0; i < stages.size(); i++) {
                widths[i] = stages.get(i).inSize();
                if (rates[i] > 0) {
                    factors[i] = new float[capacity * widths[i]];
                    applied[i] = new float[capacity * widths[i]];
                }
            }
        }

        /** Draws the masks of {@code rows} rows, row {@code r} from {@code rowSeeds[r]}. */
        public Masks draw(long[] rowSeeds, int rows) {
            for (int i = 0; i < factors.length; i++) {
                if (factors[i] != null) {
                    float keep = 1f / (1f - rates[i]);
                    int drop = dropBelow(rates[i]);
                    long stream = 0x9E3779B97F4A7C15L * (i + 1);
                    for (int r = 0; r < rows; r++) {
                        Draws.CHOSEN.drawRow(rowSeeds[r] ^ stream, drop, keep, factors[i], r * widths[i], widths[i]);
                    }
                }
            }
            return this;
        }

        boolean active(int stage) {
            return factors[stage] != null;
        }

        /** The input of {@code stage} with its mask applied, in a buffer of its own. */
        float[] apply(int stage, float[] in, int n) {
            float[] f = factors[stage];
            float[] out = applied[stage];
            for (int k = 0; k < n; k++) {
                out[k] = in[k] * f[k];
            }
            return out;
        }

        /** The keep-factors of {@code stage}'s input (0 or {@code 1 / (1 - p)}), or null if it has no dropout. */
        float[] factors(int stage) {
            return factors[stage];
        }

        float[] applied(int stage) {
            return applied[stage];
        }

        /** The delta of the dropped input, turned into the delta of the input before dropout. */
        void backward(int stage, float[] delta, int n) {
            float[] f = factors[stage];
            for (int k = 0; k < n; k++) {
                delta[k] *= f[k];
            }
        }
    }

    /**
     * The masks of one row: {@code new SplittableRandom(seed)}'s floats, written out. Its
     * {@code nextFloat()} is the top 24 bits of {@code nextInt()} times 2^-24, and a float of
     * that form is below {@code rate} exactly when those 24 bits are below {@link #dropBelow},
     * so the factors are the same as that loop's, to the bit, at a fraction of the cost: the
     * draws are the larger part of a dropout network's step after its matrix products.
     */
    static void drawRow(long seed, int dropBelow, float keep, float[] out, int off, int n) {
        long z = seed;
        for (int k = 0; k < n; k++) {
            z += GOLDEN_GAMMA;
            int kept = 1 - (((mix32(z) >>> 8) - dropBelow) >>> 31); // 0 below dropBelow, else 1; no branch to mispredict
            out[off + k] = keep * kept;
        }
    }

    /**
     * How many of the 24-bit draws behind {@code SplittableRandom.nextFloat()} give a float below
     * {@code rate}: a draw m is dropped exactly when {@code m < dropBelow(rate)}.
     */
    static int dropBelow(float rate) {
        return (int) Math.ceil(rate * 0x1.0p24);
    }

    /** {@code SplittableRandom}'s seed increment and its 32-bit output function (JDK 8 to 25). */
    static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    static final long MIX_1 = 0x62a9d9ed799705f5L;
    static final long MIX_2 = 0xcb24d0a5c88c35b3L;

    private static int mix32(long z) {
        z = (z ^ (z >>> 33)) * MIX_1;
        return (int) (((z ^ (z >>> 28)) * MIX_2) >>> 32);
    }

    /** A way to compute {@link #drawRow}'s masks, to the bit. */
    interface RowDraw {
        void drawRow(long seed, int dropBelow, float keep, float[] out, int off, int n);
    }

    /**
     * The draws this JVM uses: {@link VectorMaskDraw} where {@link Dense#matMul()} is the vector
     * path (the same bits, four to thirteen times faster once compiled), else, or if the vector
     * draws cannot run here, the scalar loop: both give the same bits, so either will do.
     */
    static final class Draws {
        static final RowDraw SCALAR = Dropout::drawRow;
        static final RowDraw CHOSEN = choose();

        private Draws() {
        }

        private static RowDraw choose() {
            if (!"vector".equals(Dense.matMul().name())) {
                return SCALAR;
            }
            try {
                return (RowDraw) Class.forName("io.sparkdigits.nn.VectorMaskDraw").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                return SCALAR;
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dropout d && Arrays.equals(rates, d.rates);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(rates);
    }

    @Override
    public String toString() {
        return "dropout " + Arrays.toString(rates);
    }
}
