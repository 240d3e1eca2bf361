package dev.sessionfeed.source;

/** The kind of row change a {@link ChangeSignal} reports, as PostgreSQL's {@code TG_OP} names it. */
public enum ChangeAction {
    /** A row was inserted. */
    INSERT,
    /** A row was updated. */
    UPDATE,
    /** A row was deleted. */
    DELETE,
    /** The table was truncated: every row is gone, so the feed rebuilds fully. */
    TRUNCATE
}
