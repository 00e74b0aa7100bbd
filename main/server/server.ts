import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { HostError, parseEvent, WireRequestSchema, type HostEvent, type HostEventPayload } from '../../graph/api/host.js';
import { Host, type HostOptions, type HostSession } from '../host/host.js';
import { RENDERER_DIST } from '../host/paths.js';
import { allowedHosts, cookieName, isLoopback, refusal } from './security.js';

/** Options of `startServer`. */
export interface ServerOptions extends Omit<HostOptions, 'kind' | 'dialogs'> {
  port: number;
  host: string;
  /** Folder of the built renderer; defaults to dist/renderer. */
  rendererDir?: string;
  /** Fixed token (tests); random otherwise. */
  token?: string;
}

/** A running server. */
export interface RunningServer {
  url: string;
  port: number;
  token: string;
  host: Host;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

function securityHeaders(res: ServerResponse): void {
  // The token is in the page URL: never leak it through Referer; the page may only talk to this server.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  );
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
}

async function serveStatic(rendererDir: string, url: URL, res: ServerResponse): Promise<void> {
  const root = resolve(rendererDir);
  let rel = decodeURIComponent(url.pathname);
  if (rel.endsWith('/')) rel += 'index.html';
  const file = normalize(join(root, rel));
  if (file !== root && !file.startsWith(root + sep)) return sendText(res, 404, 'not found');
  let target = file;
  let s = await stat(target).catch(() => null);
  // Unknown paths fall back to the app page (client-side routes); asset-like paths get a real 404.
  if (!s?.isFile()) {
    if (extname(rel) && !rel.endsWith('/index.html')) return sendText(res, 404, 'not found');
    target = join(root, 'index.html');
    s = await stat(target).catch(() => null);
    if (!s?.isFile()) return sendText(res, 503, `the app has not been built: ${target} is missing; run 'npm run build' (or 'npm run serve', which builds first)`);
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(target)] ?? 'application/octet-stream',
    'Content-Length': s.size,
    'Cache-Control': target.endsWith('index.html') ? 'no-store' : 'no-cache',
  });
  createReadStream(target).pipe(res);
}

/** Starts the browser host: the built renderer over HTTP and the host API over a WebSocket at /api. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = options.rendererDir ?? RENDERER_DIST;
  const host = new Host({ ...options, kind: 'server' });
  let hosts = new Set<string>();
  let cookie = '';

  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    securityHeaders(res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refused = refusal(req, url, { token, hosts, cookie });
    if (refused) return sendText(res, refused.status, `refused: ${refused.reason}. Open the URL that 'tensorloom serve' printed.`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed');
    if (url.searchParams.get('token')) {
      // Asset requests made by the page carry no query; the cookie lets them through.
      res.setHeader('Set-Cookie', `${cookie}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
    }
    serveStatic(rendererDir, url, res).catch((e: Error) => sendText(res, 500, e.message));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refused = url.pathname === '/api' ? refusal(req, url, { token, hosts, cookie }) : { status: 404, reason: 'not found' };
    if (refused) {
      socket.end(`HTTP/1.1 ${refused.status} Refused\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nrefused: ${refused.reason}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws));
  });

  const connect = (ws: WebSocket): void => {
    const session: HostSession = {
      send<E extends HostEvent>(event: E, payload: HostEventPayload<E>) {
        if (ws.readyState !== ws.OPEN) return;
        ws.send(JSON.stringify({ event, payload: parseEvent(event, payload) }));
      },
    };
    ws.on('message', async (data) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String(data));
      } catch {
        return ws.send(JSON.stringify({ id: 0, ok: false, error: { code: 'invalid', message: 'message is not JSON' } }));
      }
      const req = WireRequestSchema.safeParse(raw);
      if (!req.success) return ws.send(JSON.stringify({ id: 0, ok: false, error: { code: 'invalid', message: 'message is not a request {id, method, params}' } }));
      const { id, method, params } = req.data;
      try {
        const result = await host.handle(method, params, session);
        ws.send(JSON.stringify({ id, ok: true, result }));
      } catch (e) {
        const err = e instanceof HostError ? { code: e.code, message: e.message } : { code: 'failed', message: (e as Error).message };
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, ok: false, error: err }));
      }
    });
    ws.on('close', () => host.closeSession(session));
    // A malformed frame or an oversized message must drop this connection, not crash the server.
    ws.on('error', () => ws.terminate());
  };

  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(options.port, options.host, () => ok());
  });
  const port = (http.address() as AddressInfo).port;
  hosts = allowedHosts(options.host);
  cookie = cookieName(port);
  const shown = isLoopback(options.host) || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shown}:${port}/?token=${token}`,
    port,
    token,
    host,
    close: async () => {
      host.dispose();
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

