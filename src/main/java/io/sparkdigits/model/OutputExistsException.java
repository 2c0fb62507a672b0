package io.sparkdigits.model;

import java.io.IOException;

/**
 * An output path holds something that is not ours to replace; nothing was changed there. The
 * command line reports it as one line with exit code 2.
 */
public final class OutputExistsException extends IOException {
    private static final long serialVersionUID = 1L;

    public OutputExistsException(String message) {
        super(message);
    }
}
