import {
  HostError,
  isHostEvent,
  parseEvent,
  parseParams,
  parseResult,
  WireServerMessageSchema,
  type HostClient,
  type HostEvent,
  type HostEventPayload,
  type HostMethod,
  type HostParams,
  type HostResult,
  type PreloadBridge,
  type ConnectionState,
  type WireEvent,
  type WireResponse,
} from '../../graph/api/host.js';
import type { TrainingEvent } from '../../graph/api/training.js';

declare global {
  interface Window {
    /** Set by the Electron preload script; absent in the browser host. */
    tensorloom?: PreloadBridge;
  }
}

type Listener = (payload: unknown) => void;

/** Routes validated events to listeners; shared by both transports. */
class EventHub {
  private listeners = new Map<HostEvent, Set<Listener>>();

  add<E extends HostEvent>(event: E, handler: (payload: HostEventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const l = handler as Listener;
    set.add(l);
    return () => set.delete(l);
  }

  dispatch(message: WireEvent): void {
    if (!isHostEvent(message.event)) {
      console.warn(`host sent an unknown event '${message.event}'; ignored`);
      return;
    }
    let payload: unknown;
    try {
      payload = parseEvent(message.event, message.payload);
    } catch (e) {
      console.warn((e as Error).message);
      return;
    }
    this.emit(message.event, payload as HostEventPayload<typeof message.event>);
  }

  /** Hands a payload validated already (by the caller) to the event's listeners. */
  emit<E extends HostEvent>(event: E, payload: HostEventPayload<E>): void {
    for (const l of this.listeners.get(event) ?? []) l(payload);
  }
}

function resultOf<M extends HostMethod>(method: M, response: WireResponse): HostResult<M> {
  if (!response.ok) throw new HostError(response.error.code, response.error.message);
  return parseResult(method, response.result);
}

/** Client over the Electron preload bridge. */
export function createBridgeClient(bridge: PreloadBridge): HostClient {
  const hub = new EventHub();
  let nextId = 1;
  bridge.onEvent((e) => hub.dispatch(e));
  return {
    transport: 'electron',
    async call(method, params) {
      // Validate before sending so a bug in the renderer surfaces here with the field named.
      parseParams(method, params);
      const response = await bridge.invoke({ id: nextId++, method, params });
      return resultOf(method, response);
    },
    subscribe: (event, handler) => hub.add(event, handler),
    setDocumentState: (state) => bridge.setDocumentState(state),
    // IPC to the main process does not drop.
    onConnectionChange: () => () => undefined,
  };
}

const TOKEN_KEY = 'tensorloom.token';

/**
 * The access token: from the page URL (`?token=`), remembered for reloads of the same tab, and then removed from the
 * address bar so it does not show up in screenshots, screen shares or the history. Null when the page was loaded
 * with the session cookie alone (the server set it when the tokened URL was first opened).
 */
export function readToken(loc: Location = window.location, storage: Storage | null = safeSessionStorage(), hist: History | null = safeHistory()): string | null {
  const params = new URLSearchParams(loc.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    storage?.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const rest = params.toString();
    hist?.replaceState(hist.state, '', `${loc.pathname}${rest ? `?${rest}` : ''}${loc.hash}`);
    return fromUrl;
  }
  return storage?.getItem(TOKEN_KEY) ?? null;
}

function safeHistory(): History | null {
  try {
    return window.history;
  } catch {
    return null;
  }
}

function safeSessionStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** Options of the WebSocket client. */
export interface WebSocketClientOptions {
  /** The WebSocket class (tests under Node pass the `ws` package's); the browser's by default. */
  WebSocketImpl?: typeof WebSocket;
  /** Waits before each reconnection attempt, in ms; the last repeats. */
  reconnectDelays?: readonly number[];
}

type RunEventPayload = HostEventPayload<'onRunEvent'>;

/** What runs.load returns of a saved run besides its list entry: its events. */
export type SavedRun = Omit<HostResult<'runs.load'>, 'run'>;

/**
 * A saved run's events in the order they happened: runStarted, the batch and epoch events merged by time (an epoch
 * event follows its last batch), then runFinished. A reloaded run and a replay after a reconnect both fold these.
 */
export function savedRunEvents(saved: SavedRun): TrainingEvent[] {
  const events: TrainingEvent[] = saved.started ? [saved.started] : [];
  const { batches, history } = saved;
  let i = 0;
  let j = 0;
  while (i < batches.length || j < history.length) {
    if (j >= history.length || (i < batches.length && batches[i]!.time <= history[j]!.time)) events.push(batches[i++]!);
    else events.push(history[j++]!);
  }
  if (saved.summary) events.push(saved.summary);
  return events;
}

/**
 * Client over a WebSocket to the serving origin (`tensorloom serve`). When the socket drops (server restarted, laptop
 * slept, proxy timeout) it reconnects by itself and subscribes again to the runs it was following, delivering the
 * events it missed meanwhile, so a live chart picks up where it stopped instead of freezing.
 */
export function createWebSocketClient(url: string, options: WebSocketClientOptions = {}): HostClient {
  const Impl = options.WebSocketImpl ?? WebSocket;
  const delays = options.reconnectDelays?.length ? options.reconnectDelays : [250, 500, 1000, 2000, 4000];
  const hub = new EventHub();
  const pending = new Map<number, { method: HostMethod; resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  /** Runs this client follows, with the last event it delivered of each (to skip it in a replay). */
  const followed = new Map<string, { last: TrainingEvent | null }>();
  let nextId = 1;
  let socket: Promise<WebSocket> | null = null;
  let state: ConnectionState = 'connected';
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const l of connectionListeners) l(next);
  };

  const send = <M extends HostMethod>(ws: WebSocket, method: M, params: HostParams<M>): Promise<HostResult<M>> => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  };

  const deliverRunEvent = (payload: RunEventPayload) => hub.emit('onRunEvent', payload);

  const follow = (runId: string) => {
    if (!followed.has(runId)) followed.set(runId, { last: null });
  };
  const track = (p: RunEventPayload) => {
    if (p.event.type === 'runFinished') followed.delete(p.runId);
    else followed.set(p.runId, { last: p.event });
  };
  const resyncing = new Map<string, RunEventPayload[]>();

  // After a reconnect the server has forgotten this client's subscriptions: subscribe again and deliver what was missed
  // (the replay holds the live run's events so far; a run that ended meanwhile is read back from its record).
  const resubscribe = async (ws: WebSocket) => {
    for (const [runId, seen] of [...followed]) {
      const last = seen.last;
      // Live events that arrive before the replay is in are held back, so the chart gets them in order.
      resyncing.set(runId, []);
      try {
        let events = (await send(ws, 'runs.subscribe', { runId })).replay;
        if (events.length === 0) events = savedRunEvents(await send(ws, 'runs.load', { runId }));
        let from = 0;
        if (last) {
          const key = JSON.stringify(last);
          const i = events.map((e) => JSON.stringify(e)).lastIndexOf(key);
          from = i >= 0 ? i + 1 : events.findIndex((e) => e.time > last.time);
          if (from < 0) from = events.length;
        }
        const missed = events.slice(from);
        const known = new Set(missed.map((e) => JSON.stringify(e)));
        for (const p of resyncing.get(runId) ?? []) if (!known.has(JSON.stringify(p.event))) missed.push(p.event);
        resyncing.delete(runId);
        for (const event of missed) {
          track({ runId, event });
          deliverRunEvent({ runId, event });
        }
      } catch {
        // The run is gone (its record was removed): nothing more will come for it.
        for (const p of resyncing.get(runId) ?? []) deliverRunEvent(p);
        resyncing.delete(runId);
        followed.delete(runId);
      }
    }
  };

  const scheduleReconnect = () => {
    if (retryTimer) return;
    const delay = delays[Math.min(attempt, delays.length - 1)]!;
    attempt++;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      ensure().catch(() => scheduleReconnect());
    }, delay);
  };

  const connect = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new Impl(url);
      let opened = false;
      ws.onopen = () => {
        opened = true;
        attempt = 0;
        resolve(ws);
        if (state === 'reconnecting') void resubscribe(ws).finally(() => setState('connected'));
      };
      ws.onerror = () =>
        reject(new HostError('failed', 'cannot reach the Tensorloom server: is `tensorloom serve` still running? If it was restarted, open the new URL it printed (the access token changes)'));
      ws.onclose = () => {
        if (!opened) return;
        socket = null;
        for (const p of pending.values()) p.reject(new HostError('failed', 'the connection to the Tensorloom server closed; try again'));
        pending.clear();
        // Dropped, not closed by us: come back by ourselves, so pushed events (run charts, opened files) resume.
        setState('reconnecting');
        scheduleReconnect();
      };
      ws.onmessage = (m) => {
        let raw: unknown;
        try {
          raw = JSON.parse(String(m.data));
        } catch {
          console.warn('host sent a message that is not JSON; ignored');
          return;
        }
        const parsed = WireServerMessageSchema.safeParse(raw);
        if (!parsed.success) {
          console.warn('host sent a malformed message; ignored');
          return;
        }
        const msg = parsed.data;
        if ('event' in msg) {
          if (msg.event === 'onRunEvent') {
            let p: RunEventPayload;
            try {
              p = parseEvent('onRunEvent', msg.payload);
            } catch {
              return hub.dispatch(msg);
            }
            const held = resyncing.get(p.runId);
            if (held) return void held.push(p);
            track(p);
            // Validated above: parsing it again in dispatch would cost every batch event a second zod pass.
            return deliverRunEvent(p);
          }
          return hub.dispatch(msg);
        }
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        try {
          p.resolve(resultOf(p.method, msg));
        } catch (e) {
          p.reject(e as Error);
        }
      };
    });

  const ensure = () => {
    if (!socket) {
      socket = connect();
      socket.catch(() => {
        socket = null;
        // A failed reconnection keeps trying; a first connection that fails is reported to the caller instead.
        if (state === 'reconnecting') scheduleReconnect();
      });
    }
    return socket;
  };

  return {
    transport: 'websocket',
    async call(method, params) {
      parseParams(method, params);
      const ws = await ensure();
      const result = await send(ws, method, params);
      // Remember what this client follows, to subscribe again after a reconnect.
      if (method === 'runs.start') follow((result as HostResult<'runs.start'>).runId);
      else if (method === 'runs.subscribe') {
        const runId = (params as HostParams<'runs.subscribe'>).runId;
        follow(runId);
        const replay = (result as HostResult<'runs.subscribe'>).replay;
        const last = replay[replay.length - 1];
        if (last) followed.set(runId, { last });
        if (last?.type === 'runFinished') followed.delete(runId);
      } else if (method === 'runs.unsubscribe') followed.delete((params as HostParams<'runs.unsubscribe'>).runId);
      return result;
    },
    subscribe(event, handler) {
      // Connect so that pushed events (e.g. onOpenFile) arrive even before the first call.
      void ensure().catch(() => undefined);
      return hub.add(event, handler);
    },
    setDocumentState(doc) {
      document.title = `${doc.dirty ? '• ' : ''}${doc.name} — Tensorloom`;
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}

/** The WebSocket URL of the API on the serving origin (without a token the session cookie authenticates). */
export function apiSocketUrl(loc: Location, token: string | null): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

let shared: HostClient | null = null;

/**
 * The host client for this page: the Electron preload bridge when present, otherwise a WebSocket to the serving
 * origin with the token from the page URL (or the session cookie). Created once per page.
 */
export function createHostClient(): HostClient {
  if (shared) return shared;
  if (window.tensorloom) return (shared = createBridgeClient(window.tensorloom));
  // The page itself was served, so this browser holds the token (URL, tab storage or the server's cookie).
  return (shared = createWebSocketClient(apiSocketUrl(window.location, readToken())));
}

export type { HostClient, HostMethod, HostParams, HostResult, HostEvent, HostEventPayload };
