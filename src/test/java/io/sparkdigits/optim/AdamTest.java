package io.sparkdigits.optim;

import org.junit.jupiter.api.Test;

import static io.sparkdigits.optim.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

class AdamTest {
    /** Kingma and Ba's Algorithm 1 plus AdamW's decoupled decay, written out in double. */
    private static void checkAgainstReference(double b1, double b2, double eps, double wd, double gradScale) {
        Adam opt = new Adam(b1, b2, eps, wd, MASK);
        float[] p = randomArray(5, 7, 1.0);
        double[] ref = toDouble(p);
        double[] m = new double[7];
        double[] v = new double[7];
        for (int s = 0; s < LRS.length; s++) {
            float[] g = grad(s, 7);
            for (int i = 0; i < 7; i++) {
                g[i] *= (float) gradScale;
            }
            int t = s + 1;
            for (int i = 0; i < 7; i++) {
                double decayed = isBias(i) ? ref[i] : ref[i] - LRS[s] * wd * ref[i];
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                ref[i] = decayed - LRS[s] * mHat / (Math.sqrt(vHat) + eps);
            }
            opt.step(p, g, LRS[s]);
        }
        for (int i = 0; i < 7; i++) {
            assertEquals(ref[i], p[i], 1e-6, "param " + i);
            assertEquals(m[i], opt.state().get("m")[i], 1e-6 * gradScale, "m " + i);
            assertEquals(v[i], opt.state().get("v")[i], 1e-6 * gradScale * gradScale, "v " + i);
        }
    }

    @Test
    void matchesReferenceWithDefaults() {
        checkAgainstReference(0.9, 0.999, 1e-8, 0.0, 1.0);
    }

    @Test
    void matchesReferenceWithDecoupledDecay() {
        checkAgainstReference(0.9, 0.999, 1e-8, 0.1, 1.0);
    }

    @Test
    void matchesReferenceWhereEpsMatters() {
        // gradients around 1e-6 make eps = 1e-6 comparable to sqrt(vHat)
        checkAgainstReference(0.8, 0.99, 1e-6, 0.0, 1e-6);
    }

    @Test
    void firstStepMovesEachParameterByAboutLr() {
        // bias correction: at t = 1, mHat = g and vHat = g^2, so the step is lr * sign(g)
        Adam adam = new Adam(0, MASK);
        float[] p = new float[7];
        float[] g = grad(0, 7);
        adam.step(p, g.clone(), 0.01f);
        for (int i = 0; i < 7; i++) {
            assertEquals(-0.01 * Math.signum(g[i]), p[i], 1e-7, "param " + i);
        }
    }

    @Test
    void decayIsDecoupledFromTheMoments() {
        Adam adam = new Adam(0.5, MASK);
        float[] p = {1, 2, 3, 4, 5, 6, 7};
        float[] g = grad(0, 7);
        adam.step(p, g.clone(), 0.1f);
        float[] m = adam.state().get("m");
        for (int i = 0; i < 7; i++) {
            assertEquals(0.1f * g[i], m[i], 1e-7, "m must see the raw gradient only, index " + i);
        }
    }

    @Test
    void biasesAreNotDecayed() {
        Adam adam = new Adam(0.5, MASK);
        float[] p = {1, 2, 3, 4, 5, 6, 7};
        for (int k = 0; k < 3; k++) {
            adam.step(p, new float[7], 0.1f);
        }
        // zero gradient: the Adam step is 0, so only the decay (1 - 0.05 per step) acts
        double f = Math.pow(0.95, 3);
        assertArrayEquals(new float[] {(float) f, (float) (2 * f), (float) (3 * f), 4,
                (float) (5 * f), (float) (6 * f), 7}, p, 1e-6f);
        assertEquals(4f, p[3]);
        assertEquals(7f, p[6]);
    }

    @Test
    void validatesAndDescribesItself() {
        assertThrows(IllegalArgumentException.class, () -> new Adam(1.0, 0.999, 1e-8, 0, MASK));
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.9, 1.0, 1e-8, 0, MASK));
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.9, 0.999, 0, 0, MASK));
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.9, 0.999, 1e-50, 0, MASK));
        Adam adam = new Adam(0, MASK);
        assertEquals("adam", adam.name());
        assertEquals("adam(beta1=0.9, beta2=0.999, eps=1.0E-8, weightDecay=0.0)", adam.toString());
    }
}
