/**
 * SessionFeed browser client, protocol version 1.
 *
 * A dependency-free ES module that keeps a live copy of the chat sessions and metrics published by a
 * SessionFeed endpoint (served from the websocket-adapter jar at `/sessionfeed/client.js`):
 *
 *     import { connectSessionFeed } from '/sessionfeed/client.js';
 *     const feed = connectSessionFeed({ url: '/ws/admin/chat' });
 *     feed.on('sessions', (sessions, change) => render(sessions, change));
 *     feed.on('metrics', (metrics) => renderMetrics(metrics));
 *     feed.on('status', (info) => showStatus(info.status, info.lastUpdateAt));
 *     await feed.endSession('s-42');
 *
 * What it does for you:
 * - subscribes with `deltas: true`, applies the full state and then deltas, checking that every delta
 *   continues the state it has (`prevSeq` equals the last applied `seq`, same `epoch`); a gap or an
 *   epoch change makes it ask the server for the full state (`resync`);
 * - reports a connection status for the UI: `connecting`, `live`, `degraded` (connected, but the server
 *   says its change source is behind), `reconnecting`, `offline` — with the time of the last update;
 * - reconnects with exponential backoff and full jitter (capped), resumes with `(epoch, lastSeq)` so the
 *   server can replay only what was missed, reconnects at once when the browser comes back `online` or
 *   the tab becomes visible;
 * - sends an application-level `ping` every heartbeat interval and replaces a socket that has delivered
 *   nothing for the stale timeout (a half-open connection never looks "live" for long);
 * - sends commands as promises, resolved by the server's `ack` and rejected by its `error` or a
 *   timeout; each command has an id, and a command still unanswered when the connection drops is sent
 *   again with the same id after the reconnect, so the server applies it at most once.
 *
 * Everything environment-specific (WebSocket constructor, timers, clock, random source, window,
 * document, navigator) can be injected, which is how the unit tests drive it without a browser.
 *
 * Thread model: JavaScript is single-threaded; callbacks run synchronously from socket events and
 * timers. A listener that throws is logged and does not disturb the client or other listeners.
 *
 * @module sessionfeed/client
 */

/** The protocol version this client speaks. */
export const PROTOCOL_VERSION = 1;

/** The connection states reported by {@link SessionFeedClient#status}. */
export const ConnectionStatus = Object.freeze({
  /** The first connection attempt is in progress. */
  CONNECTING: 'connecting',
  /** Connected and subscribed; the server's change source is live. */
  LIVE: 'live',
  /** Connected and subscribed, but the server reports its change source as degraded or recovering. */
  DEGRADED: 'degraded',
  /** The connection was lost (or never made); waiting to retry, or retrying. */
  RECONNECTING: 'reconnecting',
  /** Not connected and not trying: the browser reports no network, or the client was closed. */
  OFFLINE: 'offline',
});

/** Default option values; see {@link SessionFeedClient} for their meaning. */
export const DEFAULT_OPTIONS = Object.freeze({
  channel: 'admin-chat-updates',
  deltas: true,
  reconnectInitialDelayMs: 500,
  reconnectMaxDelayMs: 30_000,
  connectTimeoutMs: 10_000,
  heartbeatIntervalMs: null,
  defaultHeartbeatIntervalMs: 15_000,
  staleAfterMs: null,
  commandTimeoutMs: 15_000,
  resyncTimeoutMs: 10_000,
});

/** The websocket-adapter's default permission per action (AdminIdentity.END_SESSIONS, ARCHIVE_SESSIONS). */
const ACTION_PERMISSIONS = Object.freeze({ end_session: 'sessions:end', archive_session: 'sessions:archive' });

const WS_OPEN = 1;
const CLOSE_NORMAL = 1000;
// Application close codes (4000-4999) used when this client gives up on a socket.
const CLOSE_STALE = 4000;
const CLOSE_CONNECT_TIMEOUT = 4001;
const CLOSE_RESYNC_TIMEOUT = 4002;

/**
 * An error reported by the server, or a command that could not be completed.
 *
 * `code` is one of the protocol's error codes (`bad_request`, `unauthorized`, `forbidden`, `not_found`,
 * `rate_limited`, `too_large`, `internal`) or one of the client's own: `timeout` (no answer in time),
 * `closed` (the client was closed first).
 */
export class SessionFeedError extends Error {
  /**
   * @param {string} code the error code
   * @param {string} message a human-readable explanation
   * @param {{commandId?: string, correlationId?: string, action?: string, sessionId?: string}} [details]
   */
  constructor(code, message, details = {}) {
    super(message);
    this.name = 'SessionFeedError';
    /** The error code. */
    this.code = code;
    /** The command's id, when the error answers a command: pass it as `{ id }` to retry safely. */
    this.commandId = details.commandId ?? null;
    /** The server's correlation id (its log has the details under it), or null. */
    this.correlationId = details.correlationId ?? null;
    /** The command's action, or null. */
    this.action = details.action ?? null;
    /** The command's session id, or null. */
    this.sessionId = details.sessionId ?? null;
  }
}

/**
 * The reconnect delay for a given attempt: exponential backoff with full jitter, a uniformly random
 * delay between 0 and `min(maxMs, initialMs * 2^attempt)`.
 *
 * @param {number} attempt 0 for the first retry
 * @param {number} initialMs the ceiling of the first retry
 * @param {number} maxMs the cap
 * @param {() => number} [random] a source of numbers in [0, 1)
 * @returns {number} whole milliseconds
 */
export function backoffDelay(attempt, initialMs, maxMs, random = Math.random) {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.floor(random() * ceiling);
}

/**
 * Creates a client and starts connecting.
 *
 * @param {object} options see {@link SessionFeedClient}
 * @returns {SessionFeedClient} the started client
 */
export function connectSessionFeed(options) {
  const client = new SessionFeedClient(options);
  client.start();
  return client;
}

/**
 * A live view of a SessionFeed endpoint. Create it, subscribe to its events with {@link #on}, then
 * {@link #start} it (or use {@link connectSessionFeed}); {@link #close} when done.
 *
 * Options (all optional except `url`):
 * - `url`: the endpoint, absolute (`wss://host/ws/admin/chat`) or relative to the page (`/ws/admin/chat`;
 *   `http` pages get `ws:`, `https` pages `wss:`).
 * - `token`: a string, or a function returning one at each connect, sent as the `access_token` query
 *   parameter (browsers cannot set headers on a WebSocket). Prefer a cookie where you can: URLs end up in
 *   logs.
 * - `channel` (`'admin-chat-updates'`), `deltas` (`true`; `false` makes the server send full
 *   `session_update`s and disables resume).
 * - `reconnectInitialDelayMs` (500), `reconnectMaxDelayMs` (30000): backoff ceiling of the first retry and
 *   its cap.
 * - `connectTimeoutMs` (10000): a socket that has not opened by then is abandoned and retried.
 * - `heartbeatIntervalMs` (default: the server's `hello.heartbeatMs`, else 15000): how often to `ping`.
 * - `staleAfterMs` (default 2 × heartbeat interval): a socket that delivered nothing for this long is
 *   replaced.
 * - `commandTimeoutMs` (15000): default command timeout.
 * - `resyncTimeoutMs` (10000): after asking for the full state, how long to wait before reconnecting.
 * - `onSessionUpdate(sessions)`, `onMetricsUpdate(metrics)`: shortcuts for the `sessions` and `metrics`
 *   events, in the original plan's shape.
 * - Injection for tests and unusual hosts: `WebSocket`, `setTimeout`, `clearTimeout`, `now` (ms clock),
 *   `random` ([0,1) source), `window` (`online`/`offline` events), `document` (`visibilitychange`),
 *   `navigator` (`onLine`), `location` (base for relative URLs), `createCommandId`, `logger`
 *   (console-like).
 *
 * Events ({@link #on}):
 * - `sessions` (sessions[], change `{full, upserted: ids, removed: ids}`): after every applied full
 *   state or delta; `upserted` lists the ids whose content changed (new or different), for highlighting.
 * - `metrics` (metrics): when the metrics changed.
 * - `status` (info, see {@link #statusInfo}): when the connection status, the server's source status or
 *   its reason changed.
 * - `hello` (hello message): on every (re)connect; tells the server's limits and, where the server
 *   sends them, the admin's identity and permissions.
 * - `error` (SessionFeedError): a server error not tied to a command.
 * - `resync` ({reason}): a gap or epoch change was detected and the full state requested.
 * - `disconnect` ({code, reason}): a socket closed or was abandoned.
 * - `message` (message): every parsed server message, before it is applied (debugging).
 */
export class SessionFeedClient {
  #opts;
  #WebSocket;
  #setTimeout;
  #clearTimeout;
  #now;
  #random;
  #win;
  #doc;
  #nav;
  #location;
  #createCommandId;
  #log;

  #listeners = new Map();
  #envHandlers = [];

  #ws = null;
  #phase = 'idle'; // idle | connecting | synced | waiting | offline | closed
  #everSynced = false;
  #attempt = 0;
  #nextRetryAt = null;
  #browserOffline = false;

  #timers = { reconnect: null, connect: null, heartbeat: null, resync: null };
  #lastReceiveAt = 0;

  #hello = null;
  #sessions = new Map();
  #metrics = {};
  #epoch = null;
  #seq = null;
  #hasState = false;
  #awaitingFull = true;
  #seqAdvancedByMetrics = false;
  #sourceStatus = 'live';
  #sourceReason = '';
  #lastUpdateAt = null;
  #lastStatusKey = '';

  #pending = new Map();

  /**
   * @param {object} options see the class description
   * @throws {TypeError} naming the option and its value when an option is invalid
   */
  constructor(options) {
    if (options == null || typeof options !== 'object') {
      throw new TypeError('options must be an object, was: ' + options);
    }
    const o = { ...DEFAULT_OPTIONS, ...options };
    if (typeof o.url !== 'string' || o.url.trim() === '') {
      throw new TypeError('url must be a non-empty string, was: ' + o.url);
    }
    if (o.token != null && typeof o.token !== 'string' && typeof o.token !== 'function') {
      throw new TypeError('token must be a string or a function, was: ' + typeof o.token);
    }
    if (typeof o.channel !== 'string' || o.channel === '') {
      throw new TypeError('channel must be a non-empty string, was: ' + o.channel);
    }
    requirePositive('reconnectInitialDelayMs', o.reconnectInitialDelayMs);
    requirePositive('reconnectMaxDelayMs', o.reconnectMaxDelayMs);
    if (o.reconnectMaxDelayMs < o.reconnectInitialDelayMs) {
      throw new TypeError('reconnectMaxDelayMs must be >= reconnectInitialDelayMs (' + o.reconnectInitialDelayMs
          + '), was: ' + o.reconnectMaxDelayMs);
    }
    requirePositive('connectTimeoutMs', o.connectTimeoutMs);
    if (o.heartbeatIntervalMs != null) requirePositive('heartbeatIntervalMs', o.heartbeatIntervalMs);
    requirePositive('defaultHeartbeatIntervalMs', o.defaultHeartbeatIntervalMs);
    if (o.staleAfterMs != null) requirePositive('staleAfterMs', o.staleAfterMs);
    requirePositive('commandTimeoutMs', o.commandTimeoutMs);
    requirePositive('resyncTimeoutMs', o.resyncTimeoutMs);
    this.#opts = o;

    const g = globalThis;
    this.#WebSocket = o.WebSocket ?? g.WebSocket;
    if (typeof this.#WebSocket !== 'function') {
      throw new TypeError('WebSocket must be a constructor (none found in this environment), was: ' + this.#WebSocket);
    }
    this.#setTimeout = o.setTimeout ?? g.setTimeout.bind(g);
    this.#clearTimeout = o.clearTimeout ?? g.clearTimeout.bind(g);
    this.#now = o.now ?? (() => Date.now());
    this.#random = o.random ?? Math.random;
    this.#win = 'window' in o ? o.window : g.window;
    this.#doc = 'document' in o ? o.document : g.document;
    this.#nav = 'navigator' in o ? o.navigator : g.navigator;
    this.#location = 'location' in o ? o.location : g.location;
    this.#createCommandId = o.createCommandId ?? defaultCommandId;
    this.#log = o.logger ?? g.console;
    this.#baseUrl(); // fail now, not on every reconnect, when the url cannot be resolved

    if (typeof o.onSessionUpdate === 'function') this.on('sessions', (sessions) => o.onSessionUpdate(sessions));
    if (typeof o.onMetricsUpdate === 'function') this.on('metrics', (metrics) => o.onMetricsUpdate(metrics));
  }

  // ---------------------------------------------------------------- public API

  /**
   * Registers a listener.
   *
   * @param {string} event one of the events in the class description
   * @param {Function} listener called synchronously
   * @returns {() => void} a function that removes the listener again
   */
  on(event, listener) {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function, was: ' + typeof listener);
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Starts connecting (and listening to the browser's `online`/`offline`/`visibilitychange`).
   *
   * @returns {SessionFeedClient} this
   * @throws {Error} if already started or closed
   */
  start() {
    if (this.#phase !== 'idle') throw new Error('start() may be called once, the client is ' + this.#phase);
    this.#listenToEnvironment();
    if (this.#nav && this.#nav.onLine === false) {
      this.#browserOffline = true;
      this.#phase = 'offline';
      this.#emitStatusIfChanged();
      return this;
    }
    this.#connect();
    return this;
  }

  /**
   * Closes the socket (1000), stops all timers and listeners of the environment, and rejects pending
   * commands with code `closed`. Idempotent.
   */
  close() {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    for (const [target, type, handler] of this.#envHandlers) target.removeEventListener(type, handler);
    this.#envHandlers = [];
    this.#clearTimer('reconnect');
    this.#dropSocket(CLOSE_NORMAL, 'client closed', false);
    for (const [id, p] of this.#pending) {
      this.#clearTimeout(p.timer);
      p.reject(new SessionFeedError('closed', 'the client was closed before the command was answered',
          { commandId: id, action: p.message.action, sessionId: p.message.sessionId }));
    }
    this.#pending.clear();
    this.#emitStatusIfChanged();
  }

  /** @returns {string} the connection status, one of {@link ConnectionStatus} */
  get status() {
    switch (this.#phase) {
      case 'synced': return this.#sourceStatus === 'live' ? ConnectionStatus.LIVE : ConnectionStatus.DEGRADED;
      case 'connecting': return this.#everSynced || this.#attempt > 0 ? ConnectionStatus.RECONNECTING : ConnectionStatus.CONNECTING;
      case 'waiting': return ConnectionStatus.RECONNECTING;
      case 'idle': return ConnectionStatus.CONNECTING;
      default: return ConnectionStatus.OFFLINE;
    }
  }

  /**
   * A snapshot of everything a status indicator needs.
   *
   * @returns {{status: string, source: string, reason: string, lastUpdateAt: number|null,
   *     nextRetryAt: number|null, attempt: number, epoch: string|null, seq: number|null}}
   *     `source` is the server's source status (`live`, `degraded`, `recovering`); `lastUpdateAt` the
   *     client-clock time (ms) the last state was applied; `nextRetryAt` when the next reconnect is due
   */
  statusInfo() {
    return {
      status: this.status,
      source: this.#sourceStatus,
      reason: this.#sourceReason,
      lastUpdateAt: this.#lastUpdateAt,
      nextRetryAt: this.#phase === 'waiting' ? this.#nextRetryAt : null,
      attempt: this.#attempt,
      epoch: this.#epoch,
      seq: this.#seq,
    };
  }

  /** @returns {boolean} true while subscribed (status `live` or `degraded`) */
  get isConnected() {
    return this.#phase === 'synced';
  }

  /** @returns {object[]} the sessions, a new array: server order for a full state, new sessions first */
  get sessions() {
    return Array.from(this.#sessions.values());
  }

  /**
   * @param {string} id a session id
   * @returns {object|undefined} the session, or undefined
   */
  getSession(id) {
    return this.#sessions.get(id);
  }

  /** @returns {object} the latest metrics (an empty object before the first state) */
  get metrics() {
    return this.#metrics;
  }

  /** @returns {string|null} the server epoch of the current state */
  get epoch() {
    return this.#epoch;
  }

  /** @returns {number|null} the seq of the last applied state */
  get seq() {
    return this.#seq;
  }

  /** @returns {number|null} the client-clock time (ms) the last state was applied */
  get lastUpdateAt() {
    return this.#lastUpdateAt;
  }

  /** @returns {object|null} the last `hello` message */
  get hello() {
    return this.#hello;
  }

  /**
   * What the server said about the authenticated admin, if anything: `hello.admin` (protocol v1 as served by
   * the websocket-adapter), else `hello.identity`.
   *
   * @returns {{name?: string, permissions?: string[]}|null} the identity, or null when unknown
   */
  get identity() {
    const h = this.#hello;
    if (!h) return null;
    return h.admin ?? h.identity ?? null;
  }

  /**
   * Whether the admin may send a command, from the permissions in `hello`. Returns `null` when the server
   * did not say (then only trying tells).
   *
   * @param {string} action for example `end_session`
   * @returns {boolean|null} the answer, or null when unknown
   */
  can(action) {
    const id = this.identity;
    if (!id) return null;
    if (Array.isArray(id.actions)) return id.actions.includes(action);
    if (Array.isArray(id.permissions)) {
      const permission = ACTION_PERMISSIONS[action];
      return id.permissions.includes(action) || (permission != null && id.permissions.includes(permission));
    }
    if (typeof id.readOnly === 'boolean') return !id.readOnly;
    return null;
  }

  /**
   * Sends a command. Sent at once when connected, otherwise as soon as the connection is back; sent again,
   * with the same id, after every reconnect until answered.
   *
   * @param {string} action for example `end_session`
   * @param {string} sessionId the target session
   * @param {object} [args] further fields of the command message
   * @param {{id?: string, timeoutMs?: number}} [options] `id` to retry an earlier command (see
   *     {@link SessionFeedError#commandId}); `timeoutMs` overrides `commandTimeoutMs`
   * @returns {Promise<{id: string, result: any, seq: number|null}>} resolved by the `ack`; rejected with a
   *     {@link SessionFeedError} on `error`, timeout or close
   */
  command(action, sessionId, args = {}, options = {}) {
    if (typeof action !== 'string' || !/^[a-z0-9_]{1,64}$/.test(action)) {
      return Promise.reject(new TypeError('action must be 1-64 characters of [a-z0-9_], was: ' + action));
    }
    if (typeof sessionId !== 'string' || sessionId.trim() === '' || sessionId.length > 256) {
      return Promise.reject(new TypeError('sessionId must be a non-blank string of at most 256 characters, was: ' + sessionId));
    }
    const id = options.id ?? this.#createCommandId();
    if (typeof id !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(id)) {
      return Promise.reject(new TypeError('id must be 1-128 characters of [A-Za-z0-9._:-], was: ' + id));
    }
    if (this.#phase === 'closed') {
      return Promise.reject(new SessionFeedError('closed', 'the client is closed', { commandId: id, action, sessionId }));
    }
    const existing = this.#pending.get(id);
    if (existing) return existing.promise;
    const timeoutMs = options.timeoutMs ?? this.#opts.commandTimeoutMs;
    requirePositive('timeoutMs', timeoutMs);
    const message = { ...args, type: 'command', id, action, sessionId };
    const entry = { message, sent: false };
    entry.promise = new Promise((resolve, reject) => {
      entry.resolve = resolve;
      entry.reject = reject;
    });
    entry.timer = this.#setTimeout(() => {
      if (this.#pending.get(id) !== entry) return;
      this.#pending.delete(id);
      entry.reject(new SessionFeedError('timeout', `no answer to ${action} within ${timeoutMs} ms`,
          { commandId: id, action, sessionId }));
    }, timeoutMs);
    this.#pending.set(id, entry);
    if (this.#isOpen()) {
      entry.sent = this.#send(message);
    }
    return entry.promise;
  }

  /**
   * Ends a session (`end_session`).
   *
   * @param {string} sessionId the session
   * @param {{id?: string, timeoutMs?: number}} [options] see {@link #command}
   * @returns {Promise<{id: string, result: any, seq: number|null}>} see {@link #command}
   */
  endSession(sessionId, options) {
    return this.command('end_session', sessionId, {}, options);
  }

  /**
   * Archives a session (`archive_session`).
   *
   * @param {string} sessionId the session
   * @param {{id?: string, timeoutMs?: number}} [options] see {@link #command}
   * @returns {Promise<{id: string, result: any, seq: number|null}>} see {@link #command}
   */
  archiveSession(sessionId, options) {
    return this.command('archive_session', sessionId, {}, options);
  }

  /**
   * Asks the server for the full state now (the client does this by itself when it detects a gap).
   *
   * @param {string} [reason] for the `resync` event
   */
  resync(reason = 'requested') {
    this.#requestResync(reason);
  }

  /** Drops the current socket and connects again at once, keeping the state for a resume. */
  reconnectNow() {
    if (this.#phase === 'closed' || this.#phase === 'idle') return;
    this.#dropSocket(CLOSE_NORMAL, 'reconnect requested', true);
    this.#attempt = 0;
    this.#connect();
  }

  // ---------------------------------------------------------------- connection

  #connect() {
    this.#clearTimer('reconnect');
    this.#nextRetryAt = null;
    this.#phase = 'connecting';
    this.#emitStatusIfChanged();
    let ws;
    try {
      ws = new this.#WebSocket(this.#url());
    } catch (e) {
      this.#log?.error?.('SessionFeed: cannot open a WebSocket', e);
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    this.#startTimer('connect', this.#opts.connectTimeoutMs, () => {
      if (this.#ws === ws && ws.readyState !== WS_OPEN) {
        this.#dropSocket(CLOSE_CONNECT_TIMEOUT, 'connect timeout', true);
        this.#scheduleReconnect();
      }
    });
    ws.onopen = () => {
      if (this.#ws !== ws) return;
      this.#clearTimer('connect');
      this.#lastReceiveAt = this.#now();
      this.#sendSubscribe();
      for (const entry of this.#pending.values()) {
        if (!entry.sent) entry.sent = this.#send(entry.message);
      }
      this.#scheduleHeartbeat();
    };
    ws.onmessage = (event) => {
      if (this.#ws !== ws) return;
      this.#lastReceiveAt = this.#now();
      this.#onText(event.data);
    };
    ws.onclose = (event) => {
      if (this.#ws !== ws) return;
      this.#socketGone(event?.code ?? 1006, event?.reason ?? '');
      this.#scheduleReconnect();
    };
    ws.onerror = () => {
      // A close event always follows; it decides what happens next.
    };
  }

  #url() {
    const url = this.#baseUrl();
    const token = typeof this.#opts.token === 'function' ? this.#opts.token() : this.#opts.token;
    if (token) url.searchParams.set('access_token', token);
    return url.toString();
  }

  #baseUrl() {
    const raw = this.#opts.url;
    let url;
    if (/^wss?:\/\//i.test(raw)) {
      url = new URL(raw);
    } else {
      if (!this.#location || !this.#location.href) {
        throw new TypeError('url must be absolute (ws:// or wss://) when there is no page location, was: ' + raw);
      }
      url = new URL(raw, this.#location.href);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new TypeError('url must resolve to ws(s):// or http(s):// against the page, was: ' + raw);
      }
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    }
    return url;
  }

  #sendSubscribe() {
    const msg = { type: 'subscribe', channel: this.#opts.channel, deltas: this.#opts.deltas };
    const resume = this.#opts.deltas && this.#hasState && this.#epoch != null && this.#seq != null;
    if (resume) {
      msg.epoch = this.#epoch;
      msg.lastSeq = this.#seq;
    }
    // Our state is consistent at (epoch, seq) even after a detected gap (the gapped delta was not applied),
    // so a replay from there continues it; without a resume only a full state can be applied.
    this.#awaitingFull = !resume;
    this.#seqAdvancedByMetrics = false;
    this.#send(msg);
  }

  #socketGone(code, reason) {
    this.#ws = null;
    this.#clearTimer('connect');
    this.#clearTimer('heartbeat');
    this.#clearTimer('resync');
    for (const entry of this.#pending.values()) entry.sent = false;
    this.#emit('disconnect', { code, reason });
  }

  #dropSocket(code, reason, notify) {
    const ws = this.#ws;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close(code, reason);
    } catch (e) {
      this.#log?.warn?.('SessionFeed: closing the socket failed', e);
    }
    if (notify) {
      this.#socketGone(code, reason);
    } else {
      this.#ws = null;
      this.#clearTimer('connect');
      this.#clearTimer('heartbeat');
      this.#clearTimer('resync');
    }
  }

  #scheduleReconnect() {
    if (this.#phase === 'closed') return;
    this.#clearTimer('reconnect');
    if (this.#browserOffline) {
      this.#phase = 'offline';
      this.#nextRetryAt = null;
      this.#emitStatusIfChanged();
      return;
    }
    const delay = backoffDelay(this.#attempt, this.#opts.reconnectInitialDelayMs, this.#opts.reconnectMaxDelayMs, this.#random);
    this.#attempt++;
    this.#phase = 'waiting';
    this.#nextRetryAt = this.#now() + delay;
    this.#startTimer('reconnect', delay, () => this.#connect());
    this.#emitStatusIfChanged();
  }

  #isOpen() {
    return this.#ws != null && this.#ws.readyState === WS_OPEN;
  }

  #send(message) {
    if (!this.#isOpen()) return false;
    try {
      this.#ws.send(JSON.stringify(message));
      return true;
    } catch (e) {
      this.#log?.warn?.('SessionFeed: send failed', e);
      return false;
    }
  }

  // ---------------------------------------------------------------- heartbeat and environment

  #heartbeatInterval() {
    const fromServer = Number(this.#hello?.heartbeatMs);
    const interval = this.#opts.heartbeatIntervalMs
        ?? (Number.isFinite(fromServer) && fromServer > 0 ? fromServer : this.#opts.defaultHeartbeatIntervalMs);
    return Math.max(interval, 100);
  }

  #staleAfter() {
    return this.#opts.staleAfterMs ?? 2 * this.#heartbeatInterval();
  }

  #scheduleHeartbeat() {
    this.#startTimer('heartbeat', this.#heartbeatInterval(), () => {
      if (!this.#isOpen()) return;
      if (this.#checkStale()) return;
      this.#send({ type: 'ping' });
      this.#scheduleHeartbeat();
    });
  }

  /** Replaces the socket when it has delivered nothing for the stale timeout; returns true if it did. */
  #checkStale() {
    const silentFor = this.#now() - this.#lastReceiveAt;
    if (silentFor < this.#staleAfter()) return false;
    this.#log?.warn?.(`SessionFeed: no message for ${silentFor} ms, replacing the connection`);
    this.#dropSocket(CLOSE_STALE, 'stale', true);
    this.#scheduleReconnect();
    return true;
  }

  #listenToEnvironment() {
    const add = (target, type, handler) => {
      if (!target || typeof target.addEventListener !== 'function') return;
      target.addEventListener(type, handler);
      this.#envHandlers.push([target, type, handler]);
    };
    add(this.#win, 'online', () => {
      this.#browserOffline = false;
      if (this.#phase === 'offline' || this.#phase === 'waiting') {
        this.#attempt = 0;
        this.#connect();
      }
    });
    add(this.#win, 'offline', () => {
      this.#browserOffline = true;
      if (this.#phase === 'waiting') {
        this.#clearTimer('reconnect');
        this.#phase = 'offline';
        this.#emitStatusIfChanged();
      } else if (this.#isOpen()) {
        // The socket may still work (a local server) or be dead: a ping lets the heartbeat decide.
        this.#send({ type: 'ping' });
      }
    });
    add(this.#doc, 'visibilitychange', () => {
      if (this.#doc.visibilityState !== 'visible') return;
      if (this.#phase === 'waiting') {
        // Background tabs throttle timers: don't make a returning user wait out the backoff.
        this.#connect();
      } else if (this.#isOpen() && !this.#checkStale()) {
        this.#send({ type: 'ping' });
      }
    });
  }

  // ---------------------------------------------------------------- messages

  #onText(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch (e) {
      this.#log?.warn?.('SessionFeed: ignoring a frame that is not JSON', e);
      return;
    }
    if (msg == null || typeof msg !== 'object' || typeof msg.type !== 'string') {
      this.#log?.warn?.('SessionFeed: ignoring a message without a type');
      return;
    }
    this.#emit('message', msg);
    switch (msg.type) {
      case 'hello': return this.#onHello(msg);
      case 'session_update': return this.#onFullState(msg);
      case 'session_delta': return this.#onDelta(msg);
      case 'metrics_update': return this.#onMetrics(msg);
      case 'status': return this.#onStatus(msg);
      case 'ack': return this.#onAck(msg);
      case 'error': return this.#onError(msg);
      case 'pong': return undefined;
      default: return undefined; // newer servers may add messages; ignoring them is the contract
    }
  }

  #onHello(msg) {
    this.#hello = msg;
    if (msg.protocol != null && Number(msg.protocol) !== PROTOCOL_VERSION) {
      this.#log?.warn?.(`SessionFeed: server speaks protocol ${msg.protocol}, this client ${PROTOCOL_VERSION}`);
    }
    const source = msg.source ?? msg.status;
    if (typeof source === 'string') {
      this.#sourceStatus = source;
      this.#sourceReason = typeof msg.reason === 'string' ? msg.reason : '';
    } else {
      this.#sourceStatus = 'live';
      this.#sourceReason = '';
    }
    if (this.#hasState && msg.epoch != null && msg.epoch !== this.#epoch) {
      // A new server run: our seq means nothing there, only its full state can be applied.
      this.#awaitingFull = true;
    }
    this.#scheduleHeartbeat();
    this.#emit('hello', msg);
    if (this.#hasState && this.#opts.deltas && msg.epoch != null && msg.epoch === this.#epoch && !this.#awaitingFull) {
      // Resumed: the server replays what we missed (possibly nothing), so we are up to date now.
      this.#synced();
    } else {
      this.#emitStatusIfChanged();
    }
  }

  #onFullState(msg) {
    const list = msg.data?.sessions;
    if (!Array.isArray(list)) {
      this.#log?.warn?.('SessionFeed: session_update without data.sessions');
      return;
    }
    const previous = this.#sessions;
    const next = new Map();
    const upserted = [];
    for (const s of list) {
      if (s == null || s.id == null) continue;
      next.set(s.id, s);
      const old = previous.get(s.id);
      if (!old || !sameJson(old, s)) upserted.push(s.id);
    }
    const removed = [];
    for (const id of previous.keys()) if (!next.has(id)) removed.push(id);
    this.#sessions = next;
    if (msg.epoch != null) this.#epoch = msg.epoch;
    if (typeof msg.seq === 'number') this.#seq = msg.seq;
    this.#hasState = true;
    this.#awaitingFull = false;
    this.#seqAdvancedByMetrics = false;
    this.#clearTimer('resync');
    if (msg.data.metrics && typeof msg.data.metrics === 'object') this.#setMetrics(msg.data.metrics);
    this.#lastUpdateAt = this.#now();
    this.#emit('sessions', this.sessions, { full: true, upserted, removed });
    this.#synced();
  }

  #onDelta(msg) {
    if (this.#awaitingFull) return; // the full state we asked for supersedes it
    if (msg.epoch != null && msg.epoch !== this.#epoch) {
      this.#requestResync(`delta of epoch ${msg.epoch}, state of epoch ${this.#epoch}`);
      return;
    }
    const seq = msg.seq;
    const prevSeq = msg.prevSeq;
    if (typeof seq !== 'number' || typeof prevSeq !== 'number') {
      this.#requestResync('delta without seq/prevSeq');
      return;
    }
    let advance;
    if (prevSeq === this.#seq) {
      advance = true;
    } else if (this.#seqAdvancedByMetrics && seq === this.#seq && prevSeq === this.#seq - 1) {
      advance = false; // its metrics_update (same seq) came first
    } else if (seq <= this.#seq) {
      return; // already applied (a replay overlapping what we had)
    } else {
      this.#requestResync(`gap: delta ${prevSeq}->${seq} after ${this.#seq}`);
      return;
    }
    const data = msg.data ?? {};
    const upserted = [];
    const removed = [];
    const fresh = [];
    for (const s of Array.isArray(data.upserted) ? data.upserted : []) {
      if (s == null || s.id == null) continue;
      const old = this.#sessions.get(s.id);
      if (old === undefined) fresh.push(s);
      else if (!sameJson(old, s)) this.#sessions.set(s.id, s);
      else continue;
      upserted.push(s.id);
    }
    for (const id of Array.isArray(data.removed) ? data.removed : []) {
      if (this.#sessions.delete(id)) removed.push(id);
    }
    if (fresh.length > 0) {
      // The server lists newest first; sessions we had not seen are the newest.
      const next = new Map(fresh.map((s) => [s.id, s]));
      for (const [id, s] of this.#sessions) next.set(id, s);
      this.#sessions = next;
    }
    if (advance) this.#seq = seq;
    this.#seqAdvancedByMetrics = false;
    this.#lastUpdateAt = this.#now();
    if (data.metrics && typeof data.metrics === 'object') this.#setMetrics(data.metrics);
    if (upserted.length > 0 || removed.length > 0) {
      this.#emit('sessions', this.sessions, { full: false, upserted, removed });
    }
    this.#emitStatusIfChanged();
  }

  #onMetrics(msg) {
    const metrics = msg.data?.metrics;
    if (metrics == null || typeof metrics !== 'object') {
      this.#log?.warn?.('SessionFeed: metrics_update without data.metrics');
      return;
    }
    if (!this.#awaitingFull && typeof msg.seq === 'number' && this.#seq != null) {
      if (msg.epoch != null && msg.epoch !== this.#epoch) {
        this.#requestResync(`metrics of epoch ${msg.epoch}, state of epoch ${this.#epoch}`);
        return;
      }
      if (msg.seq === this.#seq + 1) {
        // A change of the metrics only (or its session_delta follows with the same seq).
        this.#seq = msg.seq;
        this.#seqAdvancedByMetrics = true;
      } else if (msg.seq < this.#seq) {
        return; // older than what we show
      } else if (msg.seq > this.#seq + 1) {
        this.#requestResync(`gap: metrics ${msg.seq} after ${this.#seq}`);
        return;
      }
    }
    this.#setMetrics(metrics);
    this.#lastUpdateAt = this.#now();
    this.#emitStatusIfChanged();
  }

  #onStatus(msg) {
    const source = msg.source ?? msg.status;
    if (typeof source !== 'string') return;
    this.#sourceStatus = source;
    this.#sourceReason = typeof msg.reason === 'string' ? msg.reason : (typeof msg.message === 'string' ? msg.message : '');
    this.#emitStatusIfChanged();
  }

  #onAck(msg) {
    const entry = this.#pending.get(msg.id);
    if (!entry) return; // answered already, timed out, or another tab's
    this.#pending.delete(msg.id);
    this.#clearTimeout(entry.timer);
    entry.resolve({ id: msg.id, result: msg.result ?? null, seq: typeof msg.seq === 'number' ? msg.seq : null });
  }

  #onError(msg) {
    const error = new SessionFeedError(String(msg.code ?? 'internal'), String(msg.message ?? 'error'), {
      commandId: msg.id, correlationId: msg.correlationId,
    });
    const entry = msg.id != null ? this.#pending.get(msg.id) : undefined;
    if (entry) {
      this.#pending.delete(msg.id);
      this.#clearTimeout(entry.timer);
      error.action = entry.message.action;
      error.sessionId = entry.message.sessionId;
      entry.reject(error);
      return;
    }
    this.#emit('error', error);
  }

  #setMetrics(metrics) {
    if (sameJson(this.#metrics, metrics)) return;
    this.#metrics = metrics;
    this.#emit('metrics', metrics);
  }

  #synced() {
    this.#phase = 'synced';
    this.#everSynced = true;
    this.#attempt = 0;
    this.#nextRetryAt = null;
    this.#emitStatusIfChanged();
  }

  #requestResync(reason) {
    if (this.#phase === 'closed') return;
    this.#emit('resync', { reason });
    this.#awaitingFull = true;
    if (!this.#isOpen()) return; // the next subscribe brings the state
    this.#send({ type: 'resync' });
    this.#startTimer('resync', this.#opts.resyncTimeoutMs, () => {
      if (!this.#awaitingFull || !this.#isOpen()) return;
      this.#log?.warn?.('SessionFeed: no full state after resync, reconnecting');
      this.#dropSocket(CLOSE_RESYNC_TIMEOUT, 'resync timeout', true);
      this.#scheduleReconnect();
    });
  }

  // ---------------------------------------------------------------- helpers

  #startTimer(name, delayMs, task) {
    this.#clearTimer(name);
    this.#timers[name] = this.#setTimeout(() => {
      this.#timers[name] = null;
      task();
    }, delayMs);
  }

  #clearTimer(name) {
    if (this.#timers[name] != null) this.#clearTimeout(this.#timers[name]);
    this.#timers[name] = null;
  }

  #emitStatusIfChanged() {
    const info = this.statusInfo();
    const key = `${info.status}|${info.source}|${info.reason}|${info.nextRetryAt}`;
    if (key === this.#lastStatusKey) return;
    this.#lastStatusKey = key;
    this.#emit('status', info);
  }

  #emit(event, ...args) {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (e) {
        this.#log?.error?.(`SessionFeed: a '${event}' listener threw`, e);
      }
    }
  }
}

function requirePositive(name, value) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive number of milliseconds, was: ${value}`);
  }
}

function sameJson(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

let commandCounter = 0;

/** A command id unique across tabs and reloads: random part plus a per-page counter. */
function defaultCommandId() {
  const c = globalThis.crypto;
  let random;
  if (c && typeof c.randomUUID === 'function') {
    random = c.randomUUID();
  } else if (c && typeof c.getRandomValues === 'function') {
    random = Array.from(c.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  } else {
    random = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }
  commandCounter += 1;
  return `c-${random}-${commandCounter.toString(36)}`;
}
