package io.sparkdigits.train;

/** Training produced a non-finite or runaway gradient; the message tells the user what to change. */
public final class DivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DivergedException(String message) {
        super(message);
    }
}
