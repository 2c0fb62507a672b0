package io.sparkdigits.model;

import java.io.IOException;

/**
 * A model directory or one of its files is not a valid spark-digits model: missing or malformed
 * {@code model.json}, an unknown format or a newer format version, an array file whose size or
 * checksum does not match, or a spec inconsistent with the parameter count. The message is one
 * line and names the offending path.
 */
public final class ModelFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
