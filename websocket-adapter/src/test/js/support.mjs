// Test support for the SessionFeed browser client: loads client.js as an ES module (it ships as a plain
// .js resource, which Node would otherwise treat as CommonJS), and provides a controllable clock and a
// scriptable fake WebSocket.
import { readFileSync } from 'node:fs';

const clientUrl = new URL('../../main/resources/META-INF/resources/sessionfeed/client.js', import.meta.url);
const source = readFileSync(clientUrl, 'utf8');

/** The client module, exactly as served to browsers. */
export const clientModule = await import(
  'data:text/javascript,' + encodeURIComponent(`${source}\n//# sourceURL=${clientUrl.href}`));

/** A manual clock: timers fire only when the test advances time. */
export class FakeClock {
  now = 1_000_000;
  #tasks = [];
  #nextId = 1;

  setTimeout = (fn, ms) => {
    const id = this.#nextId++;
    this.#tasks.push({ id, at: this.now + Math.max(0, Math.floor(ms ?? 0)), fn });
    return id;
  };

  clearTimeout = (id) => {
    this.#tasks = this.#tasks.filter((t) => t.id !== id);
  };

  nowFn = () => this.now;

  /** Runs every timer due within the next `ms` milliseconds, in time order. */
  advance(ms) {
    const target = this.now + ms;
    for (;;) {
      this.#tasks.sort((a, b) => a.at - b.at || a.id - b.id);
      const task = this.#tasks[0];
      if (!task || task.at > target) break;
      this.#tasks.shift();
      this.now = task.at;
      task.fn();
    }
    this.now = target;
  }

  /** @returns {number} how many timers are scheduled */
  get pendingTimers() {
    return this.#tasks.length;
  }
}

/** Creates a fake WebSocket class that records every socket it made. */
export function fakeWebSockets() {
  const sockets = [];
  class FakeWebSocket {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;

    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      this.closedWith = null;
      this.onopen = this.onmessage = this.onclose = this.onerror = null;
      sockets.push(this);
    }

    send(data) {
      if (this.readyState !== 1) throw new Error('InvalidStateError: socket not open');
      this.sent.push(JSON.parse(data));
    }

    close(code, reason) {
      this.closedWith = { code, reason };
      this.readyState = 3;
    }

    // ---- the server side, driven by tests

    acceptConnection() {
      this.readyState = 1;
      this.onopen?.({ type: 'open' });
    }

    receive(message) {
      this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
    }

    dropConnection(code = 1006, reason = '') {
      this.readyState = 3;
      this.onclose?.({ code, reason });
    }

    sentOfType(type) {
      return this.sent.filter((m) => m.type === type);
    }
  }
  return { FakeWebSocket, sockets, last: () => sockets[sockets.length - 1] };
}

/** A logger that collects instead of printing. */
export function quietLogger() {
  const lines = [];
  const log = (level) => (...args) => lines.push([level, ...args]);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A fresh environment: clock, sockets, window/document/navigator fakes, and a client factory. */
export function environment(overrides = {}) {
  const clock = new FakeClock();
  const ws = fakeWebSockets();
  const win = new EventTarget();
  const doc = new EventTarget();
  doc.visibilityState = 'visible';
  const nav = { onLine: true };
  const logger = quietLogger();
  let randomValue = 0.5;
  const options = {
    url: 'wss://example.test/ws/admin/chat',
    WebSocket: ws.FakeWebSocket,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    now: clock.nowFn,
    random: () => randomValue,
    window: win,
    document: doc,
    navigator: nav,
    location: null,
    logger,
    ...overrides,
  };
  const env = {
    clock, ws, win, doc, nav, logger, options,
    setRandom(v) { randomValue = v; },
    /** Advances the clock to the client's next reconnect attempt (which opens a new socket). */
    advanceToRetry(client) {
      const at = client.statusInfo().nextRetryAt;
      if (at == null) throw new Error('no reconnect scheduled, status ' + client.status);
      clock.advance(at - clock.now);
    },
    create(more = {}) {
      return new clientModule.SessionFeedClient({ ...options, ...more });
    },
    start(more = {}) {
      const client = env.create(more);
      client.start();
      return client;
    },
  };
  return env;
}

export function session(id, fields = {}) {
  return { id, status: 'waiting', visitorName: 'Visitor ' + id, agentName: null, messageCount: 0, ...fields };
}

export function fullState(epoch, seq, sessions, metrics) {
  const messages = [{ type: 'session_update', epoch, seq, timestamp: '2026-11-25T20:00:00Z', data: { sessions } }];
  if (metrics) messages.push({ type: 'metrics_update', epoch, seq, timestamp: '2026-11-25T20:00:00Z', data: { metrics } });
  return messages;
}

export function delta(epoch, seq, upserted = [], removed = [], prevSeq = seq - 1) {
  return { type: 'session_delta', epoch, seq, prevSeq, timestamp: '2026-11-25T20:00:01Z', data: { upserted, removed } };
}

export function hello(epoch, extra = {}) {
  return { type: 'hello', protocol: 1, epoch, heartbeatMs: 10_000, limits: {}, ...extra };
}

/** Opens the latest socket and plays hello + full state on it. */
export function connectWithState(env, epoch = 'e1', seq = 5, sessions = [session('a'), session('b')], metrics = { waitingNow: 2 }) {
  const socket = env.ws.last();
  socket.acceptConnection();
  socket.receive(hello(epoch));
  for (const m of fullState(epoch, seq, sessions, metrics)) socket.receive(m);
  return socket;
}
