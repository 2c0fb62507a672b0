package io.sparkdigits.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.Shard;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Spark changes where the arithmetic runs, never its result: training through Spark jobs gives
 * bit-identical weights to the same run in one JVM without Spark, for dense networks and for a
 * convolutional one that distorts its images and drops units (random draws made in the tasks).
 */
@ExtendWith(SparkSessionExtension.class)
class SparkParityTest {
    private static final TrainConfig CONFIG = new TrainConfig("test", new int[] {32, 16}, Activation.RELU, "momentum",
            0.05, 0.9, true, 1e-4, "cosine", 100, 2, 9, 0, 0.1);
    /** A small convolutional network with every random draw a run makes: augmentation and dropout. */
    private static final TrainConfig CNN = new TrainConfig("test", new int[0], Activation.RELU, "adam",
            0.002, 0.9, false, 0, "cosine", 200, 1, 9, 0, 0.1, "conv3x3x4:s2,pool2,dense16,10", null,
            new double[] {0.25, 0.5}, "shift=2,rotate=10,scale=0.1,elastic", 0);

    private static float[] trainOnSpark(DigitData data) {
        return trainOnSpark(CONFIG, data);
    }

    private static float[] trainOnSpark(TrainConfig config, DigitData data) {
        return trainOnSpark(config, data, false);
    }

    /** With {@code broadcast}, the weights go out as on a cluster, not in memory as on this local master. */
    private static float[] trainOnSpark(TrainConfig config, DigitData data, boolean broadcast) {
        TrainSetup setup = TrainSetup.of(config, data.width(), data.rowsPerPartition(), data.maxValue(), 10);
        float[] params = setup.initialParams();
        SparkGradients gradients = new SparkGradients(data.shards(), setup.kernel(), 2, new JobDeadline(data.shards().context(), 0));
        setup.trainer(broadcast ? gradients.throughSpark() : gradients).train(params, 0, (s, p) -> { });
        assertEquals(0, StepExchange.InMemory.held(), "every step's weights are released when its job is over");
        return params;
    }

    private static float[] trainLocally(TrainConfig config, List<Shard> shards, float maxValue) {
        long[] rows = shards.stream().mapToLong(Shard::rows).toArray();
        TrainSetup setup = TrainSetup.of(config, shards.get(0).cols(), rows, maxValue, 10);
        float[] params = setup.initialParams();
        setup.trainer(new LocalGradients(shards, setup.kernel())).train(params, 0, (s, p) -> { });
        return params;
    }

    @Test
    void convolutionWithAugmentationAndDropoutIsBitIdenticalOnSpark() {
        DigitData data = load(3);
        try {
            List<Shard> shards = data.shards().collect();
            float[] local = trainLocally(CNN, shards, data.maxValue());
            assertArrayEquals(local, trainOnSpark(CNN, data));
            TrainConfig plain = new TrainConfig("test", new int[0], Activation.RELU, "adam", 0.002, 0.9, false, 0,
                    "cosine", 200, 1, 9, 0, 0.1, CNN.layers(), null, new double[0], "none", 0);
            assertFalse(Arrays.equals(local, trainLocally(plain, shards, data.maxValue())),
                    "augmentation and dropout must change what is learned");
        } finally {
            data.release();
        }
    }

    private static float[] trainLocally(List<Shard> shards, float maxValue) {
        return trainLocally(CONFIG, shards, maxValue);
    }

    private static DigitData load(int partitions) {
        return DigitData.load(SparkSessionExtension.spark(), TestData.TRAIN.toString(),
                new DigitData.Options(CsvLayout.Header.AUTO, false, partitions, 10), -1);
    }

    @Test
    void onePartitionOnSparkEqualsTrainingWithoutSpark() throws Exception {
        DigitData data = load(1);
        try {
            TestData.Rows rows = TestData.read(TestData.TRAIN);
            Shard whole = Shard.ofBytes(rows.count(), rows.cols(), rows.labels(), rows.pixels());
            float[] local = trainLocally(List.of(whole), 255f);
            float[] spark = trainOnSpark(data);
            assertArrayEquals(local, spark);
            assertFalse(Arrays.equals(local, TrainSetup.of(CONFIG, 784, new long[] {1000}, 255f, 10).initialParams()),
                    "training must have moved the weights");
        } finally {
            data.release();
        }
    }

    /**
     * 3 partitions are merged on the driver; 7 go through treeAggregate's executor level when sent
     * as on a cluster, and are merged on the driver when handed over in memory.
     */
    @ParameterizedTest
    @ValueSource(ints = {3, 7})
    void manyPartitionsOnSparkEqualTheSamePartitionsInOneJvm(int partitions) {
        assertEquals(partitions > 5, SparkGradients.treeHasLevels(partitions, 2));
        DigitData data = load(partitions);
        try {
            List<Shard> shards = data.shards().collect();
            float[] local = trainLocally(shards, data.maxValue());
            assertArrayEquals(local, trainOnSpark(CONFIG, data, true), "as on a cluster");
            assertArrayEquals(local, trainOnSpark(CONFIG, data, false), "in memory");
        } finally {
            data.release();
        }
    }

    @Test
    void weightsInMemoryAndBroadcastTrainTheSameModel() {
        DigitData data = load(3);
        try {
            float[] broadcast = trainOnSpark(CONFIG, data, true);
            assertArrayEquals(trainOnSpark(CONFIG, data, false), broadcast);
            assertArrayEquals(trainLocally(data.shards().collect(), data.maxValue()), broadcast);
        } finally {
            data.release();
        }
    }

    @Test
    void aStepsJobSaysWhichStepOfWhichEpochItIs() {
        DigitData data = load(3);
        try {
            TrainSetup setup = TrainSetup.of(CONFIG, data.width(), data.rowsPerPartition(), data.maxValue(), 10);
            SparkGradients g = new SparkGradients(data.shards(), setup.kernel(), 2, JobDeadline.none(data.shards().context()));
            assertEquals("train epoch 2 step 3", g.description(1, 2));
            assertEquals("train epoch 2/15 step 3/29", g.totals(15, 29).description(1, 2));
        } finally {
            data.release();
        }
    }

    @Test
    void treeAggregateHasLevelsFromSixPartitionsAtDepthTwo() {
        for (int n = 1; n <= 5; n++) {
            assertFalse(SparkGradients.treeHasLevels(n, 2), n + " partitions");
        }
        for (int n : new int[] {6, 7, 64, 1000}) {
            assertTrue(SparkGradients.treeHasLevels(n, 2), n + " partitions");
            assertFalse(SparkGradients.treeHasLevels(n, 1), "depth 1 never has levels");
        }
    }
}
