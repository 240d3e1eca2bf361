-- SessionFeed migration 2: the commands table of JdbcCommandHandler (command ids already carried out).
-- session_id is text, which serves every key type (the handler binds ids as text there); for a uuid, bigint or integer
-- key JdbcCommandHandler.createTableSql(key) gives the same table with session_id of the key's type.
-- Never edited once released: a change ships as a new version. See docs/schema.md.

CREATE TABLE IF NOT EXISTS sessionfeed_commands (
    command_id  text        PRIMARY KEY,
    action      text        NOT NULL,
    session_id  text        NOT NULL,
    actor       text        NOT NULL,
    outcome     text        NOT NULL,
    executed_at timestamptz NOT NULL DEFAULT now()
);
