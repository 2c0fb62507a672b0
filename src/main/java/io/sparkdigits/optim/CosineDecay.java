package io.sparkdigits.optim;

/** {@link LrSchedule#cosine}: linear warm-up, then cosine decay to {@code minRate} at {@code totalSteps}. */
record CosineDecay(double base, long warmupSteps, double minRate) implements LrSchedule {
    CosineDecay {
        ScheduleParser.checkRate("base", base);
        ScheduleParser.checkRate("minRate", minRate);
        if (minRate > base) {
            throw new IllegalArgumentException("cosine schedule: minRate " + minRate + " exceeds base " + base);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("cosine schedule: warmupSteps must be non-negative: " + warmupSteps);
        }
    }

    @Override
    public double rate(long step, long totalSteps) {
        ScheduleParser.checkStep(step, totalSteps);
        if (step < warmupSteps) {
            return base * (step + 1) / (warmupSteps + 1);
        }
        if (step >= totalSteps) {
            return minRate;
        }
        double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        return minRate + (base - minRate) * 0.5 * (1.0 + StrictMath.cos(Math.PI * progress));
    }

    @Override
    public String toString() {
        return "cosine(base=" + base + ", warmupSteps=" + warmupSteps + ", minRate=" + minRate + ")";
    }
}
