package io.sparkdigits.train;

/**
 * Seeds of per-row random draws (augmentation, dropout masks) as a pure function of the run's seed
 * and the row's coordinates, so a row draws the same whichever task, thread or retry computes it.
 * The coordinates are folded in one at a time through the SplitMix64 finaliser (Steele, Lea and
 * Flood 2014), which spreads neighbouring inputs over unrelated outputs.
 */
final class RowSeeds {
    /** What the seed is for: separate purposes never share a stream. */
    static final long AUGMENT = 1;
    static final long DROPOUT = 2;

    private RowSeeds() {
    }

    static long of(long seed, long purpose, long... coordinates) {
        long h = mix(seed ^ 0x6A09E667F3BCC909L);
        h = mix(h ^ purpose * 0x9E3779B97F4A7C15L);
        for (long c : coordinates) {
            h = mix(h + c * 0x9E3779B97F4A7C15L);
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
