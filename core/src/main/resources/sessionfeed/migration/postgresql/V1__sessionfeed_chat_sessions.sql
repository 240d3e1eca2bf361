-- SessionFeed migration 1: the shipped sessions table (the same as sessionfeed/schema.sql).
-- Skip it (Flyway: ignore it or start at version 2 with baselineVersion) when the application has its own sessions table.
-- Never edited once released: a change ships as a new version. See docs/schema.md.
CREATE TABLE IF NOT EXISTS chat_sessions (
    -- 1 to 256 characters: the id length every part of SessionFeed handles (commands, listener, client).
    session_id        text        PRIMARY KEY CONSTRAINT chat_sessions_session_id_length CHECK (length(session_id) BETWEEN 1 AND 256),
    status            text        NOT NULL DEFAULT 'waiting',   -- waiting | active | ended | archived
    visitor_id        text,
    visitor_name      text,
    agent_id          text,
    agent_name        text,
    subject           text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    ended_at          timestamptz,
    first_response_at timestamptz,
    message_count     integer     NOT NULL DEFAULT 0 CHECK (message_count >= 0),
    last_message_at   timestamptz,
    archived_at       timestamptz
);

-- The default scope (not archived, not ended long ago) ordered newest first.
CREATE INDEX IF NOT EXISTS chat_sessions_scope_idx ON chat_sessions (created_at DESC) WHERE status <> 'archived';
-- Polling's change detection and the "ended within 24 h" part of the scope.
CREATE INDEX IF NOT EXISTS chat_sessions_updated_at_idx ON chat_sessions (updated_at);
CREATE INDEX IF NOT EXISTS chat_sessions_ended_at_idx ON chat_sessions (ended_at) WHERE ended_at IS NOT NULL;
