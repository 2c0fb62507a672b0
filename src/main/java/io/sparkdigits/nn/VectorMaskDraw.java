package io.sparkdigits.nn;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Dropout#drawRow} with the Vector API: a lane per draw, the same 64-bit integer arithmetic,
 * so the same bits as the scalar loop (integer operations do not round). The draws were the
 * largest cost of a dropout network's step after its matrix products, about 2.5 ns each.
 *
 * <p>Loaded by name, as {@link VectorMatMul} is, only when the JVM has the incubator module.
 */
final class VectorMaskDraw implements Dropout.RowDraw {
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final int L = LONGS.length();
    /** Ints (the floats' bits) as many as the longs: half the bits. */
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class,
            VectorShape.forBitSize(LONGS.vectorBitSize() / 2));
    /** 1, 2, ..., L times the seed's increment: lane l's first state is {@code seed + (l + 1) * gamma}. */
    private static final LongVector FIRST = LongVector.fromArray(LONGS, java.util.stream.LongStream
            .rangeClosed(1, L).toArray(), 0).mul(Dropout.GOLDEN_GAMMA);

    /** For reflective loading by {@link Dropout}. */
    public VectorMaskDraw() {
    }

    @Override
    public void drawRow(long seed, int dropBelow, float keep, float[] out, int off, int n) {
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
            ((IntVector) dropped.blend(kept, keeps).convertShape(VectorOperators.L2I, INTS, 0))
                    .reinterpretAsFloats().intoArray(out, off + k);
            z = z.add(step);
        }
        if (k < n) {
            Dropout.drawRow(seed + Dropout.GOLDEN_GAMMA * k, dropBelow, keep, out, off + k, n - k);
        }
    }
}
