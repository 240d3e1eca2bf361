package dev.sessionfeed.pg;

/**
 * LISTEN/NOTIFY cannot work with this server or connection (a hot standby, a transaction-mode pooler, a connection
 * that is not pgjdbc's): not a transient failure, so the reconnect loop retries it slowly and logs it once as an
 * ERROR. The message names the cause and the fix for the server log (it may quote the driver); {@link #reason()} is
 * the short, fixed sentence for the status that dashboards show. No stack trace is kept.
 */
final class ListenUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A hot standby refuses LISTEN. */
    static final String STANDBY = "LISTEN/NOTIFY unavailable: the database server is a standby";
    /** Probes do not come back although queries work: a transaction or statement pooler. */
    static final String POOLER = "LISTEN/NOTIFY unavailable: probe notifications do not arrive (a transaction pooler?)";
    /** LISTEN was refused, or the connection is not pgjdbc's. */
    static final String REFUSED = "LISTEN/NOTIFY unavailable on this connection";

    private final String reason;

    /**
     * @param message the details, for the server log
     * @param reason  one of the fixed sentences above, for the status
     */
    ListenUnavailableException(String message, String reason) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** The short, fixed sentence for the status reason; never driver text. */
    String reason() {
        return reason;
    }
}
