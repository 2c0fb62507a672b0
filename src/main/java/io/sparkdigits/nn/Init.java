package io.sparkdigits.nn;

import java.util.SplittableRandom;

/**
 * Seeded weight initialisation: He normal (std √(2/nIn), He et al. 2015) for layers feeding ReLU,
 * Xavier/Glorot uniform (±√(6/(nIn+nOut)), Glorot and Bengio 2010) for sigmoid, tanh and the
 * softmax layer. Biases start at zero. The same seed gives the same weights on every JVM.
 */
public final class Init {
    private Init() {
    }

    public static float[] initialize(NetworkSpec spec, long seed) {
        float[] params = new float[spec.numParams()];
        SplittableRandom random = new SplittableRandom(seed);
        for (int l = 0; l < spec.layers(); l++) {
            Stage st = spec.weightStage(l);
            int nIn = st.fanIn();
            // Glorot's fan-out for a convolution counts every output a weight reaches: filters x kernel area.
            int nOut = st instanceof Stage.Conv c ? c.filters() * c.kh() * c.kw() : st.outSize();
            boolean feedsRelu = l < spec.layers() - 1 && spec.hidden() == Activation.RELU;
            int w = spec.weightOffset(l);
            int count = st.weights();
            if (feedsRelu) {
                double std = Math.sqrt(2.0 / nIn);
                for (int i = 0; i < count; i++) {
                    params[w + i] = (float) (random.nextGaussian() * std);
                }
            } else {
                double limit = Math.sqrt(6.0 / (nIn + nOut));
                for (int i = 0; i < count; i++) {
                    params[w + i] = (float) random.nextDouble(-limit, limit);
                }
            }
        }
        return params;
    }
}
