package io.sparkdigits.optim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.*;

class LrScheduleTest {
    @Test
    void constant() {
        LrSchedule s = LrSchedule.constant(0.1);
        assertEquals(0.1, s.rate(0, 10));
        assertEquals(0.1, s.rate(9, 10));
        assertEquals(0.1, s.rate(1000, 10));
        assertEquals("constant(base=0.1)", s.toString());
    }

    @Test
    void stepDecay() {
        LrSchedule s = LrSchedule.step(0.1, 0.5, 3);
        long[] steps = {0, 1, 2, 3, 5, 6, 9, 10};
        double[] expected = {0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.0125, 0.0125};
        for (int i = 0; i < steps.length; i++) {
            assertEquals(expected[i], s.rate(steps[i], 12), "step " + steps[i]);
        }
        assertEquals(1e-3, LrSchedule.step(1.0, 0.1, 1).rate(3, 10), 1e-18);
        assertEquals("step(base=0.1, gamma=0.5, everySteps=3)", s.toString());
    }

    @Test
    void cosineWarmUpIsLinearAndEndsAtBase() {
        LrSchedule s = LrSchedule.cosine(1.0, 4, 0.1);
        assertEquals(0.2, s.rate(0, 14), 1e-15);
        assertEquals(0.4, s.rate(1, 14), 1e-15);
        assertEquals(0.6, s.rate(2, 14), 1e-15);
        assertEquals(0.8, s.rate(3, 14), 1e-15);
        assertEquals(1.0, s.rate(4, 14));
        assertEquals("cosine(base=1.0, warmupSteps=4, minRate=0.1)", s.toString());
    }

    @Test
    void cosineDecaysToMinRateAtTotalSteps() {
        LrSchedule s = LrSchedule.cosine(1.0, 4, 0.1);
        // 10 decay steps after warm-up: halfway (step 9) is the mean of base and min
        assertEquals(0.55, s.rate(9, 14), 1e-15);
        assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.2)), s.rate(6, 14), 1e-15);
        double last = s.rate(13, 14);
        assertTrue(last > 0.1 && last < 0.13, "last step stays just above min: " + last);
        assertEquals(0.1, s.rate(14, 14));
        assertEquals(0.1, s.rate(1000, 14));
        for (long t = 4; t < 14; t++) {
            assertTrue(s.rate(t + 1, 14) < s.rate(t, 14), "decreasing at " + t);
        }
    }

    @Test
    void cosineWithoutWarmUpStartsAtBase() {
        LrSchedule s = LrSchedule.cosine(0.5, 0, 0);
        assertEquals(0.5, s.rate(0, 100));
        assertEquals(0.25, s.rate(50, 100), 1e-15);
        assertEquals(0.0, s.rate(100, 100));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(-0.1));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.step(0.1, 0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.step(0.1, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(0.1, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(0.1, 0, 0.2));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(0.1).rate(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(0.1, 0, 0).rate(0, -1));
    }

    @Test
    void parsesGoodStrings() {
        assertEquals(LrSchedule.constant(0.1), LrSchedule.parse("constant", 0.1, 100));
        assertEquals(LrSchedule.cosine(0.1, 0, 0), LrSchedule.parse("cosine", 0.1, 100));
        assertEquals(LrSchedule.cosine(0.1, 200, 0), LrSchedule.parse("cosine:warmup=2", 0.1, 100));
        assertEquals(LrSchedule.cosine(0.1, 50, 1e-4), LrSchedule.parse(" Cosine : warmup = 0.5 , MIN=1e-4 ", 0.1, 100));
        assertEquals(LrSchedule.step(0.1, 0.5, 500), LrSchedule.parse("step:gamma=0.5,every=5", 0.1, 100));
        assertEquals(LrSchedule.step(0.1, 0.5, 500), LrSchedule.parse("step:every=5,gamma=0.5", 0.1, 100));
        assertEquals(LrSchedule.step(0.1, 0.1, 200), LrSchedule.parse("step:every=2", 0.1, 100));
        assertEquals("step(base=0.1, gamma=0.5, everySteps=500)",
                LrSchedule.parse("step:gamma=0.5,every=5", 0.1, 100).toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                         | empty",
            "foo                        | 'foo'",
            "foo:x=1                    | 'foo'",
            "constant:x=1               | takes no options",
            "cosine:                    | malformed option ''",
            "cosine:warmup              | malformed option 'warmup'",
            "cosine:warmup=             | malformed option 'warmup='",
            "cosine:=2                  | malformed option '=2'",
            "cosine:warmup=abc          | 'warmup=abc'",
            "cosine:warmup=-1           | 'warmup=-1'",
            "cosine:warmup=NaN          | 'warmup=NaN'",
            "cosine:warmup=Infinity     | 'warmup=Infinity'",
            "cosine:bogus=1             | unknown option 'bogus'",
            "cosine:warmup=1,warmup=2   | 'warmup' given twice",
            "cosine:min=5               | min=5",
            "step                       | needs every=",
            "step:gamma=0.5             | needs every=",
            "step:every=0               | 'every=0'",
            "step:every=0.001           | 'every=0.001'",
            "step:gamma=0,every=1       | 'gamma=0'",
            "step:gamma=0.5;every=1     | 'gamma=0.5;every=1'",
    })
    void rejectsBadStringsNamingTheBadPart(String spec, String expectedInMessage) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LrSchedule.parse(spec, 0.1, 100));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void parseRejectsBadStepsPerEpoch() {
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.parse("constant", 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.parse(null, 0.1, 10));
    }
}
