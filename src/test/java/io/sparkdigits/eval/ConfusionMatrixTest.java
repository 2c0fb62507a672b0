package io.sparkdigits.eval;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfusionMatrixTest {
    private static final double EPS = 1e-12;

    /**
     * <pre>
     * actual\pred  0  1  2   support
     *      0       5  2  1      8
     *      1       1  6  0      7
     *      2       2  1  4      7
     * predicted    8  9  5     22
     * </pre>
     */
    static final long[][] COUNTS = {{5, 2, 1}, {1, 6, 0}, {2, 1, 4}};

    static ConfusionMatrix example() {
        ConfusionMatrix cm = new ConfusionMatrix(3);
        for (int a = 0; a < 3; a++) {
            for (int p = 0; p < 3; p++) {
                for (long i = 0; i < COUNTS[a][p]; i++) {
                    cm.add(a, p);
                }
            }
        }
        return cm;
    }

    @Test
    void metricsOfAHandComputedMatrix() {
        ConfusionMatrix cm = example();
        assertEquals(22, cm.total());
        assertEquals(15, cm.correct());
        assertEquals(15.0 / 22, cm.accuracy(), EPS);
        assertEquals(2, cm.count(0, 1));
        assertEquals(0, cm.count(1, 2));
        assertEquals(7, cm.support(2));
        assertEquals(9, cm.predicted(1));

        assertEquals(5.0 / 8, cm.precision(0), EPS);
        assertEquals(5.0 / 8, cm.recall(0), EPS);
        assertEquals(5.0 / 8, cm.f1(0), EPS);

        assertEquals(6.0 / 9, cm.precision(1), EPS);
        assertEquals(6.0 / 7, cm.recall(1), EPS);
        assertEquals(0.75, cm.f1(1), EPS); // 2 * (2/3)(6/7) / (2/3 + 6/7) = (24/21) / (32/21)

        assertEquals(4.0 / 5, cm.precision(2), EPS);
        assertEquals(4.0 / 7, cm.recall(2), EPS);
        assertEquals(2.0 / 3, cm.f1(2), EPS); // 2 * 0.8 * (4/7) / (0.8 + 4/7) = 6.4 / 9.6
    }

    @Test
    void undefinedRatiosAreZero() {
        ConfusionMatrix cm = new ConfusionMatrix(3);
        assertEquals(0, cm.accuracy());
        cm.add(0, 0);
        cm.add(0, 1); // class 1 predicted but never actual; class 2 neither
        assertEquals(0, cm.precision(1));
        assertEquals(0, cm.recall(1));
        assertEquals(0, cm.f1(1));
        assertEquals(0, cm.precision(2));
        assertEquals(0, cm.recall(2));
        assertEquals(0, cm.f1(2));
        assertEquals(1.0, cm.precision(0));
        assertEquals(0.5, cm.recall(0));
    }

    @Test
    void mergeEqualsCountingEverythingInOneMatrix() {
        ConfusionMatrix left = new ConfusionMatrix(3);
        ConfusionMatrix right = new ConfusionMatrix(3);
        int row = 0;
        for (int a = 0; a < 3; a++) {
            for (int p = 0; p < 3; p++) {
                for (long i = 0; i < COUNTS[a][p]; i++) {
                    (row++ % 2 == 0 ? left : right).add(a, p);
                }
            }
        }
        left.merge(right);
        assertEquals(example(), left);
        left.merge(new ConfusionMatrix(3));
        assertEquals(example(), left);
        assertThrows(IllegalArgumentException.class, () -> left.merge(new ConfusionMatrix(4)));
    }

    @Test
    void rejectsClassesOutOfRange() {
        ConfusionMatrix cm = new ConfusionMatrix(3);
        assertThrows(IndexOutOfBoundsException.class, () -> cm.add(3, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> cm.add(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(0));
    }

    @Test
    void survivesJavaSerialisationAsSparkShipsIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(example());
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(example(), in.readObject());
        }
    }
}
