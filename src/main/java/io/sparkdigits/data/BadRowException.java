package io.sparkdigits.data;

/**
 * Thrown on an executor for the first bad row of a split. It carries where the row is (file,
 * split offset, ordinal among the split's data rows) because only the driver, reading the file
 * again, can turn that into a line number.
 */
public final class BadRowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long blockStart;
    private final long ordinal;
    private final String problem;

    public BadRowException(String file, long blockStart, long ordinal, String problem) {
        super(file + " (split at byte " + blockStart + ", data row " + (ordinal + 1) + "): " + problem);
        this.file = file;
        this.blockStart = blockStart;
        this.ordinal = ordinal;
        this.problem = problem;
    }

    /**
     * A bad row of a source that is not a file (a DataFrame): {@code where} says which row it is,
     * in the caller's words, and there is no line to look up.
     */
    public BadRowException(String where, String problem) {
        super(where + ": " + problem);
        this.file = null;
        this.blockStart = -1;
        this.ordinal = -1;
        this.problem = problem;
    }

    /** The file of the row, or null if it did not come from a file. */
    public String file() {
        return file;
    }

    public long blockStart() {
        return blockStart;
    }

    public long ordinal() {
        return ordinal;
    }

    public String problem() {
        return problem;
    }
}
