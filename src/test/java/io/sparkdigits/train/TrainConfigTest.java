package io.sparkdigits.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Presets with overrides, and the batch size and epochs the default preset adapts to the data. */
class TrainConfigTest {
    private static TrainConfig defaults() {
        return TrainConfig.preset("default");
    }

    @Test
    void mnistSizedDataKeepsTheTunedBatchAndRate() {
        TrainConfig c = defaults().resolve(60_000);
        assertEquals(2048, c.batchSize());
        assertEquals(15, c.epochs());
        assertEquals(6e-3, c.learningRate(), 1e-12);
    }

    @Test
    void smallDataGetsSmallBatchesEnoughStepsAndAScaledRate() {
        TrainConfig c = defaults().resolve(1_500);
        assertEquals(32, c.batchSize());
        assertEquals(15, c.epochs(), "47 steps an epoch: 15 epochs are 705 steps");
        assertEquals(6e-3 * Math.sqrt(32 / 2048.0), c.learningRate(), 1e-12);
        TrainConfig tiny = defaults().resolve(200);
        assertEquals(32, tiny.batchSize());
        assertEquals(58, tiny.epochs(), "7 steps an epoch: 58 epochs reach 400 steps");
        assertEquals(256, defaults().resolve(10_000).batchSize());
        assertEquals(2048, defaults().resolve(6_000_000).batchSize());
        assertEquals(15, defaults().resolve(6_000_000).epochs());
    }

    @Test
    void settingsGivenStayAsGiven() {
        TrainConfig given = TrainConfig.of("default", new TrainConfig.Overrides(null, null, null, 0.01, null, null, null,
                null, 100, 3, null, null, null));
        assertSame(given, given.resolve(1_500));
        TrainConfig batchOnly = TrainConfig.of("default", new TrainConfig.Overrides(null, null, null, null, null, null,
                null, null, 64, null, null, null, null)).resolve(1_500);
        assertEquals(64, batchOnly.batchSize());
        assertEquals(6e-3, batchOnly.learningRate(), 1e-12, "a batch given explicitly keeps the rate");
        assertEquals(17, batchOnly.epochs(), "24 steps an epoch: 17 epochs reach 400 steps");
    }

    @Test
    void otherLayersDropThePresetsDropout() {
        TrainConfig mlp = TrainConfig.of("mlp", new TrainConfig.Overrides(new int[] {64}, null, null, null, null, null,
                null, null, null, null, null, null, null));
        assertEquals(0, mlp.dropout().length);
        assertEquals(3, TrainConfig.preset("mlp").dropout().length);
    }

    /** The cnn preset names ten classes in its layers; its output layer follows the data's K instead. */
    @Test
    void aPresetsOutputLayerFollowsTheClasses() {
        TrainConfig cnn = TrainConfig.preset("cnn");
        assertEquals("conv5x5x16,pool2,conv5x5x32,pool2,dense128,47", cnn.forClasses(47).layers());
        assertEquals(cnn, cnn.forClasses(10));
        assertEquals(3, TrainSetup.of(cnn, 784, new long[] {100}, 255f, 3).spec().outputSize());
        assertEquals(1000, TrainSetup.of(TrainConfig.preset("default"), 64, new long[] {100}, 255f, 1000).spec()
                .outputSize());
        TrainConfig given = TrainConfig.of("cnn", new TrainConfig.Overrides(null, null, null, null, null, null, null,
                null, null, null, null, null, null, "conv3x3x4,pool2,dense5", null, null, null, null));
        assertEquals(given, given.forClasses(3), "layers given explicitly are the user's to match");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainSetup.of(given, 784, new long[] {100}, 255f, 3));
        assertTrue(e.getMessage().contains("must end with the number of classes, 3"), e.getMessage());
    }
}
