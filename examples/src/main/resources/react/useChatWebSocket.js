// React hooks for SessionFeed, built on the browser client (example file; copy it into your app).
//
// The client ships in the sessionfeed-websocket-adapter jar and is served at /sessionfeed/client.js.
// With a bundler, copy META-INF/resources/sessionfeed/client.js from the jar next to this file (it has no
// dependencies); with native ES modules in the browser, import it from '/sessionfeed/client.js' instead.
//
// Two hooks:
//  - useChatWebSocket({ onSessionUpdate, onMetricsUpdate }) -> { isConnected }
//      the shape of the original plan's hook: a drop-in replacement that also gets deltas, resume,
//      heartbeats and backoff from the client, while still handing your callbacks the whole list.
//  - useSessionFeed(options) -> { status, sessions, metrics, lastUpdateAt, identity, can, endSession, ... }
//      the richer variant: the hook owns the state, so a component just renders it.
import { useCallback, useEffect, useRef, useState } from 'react';
import { connectSessionFeed, ConnectionStatus } from './client.js';

/**
 * The original plan's hook, on the SessionFeed client.
 *
 * @param {object} props
 * @param {(sessions: object[]) => void} props.onSessionUpdate called with the whole session list after every
 *     change (full state or delta)
 * @param {(metrics: object) => void} props.onMetricsUpdate called with the metrics when they change
 * @param {string} [props.url='/ws/admin/chat'] the endpoint, relative to the page or absolute
 * @param {object} [props.options] further client options (token, reconnect delays, ...), read once on mount
 * @returns {{isConnected: boolean}} true while subscribed (status live or degraded)
 */
export function useChatWebSocket({ onSessionUpdate, onMetricsUpdate, url = '/ws/admin/chat', options } = {}) {
  const [isConnected, setIsConnected] = useState(false);
  // The latest callbacks, so a parent re-rendering with new closures does not reconnect the socket.
  const callbacks = useRef({ onSessionUpdate, onMetricsUpdate });
  callbacks.current = { onSessionUpdate, onMetricsUpdate };
  const optionsRef = useRef(options);

  useEffect(() => {
    const client = connectSessionFeed({
      ...optionsRef.current,
      url,
      onSessionUpdate: (sessions) => callbacks.current.onSessionUpdate?.(sessions),
      onMetricsUpdate: (metrics) => callbacks.current.onMetricsUpdate?.(metrics),
    });
    const off = client.on('status', () => setIsConnected(client.isConnected));
    return () => {
      off();
      client.close();
    };
  }, [url]);

  return { isConnected };
}

/**
 * The richer variant: live sessions, metrics, connection status and commands.
 *
 *     const feed = useSessionFeed({ url: '/ws/admin/chat' });
 *     if (feed.status === 'connecting') return <Spinner/>;
 *     return <SessionsTable sessions={feed.sessions} onEnd={(id) => feed.endSession(id)}
 *                           readOnly={feed.can('end_session') === false} />;
 *
 * @param {object} [options] client options (`url` defaults to '/ws/admin/chat'); read when `url` changes
 * @returns {{
 *   status: string, statusInfo: object, isConnected: boolean, lastUpdateAt: number|null,
 *   sessions: object[], metrics: object, changedIds: Set<string>, identity: object|null,
 *   can: (action: string) => boolean|null,
 *   endSession: (id: string) => Promise<object>, archiveSession: (id: string) => Promise<object>,
 *   command: (action: string, sessionId: string, args?: object, options?: object) => Promise<object>,
 *   resync: () => void,
 * }} the state (new objects on every change, safe as React dependencies) and actions (stable)
 */
export function useSessionFeed(options = {}) {
  const url = options.url ?? '/ws/admin/chat';
  const clientRef = useRef(null);
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const [state, setState] = useState(() => ({
    status: ConnectionStatus.CONNECTING,
    statusInfo: { status: ConnectionStatus.CONNECTING, source: 'live', reason: '', lastUpdateAt: null },
    sessions: [],
    metrics: {},
    changedIds: new Set(),
    identity: null,
  }));

  useEffect(() => {
    const client = connectSessionFeed({ ...optionsRef.current, url });
    clientRef.current = client;
    const offs = [
      client.on('sessions', (sessions, change) => setState((s) => ({
        ...s, sessions, changedIds: new Set(change.upserted), statusInfo: client.statusInfo(),
      }))),
      client.on('metrics', (metrics) => setState((s) => ({ ...s, metrics, statusInfo: client.statusInfo() }))),
      client.on('status', (info) => setState((s) => ({ ...s, status: info.status, statusInfo: info }))),
      client.on('hello', () => setState((s) => ({ ...s, identity: client.identity }))),
    ];
    return () => {
      offs.forEach((off) => off());
      client.close();
      clientRef.current = null;
    };
  }, [url]);

  const command = useCallback((action, sessionId, args, commandOptions) => {
    const client = clientRef.current;
    if (!client) return Promise.reject(new Error('useSessionFeed: not mounted'));
    return client.command(action, sessionId, args, commandOptions);
  }, []);
  const endSession = useCallback((id, o) => command('end_session', id, {}, o), [command]);
  const archiveSession = useCallback((id, o) => command('archive_session', id, {}, o), [command]);
  const resync = useCallback(() => clientRef.current?.resync(), []);
  const can = useCallback((action) => clientRef.current?.can(action) ?? null, []);

  return {
    ...state,
    isConnected: state.status === ConnectionStatus.LIVE || state.status === ConnectionStatus.DEGRADED,
    lastUpdateAt: state.statusInfo.lastUpdateAt ?? null,
    can,
    command,
    endSession,
    archiveSession,
    resync,
  };
}
