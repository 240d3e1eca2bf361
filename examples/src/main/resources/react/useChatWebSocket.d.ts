/**
 * TypeScript declarations for the React hooks in useChatWebSocket.js (an example file: copy it, this file and
 * the client's `client.js` + `client.d.ts` into your app, or install the client package and change the import
 * below to '@sessionfeed/client'). No React types are needed: the hooks return plain objects.
 * Checked by `tsc --noEmit` against a typed usage file in the build (examples/src/test/ts).
 */
import type {
  AdminInfo, ChatMetrics, ChatSession, CommandAck, CommandOptions, ConnectionStatusValue, SessionFeedOptions,
  StatusInfo,
} from './client.js';

/** Props of {@link useChatWebSocket}: the original plan's hook. */
export interface ChatWebSocketProps {
  /** Called with the whole session list after every change (full state or delta). */
  onSessionUpdate?: (sessions: ChatSession[]) => void;
  /** Called with the metrics when they change. */
  onMetricsUpdate?: (metrics: ChatMetrics) => void;
  /** The endpoint, relative to the page or absolute. Default '/ws/admin/chat'. */
  url?: string;
  /** Further client options (token, reconnect delays, ...), read once on mount. */
  options?: Partial<SessionFeedOptions>;
}

/** The original plan's hook, on the SessionFeed client: true while subscribed (live or degraded). */
export declare function useChatWebSocket(props?: ChatWebSocketProps): { isConnected: boolean };

/** What {@link useSessionFeed} returns: state (new objects on every change) and actions (stable). */
export interface SessionFeedState {
  status: ConnectionStatusValue;
  statusInfo: StatusInfo | { status: ConnectionStatusValue; source: string; reason: string; lastUpdateAt: number | null };
  isConnected: boolean;
  lastUpdateAt: number | null;
  sessions: ChatSession[];
  metrics: ChatMetrics;
  /** Ids whose content changed with the last update, for highlighting. */
  changedIds: Set<string>;
  identity: AdminInfo | null;
  can: (action: string) => boolean | null;
  endSession: (id: string, options?: CommandOptions) => Promise<CommandAck>;
  archiveSession: (id: string, options?: CommandOptions) => Promise<CommandAck>;
  command: (action: string, sessionId: string, args?: Record<string, unknown>, options?: CommandOptions) => Promise<CommandAck>;
  resync: () => void;
}

/** The richer variant: the hook owns the state; `url` defaults to '/ws/admin/chat'. */
export declare function useSessionFeed(options?: Partial<SessionFeedOptions>): SessionFeedState;
