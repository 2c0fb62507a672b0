package io.sparkdigits.optim;

import io.sparkdigits.nn.NetworkSpec;

import java.util.Locale;

/** Builds an optimizer from command-line choices. */
public final class Optimizers {
    private Optimizers() {
    }

    /**
     * @param name        {@code sgd}, {@code momentum} or {@code adam} (case and surrounding blanks ignored)
     * @param momentum    coefficient for {@code momentum}; ignored by the others
     * @param nesterov    Nesterov form for {@code momentum}; ignored by the others
     * @param weightDecay L2 (sgd, momentum) or decoupled (adam) decay of the weights; biases never decay
     * @param spec        the network, which fixes the parameter count and which entries are weights
     * @throws IllegalArgumentException for an unknown name or bad hyper-parameters
     */
    public static Optimizer create(String name, double momentum, boolean nesterov, double weightDecay,
                                   NetworkSpec spec) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "sgd" -> new Sgd(weightDecay, WeightMask.of(spec));
            case "momentum" -> new Momentum(momentum, nesterov, weightDecay, WeightMask.of(spec));
            case "adam" -> new Adam(weightDecay, WeightMask.of(spec));
            default -> throw new IllegalArgumentException(
                    "unknown optimizer '" + name + "' (expected sgd, momentum or adam)");
        };
    }
}
