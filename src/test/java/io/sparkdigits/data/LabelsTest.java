package io.sparkdigits.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LabelsTest {
    @Test
    void aLabelIsAnIntegralValueBelowTheClassCount() {
        assertNull(Labels.problem(0, 3));
        assertNull(Labels.problem(2.0, 3));
        assertEquals("3 is outside 0..2", Labels.problem(3, 3));
        assertEquals("-1 is outside 0..2", Labels.problem(-1, 3));
        assertEquals("1.5 is not an integer", Labels.problem(1.5, 3));
        assertEquals("Infinity is not a number", Labels.problem(Double.POSITIVE_INFINITY, 3));
        assertNull(Labels.problem(999, Labels.FROM_DATA));
        assertEquals("1000 is outside 0..999 (at most 1000 classes)", Labels.problem(1000, Labels.FROM_DATA));
    }

    @Test
    void theDataDecidesWhenNoCountIsGiven() {
        assertEquals(7, Labels.classes(7, 2, "d.csv"));
        assertEquals(47, Labels.classes(Labels.FROM_DATA, 46, "d.csv"));
        BadInputException e = assertThrows(BadInputException.class, () -> Labels.classes(Labels.FROM_DATA, 0, "d.csv"));
        assertTrue(e.getMessage().startsWith("d.csv: every label is 0"), e.getMessage());
        assertNull(Labels.checkCount(2));
        assertNull(Labels.checkCount(1000));
        assertEquals("the number of classes must be from 2 to 1000, got 1001", Labels.checkCount(1001));
    }
}
