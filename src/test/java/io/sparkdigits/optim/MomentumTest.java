package io.sparkdigits.optim;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.sparkdigits.optim.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

class MomentumTest {
    /** Runs the optimizer and a double-precision transcription of its documented formula side by side. */
    private static void checkAgainstReference(boolean nesterov, double mu, double wd) {
        Momentum opt = new Momentum(mu, nesterov, wd, MASK);
        float[] p = randomArray(2, 7, 1.0);
        double[] ref = toDouble(p);
        double[] vel = new double[7];
        for (int s = 0; s < LRS.length; s++) {
            float[] g = grad(s, 7);
            for (int i = 0; i < 7; i++) {
                double gi = g[i] + (isBias(i) ? 0.0 : wd * ref[i]);
                vel[i] = mu * vel[i] + gi;
                ref[i] -= LRS[s] * (nesterov ? gi + mu * vel[i] : vel[i]);
            }
            opt.step(p, g, LRS[s]);
        }
        float[] v = opt.state().get("velocity");
        for (int i = 0; i < 7; i++) {
            assertEquals(ref[i], p[i], 1e-6, "param " + i);
            assertEquals(vel[i], v[i], 1e-6, "velocity " + i);
        }
    }

    @Test
    void plainMatchesReference() {
        checkAgainstReference(false, 0.9, 0.0);
        checkAgainstReference(false, 0.9, 0.02);
    }

    @Test
    void nesterovMatchesReference() {
        checkAgainstReference(true, 0.9, 0.0);
        checkAgainstReference(true, 0.8, 0.02);
    }

    @Test
    void nesterovDiffersFromPlain() {
        float[] plain = randomArray(3, 7, 1.0);
        float[] nest = plain.clone();
        Momentum a = new Momentum(0.9, false, 0, MASK);
        Momentum b = new Momentum(0.9, true, 0, MASK);
        float[] g = grad(0, 7);
        float[] start = plain.clone();
        a.step(plain, g.clone(), 0.1f);
        b.step(nest, g.clone(), 0.1f);
        for (int i = 0; i < 7; i++) {
            // first step, v = g: plain moves lr*g, Nesterov lr*(1 + mu)*g
            assertEquals(start[i] - 0.1 * g[i], plain[i], 1e-6);
            assertEquals(start[i] - 0.1 * 1.9 * g[i], nest[i], 1e-6);
        }
        assertFalse(Arrays.equals(plain, nest));
    }

    @Test
    void zeroMomentumIsSgd() {
        float[] p1 = randomArray(4, 7, 1.0);
        float[] p2 = p1.clone();
        Momentum m = new Momentum(0.0, false, 0.01, MASK);
        Sgd s = new Sgd(0.01, MASK);
        for (int k = 0; k < LRS.length; k++) {
            m.step(p1, grad(k, 7), LRS[k]);
            s.step(p2, grad(k, 7), LRS[k]);
        }
        assertArrayEquals(p2, p1);
    }

    @Test
    void biasesAreNotDecayed() {
        Momentum opt = new Momentum(0.9, true, 0.5, MASK);
        float[] p = {1, 2, 3, 4, 5, 6, 7};
        for (int k = 0; k < 3; k++) {
            opt.step(p, new float[7], 0.1f);
        }
        assertEquals(4f, p[3]);
        assertEquals(7f, p[6]);
        assertTrue(p[0] < 1f && p[5] < 6f);
    }

    @Test
    void validatesAndDescribesItself() {
        assertThrows(IllegalArgumentException.class, () -> new Momentum(1.0, false, 0, MASK));
        assertThrows(IllegalArgumentException.class, () -> new Momentum(-0.1, false, 0, MASK));
        Momentum m = new Momentum(0.9, true, 1e-4, MASK);
        assertEquals("momentum", m.name());
        assertTrue(m.nesterov());
        assertEquals("momentum(mu=0.9, nesterov=true, weightDecay=1.0E-4)", m.toString());
    }
}
