-- SessionFeed publication for PgLogicalChangeSource (logical replication, no trigger).
-- Needs wal_level = logical on the server, and a replica identity on the table (its primary key).
DO $sessionfeed$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'sessionfeed_sessions') THEN
    CREATE PUBLICATION "sessionfeed_sessions" FOR TABLE "chat_sessions" WITH (publish = 'insert, update, delete, truncate');
  ELSIF NOT EXISTS (SELECT 1 FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid
                     WHERE p.pubname = 'sessionfeed_sessions' AND r.prrelid = '"chat_sessions"'::regclass) THEN
    ALTER PUBLICATION "sessionfeed_sessions" ADD TABLE "chat_sessions";
  END IF;
END
$sessionfeed$;
