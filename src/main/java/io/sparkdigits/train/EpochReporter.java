package io.sparkdigits.train;

import io.sparkdigits.data.DigitData;
import io.sparkdigits.eval.EvaluationReport;
import io.sparkdigits.eval.Evaluator;
import io.sparkdigits.infer.Predictor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The trainer's listener in a Spark run: after each epoch it scores the validation rows and the
 * test set (each pass under the run's deadline), logs one line, records the epoch in the history
 * that goes into the model file, and writes a checkpoint when one is due.
 */
final class EpochReporter implements Trainer.Listener {
    private static final Logger LOG = LogManager.getLogger(TrainJob.class);

    private final TrainSetup setup;
    private final TrainJob.Paths paths;
    private final DigitData train;
    private final DigitData test;
    private final JobDeadline deadline;
    private final Configuration hadoop;
    private final List<Map<String, Object>> history = new ArrayList<>();
    private EvaluationReport lastTest;

    EpochReporter(TrainSetup setup, TrainJob.Paths paths, DigitData train, DigitData test, JobDeadline deadline,
                  Configuration hadoop) {
        this.setup = setup;
        this.paths = paths;
        this.train = train;
        this.test = test;
        this.deadline = deadline;
        this.hadoop = hadoop;
    }

    /** Epochs reported so far (restored ones included); live, for the model file. */
    List<Map<String, Object>> history() {
        return history;
    }

    /** The test report after the last epoch run, or null if none ran or there is no test set. */
    EvaluationReport lastTest() {
        return lastTest;
    }

    @Override
    public void epochEnd(EpochStats stats, float[] params) {
        Predictor predictor = new Predictor(setup.spec(), params, setup.scale());
        String after = " after epoch " + stats.epoch();
        Double val = setup.config().validation() > 0 ? deadline.run("validation" + after, () -> Evaluator.evaluate(
                train.shards(), predictor, setup.split()::validationRows)).accuracy() : null;
        lastTest = test != null ? deadline.run("test evaluation" + after, () -> Evaluator.evaluate(
                test.shards(), predictor, Evaluator.ALL_ROWS)) : null;
        Double tst = lastTest != null ? lastTest.accuracy() : null;
        LOG.info(epochLine(stats, val, tst));
        history.add(historyEntry(stats, val, tst));
        int every = paths.checkpointEvery();
        if (every > 0 && (stats.epoch() % every == 0 || stats.epoch() == stats.epochs())) {
            Checkpoints.save(paths.checkpoint(), setup.config(), setup.spec(), params, setup.scale(),
                    setup.optimizer(), stats.epoch(), history, paths.overwrite(), hadoop);
        }
    }

    static String epochLine(EpochStats s, Double validation, Double test) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "epoch %d/%d  train loss %.4f  train acc %.2f%%", s.epoch(), s.epochs(), s.trainLoss(),
                100 * s.trainAccuracy()));
        if (validation != null) {
            sb.append(String.format(Locale.ROOT, "  val acc %.2f%%", 100 * validation));
        }
        if (test != null) {
            sb.append(String.format(Locale.ROOT, "  test acc %.2f%%", 100 * test));
        }
        return sb.append(String.format(Locale.ROOT, "  %.1f s  %,.0f samples/s", s.seconds(), s.samplesPerSecond()))
                .toString();
    }

    private static Map<String, Object> historyEntry(EpochStats s, Double validation, Double test) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", s.epoch());
        m.put("trainLoss", s.trainLoss());
        m.put("trainAccuracy", s.trainAccuracy());
        if (validation != null) {
            m.put("validationAccuracy", validation);
        }
        if (test != null) {
            m.put("testAccuracy", test);
        }
        m.put("seconds", s.seconds());
        m.put("samplesPerSecond", s.samplesPerSecond());
        return m;
    }
}
