package dev.sessionfeed;

/**
 * A runtime failure inside SessionFeed (database unreachable, query failed, ...), with the state at the time
 * of failure in its message and the original cause kept. Programmer errors use the JDK's
 * {@link IllegalArgumentException}, {@link IllegalStateException} and {@link NullPointerException} instead.
 */
public class SessionFeedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed, with the relevant state
     * @param cause   the underlying cause, or null
     */
    public SessionFeedException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates an exception without a cause.
     *
     * @param message what failed, with the relevant state
     */
    public SessionFeedException(String message) {
        super(message);
    }
}
