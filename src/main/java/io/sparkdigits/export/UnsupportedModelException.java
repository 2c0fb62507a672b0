package io.sparkdigits.export;

import java.io.IOException;

/** A model that has no form in the export format; nothing was written. */
public final class UnsupportedModelException extends IOException {
    private static final long serialVersionUID = 1L;

    public UnsupportedModelException(String message) {
        super(message);
    }
}
