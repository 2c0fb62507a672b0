package io.sparkdigits.train;

/**
 * What one epoch did. Train loss and accuracy are averaged over the epoch's steps as they ran
 * (the weights moved meanwhile), the usual running figures; {@code rows} counts rows trained on;
 * {@code learningRate} is the rate of the epoch's last step (schedules change it every step).
 */
public record EpochStats(int epoch, int epochs, double trainLoss, double trainAccuracy, long rows, double seconds,
                         double learningRate) {

    public double samplesPerSecond() {
        return seconds > 0 ? rows / seconds : 0;
    }
}
