package io.sparkdigits.model;

import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelTest {
    private static final NetworkSpec SPEC = new NetworkSpec(new int[]{4, 3, 2}, Activation.TANH);

    @Test
    void rejectsParameterCountThatDoesNotMatchTheSpec() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Model(SPEC, new float[22], 1f, Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("23 parameters but 22"), e.getMessage());
    }

    @Test
    void rejectsNonPositiveOrNonFiniteInputScale() {
        for (float s : new float[]{0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> new Model(SPEC, new float[23], s, Map.of(), Map.of()));
        }
    }

    @Test
    void rejectsStateNamesThatAreNotPortableFileNames() {
        for (String bad : new String[]{"", "a/b", ".hidden", "x y", "a:b"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> new Model(SPEC, new float[23], 1f, Map.of(), Map.of(bad, new float[1])), bad);
        }
        new Model(SPEC, new float[23], 1f, Map.of(), Map.of("adam.m", new float[23], "step-count_1", new float[1]));
    }

    @Test
    void rejectsInfoValuesJsonCannotHold() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Model(SPEC, new float[23], 1f, Map.of("config", Map.of("when", new Object())), Map.of()));
        assertTrue(e.getMessage().startsWith("info.config.when is a java.lang.Object"), e.getMessage());
    }

    @Test
    void normalisesInfoToWhatJsonGivesBack() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("int", 3);
        info.put("float", 0.1f);
        info.put("nan", Double.NaN);
        info.put("big", new BigDecimal("2.5"));
        info.put("huge", BigInteger.TEN.pow(30));
        info.put("sizes", new int[]{784, 10});
        info.put("tags", Set.of("a"));
        info.put("none", null);
        Model m = new Model(SPEC, new float[23], 1f, info, Map.of());
        assertEquals(3L, m.info().get("int"));
        assertEquals(0.1, m.info().get("float"));
        assertEquals("NaN", m.info().get("nan"));
        assertEquals(2.5, m.info().get("big"));
        assertEquals(BigInteger.TEN.pow(30), m.info().get("huge"));
        assertEquals(List.of(784L, 10L), m.info().get("sizes"));
        assertEquals(List.of("a"), m.info().get("tags"));
        assertTrue(m.info().containsKey("none"));
        assertEquals(List.copyOf(info.keySet()), List.copyOf(m.info().keySet()), "insertion order is kept");
        assertThrows(UnsupportedOperationException.class, () -> m.info().put("x", 1));
    }

    @Test
    void withInfoAddsAKeyAndSharesTheArrays() {
        float[] p = new float[23];
        Model m = new Model(SPEC, p, 1f, Map.of("seed", 1), Map.of()).withInfo("accuracy", 0.97);
        assertSame(p, m.params());
        assertEquals(Map.of("seed", 1L, "accuracy", 0.97), m.info());
    }
}
