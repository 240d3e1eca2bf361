-- SessionFeed: removes the NOTIFY and updated_at triggers and their functions from "chat_sessions".
-- Idempotent: safe to run again.

DROP TRIGGER IF EXISTS "sessionfeed_notify_row" ON "chat_sessions";

DROP TRIGGER IF EXISTS "sessionfeed_notify_truncate" ON "chat_sessions";

DROP TRIGGER IF EXISTS "sessionfeed_notify_insert" ON "chat_sessions";

DROP TRIGGER IF EXISTS "sessionfeed_notify_update" ON "chat_sessions";

DROP TRIGGER IF EXISTS "sessionfeed_notify_delete" ON "chat_sessions";

DROP TRIGGER IF EXISTS "sessionfeed_touch_updated_at" ON "chat_sessions";

DROP FUNCTION IF EXISTS "sessionfeed_notify_chat_sessions"();

DROP FUNCTION IF EXISTS "sessionfeed_touch_chat_sessions"();

