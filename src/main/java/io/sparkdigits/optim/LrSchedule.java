package io.sparkdigits.optim;

/**
 * The learning rate as a function of the global step. Implementations are immutable values with
 * a readable {@code toString()} and value equality, and use {@link StrictMath} so every JVM
 * computes the same rates.
 */
public interface LrSchedule extends java.io.Serializable {
    /**
     * Learning rate for global step {@code step} (0-based) of {@code totalSteps}.
     *
     * @throws IllegalArgumentException if {@code step} or {@code totalSteps} is negative
     */
    double rate(long step, long totalSteps);

    /** {@code base} at every step. */
    static LrSchedule constant(double base) {
        return new ConstantRate(base);
    }

    /** {@code base * gamma^floor(step / everySteps)}: multiplied by {@code gamma} every {@code everySteps} steps. */
    static LrSchedule step(double base, double gamma, long everySteps) {
        return new StepDecay(base, gamma, everySteps);
    }

    /**
     * Linear warm-up, then cosine decay. With {@code W = warmupSteps}, {@code T = totalSteps}:
     * <pre>
     *   s &lt; W:        base * (s + 1) / (W + 1)
     *   W &lt;= s &lt; T:   minRate + (base - minRate) * (1 + cos(pi * (s - W) / (T - W))) / 2
     *   s &gt;= max(W, T): minRate
     * </pre>
     * The warm-up climbs in equal increments of {@code base / (W + 1)}, so its first step is not
     * wasted on a zero rate and step {@code W} is the first at the full {@code base}. The cosine
     * reaches {@code minRate} at step {@code T}, one past the last step, so the last step still
     * moves when {@code minRate} is 0.
     */
    static LrSchedule cosine(double base, long warmupSteps, double minRate) {
        return new CosineDecay(base, warmupSteps, minRate);
    }

    /**
     * Parses a command-line schedule; durations are in epochs and converted to steps with
     * {@code Math.round(epochs * stepsPerEpoch)}.
     * <ul>
     *   <li>{@code constant}</li>
     *   <li>{@code cosine}, {@code cosine:warmup=2}, {@code cosine:warmup=2,min=1e-4}: warm-up
     *       epochs (default 0) and final absolute rate (default 0)</li>
     *   <li>{@code step:every=5}, {@code step:gamma=0.5,every=5}: every is required (epochs, at
     *       least one step), gamma defaults to 0.1</li>
     * </ul>
     * Names and keys are case-insensitive; blanks around parts are ignored.
     *
     * @throws IllegalArgumentException naming the bad part of {@code spec}
     */
    static LrSchedule parse(String spec, double base, long stepsPerEpoch) {
        return ScheduleParser.parse(spec, base, stepsPerEpoch);
    }
}
