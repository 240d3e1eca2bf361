/**
 * SessionFeed core: the model, the feed engine, the change-source, broadcaster and command SPIs, the JDBC
 * snapshot builder and polling source, and the protocol codec. Depends on the JDK, Jackson and slf4j-api only.
 */
module dev.sessionfeed.core {
    requires transitive java.sql;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires org.slf4j;

    exports dev.sessionfeed;
    exports dev.sessionfeed.source;
    exports dev.sessionfeed.jdbc;
    exports dev.sessionfeed.command;
    exports dev.sessionfeed.protocol;
    // Shared helpers (argument checks, identifier quoting) for SessionFeed's own modules only.
    exports dev.sessionfeed.internal to dev.sessionfeed.pg, dev.sessionfeed.websocket, dev.sessionfeed.testkit;
    // The polling source's fallback personality (and the JDBC helpers beside it), for pg-listener only.
    exports dev.sessionfeed.internal.jdbc to dev.sessionfeed.pg;
}
