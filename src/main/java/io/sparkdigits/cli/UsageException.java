package io.sparkdigits.cli;

/** The command line cannot be used as given; the message says what to change. Exit code 2. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean pointsToHelp;

    public UsageException(String message) {
        this(message, true);
    }

    /** With {@code pointsToHelp} false the message already says how to proceed; no pointer to --help follows. */
    public UsageException(String message, boolean pointsToHelp) {
        super(message);
        this.pointsToHelp = pointsToHelp;
    }

    public boolean pointsToHelp() {
        return pointsToHelp;
    }
}
