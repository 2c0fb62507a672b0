package io.sparkdigits.nn;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Dropout#drawRow} with the Vector API: a lane per draw (eight with AVX-512, four with
 * AVX2), the same 64-bit integer arithmetic, so the same bits as the scalar loop (integer
 * operations do not round). The draws were the largest cost of a dropout network's step after its
 * matrix products, about 2 ns each.
 *
 * <p>Loaded by name, as {@link VectorMatMul} is, only when the JVM has the incubator module; the
 * constructor refuses a JVM whose vectors hold fewer than two longs (one that cannot vectorise
 * prefers 64-bit shapes), and {@link Dropout} then keeps the scalar loop. {@code KernelDispatchTest}
 * runs it with each shape a JVM may prefer ({@code -XX:MaxVectorSize}).
 */
final class VectorMaskDraw implements Dropout.RowDraw {
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    /** Ints (the floats' bits) as many as the longs, or null if this JVM has no such shape. */
    private static final VectorSpecies<Integer> INTS = halfAsWide(LONGS);
    private static final int L = LONGS.length();
    /** Lane l's first state, {@code (l + 1) * gamma}, before the seed is added. */
    private static final LongVector FIRST = LongVector.zero(LONGS).addIndex(1).add(1).mul(Dropout.GOLDEN_GAMMA);

    /** For reflective loading by {@link Dropout}. */
    public VectorMaskDraw() {
        if (INTS == null) {
            throw new IllegalStateException("no vector of ints half as wide as " + LONGS);
        }
    }

    /** The species of as many ints as {@code longs} has lanes, or null when there is none (or one lane). */
    private static VectorSpecies<Integer> halfAsWide(VectorSpecies<Long> longs) {
        if (longs.length() < 2) {
            return null;
        }
        VectorSpecies<Integer> ints = VectorSpecies.of(int.class, VectorShape.forBitSize(longs.vectorBitSize() / 2));
        return ints.length() == longs.length() ? ints : null;
    }

    @Override
    public void drawRow(long seed, int dropBelow, float keep, float[] out, int off, int n) {
        // The species are the class's constants: C2 compiles vector instructions only for those.
        LongVector z = FIRST.add(seed);
        long step = Dropout.GOLDEN_GAMMA * L;
        LongVector kept = LongVector.broadcast(LONGS, Float.floatToRawIntBits(keep));
        LongVector dropped = LongVector.zero(LONGS);
        int k = 0;
        for (; k + L <= n; k += L) {
            LongVector x = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 33)).mul(Dropout.MIX_1);
            x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 28)).mul(Dropout.MIX_2);
            // The scalar loop's (mix32(z) >>> 8) is the top 24 bits of x.
            VectorMask<Long> keeps = x.lanewise(VectorOperators.LSHR, 40).compare(VectorOperators.GE, dropBelow);
            // Narrowed to ints and read as floats: a mask turned into a float mask is slow on Java 17.
            ((IntVector) dropped.blend(kept, keeps).convertShape(VectorOperators.L2I, INTS, 0))
                    .reinterpretAsFloats().intoArray(out, off + k);
            z = z.add(step);
        }
        if (k < n) {
            Dropout.drawRow(seed + Dropout.GOLDEN_GAMMA * k, dropBelow, keep, out, off + k, n - k);
        }
    }
}
