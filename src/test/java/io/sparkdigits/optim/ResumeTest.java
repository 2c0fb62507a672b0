package io.sparkdigits.optim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Checkpoint and resume: a restored optimizer continues bit for bit. */
class ResumeTest {
    private static final int N = 50;
    private static final WeightMask MASK = WeightMask.of(N, 0, 40, 45, 48);

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("sgd", (Supplier<Optimizer>) () -> new Sgd(0.01, MASK)),
                Arguments.of("momentum", (Supplier<Optimizer>) () -> new Momentum(0.9, false, 0.01, MASK)),
                Arguments.of("nesterov", (Supplier<Optimizer>) () -> new Momentum(0.9, true, 0.01, MASK)),
                Arguments.of("adam", (Supplier<Optimizer>) () -> new Adam(0.01, MASK)));
    }

    /** A noisy quadratic: the gradient depends on the parameters and on the step. */
    private static void run(Optimizer opt, float[] p, int from, int to) {
        for (int s = from; s < to; s++) {
            float[] g = Fixtures.grad(s, N);
            for (int i = 0; i < N; i++) {
                g[i] = 0.1f * g[i] + (i % 5 + 1) * (p[i] - 0.5f);
            }
            opt.step(p, g, (float) LrSchedule.cosine(0.05, 2, 0.001).rate(s, to));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void restoredOptimizerContinuesBitForBit(String label, Supplier<Optimizer> factory) {
        Optimizer original = factory.get();
        float[] p = Fixtures.randomArray(7, N, 1.0);
        run(original, p, 0, 5);
        Map<String, float[]> snapshot = original.state();
        long count = original.stepCount();
        float[] savedParams = p.clone();
        run(original, p, 5, 10);

        Optimizer resumed = factory.get();
        resumed.restore(snapshot, count);
        float[] q = savedParams.clone();
        run(resumed, q, 5, 10);

        assertEquals(5, count);
        assertArrayEquals(p, q);
        assertEquals(10, resumed.stepCount());
        for (String name : original.state().keySet()) {
            assertArrayEquals(original.state().get(name), resumed.state().get(name), name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void javaSerializationKeepsTheState(String label, Supplier<Optimizer> factory) throws Exception {
        Optimizer original = factory.get();
        float[] p = Fixtures.randomArray(8, N, 1.0);
        run(original, p, 0, 5);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(original);
        }
        Optimizer copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (Optimizer) in.readObject();
        }
        float[] q = p.clone();
        run(original, p, 5, 10);
        run(copy, q, 5, 10);
        assertArrayEquals(p, q);
        assertEquals(original.toString(), copy.toString());
    }

    @Test
    void stateMattersForMomentumAndAdam() {
        // Guards the resume test: without restore() the continuation must differ.
        List<Supplier<Optimizer>> factories = List.of(
                () -> new Momentum(0.9, true, 0.01, MASK), () -> new Adam(0.01, MASK));
        for (Supplier<Optimizer> factory : factories) {
            Optimizer original = factory.get();
            float[] p = Fixtures.randomArray(7, N, 1.0);
            run(original, p, 0, 5);
            float[] q = p.clone();
            run(original, p, 5, 10);
            run(factory.get(), q, 5, 10);
            assertFalse(Arrays.equals(p, q), original.name());
        }
    }

    @Test
    void adamStepCountMattersForBiasCorrection() {
        Adam a = new Adam(0, MASK);
        float[] p = Fixtures.randomArray(9, N, 1.0);
        run(a, p, 0, 5);
        Adam b = new Adam(0, MASK);
        b.restore(a.state(), 1);
        float[] q = p.clone();
        run(a, p, 5, 6);
        run(b, q, 5, 6);
        assertFalse(Arrays.equals(p, q));
    }

    @Test
    void stateIsACopy() {
        Momentum m = new Momentum(0.9, false, 0, MASK);
        float[] p = new float[N];
        m.step(p, Fixtures.grad(0, N), 0.1f);
        float[] v = m.state().get("velocity");
        float before = v[0];
        v[0] = 123f;
        assertEquals(before, m.state().get("velocity")[0]);
        assertThrows(UnsupportedOperationException.class, () -> m.state().put("x", new float[N]));

        Map<String, float[]> saved = new HashMap<>(m.state());
        Momentum r = new Momentum(0.9, false, 0, MASK);
        r.restore(saved, 1);
        saved.get("velocity")[0] = 456f;
        assertEquals(before, r.state().get("velocity")[0], "restore must copy the arrays");
    }

    @Test
    void restoreRejectsMismatchedState() {
        Adam adam = new Adam(0, MASK);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adam.restore(Map.of("velocity", new float[N]), 3));
        assertTrue(e.getMessage().contains("[m, v]") && e.getMessage().contains("velocity"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> adam.restore(Map.of("m", new float[N], "v", new float[N - 1]), 3));
        assertTrue(e.getMessage().contains("'v'") && e.getMessage().contains(String.valueOf(N - 1)), e.getMessage());

        assertThrows(IllegalArgumentException.class,
                () -> adam.restore(Map.of("m", new float[N], "v", new float[N], "extra", new float[N]), 3));
        assertThrows(IllegalArgumentException.class,
                () -> adam.restore(Map.of("m", new float[N], "v", new float[N]), -1));
        assertThrows(IllegalArgumentException.class,
                () -> new Sgd(0, MASK).restore(Map.of("velocity", new float[N]), 0));
        assertThrows(IllegalArgumentException.class,
                () -> new Momentum(0.9, false, 0, MASK).restore(Map.of(), 0));
        assertEquals(0, adam.stepCount(), "a failed restore changes nothing");

        Sgd sgd = new Sgd(0, MASK);
        sgd.restore(Map.of(), 42);
        assertEquals(42, sgd.stepCount());
    }
}
