/**
 * TypeScript declarations for the SessionFeed browser client (`client.js`, protocol version 1).
 * The module's behaviour is documented in client.js and docs/client.md; these types describe its API.
 * Checked by `tsc --noEmit` against a typed usage file in the build (examples/src/test/ts).
 */

/** The protocol version this client speaks. */
export declare const PROTOCOL_VERSION: 1;

/** A connection state, one of {@link ConnectionStatus}. */
export type ConnectionStatusValue = 'connecting' | 'live' | 'degraded' | 'reconnecting' | 'offline';

/** The connection states reported by {@link SessionFeedClient.status}. */
export declare const ConnectionStatus: Readonly<{
  CONNECTING: 'connecting';
  LIVE: 'live';
  DEGRADED: 'degraded';
  RECONNECTING: 'reconnecting';
  OFFLINE: 'offline';
}>;

/** The server's change-source status (`status` message): is the dashboard real-time right now? */
export type SourceStatus = 'live' | 'degraded' | 'recovering';

/** Error codes: the protocol's closed set, plus the client's own `timeout` and `closed`. */
export type SessionFeedErrorCode =
  | 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'rate_limited' | 'too_large' | 'internal'
  | 'timeout' | 'closed';

/** A chat session as the server sends it (absent values are `null`; `attributes` holds host-specific columns). */
export interface ChatSession {
  id: string;
  status: string;
  visitorId: string | null;
  visitorName: string | null;
  agentId: string | null;
  agentName: string | null;
  subject: string | null;
  /** ISO-8601 instants. */
  createdAt: string | null;
  updatedAt: string | null;
  endedAt: string | null;
  firstResponseAt: string | null;
  messageCount: number;
  lastMessageAt: string | null;
  attributes: Record<string, unknown>;
}

/** The metrics (the default query's keys; a custom metrics query may add others). */
export interface ChatMetrics {
  countsByStatus?: Record<string, number>;
  totalSessions?: number;
  waitingNow?: number;
  activeNow?: number;
  longestWaitingSince?: string | null;
  avgFirstResponseSeconds?: number | null;
  avgDurationSeconds?: number | null;
  startedLast24h?: number;
  endedLast24h?: number;
  activeAgents?: number;
  [key: string]: unknown;
}

/** What the server said about the authenticated admin (`hello.admin`). */
export interface AdminInfo {
  name?: string;
  permissions?: string[];
  actions?: string[];
  readOnly?: boolean;
}

/** The server's `hello` message. */
export interface HelloMessage {
  type: 'hello';
  protocol: number;
  epoch: string;
  heartbeatMs?: number;
  limits?: Record<string, unknown>;
  admin?: AdminInfo;
  timestamp?: string;
  [key: string]: unknown;
}

/** Any parsed server message (the `message` event). */
export interface ServerMessage {
  type: string;
  seq?: number;
  epoch?: string;
  timestamp?: string;
  [key: string]: unknown;
}

/** What changed with a `sessions` event. */
export interface SessionChange {
  /** True for a full state, false for a delta. */
  full: boolean;
  /** Ids of sessions that are new or whose content changed. */
  upserted: string[];
  /** Ids of sessions that left the view. */
  removed: string[];
}

/** Everything a status indicator needs ({@link SessionFeedClient.statusInfo}). */
export interface StatusInfo {
  status: ConnectionStatusValue;
  source: SourceStatus;
  reason: string;
  /** Client-clock time (ms) the last state was applied. */
  lastUpdateAt: number | null;
  /** When the next reconnect is due (ms), while waiting to retry. */
  nextRetryAt: number | null;
  attempt: number;
  epoch: string | null;
  seq: number | null;
}

/** A command's answer (the server's `ack`). */
export interface CommandAck {
  id: string;
  result: any;
  seq: number | null;
}

/** Per-command options. */
export interface CommandOptions {
  /** Reuse an earlier command's id to retry it safely (see {@link SessionFeedError.commandId}). */
  id?: string;
  /** Overrides `commandTimeoutMs`. */
  timeoutMs?: number;
}

/** A console-like logger. */
export interface Logger {
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  [method: string]: unknown;
}

/** Client options; all optional except `url`. Defaults in {@link DEFAULT_OPTIONS}. */
export interface SessionFeedOptions {
  /** The endpoint, absolute (`wss://host/ws/admin/chat`) or relative to the page (`/ws/admin/chat`). */
  url: string;
  /** Sent as the `access_token` query parameter at each connect (a function is called at each connect). */
  token?: string | (() => string) | null;
  channel?: string;
  deltas?: boolean;
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  connectTimeoutMs?: number;
  heartbeatIntervalMs?: number | null;
  defaultHeartbeatIntervalMs?: number;
  staleAfterMs?: number | null;
  commandTimeoutMs?: number;
  resyncTimeoutMs?: number;
  /** The original plan's shortcut for the `sessions` event. */
  onSessionUpdate?: (sessions: ChatSession[]) => void;
  /** The original plan's shortcut for the `metrics` event. */
  onMetricsUpdate?: (metrics: ChatMetrics) => void;
  // Injection for tests and unusual hosts.
  WebSocket?: new (url: string) => WebSocket;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: any) => void;
  now?: () => number;
  random?: () => number;
  window?: EventTarget | null;
  document?: (EventTarget & { visibilityState?: string }) | null;
  navigator?: { onLine?: boolean } | null;
  location?: { href: string } | null;
  createCommandId?: () => string;
  logger?: Logger;
}

/** Default option values. */
export declare const DEFAULT_OPTIONS: Readonly<Required<Pick<SessionFeedOptions,
  'channel' | 'deltas' | 'reconnectInitialDelayMs' | 'reconnectMaxDelayMs' | 'connectTimeoutMs'
  | 'defaultHeartbeatIntervalMs' | 'commandTimeoutMs' | 'resyncTimeoutMs'>> & {
  heartbeatIntervalMs: number | null;
  staleAfterMs: number | null;
}>;

/** The events of {@link SessionFeedClient.on} and their listeners' arguments. */
export interface SessionFeedEvents {
  sessions: [sessions: ChatSession[], change: SessionChange];
  metrics: [metrics: ChatMetrics];
  status: [info: StatusInfo];
  hello: [hello: HelloMessage];
  error: [error: SessionFeedError];
  resync: [event: { reason: string }];
  disconnect: [event: { code: number; reason: string }];
  message: [message: ServerMessage];
}

/** An error reported by the server, or a command that could not be completed. */
export declare class SessionFeedError extends Error {
  constructor(code: SessionFeedErrorCode | string, message: string,
              details?: { commandId?: string; correlationId?: string; action?: string; sessionId?: string });
  readonly name: 'SessionFeedError';
  readonly code: SessionFeedErrorCode | string;
  /** The command's id, when the error answers a command: pass it as `{ id }` to retry safely. */
  readonly commandId: string | null;
  /** The server's correlation id (its log has the details under it), or null. */
  readonly correlationId: string | null;
  readonly action: string | null;
  readonly sessionId: string | null;
}

/** A live view of a SessionFeed endpoint. */
export declare class SessionFeedClient {
  /** @throws TypeError naming the option and its value when an option is invalid */
  constructor(options: SessionFeedOptions);
  /** Registers a listener; returns a function that removes it again. */
  on<E extends keyof SessionFeedEvents>(event: E, listener: (...args: SessionFeedEvents[E]) => void): () => void;
  /** Starts connecting; may be called once. */
  start(): this;
  /** Closes the socket (1000), stops timers, rejects pending commands with code `closed`. Idempotent. */
  close(): void;
  readonly status: ConnectionStatusValue;
  statusInfo(): StatusInfo;
  /** True while subscribed (status `live` or `degraded`). */
  readonly isConnected: boolean;
  /** A new array: server order for a full state, new sessions first. */
  readonly sessions: ChatSession[];
  getSession(id: string): ChatSession | undefined;
  readonly metrics: ChatMetrics;
  readonly epoch: string | null;
  readonly seq: number | null;
  readonly lastUpdateAt: number | null;
  readonly hello: HelloMessage | null;
  readonly identity: AdminInfo | null;
  /** Whether the admin may send a command, from `hello`; null when the server did not say. */
  can(action: string): boolean | null;
  /** Resolved by the `ack`; rejected with a {@link SessionFeedError} on `error`, timeout or close. */
  command(action: string, sessionId: string, args?: Record<string, unknown>, options?: CommandOptions): Promise<CommandAck>;
  endSession(sessionId: string, options?: CommandOptions): Promise<CommandAck>;
  archiveSession(sessionId: string, options?: CommandOptions): Promise<CommandAck>;
  resync(reason?: string): void;
  reconnectNow(): void;
}

/** Creates and starts a client. */
export declare function connectSessionFeed(options: SessionFeedOptions): SessionFeedClient;

/** Exponential backoff with full jitter: a delay in whole ms within [0, min(maxMs, initialMs * 2^attempt)). */
export declare function backoffDelay(attempt: number, initialMs: number, maxMs: number, random?: () => number): number;
