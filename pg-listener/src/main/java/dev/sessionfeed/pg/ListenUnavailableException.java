package dev.sessionfeed.pg;

/**
 * LISTEN/NOTIFY cannot work with this server or connection (a hot standby, a transaction-mode pooler, a connection
 * that is not pgjdbc's): not a transient failure, so the reconnect loop retries it slowly and logs it once as an
 * ERROR. The message names the cause and the fix; no stack trace is kept.
 */
final class ListenUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ListenUnavailableException(String message) {
        super(message, null, false, false);
    }
}
