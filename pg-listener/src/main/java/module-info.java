/**
 * SessionFeed's PostgreSQL LISTEN/NOTIFY change source and the trigger installer that feeds it.
 * Exports the API package only; the implementation is package-private beside the entry points in that package.
 */
module dev.sessionfeed.pg {
    requires transitive dev.sessionfeed.core;
    requires transitive java.sql;
    requires org.postgresql.jdbc;
    // PGSimpleDataSource (the default fallback's data source) implements javax.naming.Referenceable.
    requires java.naming;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.sessionfeed.pg;
}
