package dev.sessionfeed.system;

import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.pg.PgNotifyChangeSource;
import dev.sessionfeed.testkit.TestDatabase;

/** Wires the polling fallback into the LISTEN source (kept in one place while the builder's API settles). */
final class Fallbacks {

    private Fallbacks() {
    }

    static void configure(PgNotifyChangeSource.Builder builder, TestDatabase db, SessionTable table, SystemHarness.Options options) {
        // PgNotifyChangeSource.Builder has no public fallback setter yet (pglistener branch, 2ff15e1): without it the
        // source reports RECOVERING while disconnected and the feed relies on the resync after reconnect.
    }
}
