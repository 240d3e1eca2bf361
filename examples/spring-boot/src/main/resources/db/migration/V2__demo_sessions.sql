-- A few chats to look at when the sample starts on an empty database (change them with psql and watch).
INSERT INTO chat_sessions (session_id, status, visitor_name, agent_name, subject, created_at, first_response_at, message_count, last_message_at)
VALUES ('demo-1', 'waiting', 'Ada',     NULL,    'Cannot log in',     now() - interval '2 minutes',  NULL,                          1, now() - interval '2 minutes'),
       ('demo-2', 'active',  'Grace',   'Alice', 'Invoice question',  now() - interval '9 minutes',  now() - interval '8 minutes',  7, now() - interval '1 minute'),
       ('demo-3', 'active',  'Linus',   'Bob',   'Shipping delay',    now() - interval '15 minutes', now() - interval '14 minutes', 12, now() - interval '3 minutes'),
       ('demo-4', 'waiting', 'Barbara', NULL,    'Refund request',    now() - interval '30 seconds', NULL,                          1, now() - interval '30 seconds')
ON CONFLICT (session_id) DO NOTHING;
