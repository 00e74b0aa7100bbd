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
  type WireEvent,
  type WireResponse,
} from '../../graph/api/host.js';

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
    for (const l of this.listeners.get(message.event) ?? []) l(payload);
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

/** Client over a WebSocket to the serving origin (`tensorloom serve`). Reconnects on the next call after a drop. */
export function createWebSocketClient(url: string): HostClient {
  const hub = new EventHub();
  const pending = new Map<number, { method: HostMethod; resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let socket: Promise<WebSocket> | null = null;

  const connect = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(ws);
      ws.onerror = () =>
        reject(new HostError('failed', 'cannot reach the Tensorloom server: is `tensorloom serve` still running? If it was restarted, open the new URL it printed (the access token changes)'));
      ws.onclose = () => {
        socket = null;
        for (const p of pending.values()) p.reject(new HostError('failed', 'the connection to the Tensorloom server closed; try again'));
        pending.clear();
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
        if ('event' in msg) return hub.dispatch(msg);
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
      socket.catch(() => (socket = null));
    }
    return socket;
  };

  return {
    transport: 'websocket',
    async call(method, params) {
      parseParams(method, params);
      const ws = await ensure();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject });
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    subscribe(event, handler) {
      // Connect so that pushed events (e.g. onOpenFile) arrive even before the first call.
      void ensure().catch(() => undefined);
      return hub.add(event, handler);
    },
    setDocumentState(state) {
      document.title = `${state.dirty ? '• ' : ''}${state.name} — Tensorloom`;
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
