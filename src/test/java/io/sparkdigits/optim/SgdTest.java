package io.sparkdigits.optim;

import org.junit.jupiter.api.Test;

import static io.sparkdigits.optim.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

class SgdTest {
    @Test
    void matchesDoubleReferenceWithL2OnWeightsOnly() {
        double wd = 0.01;
        Sgd sgd = new Sgd(wd, MASK);
        float[] p = randomArray(1, 7, 1.0);
        double[] ref = toDouble(p);
        for (int s = 0; s < LRS.length; s++) {
            float[] g = grad(s, 7);
            for (int i = 0; i < 7; i++) {
                double gi = g[i] + (isBias(i) ? 0.0 : wd * ref[i]);
                ref[i] -= LRS[s] * gi;
            }
            sgd.step(p, g, LRS[s]);
        }
        for (int i = 0; i < 7; i++) {
            assertEquals(ref[i], p[i], 1e-6, "param " + i);
        }
        assertEquals(LRS.length, sgd.stepCount());
        assertTrue(sgd.state().isEmpty());
    }

    @Test
    void weightDecayShrinksWeightsAndLeavesBiasesAlone() {
        Sgd sgd = new Sgd(0.5, MASK);
        float[] p = {1, 2, 3, 4, 5, 6, 7};
        sgd.step(p, new float[7], 0.1f);
        // weights: p - 0.1 * 0.5 * p = 0.95 p
        assertArrayEquals(new float[] {0.95f, 1.9f, 2.85f, 4, 4.75f, 5.7f, 7}, p, 1e-6f);
        assertEquals(4f, p[3]);
        assertEquals(7f, p[6]);
    }

    @Test
    void rejectsBadArguments() {
        Sgd sgd = new Sgd(0, MASK);
        assertThrows(IllegalArgumentException.class, () -> sgd.step(new float[6], new float[7], 0.1f));
        assertThrows(IllegalArgumentException.class, () -> sgd.step(new float[7], new float[6], 0.1f));
        assertThrows(IllegalArgumentException.class, () -> sgd.step(new float[7], new float[7], Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> sgd.step(new float[7], new float[7], -0.1f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(-1e-4, MASK));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0, null));
        assertEquals(0, sgd.stepCount(), "rejected steps are not counted");
    }

    @Test
    void describesItself() {
        Sgd sgd = new Sgd(5e-4, MASK);
        assertEquals("sgd", sgd.name());
        assertEquals("sgd(weightDecay=5.0E-4)", sgd.toString());
    }
}
