package io.sparkdigits.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.nn.BatchStats;
import io.sparkdigits.nn.Dense;
import io.sparkdigits.nn.Init;
import io.sparkdigits.nn.Mlp;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.Stage;
import io.sparkdigits.train.TrainConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The convolution benchmark's inputs are the trainer's, and every section is wired in its place. */
class ConvKernelBenchTest {
    @Test
    void passReplaysTheTrainersForwardAndBackward() {
        NetworkSpec spec = TrainConfig.preset("cnn").network(784, 10);
        float[] params = Init.initialize(spec, 42);
        ConvKernelBench.Pass pass = new ConvKernelBench.Pass(spec, params, Dense.matMul(),
                Path.of(BenchContext.WARM_UP_SAMPLE));
        float[] grad = new float[params.length];
        Mlp.accumulateGradient(spec, params, pass.x, pass.y, 0, ConvKernelBench.ROWS, grad,
                new Mlp.Workspace(spec, ConvKernelBench.ROWS), new BatchStats());
        // Same kernels in the same order: the gradient, which depends on every delta, is the same.
        assertArrayEquals(grad, pass.grad);
        List<Stage> stages = spec.stages();
        assertTrue(stages.get(2) instanceof Stage.Conv, "the second convolution is stage 2 of " + spec);
        assertEquals(ConvKernelBench.ROWS * stages.get(2).outSize(), pass.deltas[2].length);
        assertTrue(zeros(pass.acts[1]) > 0.2, "pooled ReLU outputs feed the second convolution");
        assertTrue(zeros(pass.deltas[2]) > 0.5, "pooling routes most of the second convolution's deltas to zero");
    }

    @Test
    void benchRunsEverySectionInTheOrderOfTheOptions() {
        assertEquals(BenchOptions.SECTIONS, Bench.sections().stream().map(Section::name).toList());
    }

    private static double zeros(float[] a) {
        long n = 0;
        for (float v : a) {
            n += v == 0f ? 1 : 0;
        }
        return (double) n / a.length;
    }
}
