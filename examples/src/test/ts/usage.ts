// A typed use of the browser client (installed from its packed tarball) and of the React hooks' declarations.
// check-types.sh runs `tsc --noEmit` over it; each @ts-expect-error line must be an error, so loose types fail too.
import {
  connectSessionFeed, ConnectionStatus, DEFAULT_OPTIONS, PROTOCOL_VERSION, SessionFeedClient, SessionFeedError,
  backoffDelay,
  type ChatSession, type CommandAck, type ConnectionStatusValue, type StatusInfo,
} from '@sessionfeed/client';
import { useChatWebSocket, useSessionFeed } from './react/useChatWebSocket.js';

const feed: SessionFeedClient = connectSessionFeed({ url: '/ws/admin/chat', token: () => 'token-from-login' });
const offSessions: () => void = feed.on('sessions', (sessions, change) => {
  const first: ChatSession | undefined = sessions[0];
  const name: string | null = first ? first.visitorName : null;
  const ids: string[] = change.upserted.concat(change.removed);
  console.log(name, ids, change.full);
});
feed.on('metrics', (metrics) => console.log(metrics.waitingNow, metrics['custom']));
feed.on('status', (info: StatusInfo) => {
  const s: ConnectionStatusValue = info.status;
  if (s === ConnectionStatus.LIVE || info.source === 'recovering') console.log(info.lastUpdateAt, info.reason);
});
feed.on('error', (e) => console.log(e.code, e.correlationId));
feed.on('disconnect', ({ code, reason }) => console.log(code.toFixed(0), reason));

async function endIt(): Promise<void> {
  try {
    const ack: CommandAck = await feed.endSession('s-42');
    console.log(ack.id, ack.seq);
  } catch (e) {
    if (e instanceof SessionFeedError && e.code === 'rate_limited' && e.commandId) {
      await feed.endSession('s-42', { id: e.commandId, timeoutMs: 5_000 });
    }
  }
}
void endIt();
console.log(feed.can('archive_session'), feed.identity?.permissions, feed.getSession('s-1')?.status,
    PROTOCOL_VERSION, DEFAULT_OPTIONS.commandTimeoutMs, backoffDelay(2, 500, 30_000));
offSessions();
feed.close();

const manual = new SessionFeedClient({ url: 'wss://admin.example.com/ws/admin/chat', deltas: true }).start();
manual.reconnectNow();

// The hooks.
const { isConnected } = useChatWebSocket({ onSessionUpdate: (s) => console.log(s.length), onMetricsUpdate: (m) => console.log(m) });
const state = useSessionFeed({ url: '/ws/admin/chat' });
const busy: boolean = !isConnected || state.status === 'connecting' || state.changedIds.has('s-1');
void state.endSession('s-1').then((ack) => ack.result);
console.log(busy, state.sessions.map((s) => s.id), state.can('end_session'));

// What must not compile.
// @ts-expect-error: url is required
connectSessionFeed({});
// @ts-expect-error: no such event
feed.on('session', () => {});
// @ts-expect-error: a sessions listener gets ChatSession[], not a string
feed.on('sessions', (sessions: string) => console.log(sessions));
// @ts-expect-error: token is a string or a function returning one
connectSessionFeed({ url: '/ws', token: 42 });
// @ts-expect-error: status values are a closed set
const wrong: ConnectionStatusValue = 'connected';
console.log(wrong);
// @ts-expect-error: endSession needs a session id
void feed.endSession();
