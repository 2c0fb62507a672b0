package io.sparkdigits.train;

import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.JobDescription;
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
 * The trainer's listener in a Spark run: after each step it updates the progress line and the
 * metrics file; after each epoch it scores the validation rows and the test set (each pass under
 * the run's deadline), logs one line, records the epoch in the history that goes into the model
 * file and the metrics file, and writes a checkpoint when one is due.
 */
final class EpochReporter implements Trainer.Listener {
    private static final Logger LOG = LogManager.getLogger(TrainJob.class);

    private final TrainSetup setup;
    private final TrainJob.Paths paths;
    private final DigitData train;
    private final DigitData test;
    private final JobDeadline deadline;
    private final Configuration hadoop;
    private final TrainJob.Monitor monitor;
    private final DigitData validation;
    private final EarlyStopping stopping;
    private final List<Map<String, Object>> history = new ArrayList<>();
    private Map<String, Object> dataFingerprint;
    private EvaluationReport lastTest;

    /**
     * @param validation rows to validate on ({@code --validation-data}), or null for the held-out
     *                   training rows, if any
     * @param stopping   early stopping on the validation loss, or null
     */
    EpochReporter(TrainSetup setup, TrainJob.Paths paths, DigitData train, DigitData validation, DigitData test,
                  JobDeadline deadline, Configuration hadoop, TrainJob.Monitor monitor, EarlyStopping stopping) {
        this.setup = setup;
        this.validation = validation;
        this.stopping = stopping;
        this.monitor = monitor;
        this.paths = paths;
        this.train = train;
        this.test = test;
        this.deadline = deadline;
        this.hadoop = hadoop;
    }

    /** The training data's fingerprint, recorded in checkpoints and compared on resume. */
    Map<String, Object> dataFingerprint() {
        if (dataFingerprint == null) {
            // Only runs that checkpoint or resume pay for listing the files' sizes.
            dataFingerprint = Checkpoints.fingerprint(train, hadoop);
        }
        return dataFingerprint;
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
    public void stepEnd(StepStats stats) {
        monitor.progress().step(stats);
        if (monitor.metrics() != null) {
            monitor.metrics().step(stats);
        }
    }

    @Override
    public void epochEnd(EpochStats stats, float[] params) {
        float[] served = setup.servedParams(params);
        Predictor predictor = new Predictor(setup.spec(), served, setup.scale());
        String after = " after epoch " + stats.epoch();
        String of = " epoch " + stats.epoch() + "/" + stats.epochs();
        EvaluationReport val = validate(predictor, after, of);
        if (stopping != null && val != null) {
            stopping.observe(stats.epoch(), val.meanLoss(), params);
        }
        lastTest = test != null ? deadline.run("test evaluation" + after, () ->
                JobDescription.run(test.shards().context(), "evaluate test" + of, () -> Evaluator.evaluate(
                        test.shards(), predictor, Evaluator.ALL_ROWS))) : null;
        monitor.progress().clear();
        LOG.info(epochLine(stats, val != null ? val.accuracy() : null, lastTest != null ? lastTest.accuracy() : null));
        Map<String, Object> entry = historyEntry(stats, val, lastTest);
        history.add(entry);
        if (monitor.metrics() != null) {
            monitor.metrics().epoch(entry, setup.plan().stepsPerEpoch());
        }
        int every = paths.checkpointEvery();
        if (every > 0 && (stats.epoch() % every == 0 || stats.epoch() == stats.epochs())) {
            Checkpoints.save(paths.checkpoint(), setup.config(), dataFingerprint(), setup.spec(), served, params,
                    setup.scale(),
                    setup.optimizer(), stopping, stats.epoch(), history, paths.overwrite(), hadoop);
        }
    }

    /** The validation data's report, the held-out training rows', or null when there is neither. */
    private EvaluationReport validate(Predictor predictor, String after, String of) {
        if (validation != null) {
            return deadline.run("validation" + after, () -> JobDescription.run(validation.shards().context(),
                    "evaluate validation" + of, () -> Evaluator.evaluate(validation.shards(), predictor, Evaluator.ALL_ROWS)));
        }
        if (setup.config().validation() > 0) {
            return deadline.run("validation" + after, () -> JobDescription.run(train.shards().context(),
                    "evaluate validation" + of, () -> Evaluator.evaluate(train.shards(), predictor,
                            setup.split()::validationRows)));
        }
        return null;
    }

    @Override
    public boolean stopRequested() {
        return stopping != null && stopping.stopped();
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

    /**
     * An epoch as model.json's history and the metrics file record it; losses are mean
     * cross-entropy per row and accuracies fractions, as {@code evaluate} reports them.
     */
    static Map<String, Object> historyEntry(EpochStats s, EvaluationReport validation, EvaluationReport test) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", s.epoch());
        m.put("epochs", s.epochs());
        m.put("trainLoss", s.trainLoss());
        m.put("trainAccuracy", s.trainAccuracy());
        if (validation != null) {
            m.put("validationLoss", validation.meanLoss());
            m.put("validationAccuracy", validation.accuracy());
        }
        if (test != null) {
            m.put("testLoss", test.meanLoss());
            m.put("testAccuracy", test.accuracy());
        }
        m.put("learningRate", s.learningRate());
        m.put("seconds", s.seconds());
        m.put("samplesPerSecond", s.samplesPerSecond());
        return m;
    }
}
