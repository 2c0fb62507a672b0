package io.sparkdigits.optim;

import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class OptimizersTest {
    /** 3-2-2: W0 at [0, 6), b0 at [6, 8), W1 at [8, 12), b1 at [12, 14). */
    private static final NetworkSpec SPEC = new NetworkSpec(new int[] {3, 2, 2}, Activation.RELU);

    @Test
    void weightMaskOfSpecCoversWeightMatricesOnly() {
        WeightMask mask = WeightMask.of(SPEC);
        assertArrayEquals(new int[] {0, 6, 8, 12}, mask.ranges());
        assertEquals(14, mask.length());
        for (int i = 0; i < 14; i++) {
            assertEquals(i < 6 || (i >= 8 && i < 12), mask.isWeight(i), "index " + i);
        }
        assertEquals("weights [0, 6) [8, 12) of 14", mask.toString());
    }

    @Test
    void weightMaskRejectsBadRanges() {
        assertThrows(IllegalArgumentException.class, () -> WeightMask.of(10, 0, 5, 4, 8));
        assertThrows(IllegalArgumentException.class, () -> WeightMask.of(10, 5, 8, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> WeightMask.of(10, 0, 11));
        assertThrows(IllegalArgumentException.class, () -> WeightMask.of(10, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> WeightMask.of(10, 0, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> WeightMask.of(-1));
        assertEquals(WeightMask.of(10, 0, 10), WeightMask.allWeights(10));
    }

    @Test
    void createsEachOptimizer() {
        Optimizer sgd = Optimizers.create("sgd", 0.9, false, 0.0, SPEC);
        Optimizer momentum = Optimizers.create("momentum", 0.8, true, 1e-4, SPEC);
        Optimizer adam = Optimizers.create(" Adam ", 0.9, false, 0.01, SPEC);
        assertInstanceOf(Sgd.class, sgd);
        assertInstanceOf(Momentum.class, momentum);
        assertInstanceOf(Adam.class, adam);
        assertEquals("sgd", sgd.name());
        assertEquals("momentum(mu=0.8, nesterov=true, weightDecay=1.0E-4)", momentum.toString());
        assertEquals("adam(beta1=0.9, beta2=0.999, eps=1.0E-8, weightDecay=0.01)", adam.toString());
        assertEquals(14, adam.state().get("m").length);
    }

    @Test
    void createdOptimizersDecayWeightsButNotBiases() {
        for (String name : new String[] {"sgd", "momentum", "adam"}) {
            Optimizer opt = Optimizers.create(name, 0.9, false, 0.5, SPEC);
            float[] p = new float[14];
            java.util.Arrays.fill(p, 1f);
            opt.step(p, new float[14], 0.1f);
            for (int i = 0; i < 14; i++) {
                boolean weight = i < 6 || (i >= 8 && i < 12);
                assertEquals(weight ? 0.95f : 1f, p[i], 1e-7f, name + " index " + i);
            }
        }
    }

    @Test
    void unknownNameIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.create("rmsprop", 0.9, false, 0, SPEC));
        assertEquals("unknown optimizer 'rmsprop' (expected sgd, momentum or adam)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create(null, 0.9, false, 0, SPEC));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create("momentum", 1.5, false, 0, SPEC));
    }
}
