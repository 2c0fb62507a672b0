package io.sparkdigits.data;

import java.io.IOException;

/**
 * An IDX input is malformed or unusable: bad magic, unsupported element type, truncated data,
 * trailing bytes, or two files that do not belong together. The message is one line and starts
 * with the file it is about, so a command-line tool can print it as it is.
 */
public class IdxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public IdxFormatException(String message) {
        super(message);
    }

    public IdxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
