// A dashboard in the host app's own stack: the browser client as the server serves it
// (/sessionfeed/client.js), run in Node with a token from mint-token.mjs.
//
//   SESSIONFEED_URL=http://localhost:8080 SESSIONFEED_JWT_HS256_SECRET=... node admin-client.mjs
//
// Prints one JSON object per line on stdout: {"event":"hello"|"sessions"|"status"|"ack"|"error"|"disconnect", ...}.
// Reads one command per line on stdin: {"action":"end_session","sessionId":"..."} (answered by an "ack" or "error" line).
// Needs a WebSocket: Node 22+ has one; Node 20 needs --experimental-websocket.
import { createInterface } from 'node:readline';
import { mintSessionFeedToken } from './mint-token.mjs';

const base = process.env.SESSIONFEED_URL ?? 'http://localhost:8080';
const path = process.env.SESSIONFEED_PATH ?? '/ws/admin/chat';
if (typeof WebSocket === 'undefined') {
  console.error('No WebSocket in this Node.js: use Node 22+, or Node 20 with --experimental-websocket');
  process.exit(3);
}
const response = await fetch(`${base}/sessionfeed/client.js`);
if (!response.ok) throw new Error(`client.js: HTTP ${response.status}`);
const { SessionFeedClient } = await import('data:text/javascript,' + encodeURIComponent(await response.text()));

const token = process.env.SESSIONFEED_TOKEN ?? mintSessionFeedToken({
  secret: process.env.SESSIONFEED_JWT_HS256_SECRET,
  sub: process.env.SESSIONFEED_SUB ?? 'node-admin@example.com',
  roles: [process.env.SESSIONFEED_ROLE ?? 'chat-admin'],
  issuer: process.env.SESSIONFEED_JWT_ISSUER,
  audience: process.env.SESSIONFEED_JWT_AUDIENCE,
  expiresInSeconds: Number(process.env.SESSIONFEED_EXPIRES_IN ?? 300),
});
const out = (line) => process.stdout.write(JSON.stringify(line) + '\n');

const client = new SessionFeedClient({
  url: base.replace(/^http/, 'ws') + path,
  token,
  reconnectInitialDelayMs: Number(process.env.SESSIONFEED_RECONNECT_MS ?? 500),
  logger: { warn: (...a) => console.error(...a), error: (...a) => console.error(...a) },
});
client.on('hello', (hello) => out({ event: 'hello', admin: hello.admin ?? null }));
client.on('status', (info) => out({ event: 'status', status: info.status, source: info.source }));
client.on('sessions', (sessions) => out({
  event: 'sessions',
  sessions: Object.fromEntries(sessions.map((s) => [s.id, s.status])),
}));
client.on('disconnect', ({ code, reason }) => out({ event: 'disconnect', code, reason }));
client.on('error', (e) => out({ event: 'error', code: e.code, message: e.message }));
client.start();

const input = createInterface({ input: process.stdin });
input.on('line', async (line) => {
  const { action, sessionId } = JSON.parse(line);
  try {
    const ack = await client.command(action, sessionId);
    out({ event: 'ack', id: ack.id, result: ack.result });
  } catch (e) {
    out({ event: 'error', code: e.code, message: e.message });
  }
});
input.on('close', () => { client.close(); process.exit(0); });
