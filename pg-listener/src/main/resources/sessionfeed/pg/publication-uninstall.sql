DROP PUBLICATION IF EXISTS "sessionfeed_sessions";
