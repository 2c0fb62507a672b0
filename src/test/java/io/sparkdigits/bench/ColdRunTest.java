package io.sparkdigits.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ColdRunTest {
    private static ColdRun.Line at(double s, String text) {
        return new ColdRun.Line(s, text);
    }

    @Test
    void readsTheTimelineOfATrainProcess() {
        List<ColdRun.Line> lines = List.of(
                at(0.4, "WARNING: Using incubator modules: jdk.incubator.vector"),
                at(4.9, "20:01:02 INFO  TrainJob: loaded data/mnist/mnist_train.csv: 1 file, 1 with a header; 60,000 rows"
                        + " in 2 partitions, 47,160,000 bytes cached, 1.5 s"),
                at(5.0, "20:01:02 INFO  TrainJob: loaded data/mnist/mnist_test.csv: 1 file"),
                at(7.5, "20:01:05 INFO  EpochReporter: epoch 1/3  train loss 0.4000  train acc 88.00%  test acc 96.50%"
                        + "  2.4 s  25,000 samples/s"),
                at(8.4, "20:01:06 INFO  EpochReporter: epoch 2/3  train loss 0.2000  train acc 95.00%  test acc 97.80%"
                        + "  0.8 s  75,000 samples/s"),
                at(9.1, "20:01:07 INFO  EpochReporter: epoch 3/3  train loss 0.1000  train acc 97.00%  test acc 98.10%"
                        + "  0.6 s  100,000 samples/s"),
                at(9.3, "test accuracy 98.10% (10000 rows), mean loss 0.0600"));
        ColdRun r = ColdRun.parse(lines, 9.8);
        assertEquals(9.8, r.total());
        assertEquals(1.5, r.load());
        assertEquals(4.9 - 1.5, r.startUp(), 1e-12);
        assertEquals(List.of(2.4, 0.8, 0.6), r.epochs());
        assertEquals(2.4, r.firstEpoch());
        assertEquals(0.8, r.warmEpoch(), "the median of the last three epochs");
        assertEquals(8.4, r.secondsTo(97));
        assertEquals(9.1, r.secondsTo(98));
        assertTrue(Double.isNaN(r.secondsTo(99)));
    }

    @Test
    void epochsWithoutTestAccuracyStillCount() {
        ColdRun r = ColdRun.parse(List.of(
                at(3, "loaded x.csv: 1 file; 100 rows in 1 partitions, 78,400 bytes cached, 0.2 s"),
                at(4, "epoch 1/1  train loss 1.0000  train acc 50.00%  0.3 s  333 samples/s")), 5);
        assertEquals(List.of(0.3), r.epochs());
        assertTrue(Double.isNaN(r.secondsTo(10)));
    }

    @Test
    void aRunThatNeverLoadedIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ColdRun.parse(List.of(at(1, "error: no such file")), 2));
    }
}
