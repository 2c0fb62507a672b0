package io.sparkdigits.data;

/**
 * Input the tool cannot use: a missing path, an empty file, a malformed row. The message is meant
 * for the user as it is, one line naming the file and, where it applies, the row and the value.
 */
public class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
