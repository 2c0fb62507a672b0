package io.sparkdigits.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.Shard;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An epoch as one Spark job on a local master: the same model to the bit as a job a step and as
 * one JVM without Spark; a failing task, a loop that stops between steps and a step taken out of
 * turn each end the epoch's job, leaving no task waiting (the timeout is there so that a task left
 * waiting fails the test rather than hanging it; a run here takes a few seconds).
 */
@ExtendWith(SparkSessionExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EpochJobTest {
    private static final TrainConfig DENSE = new TrainConfig("test", new int[] {32, 16}, Activation.RELU, "momentum",
            0.05, 0.9, true, 1e-4, "cosine", 100, 2, 9, 0, 0.1);
    private static final TrainConfig CNN = new TrainConfig("test", new int[0], Activation.RELU, "adam",
            0.002, 0.9, false, 0, "cosine", 200, 1, 9, 0, 0.1, "conv3x3x4:s2,pool2,dense16,10", null,
            new double[] {0.25, 0.5}, "shift=2,rotate=10,scale=0.1,elastic", 0);

    private DigitData data;

    @BeforeEach
    void load() {
        data = DigitData.load(SparkSessionExtension.spark(), TestData.TRAIN.toString(),
                new DigitData.Options(CsvLayout.Header.AUTO, false, 2, 10), -1);
    }

    @AfterEach
    void release() {
        data.release();
        assertEquals(0, StepRelay.openCount(), "every epoch's relay is closed when the loop is over");
    }

    private TrainSetup setup(TrainConfig config) {
        return TrainSetup.of(config, data.width(), data.rowsPerPartition(), data.maxValue(), 10);
    }

    private EpochJob epochJob(TrainSetup setup, TrainConfig config) {
        return new EpochJob(data.shards(), setup.kernel(), config.epochs(), setup.plan().stepsPerEpoch(),
                JobDeadline.none(data.shards().context()));
    }

    private float[] train(TrainConfig config, GradientSource source) {
        TrainSetup setup = setup(config);
        float[] params = setup.initialParams();
        setup.trainer(source).train(params, 0, (s, p) -> { });
        return params;
    }

    @Test
    void theTestSessionRunsAnEpochAsOneJob() {
        SparkContext sc = data.shards().context();
        assertTrue(EpochJob.suits(sc, 2), "local[2], two partitions");
        assertFalse(EpochJob.suits(sc, 3), "a third task would wait for a thread the other two never free");
        assertInstanceOf(EpochJob.class, GradientSource.onSpark(data.shards(), setup(DENSE).kernel(),
                JobDeadline.none(sc), 2, 5));
    }

    @Test
    void anEpochAJobTrainsTheSameBitsAsAJobAStepAndAsOneJvm() {
        List<Shard> shards = data.shards().collect();
        for (TrainConfig config : List.of(DENSE, CNN)) {
            TrainSetup setup = setup(config);
            float[] local = train(config, new LocalGradients(shards, setup.kernel()));
            assertArrayEquals(local, train(config, epochJob(setup, config)), config.layers());
            assertArrayEquals(local, train(config, new SparkGradients(data.shards(), setup.kernel(), 2,
                    JobDeadline.none(data.shards().context()))), config.layers());
            assertFalse(java.util.Arrays.equals(local, setup.initialParams()), "training moved the weights");
        }
    }

    /** Steps asked out of turn (a resumed or repeated step) start a new job from there: the same sums. */
    @Test
    void aStepOutOfTurnStartsTheEpochsJobAgainFromThere() {
        TrainSetup setup = setup(DENSE);
        float[] params = setup.initialParams();
        LocalGradients local = new LocalGradients(data.shards().collect(), setup.kernel());
        EpochJob job = epochJob(setup, DENSE);
        int[][] steps = {{0, 0}, {0, 1}, {0, 3}, {0, 3}, {1, 2}, {1, 3}, {0, 0}};
        try {
            for (int[] s : steps) {
                float[] ours = new float[params.length];
                float[] theirs = new float[params.length];
                job.gradient(params, s[0], s[1]).meanInto(ours);
                local.gradient(params, s[0], s[1]).meanInto(theirs);
                assertArrayEquals(theirs, ours, "epoch " + s[0] + " step " + s[1]);
            }
        } finally {
            job.close();
        }
    }

    @Test
    void aLoopStoppedBetweenStepsEndsItsJobAndTheNextRunTrains() {
        TrainSetup setup = setup(DENSE);
        RuntimeException stop = new IllegalStateException("stopped by the listener");
        Trainer.Listener stopAtThirdStep = new Trainer.Listener() {
            @Override
            public void epochEnd(EpochStats stats, float[] params) {
            }

            @Override
            public void stepEnd(StepStats stats) {
                if (stats.step() == 3) {
                    throw stop;
                }
            }
        };
        assertEquals(stop, assertThrows(IllegalStateException.class,
                () -> setup.trainer(epochJob(setup, DENSE)).train(setup.initialParams(), 0, stopAtThirdStep)));
        assertEquals(0, StepRelay.openCount());
        // Tasks left waiting would hold both threads of local[2], and this run would never start.
        assertArrayEquals(train(DENSE, new LocalGradients(data.shards().collect(), setup.kernel())),
                train(DENSE, epochJob(setup, DENSE)));
    }

    /** A task's error (here a diverging loss, found in the task) fails the run with that error. */
    @Test
    void aFailingTaskFailsTheRunWithItsError() {
        TrainConfig diverging = new TrainConfig("test", new int[] {32, 16}, Activation.RELU, "sgd",
                1e30, 0, false, 0, "constant", 100, 2, 9, 0, 0.1);
        TrainSetup setup = setup(diverging);
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> setup.trainer(epochJob(setup, diverging)).train(setup.initialParams(), 0, (s, p) -> { }));
        Throwable c = e;
        while (c != null && !(c instanceof DivergedException)) {
            c = c.getCause();
        }
        assertInstanceOf(DivergedException.class, c, "the task's error is in the chain: " + e);
        assertArrayEquals(train(DENSE, new LocalGradients(data.shards().collect(), setup(DENSE).kernel())),
                train(DENSE, epochJob(setup(DENSE), DENSE)), "the session trains on afterwards");
    }

    @Test
    void onlyALocalMastersThreadsWithoutRetriesRunEveryTaskAtOnce() {
        assertEquals(1, EpochJob.localThreads("local", 8));
        assertEquals(4, EpochJob.localThreads("local[4]", 8));
        assertEquals(8, EpochJob.localThreads("local[*]", 8));
        assertEquals(4, EpochJob.localThreads("local[4,1]", 8));
        assertEquals(0, EpochJob.localThreads("local[4,3]", 8), "a retried task could not rejoin the epoch");
        assertEquals(0, EpochJob.localThreads("local[*,2]", 8));
        assertEquals(0, EpochJob.localThreads("local-cluster[2,1,1024]", 8));
        assertEquals(0, EpochJob.localThreads("spark://host:7077", 8));
        assertEquals(0, EpochJob.localThreads("yarn", 8));
    }
}
