package io.sparkdigits.optim;

/** {@link LrSchedule#step}. */
record StepDecay(double base, double gamma, long everySteps) implements LrSchedule {
    StepDecay {
        ScheduleParser.checkRate("base", base);
        if (!(gamma > 0.0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("step schedule: gamma must be finite and positive: " + gamma);
        }
        if (everySteps < 1) {
            throw new IllegalArgumentException("step schedule: everySteps must be at least 1: " + everySteps);
        }
    }

    @Override
    public double rate(long step, long totalSteps) {
        ScheduleParser.checkStep(step, totalSteps);
        return base * StrictMath.pow(gamma, (double) (step / everySteps));
    }

    @Override
    public String toString() {
        return "step(base=" + base + ", gamma=" + gamma + ", everySteps=" + everySteps + ")";
    }
}
