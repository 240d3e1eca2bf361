// Unit tests of the SessionFeed browser client (client.js) with a fake socket and a manual clock.
// Run: node --test websocket-adapter/src/test/js/   (or `mvn verify`, which runs them in the test phase)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clientModule, environment, session, fullState, delta, hello, connectWithState,
} from './support.mjs';

const { ConnectionStatus, SessionFeedError, backoffDelay, PROTOCOL_VERSION } = clientModule;

const ids = (client) => client.sessions.map((s) => s.id);

describe('subscribing and applying state', () => {
  test('subscribes for deltas on the admin channel as soon as the socket opens', () => {
    const env = environment();
    env.start();
    const socket = env.ws.last();
    assert.equal(socket.sent.length, 0);
    socket.acceptConnection();
    assert.deepEqual(socket.sentOfType('subscribe'), [{ type: 'subscribe', channel: 'admin-chat-updates', deltas: true }]);
    assert.equal(PROTOCOL_VERSION, 1);
  });

  test('shows the full state, then applies deltas in order', () => {
    const env = environment();
    const client = env.start();
    const changes = [];
    client.on('sessions', (sessions, change) => changes.push({ ids: sessions.map((s) => s.id), change }));
    const socket = connectWithState(env, 'e1', 5, [session('a'), session('b')], { waitingNow: 2 });
    assert.deepEqual(ids(client), ['a', 'b']);
    assert.deepEqual(client.metrics, { waitingNow: 2 });
    assert.equal(client.seq, 5);
    assert.equal(client.epoch, 'e1');

    socket.receive(delta('e1', 6, [session('c'), session('a', { status: 'active' })], ['b']));
    assert.deepEqual(ids(client), ['c', 'a']);
    assert.equal(client.getSession('a').status, 'active');
    assert.equal(client.getSession('b'), undefined);
    assert.equal(client.seq, 6);
    assert.deepEqual(changes.at(-1).change, { full: false, upserted: ['c', 'a'], removed: ['b'] });
    assert.deepEqual(changes[0].change, { full: true, upserted: ['a', 'b'], removed: [] });

    socket.receive({ type: 'metrics_update', epoch: 'e1', seq: 6, data: { metrics: { waitingNow: 1 } } });
    assert.deepEqual(client.metrics, { waitingNow: 1 });
    assert.equal(socket.sentOfType('resync').length, 0);
  });

  test('reports connecting until the first full state, then live with the time of the update', () => {
    const env = environment();
    const client = env.start();
    const seen = [];
    client.on('status', (info) => seen.push(info.status));
    assert.equal(client.status, ConnectionStatus.CONNECTING);
    env.ws.last().acceptConnection();
    env.ws.last().receive(hello('e1'));
    assert.equal(client.status, ConnectionStatus.CONNECTING);
    assert.equal(client.lastUpdateAt, null);
    env.clock.advance(1234);
    for (const m of fullState('e1', 1, [session('a')])) env.ws.last().receive(m);
    assert.equal(client.status, ConnectionStatus.LIVE);
    assert.equal(client.isConnected, true);
    assert.equal(client.lastUpdateAt, env.clock.now);
    assert.deepEqual(seen, ['live']);
  });

  test('asks for the full state when a delta does not continue the applied seq, and ignores deltas until it arrives', () => {
    const env = environment();
    const client = env.start();
    const resyncs = [];
    client.on('resync', (e) => resyncs.push(e.reason));
    const socket = connectWithState(env, 'e1', 5);
    socket.receive(delta('e1', 8, [session('x')], [], 7));
    assert.deepEqual(socket.sentOfType('resync'), [{ type: 'resync' }]);
    assert.equal(resyncs.length, 1);
    assert.match(resyncs[0], /gap/);
    assert.equal(client.getSession('x'), undefined, 'a delta after a gap must not be applied');
    socket.receive(delta('e1', 9, [session('y')], [], 8));
    assert.equal(client.getSession('y'), undefined);

    for (const m of fullState('e1', 9, [session('x'), session('y')])) socket.receive(m);
    assert.deepEqual(ids(client), ['x', 'y']);
    socket.receive(delta('e1', 10, [session('z')]));
    assert.deepEqual(ids(client), ['z', 'x', 'y']);
    assert.equal(socket.sentOfType('resync').length, 1);
  });

  test('asks for the full state when a delta belongs to another epoch', () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env, 'e1', 5);
    socket.receive(delta('e2', 6, [session('x')]));
    assert.equal(socket.sentOfType('resync').length, 1);
    assert.equal(client.getSession('x'), undefined);
  });

  test('applies a merged delta that covers several changes and continues from its seq', () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env, 'e1', 5, [session('a'), session('b')]);
    socket.receive(delta('e1', 9, [session('c'), session('a', { status: 'active' })], ['b'], 5));
    assert.deepEqual(ids(client).sort(), ['a', 'c']);
    assert.equal(client.getSession('a').status, 'active');
    assert.equal(client.seq, 9);
    socket.receive(delta('e1', 10, [session('d')]));
    assert.equal(client.seq, 10);
    assert.equal(socket.sentOfType('resync').length, 0);
  });

  test('ignores a delta it has already applied (an overlapping replay)', () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env, 'e1', 5);
    socket.receive(delta('e1', 6, [session('c')]));
    socket.receive(delta('e1', 6, [session('c', { status: 'ended' })]));
    assert.equal(client.getSession('c').status, 'waiting');
    assert.equal(socket.sentOfType('resync').length, 0);
  });

  test('reconnects when the full state asked for by a resync does not come', () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env, 'e1', 5);
    socket.receive(delta('e1', 9, [], [], 8));
    env.clock.advance(10_000);
    assert.equal(socket.closedWith.code, 4002);
    assert.equal(client.status, ConnectionStatus.RECONNECTING);
  });

  test('a change of the metrics alone advances the seq, so the next delta continues it', () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env, 'e1', 5);
    socket.receive({ type: 'metrics_update', epoch: 'e1', seq: 6, data: { metrics: { waitingNow: 9 } } });
    socket.receive(delta('e1', 7, [session('c')]));
    assert.equal(client.seq, 7);
    assert.ok(client.getSession('c'));
    assert.equal(socket.sentOfType('resync').length, 0);
  });

  test('accepts a delta whose metrics_update of the same seq came first', () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env, 'e1', 5);
    socket.receive({ type: 'metrics_update', epoch: 'e1', seq: 6, data: { metrics: { waitingNow: 3 } } });
    socket.receive(delta('e1', 6, [session('c')]));
    assert.ok(client.getSession('c'));
    assert.equal(client.seq, 6);
    socket.receive(delta('e1', 7, [session('d')]));
    assert.ok(client.getSession('d'));
    assert.equal(socket.sentOfType('resync').length, 0);
  });

  test('metrics inside a delta replace the metrics', () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env, 'e1', 5);
    const metrics = [];
    client.on('metrics', (m) => metrics.push(m));
    const d = delta('e1', 6, [session('c')]);
    d.data.metrics = { waitingNow: 7 };
    socket.receive(d);
    assert.deepEqual(client.metrics, { waitingNow: 7 });
    assert.deepEqual(metrics, [{ waitingNow: 7 }]);
  });

  test('a full state marks only sessions whose content changed as upserted (for highlighting)', () => {
    const env = environment();
    const client = env.start({ deltas: false });
    const changes = [];
    client.on('sessions', (_, change) => changes.push(change));
    const socket = connectWithState(env, 'e1', 1, [session('a'), session('b')]);
    for (const m of fullState('e1', 2, [session('a'), session('b', { messageCount: 3 }), session('c')])) socket.receive(m);
    assert.deepEqual(changes.at(-1), { full: true, upserted: ['b', 'c'], removed: [] });
    for (const m of fullState('e1', 3, [session('c')])) socket.receive(m);
    assert.deepEqual(changes.at(-1), { full: true, upserted: [], removed: ['a', 'b'] });
  });

  test('without deltas it never asks to resume', () => {
    const env = environment();
    const client = env.start({ deltas: false });
    const first = connectWithState(env, 'e1', 3);
    assert.deepEqual(first.sentOfType('subscribe')[0], { type: 'subscribe', channel: 'admin-chat-updates', deltas: false });
    first.dropConnection();
    env.advanceToRetry(client);
    env.ws.last().acceptConnection();
    assert.deepEqual(env.ws.last().sentOfType('subscribe')[0], { type: 'subscribe', channel: 'admin-chat-updates', deltas: false });
  });

  test('calls the original plan\'s callbacks with the sessions array and the metrics object', () => {
    const env = environment();
    const got = { sessions: null, metrics: null };
    env.start({ onSessionUpdate: (s) => { got.sessions = s; }, onMetricsUpdate: (m) => { got.metrics = m; } });
    connectWithState(env, 'e1', 1, [session('a')], { totalSessions: 1 });
    assert.deepEqual(got.sessions.map((s) => s.id), ['a']);
    assert.deepEqual(got.metrics, { totalSessions: 1 });
  });

  test('ignores frames that are not JSON or have no type, and messages of unknown types', () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env, 'e1', 1);
    socket.receive('not json');
    socket.receive('[1,2]');
    socket.receive({ type: 'future_message', data: {} });
    assert.equal(client.status, ConnectionStatus.LIVE);
    assert.ok(env.logger.lines.some(([level]) => level === 'warn'));
  });

  test('a listener that throws neither breaks the client nor other listeners', () => {
    const env = environment();
    const client = env.start();
    let called = 0;
    client.on('sessions', () => { throw new Error('boom'); });
    client.on('sessions', () => { called++; });
    connectWithState(env);
    assert.equal(called, 1);
    assert.equal(client.status, ConnectionStatus.LIVE);
    assert.ok(env.logger.lines.some(([level, text]) => level === 'error' && /listener threw/.test(text)));
  });

  test('removing a listener stops its calls', () => {
    const env = environment();
    const client = env.start();
    let called = 0;
    const off = client.on('sessions', () => { called++; });
    off();
    connectWithState(env);
    assert.equal(called, 0);
  });
});

describe('server source status', () => {
  test('is degraded while the server says its source is degraded or recovering, live again after', () => {
    const env = environment();
    const client = env.start();
    const seen = [];
    client.on('status', (info) => seen.push(`${info.status}/${info.source}`));
    const socket = connectWithState(env);
    socket.receive({ type: 'status', source: 'degraded', reason: 'LISTEN connection lost, polling' });
    assert.equal(client.status, ConnectionStatus.DEGRADED);
    assert.equal(client.statusInfo().reason, 'LISTEN connection lost, polling');
    assert.equal(client.isConnected, true);
    socket.receive({ type: 'status', source: 'recovering' });
    assert.equal(client.status, ConnectionStatus.DEGRADED);
    socket.receive({ type: 'status', source: 'live' });
    assert.equal(client.status, ConnectionStatus.LIVE);
    assert.deepEqual(seen, ['live/live', 'degraded/degraded', 'degraded/recovering', 'live/live']);
  });
});

describe('reconnecting', () => {
  test('backoff delays use full jitter below an exponentially growing, capped ceiling', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const ceiling = Math.min(30_000, 500 * 2 ** attempt);
      assert.equal(backoffDelay(attempt, 500, 30_000, () => 0), 0);
      const high = backoffDelay(attempt, 500, 30_000, () => 0.999999);
      assert.ok(high < ceiling && high >= ceiling - 1, `attempt ${attempt}: ${high} vs ceiling ${ceiling}`);
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(attempt, 500, 30_000);
        assert.ok(Number.isInteger(d) && d >= 0 && d < ceiling);
      }
    }
  });

  test('retries with growing delays up to the configured cap', () => {
    const env = environment();
    env.setRandom(0.999);
    const client = env.start({ reconnectInitialDelayMs: 100, reconnectMaxDelayMs: 1000 });
    const delays = [];
    for (let i = 0; i < 7; i++) {
      env.ws.last().dropConnection(1006);
      assert.equal(client.status, ConnectionStatus.RECONNECTING);
      const info = client.statusInfo();
      delays.push(info.nextRetryAt - env.clock.now);
      const before = env.ws.sockets.length;
      env.clock.advance(info.nextRetryAt - env.clock.now - 1);
      assert.equal(env.ws.sockets.length, before, 'must not reconnect before the delay');
      env.clock.advance(1);
      assert.equal(env.ws.sockets.length, before + 1);
    }
    assert.deepEqual(delays, [99, 199, 399, 799, 999, 999, 999]);
  });

  test('resets the backoff after a successful subscription', () => {
    const env = environment();
    env.setRandom(0.999);
    const client = env.start({ reconnectInitialDelayMs: 100, reconnectMaxDelayMs: 10_000 });
    for (let i = 0; i < 4; i++) {
      env.ws.last().dropConnection();
      env.advanceToRetry(client);
    }
    assert.equal(client.statusInfo().attempt, 4);
    connectWithState(env).dropConnection();
    assert.equal(client.statusInfo().nextRetryAt - env.clock.now, 99);
  });

  test('resumes with the epoch and last applied seq, and is live at once when the server keeps the epoch', () => {
    const env = environment();
    const client = env.start();
    const first = connectWithState(env, 'e1', 5);
    first.receive(delta('e1', 6, [session('c')]));
    first.dropConnection(1001, 'going away');
    assert.equal(client.status, ConnectionStatus.RECONNECTING);
    assert.deepEqual(ids(client), ['c', 'a', 'b'], 'the last state stays visible while reconnecting');
    env.advanceToRetry(client);
    const second = env.ws.last();
    assert.notEqual(second, first);
    second.acceptConnection();
    assert.deepEqual(second.sentOfType('subscribe'),
        [{ type: 'subscribe', channel: 'admin-chat-updates', deltas: true, epoch: 'e1', lastSeq: 6 }]);
    second.receive(hello('e1'));
    assert.equal(client.status, ConnectionStatus.LIVE);
    second.receive(delta('e1', 7, [], ['a']));
    assert.deepEqual(ids(client), ['c', 'b']);
    assert.equal(client.seq, 7);
  });

  test('after a server restart (new epoch) it waits for the full state and ignores older deltas', () => {
    const env = environment();
    const client = env.start();
    connectWithState(env, 'e1', 5).dropConnection();
    env.advanceToRetry(client);
    const second = env.ws.last();
    second.acceptConnection();
    second.receive(hello('e2'));
    assert.equal(client.status, ConnectionStatus.RECONNECTING);
    second.receive(delta('e1', 6, [session('stale')]));
    assert.equal(client.getSession('stale'), undefined);
    for (const m of fullState('e2', 1, [session('n')])) second.receive(m);
    assert.deepEqual(ids(client), ['n']);
    assert.equal(client.epoch, 'e2');
    assert.equal(client.seq, 1);
    assert.equal(client.status, ConnectionStatus.LIVE);
  });

  test('abandons a socket that does not open within the connect timeout', () => {
    const env = environment();
    const client = env.start({ connectTimeoutMs: 3000 });
    const first = env.ws.last();
    env.clock.advance(3000);
    assert.equal(first.closedWith.code, 4001);
    assert.equal(client.status, ConnectionStatus.RECONNECTING);
    first.acceptConnection(); // too late: must be ignored
    assert.equal(first.sent.length, 0);
  });

  test('resolves a relative url against the page and passes the token as access_token', () => {
    const env = environment({ location: { href: 'https://admin.example.test/dashboard/' }, url: '/ws/admin/chat' });
    let n = 0;
    const client = env.start({ token: () => `tok-${++n}` });
    assert.equal(env.ws.last().url, 'wss://admin.example.test/ws/admin/chat?access_token=tok-1');
    env.ws.last().dropConnection();
    env.advanceToRetry(client);
    assert.equal(env.ws.last().url, 'wss://admin.example.test/ws/admin/chat?access_token=tok-2');

    const plain = environment({ location: { href: 'http://localhost:8080/' }, url: '/ws/admin/chat' });
    plain.start();
    assert.equal(plain.ws.last().url, 'ws://localhost:8080/ws/admin/chat');
  });

  test('keeps trying when the WebSocket constructor throws', () => {
    const env = environment();
    let calls = 0;
    const Throwing = class { constructor() { calls++; throw new Error('SecurityError'); } };
    const client = env.start({ WebSocket: Throwing });
    assert.equal(client.status, ConnectionStatus.RECONNECTING);
    env.clock.advance(60_000);
    assert.ok(calls >= 2);
  });
});

describe('heartbeat', () => {
  test('pings every heartbeat interval from hello and keeps a socket that answers', () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env); // hello says heartbeatMs 10000
    env.clock.advance(10_000);
    assert.equal(socket.sentOfType('ping').length, 1);
    socket.receive({ type: 'pong' });
    env.clock.advance(10_000);
    socket.receive({ type: 'pong' });
    env.clock.advance(10_000);
    assert.equal(socket.sentOfType('ping').length, 3);
    assert.equal(socket.closedWith, null);
    assert.equal(client.status, ConnectionStatus.LIVE);
  });

  test('replaces a socket that stops delivering (half-open) and resumes on the new one', () => {
    const env = environment();
    const client = env.start();
    const seen = [];
    client.on('status', (info) => { if (seen.at(-1) !== info.status) seen.push(info.status); });
    const socket = connectWithState(env, 'e1', 4);
    env.clock.advance(20_000); // two intervals without a single frame
    assert.equal(socket.closedWith.code, 4000);
    assert.equal(client.status, ConnectionStatus.RECONNECTING);
    env.advanceToRetry(client);
    const next = env.ws.last();
    assert.notEqual(next, socket);
    next.acceptConnection();
    assert.equal(next.sentOfType('subscribe')[0].lastSeq, 4);
    next.receive(hello('e1'));
    assert.deepEqual(seen, ['live', 'reconnecting', 'live']);
  });

  test('an explicit stale timeout overrides the default', () => {
    const env = environment();
    env.start({ heartbeatIntervalMs: 1000, staleAfterMs: 5000 });
    const socket = connectWithState(env);
    env.clock.advance(4000);
    assert.equal(socket.closedWith, null);
    assert.equal(socket.sentOfType('ping').length, 4);
    env.clock.advance(1000);
    assert.equal(socket.closedWith.code, 4000);
  });
});

describe('browser environment', () => {
  test('stays offline while the browser is offline and connects at once when it comes online', () => {
    const env = environment();
    env.nav.onLine = false;
    const client = env.start();
    assert.equal(client.status, ConnectionStatus.OFFLINE);
    assert.equal(env.ws.sockets.length, 0);
    env.nav.onLine = true;
    env.win.dispatchEvent(new Event('online'));
    assert.equal(env.ws.sockets.length, 1);
    connectWithState(env);
    assert.equal(client.status, ConnectionStatus.LIVE);
  });

  test('going offline while waiting to retry cancels the retry until online', () => {
    const env = environment();
    const client = env.start();
    connectWithState(env).dropConnection();
    assert.equal(client.status, ConnectionStatus.RECONNECTING);
    env.win.dispatchEvent(new Event('offline'));
    assert.equal(client.status, ConnectionStatus.OFFLINE);
    const count = env.ws.sockets.length;
    env.clock.advance(120_000);
    assert.equal(env.ws.sockets.length, count);
    env.win.dispatchEvent(new Event('online'));
    assert.equal(env.ws.sockets.length, count + 1);
  });

  test('a socket that drops while offline leaves the client offline, not retrying', () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env);
    env.win.dispatchEvent(new Event('offline'));
    assert.equal(socket.sentOfType('ping').length, 1, 'probes the socket');
    socket.dropConnection();
    assert.equal(client.status, ConnectionStatus.OFFLINE);
  });

  test('a tab becoming visible reconnects at once instead of waiting out the backoff', () => {
    const env = environment();
    env.setRandom(0.99);
    const client = env.start({ reconnectInitialDelayMs: 20_000, reconnectMaxDelayMs: 60_000 });
    connectWithState(env).dropConnection();
    const count = env.ws.sockets.length;
    env.doc.visibilityState = 'hidden';
    env.doc.dispatchEvent(new Event('visibilitychange'));
    assert.equal(env.ws.sockets.length, count);
    env.doc.visibilityState = 'visible';
    env.doc.dispatchEvent(new Event('visibilitychange'));
    assert.equal(env.ws.sockets.length, count + 1);
    assert.equal(client.status, ConnectionStatus.RECONNECTING);
  });

  test('a tab becoming visible replaces a socket that went silent while hidden', () => {
    const env = environment();
    env.start({ heartbeatIntervalMs: 60_000, staleAfterMs: 5_000 });
    const socket = connectWithState(env);
    env.clock.advance(6_000);
    env.doc.dispatchEvent(new Event('visibilitychange'));
    assert.equal(socket.closedWith.code, 4000);
  });
});

describe('commands', () => {
  test('resolve with the ack', async () => {
    const env = environment();
    const client = env.start({ createCommandId: () => 'cmd-1' });
    const socket = connectWithState(env);
    const promise = client.endSession('a');
    assert.deepEqual(socket.sentOfType('command'), [{ type: 'command', id: 'cmd-1', action: 'end_session', sessionId: 'a' }]);
    socket.receive({ type: 'ack', id: 'cmd-1', result: { outcome: 'ended', sessionId: 'a', replayed: false }, seq: 9 });
    assert.deepEqual(await promise, { id: 'cmd-1', result: { outcome: 'ended', sessionId: 'a', replayed: false }, seq: 9 });
  });

  test('reject with the server error code, message and correlation id', async () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env);
    const promise = client.archiveSession('a');
    const { id } = socket.sentOfType('command')[0];
    socket.receive({ type: 'error', id, code: 'forbidden', message: 'read-only admin', correlationId: 'corr-7' });
    await assert.rejects(promise, (e) => e instanceof SessionFeedError && e.code === 'forbidden'
        && e.message === 'read-only admin' && e.correlationId === 'corr-7' && e.commandId === id
        && e.action === 'archive_session' && e.sessionId === 'a');
  });

  test('reject after the timeout, and a retry with the same id is sent with that id', async () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env);
    const promise = client.command('end_session', 'a', {}, { timeoutMs: 2000 });
    env.clock.advance(2000);
    const error = await promise.catch((e) => e);
    assert.equal(error.code, 'timeout');
    const retry = client.command('end_session', 'a', {}, { id: error.commandId });
    const sent = socket.sentOfType('command');
    assert.equal(sent.length, 2);
    assert.equal(sent[1].id, sent[0].id);
    socket.receive({ type: 'ack', id: error.commandId, result: { outcome: 'ended', replayed: true }, seq: 6 });
    assert.equal((await retry).result.replayed, true);
  });

  test('an unanswered command is sent again with the same id after a reconnect, and resolves once', async () => {
    const env = environment();
    const client = env.start();
    const first = connectWithState(env);
    const promise = client.endSession('a');
    const { id } = first.sentOfType('command')[0];
    first.dropConnection();
    env.advanceToRetry(client);
    const second = env.ws.last();
    second.acceptConnection();
    const types = second.sent.map((m) => m.type);
    assert.deepEqual(types, ['subscribe', 'command'], 'subscribe first, then the resent command');
    assert.equal(second.sentOfType('command')[0].id, id);
    second.receive({ type: 'ack', id, result: { outcome: 'ended', replayed: true }, seq: 7 });
    second.receive({ type: 'ack', id, result: { outcome: 'ended', replayed: true }, seq: 7 });
    assert.equal((await promise).id, id);
  });

  test('a command issued while disconnected is sent when the connection opens', async () => {
    const env = environment();
    const client = env.start();
    const promise = client.endSession('a', { id: 'given-id' });
    const socket = env.ws.last();
    socket.acceptConnection();
    assert.equal(socket.sentOfType('command')[0].id, 'given-id');
    socket.receive({ type: 'ack', id: 'given-id', result: 'ended' });
    assert.deepEqual(await promise, { id: 'given-id', result: 'ended', seq: null });
  });

  test('the same id twice while pending returns the same promise and sends once', () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env);
    const p1 = client.endSession('a', { id: 'same' });
    const p2 = client.endSession('a', { id: 'same' });
    assert.equal(p1, p2);
    assert.equal(socket.sentOfType('command').length, 1);
  });

  test('generated ids are unique and acceptable to the server', () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env);
    for (let i = 0; i < 200; i++) client.endSession('a').catch(() => {});
    const sent = socket.sentOfType('command').map((c) => c.id);
    assert.equal(new Set(sent).size, 200);
    for (const id of sent) assert.match(id, /^[A-Za-z0-9._:-]{1,128}$/);
    client.close();
  });

  test('reject invalid arguments without sending', async () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env);
    await assert.rejects(client.command('End Session', 'a'), /action must be/);
    await assert.rejects(client.command('end_session', '  '), /sessionId must be/);
    await assert.rejects(client.command('end_session', 'a', {}, { id: 'bad id!' }), /id must be/);
    assert.equal(socket.sentOfType('command').length, 0);
  });

  test('a server error without a command id is reported as an error event', () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env);
    const errors = [];
    client.on('error', (e) => errors.push(e));
    socket.receive({ type: 'error', code: 'bad_request', message: 'unknown message type', correlationId: 'c1' });
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, 'bad_request');
  });
});

describe('identity from hello', () => {
  test('tells whether the admin may run an action when the server says so', () => {
    const env = environment();
    const client = env.start();
    assert.equal(client.can('end_session'), null);
    env.ws.last().acceptConnection();
    env.ws.last().receive(hello('e1', { admin: { name: 'viewer', permissions: ['view'] } }));
    assert.equal(client.identity.name, 'viewer');
    assert.equal(client.can('end_session'), false);
    env.ws.last().receive(hello('e1', { admin: { name: 'root', permissions: ['sessions:end'] } }));
    assert.equal(client.can('end_session'), true);
    assert.equal(client.can('archive_session'), false);
  });
});

describe('closing', () => {
  test('closes the socket normally, rejects pending commands, stops reconnecting; idempotent', async () => {
    const env = environment();
    const client = env.start();
    const socket = connectWithState(env);
    const pending = client.endSession('a');
    client.close();
    client.close();
    assert.deepEqual(socket.closedWith, { code: 1000, reason: 'client closed' });
    assert.equal(client.status, ConnectionStatus.OFFLINE);
    await assert.rejects(pending, (e) => e.code === 'closed');
    await assert.rejects(client.endSession('a'), (e) => e.code === 'closed');
    const count = env.ws.sockets.length;
    env.win.dispatchEvent(new Event('online'));
    env.clock.advance(600_000);
    assert.equal(env.ws.sockets.length, count);
    assert.equal(env.clock.pendingTimers, 0, 'no timer left behind');
  });

  test('start may be called once', () => {
    const env = environment();
    const client = env.start();
    assert.throws(() => client.start(), /once/);
  });
});

describe('options', () => {
  test('invalid options are rejected with the option name and value', () => {
    const env = environment();
    assert.throws(() => env.create({ url: '' }), /url must be a non-empty string, was: /);
    assert.throws(() => env.create({ reconnectInitialDelayMs: -1 }), /reconnectInitialDelayMs must be a positive number of milliseconds, was: -1/);
    assert.throws(() => env.create({ reconnectInitialDelayMs: 1000, reconnectMaxDelayMs: 10 }), /reconnectMaxDelayMs must be >= reconnectInitialDelayMs \(1000\), was: 10/);
    assert.throws(() => env.create({ commandTimeoutMs: 0 }), /commandTimeoutMs .* was: 0/);
    assert.throws(() => env.create({ WebSocket: undefined }), /WebSocket must be a constructor/);
    assert.throws(() => env.create({ token: 42 }), /token must be a string or a function/);
    assert.throws(() => env.create({ url: '/relative' }), /url must be absolute/);
    assert.throws(() => env.create({ url: 'ftp://x/y' }), /url must be absolute/);
  });
});
