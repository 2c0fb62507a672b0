package io.sparkdigits.data;

/**
 * Walks the labeled rows of one input split for {@link ShardPacker}: CSV lines
 * ({@link LineCursor}) or rows of any other source, such as a DataFrame. A row with a problem is
 * still returned, so the packer decides whether to fail or skip it.
 */
public interface RowCursor {
    /** Moves to the next row and puts its values into {@code values}; false at the end. */
    boolean next(float[] values);

    /** What is wrong with the current row, or null. */
    String problem();

    /** The current row's label (valid when {@link #problem()} is null). */
    int label();

    /** The file the current row comes from, as Spark names it, or null when the rows are not from files. */
    default String file() {
        return null;
    }

    /** The current row's problem as an exception that locates it. */
    BadRowException badRow();
}
