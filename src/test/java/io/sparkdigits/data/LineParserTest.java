package io.sparkdigits.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

class LineParserTest {
    private final LineParser labeled = new LineParser(true, 3, 10);
    private final float[] out = new float[3];

    private String parse(LineParser p, String line) {
        return p.parse(UTF8String.fromString(line), out);
    }

    @Test
    void readsIntegersFloatsSpacesQuotesAndCarriageReturns() {
        assertNull(parse(labeled, "7,0,128,255"));
        assertEquals(7, labeled.label());
        assertArrayEquals(new float[] {0, 128, 255}, out);
        assertNull(parse(labeled, " 3 , 0.5,1e2 ,\"4\"\r"));
        assertEquals(3, labeled.label());
        assertArrayEquals(new float[] {0.5f, 100f, 4f}, out);
        LineParser unlabeled = new LineParser(false, 3, 10);
        assertNull(parse(unlabeled, "1,2,3"));
        assertEquals(-1, unlabeled.label());
        assertArrayEquals(new float[] {1, 2, 3}, out);
    }

    /** "0," has a path of its own: it must agree with the general one at every position. */
    @Test
    void zerosAreValuesLikeAnyOther() {
        out[0] = out[1] = out[2] = 9f;
        assertNull(parse(labeled, "0,0,0,0"));
        assertEquals(0, labeled.label(), "a 0 label is a label, not a pixel");
        assertArrayEquals(new float[] {0, 0, 0}, out);
        assertNull(parse(labeled, "2,0,00,0\r"));
        assertArrayEquals(new float[] {0, 0, 0}, out);
        assertNull(parse(labeled, "0,5,0,6"));
        assertArrayEquals(new float[] {5, 0, 6}, out);
        LineParser unlabeled = new LineParser(false, 3, 10);
        assertNull(parse(unlabeled, "0,0,7"));
        assertArrayEquals(new float[] {0, 0, 7}, out);
        assertEquals("expected 4 fields but found 3", parse(labeled, "1,0,0"));
        assertEquals("expected 4 fields but found 5", parse(labeled, "1,0,0,0,0"));
        assertEquals("column 4: the value is missing", parse(labeled, "1,0,0,"));
        assertEquals("column 3: the value is missing", parse(labeled, "1,0,,0"));
        assertEquals("expected 3 fields but found 4", parse(unlabeled, "0,0,0,0"));
    }

    /** A label in another column is taken out of the values wherever it is, also when it is 0. */
    @Test
    void theLabelMayBeInAnyColumn() {
        LineParser last = new LineParser(3, 3, 10);
        assertNull(parse(last, "0,128,255,7"));
        assertEquals(7, last.label());
        assertArrayEquals(new float[] {0, 128, 255}, out);
        LineParser second = new LineParser(1, 3, 10);
        assertNull(parse(second, "5,0,0,9"));
        assertEquals(0, second.label(), "the \"0,\" path must not take the label for a value");
        assertArrayEquals(new float[] {5, 0, 9}, out);
        assertNull(parse(second, "0,4,0.5,0"));
        assertEquals(4, second.label());
        assertArrayEquals(new float[] {0, 0.5f, 0}, out);
        assertEquals("column 4: label 1.5 is not an integer", parse(last, "1,2,3,1.5"));
        assertEquals("column 4: label 'x' is not an integer", parse(last, "1,2,3,x"));
        assertEquals("column 2: label 12 is outside 0..9", parse(second, "1,12,3,4"));
        assertEquals("column 4: the label is missing", parse(last, "1,2,3,"));
        assertEquals("column 1: value 'x' is not a number", parse(last, "x,2,3,4"));
        assertEquals("expected 4 fields but found 3", parse(last, "1,2,3"));
    }

    @Test
    void namesWhatIsWrong() {
        assertEquals("expected 4 fields but found 2", parse(labeled, "1,2"));
        assertEquals("expected 4 fields but found 6", parse(labeled, "1,2,3,4,5,6"));
        assertEquals("column 4: the value is missing", parse(labeled, "1,2,3,"));
        assertEquals("column 3: value 'dark' is not a number", parse(labeled, "1,2,dark,4"));
        assertEquals("column 1: label 3.5 is not an integer", parse(labeled, "3.5,2,3,4"));
        assertEquals("column 1: label 'x' is not an integer", parse(labeled, "x,2,3,4"));
        assertEquals("column 1: label 10 is outside 0..9", parse(labeled, "10,2,3,4"));
        assertEquals("column 1: label -1 is outside 0..9", parse(labeled, "-1,2,3,4"));
        assertEquals("column 1: the label is missing", parse(labeled, ",2,3,4"));
        assertEquals("column 3: value NaN is not finite", parse(labeled, "1,2,NaN,4"));
        assertEquals("column 3: value Infinity is not finite", parse(labeled, "1,2,Infinity,4"));
        assertEquals("column 2: value -Infinity is not finite", parse(labeled, "1,-1e39,3,4"));
    }

    /** A row of 256 values, the first three {@code a, b, c} and the rest 0, after {@code label}. */
    private static String picture(String label, String a, String b, String c) {
        return label + "," + a + "," + b + "," + c + ",0".repeat(253);
    }

    @Test
    void picturesHoldPixelsZeroTo255AndTablesAnyFiniteNumber() {
        assertTrue(LineParser.holdsPixels(784));
        assertTrue(LineParser.holdsPixels(256));
        assertFalse(LineParser.holdsPixels(225), "15 x 15 is below the smallest picture");
        assertFalse(LineParser.holdsPixels(783));
        assertFalse(LineParser.holdsPixels(4));
        LineParser pictures = new LineParser(true, 256, 10);
        float[] row = new float[256];
        assertEquals("column 2: pixel value -1.0 is negative", pictures.parse(UTF8String.fromString(picture("1", "-1", "3", "4")), row));
        assertEquals("column 4: pixel value 256.0 is above 255", pictures.parse(UTF8String.fromString(picture("1", "2", "3", "256")), row));
        assertEquals("column 2: pixel value 1.0E10 is above 255", pictures.parse(UTF8String.fromString(picture("1", "9999999999", "3", "4")), row));
        assertEquals("column 3: pixel value NaN is not finite", pictures.parse(UTF8String.fromString(picture("1", "2", "NaN", "4")), row));
        assertNull(pictures.parse(UTF8String.fromString(picture("1", "255", "0.5", "-0")), row));

        assertNull(parse(labeled, "1,-1,1680,9999999999"), "a table's values are any finite numbers");
        assertArrayEquals(new float[] {-1f, 1680f, 1e10f}, out);
    }

    /** Any number of classes: 3.0 is class 3, and the bound is the one given, or 1,000 when the data decides. */
    @Test
    void labelsUpToTheClassesGiven() {
        assertNull(parse(labeled, "3.0,1,2,3"));
        assertEquals(3, labeled.label());
        assertNull(parse(labeled, "9e0,1,2,3"));
        assertEquals(9, labeled.label());
        LineParser many = new LineParser(true, 3, 47);
        assertNull(parse(many, "46,1,2,3"));
        assertEquals(46, many.label());
        assertEquals("column 1: label 47 is outside 0..46", parse(many, "47,1,2,3"));
        LineParser fromData = new LineParser(true, 3, Labels.FROM_DATA);
        assertNull(parse(fromData, "999,1,2,3"));
        assertEquals(999, fromData.label());
        assertEquals("column 1: label 1000 is outside 0..999 (at most 1000 classes)", parse(fromData, "1000,1,2,3"));
        assertEquals("column 1: label 2.5 is not an integer", parse(fromData, "2.5,1,2,3"));
        assertEquals("column 1: label 'NaN' is not an integer", parse(fromData, "NaN,1,2,3"));
    }

    /** Found by HostileInputTest: Float.parseFloat took Java literals and NUL-padded text as numbers. */
    @Test
    void onlyDecimalNumbersAreValues() {
        assertNull(parse(labeled, "1,2.55e2,.5,-0"));
        assertArrayEquals(new float[] {255f, 0.5f, -0f}, out);
        assertEquals("column 2: value '1f' is not a number", parse(labeled, "1,1f,3,4"));
        assertEquals("column 3: value '0x1p3' is not a number", parse(labeled, "1,2,0x1p3,4"));
        assertEquals("column 4: value '7\\x00' is not a number", parse(labeled, "1,2,3,7\0"));
        assertEquals("column 1: label '\\x003' is not an integer", parse(labeled, "\0003,2,3,4"));
        assertEquals("column 2: value '1e' is not a number", parse(labeled, "1,1e,3,4"));
        assertEquals("column 2: value NaN is not finite", parse(labeled, "1,-NaN,3,4"));
    }

    /** Found by HostileInputTest: a 30,000-character field made a 30,000-character error line. */
    @Test
    void aHugeFieldIsCutShortInTheMessage() {
        String huge = "x".repeat(30_000);
        assertEquals("column 2: value '" + "x".repeat(40) + "... (30000 characters)' is not a number",
                parse(labeled, "1," + huge + ",3,4"));
    }
}
