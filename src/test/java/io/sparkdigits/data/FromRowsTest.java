package io.sparkdigits.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.testing.SparkSessionExtension;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Rows of a source other than CSV packed as CSV rows are: bytes for pixels, floats for anything else. */
@ExtendWith(SparkSessionExtension.class)
class FromRowsTest {
    /** A row: label, then values; a negative label stands for a bad row. */
    private record Cursors() implements DigitData.CursorFactory<float[]> {
        @Override
        public RowCursor open(int split, Iterator<float[]> rows) {
            return new RowCursor() {
                private float[] row;

                @Override
                public boolean next(float[] values) {
                    if (!rows.hasNext()) {
                        return false;
                    }
                    row = rows.next();
                    System.arraycopy(row, 1, values, 0, values.length);
                    return true;
                }

                @Override
                public String problem() {
                    return row[0] < 0 ? "label " + row[0] : null;
                }

                @Override
                public int label() {
                    return (int) row[0];
                }

                @Override
                public BadRowException badRow() {
                    return new BadRowException("split " + split, problem());
                }
            };
        }
    }

    private static DigitData pack(List<float[]> rows, int splits) {
        JavaRDD<float[]> rdd = JavaSparkContext.fromSparkContext(SparkSessionExtension.spark().sparkContext())
                .parallelize(rows, splits);
        return DigitData.fromRows(rdd, new Cursors(), 2, 2, "test rows", 10);
    }

    @Test
    void pixelsAreBytesAndOtherValuesStayFloats() {
        DigitData pixels = pack(List.of(new float[] {1, 0, 255}, new float[] {2, 7, 8}), 2);
        try {
            assertEquals(2, pixels.rows());
            assertEquals(4, pixels.inputBytes(), "0..255 integers take a byte each");
            assertEquals(255f, pixels.maxValue());
        } finally {
            pixels.release();
        }
        // A negative or a large integer does not fit a byte; it must not wrap around.
        DigitData other = pack(List.of(new float[] {1, -3, 300}, new float[] {2, 0.5f, 8}), 1);
        try {
            assertEquals(16, other.inputBytes(), "floats take four bytes each");
            Shard s = other.shards().collect().stream().filter(x -> x.rows() > 0).findFirst().orElseThrow();
            assertFalse(s.isBytes());
            float[] x = new float[4];
            s.gather(null, 0, 2, 1f, x, new short[2]);
            assertArrayEquals(new float[] {-3, 300, 0.5f, 8}, x);
        } finally {
            other.release();
        }
    }

    @Test
    void aBadRowFailsTheLoadWithTheCursorsWords() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> pack(List.of(new float[] {1, 0, 0}, new float[] {-1, 0, 0}), 1));
        assertTrue(e.getMessage().contains("split 0: label -1.0"), e.getMessage());
    }
}
