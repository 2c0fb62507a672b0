package io.sparkdigits.bench;

/**
 * Spark's cost of one synchronous step with the arithmetic left out ({@link StepOverhead}): the
 * median latency of a two-row training step of the 784-128-64-10 network against that of an empty
 * two-task job in the same session.
 */
final class OverheadSection implements Section {
    static final double MAX_RATIO = 1.5;

    @Override
    public String name() {
        return "overhead";
    }

    @Override
    public void run(BenchContext ctx, Report.Part out) {
        int repeats = ctx.options.quick() ? 20 : 200;
        StepOverhead.Result r = StepOverhead.measure(ctx.spark, repeats);
        out.row("empty 2-task job", Fmt.ms(r.emptyJobMs()));
        out.row("step, compute excluded (" + r.params() + " params)", Fmt.ms(r.stepMs()), "", Fmt.times(r.ratio()),
                "step / empty job <= 1.5", r.ratio() <= MAX_RATIO);
        out.detail("repeats", repeats);
        out.detail("emptyJobMedianMs", r.emptyJobMs());
        out.detail("stepMedianMs", r.stepMs());
        out.detail("ratio", r.ratio());
        out.detail("params", r.params());
    }
}
