package io.sparkdigits.train;

/** A Spark job of the training run passed its {@link JobDeadline}: the run is abandoned. */
public final class JobTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JobTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
