// The React hook examples (examples/src/main/resources/react/useChatWebSocket.js) on the real client, with a
// fake socket and a minimal hook runtime (fake-react.mjs).
import * as nodeModule from 'node:module';
import { test } from 'node:test';
import assert from 'node:assert/strict';

// Module loader hooks (to map 'react' to the fake) need Node 20.6+; older versions skip these tests.
const skip = typeof nodeModule.register === 'function' ? false : `needs Node 20.6+ (module.register), this is ${process.version}`;
let useChatWebSocket;
let useSessionFeed;
let renderHook;
if (!skip) {
  nodeModule.register('./loader.mjs', import.meta.url);
  ({ useChatWebSocket, useSessionFeed } = await import('../../main/resources/react/useChatWebSocket.js'));
  ({ renderHook } = await import('./fake-react.mjs'));
}

function fakeSockets() {
  const sockets = [];
  class FakeWebSocket {
    constructor(url) { this.url = url; this.readyState = 0; this.sent = []; sockets.push(this); }
    send(data) { this.sent.push(JSON.parse(data)); }
    close(code) { this.closedWith = code; this.readyState = 3; }
    open() { this.readyState = 1; this.onopen?.({}); }
    receive(m) { this.onmessage?.({ data: JSON.stringify(m) }); }
  }
  return { FakeWebSocket, sockets };
}

const env = (WebSocket) => ({
  WebSocket, window: null, document: null, navigator: null, location: { href: 'http://localhost:8080/' },
  logger: { warn() {}, error() {} },
});

function playFullState(socket) {
  socket.open();
  socket.receive({ type: 'hello', protocol: 1, epoch: 'e1', heartbeatMs: 25000, limits: {} });
  socket.receive({ type: 'session_update', epoch: 'e1', seq: 1, data: { sessions: [{ id: 'a', status: 'waiting' }] } });
  socket.receive({ type: 'metrics_update', epoch: 'e1', seq: 1, data: { metrics: { waitingNow: 1 } } });
}

test('useChatWebSocket keeps the original plan\'s shape: callbacks with the whole list, {isConnected}', { skip }, () => {
  const { FakeWebSocket, sockets } = fakeSockets();
  const got = { sessions: [], metrics: [] };
  const props = {
    onSessionUpdate: (s) => got.sessions.push(s), onMetricsUpdate: (m) => got.metrics.push(m), options: env(FakeWebSocket),
  };
  const hook = renderHook(useChatWebSocket, props);
  assert.deepEqual(hook.result, { isConnected: false });
  assert.equal(sockets.length, 1);
  assert.equal(sockets[0].url, 'ws://localhost:8080/ws/admin/chat');

  playFullState(sockets[0]);
  assert.deepEqual(hook.result, { isConnected: true });
  assert.deepEqual(got.sessions.at(-1), [{ id: 'a', status: 'waiting' }]);
  assert.deepEqual(got.metrics.at(-1), { waitingNow: 1 });

  // New callback closures on a re-render reach the client without reconnecting.
  let latest = null;
  hook.rerender({ ...props, onSessionUpdate: (s) => { latest = s; } });
  sockets[0].receive({ type: 'session_delta', epoch: 'e1', seq: 2, prevSeq: 1, data: { upserted: [{ id: 'b', status: 'waiting' }], removed: [] } });
  assert.deepEqual(latest.map((s) => s.id), ['b', 'a']);
  assert.equal(sockets.length, 1);

  hook.unmount();
  assert.equal(sockets[0].closedWith, 1000);
});

test('useSessionFeed exposes state, status and commands', { skip }, async () => {
  const { FakeWebSocket, sockets } = fakeSockets();
  const hook = renderHook(useSessionFeed, { url: '/ws/admin/chat', ...env(FakeWebSocket), createCommandId: () => 'cmd-1' });
  assert.equal(hook.result.status, 'connecting');
  playFullState(sockets[0]);
  assert.equal(hook.result.status, 'live');
  assert.equal(hook.result.isConnected, true);
  assert.deepEqual(hook.result.sessions.map((s) => s.id), ['a']);
  assert.deepEqual(hook.result.metrics, { waitingNow: 1 });
  assert.ok(hook.result.lastUpdateAt > 0);

  const endSession = hook.result.endSession;
  const pending = endSession('a');
  assert.deepEqual(sockets[0].sent.at(-1), { type: 'command', id: 'cmd-1', action: 'end_session', sessionId: 'a' });
  sockets[0].receive({ type: 'ack', id: 'cmd-1', result: { outcome: 'ended', sessionId: 'a', replayed: false }, seq: 2 });
  assert.equal((await pending).result.outcome, 'ended');
  sockets[0].receive({ type: 'session_delta', epoch: 'e1', seq: 2, prevSeq: 1, data: { upserted: [{ id: 'a', status: 'ended' }], removed: [] } });
  assert.equal(hook.result.sessions[0].status, 'ended');
  assert.deepEqual([...hook.result.changedIds], ['a']);
  assert.equal(hook.result.endSession, endSession, 'actions are stable across renders');

  hook.unmount();
  assert.equal(sockets[0].closedWith, 1000);
});
