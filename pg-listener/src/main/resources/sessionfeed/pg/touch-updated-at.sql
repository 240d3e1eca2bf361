-- SessionFeed: keeps "updated_at" of "chat_sessions" current on every UPDATE (optional).
-- Idempotent: safe to run again.

CREATE OR REPLACE FUNCTION "sessionfeed_touch_chat_sessions"() RETURNS trigger LANGUAGE plpgsql AS $sessionfeed$
BEGIN
    NEW."updated_at" := now();
    RETURN NEW;
END
$sessionfeed$;

DROP TRIGGER IF EXISTS "sessionfeed_touch_updated_at" ON "chat_sessions";

CREATE TRIGGER "sessionfeed_touch_updated_at" BEFORE UPDATE ON "chat_sessions" FOR EACH ROW EXECUTE FUNCTION "sessionfeed_touch_chat_sessions"();

