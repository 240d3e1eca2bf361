package dev.sessionfeed.pg;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one logger of the listener's parts: they all log as {@code dev.sessionfeed.pg.PgNotifyChangeSource}, the
 * category users configure (and tests attach to), without the parts depending on the facade.
 */
final class ListenerLog {

    /** The listener's logger. Thread-safe (slf4j). */
    static final Logger LOG = LoggerFactory.getLogger("dev.sessionfeed.pg.PgNotifyChangeSource");

    private ListenerLog() {
    }
}
