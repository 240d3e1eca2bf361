package dev.sessionfeed.system;

import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.pg.PgNotifyChangeSource;

/** Wires the polling fallback into the LISTEN source. */
final class Fallbacks {

    private Fallbacks() {
    }

    /**
     * The source's own polling fallback (owned and closed by the source), on the feed's table mapping: it polls
     * through the same URL as the listener, as an application configured with one URL would. A frozen TCP pair does
     * not freeze new connections, so polling keeps the state right while the probe finds the frozen listener.
     */
    static void configure(PgNotifyChangeSource.Builder builder, SessionTable table, SystemHarness.Options options) {
        if (options.fallback()) {
            builder.table(table).fallbackInterval(options.pollInterval());
        } else {
            builder.noFallback();
        }
    }

    /** The same for the logical source. */
    static void configure(dev.sessionfeed.pg.PgLogicalChangeSource.Builder builder, SessionTable table, SystemHarness.Options options) {
        if (options.fallback()) {
            builder.table(table).fallbackInterval(options.pollInterval());
        } else {
            builder.noFallback();
        }
    }
}
