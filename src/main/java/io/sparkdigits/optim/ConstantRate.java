package io.sparkdigits.optim;

/** {@link LrSchedule#constant}. */
record ConstantRate(double base) implements LrSchedule {
    ConstantRate {
        ScheduleParser.checkRate("base", base);
    }

    @Override
    public double rate(long step, long totalSteps) {
        ScheduleParser.checkStep(step, totalSteps);
        return base;
    }

    @Override
    public String toString() {
        return "constant(base=" + base + ")";
    }
}
