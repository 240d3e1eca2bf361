-- SessionFeed default schema (version 1). Idempotent: safe to run on every start.
-- Shipped in sessionfeed-core at sessionfeed/schema.sql; copy it into your migration tool if you prefer.

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

-- Commands already carried out, so that a command resent with the same id is applied once.
CREATE TABLE IF NOT EXISTS sessionfeed_commands (
    command_id  text        PRIMARY KEY,
    action      text        NOT NULL,
    session_id  text        NOT NULL,
    actor       text        NOT NULL,
    outcome     text        NOT NULL,
    executed_at timestamptz NOT NULL DEFAULT now()
);
