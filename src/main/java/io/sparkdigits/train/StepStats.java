package io.sparkdigits.train;

/**
 * Where a running epoch is after one step, for progress lines and metrics: epoch and step are
 * 1-based; {@code loss} and {@code accuracy} are the step's global batch figures; {@code rows}
 * and {@code seconds} count the epoch so far.
 */
public record StepStats(int epoch, int epochs, int step, int steps, double loss, double accuracy,
                        double learningRate, long rows, double seconds) {

    public double samplesPerSecond() {
        return seconds > 0 ? rows / seconds : 0;
    }

    /** Seconds the epoch's remaining steps should take at this epoch's pace so far. */
    public double etaSeconds() {
        return step == 0 ? 0 : seconds / step * (steps - step);
    }
}
