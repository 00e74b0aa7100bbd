import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../main/server/server.js';

let base: string;
let server: RunningServer;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'tl-server-'));
  server = await startServer({ port: 0, host: '127.0.0.1', version: 't', dataDir: join(base, 'data'), workspaceRoot: base, listBackends: async () => [], rendererDir: join(base, 'no-build') });
});
afterAll(async () => {
  await server.close();
  await rm(base, { recursive: true, force: true });
});

async function socket(): Promise<{ ws: WebSocket; next(): Promise<Record<string, unknown>> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { headers: { Origin: `http://127.0.0.1:${server.port}` } });
  const queue: Record<string, unknown>[] = [];
  const waiting: ((m: Record<string, unknown>) => void)[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as Record<string, unknown>;
    const w = waiting.shift();
    if (w) w(m);
    else queue.push(m);
  });
  await new Promise((r) => ws.once('open', r));
  return { ws, next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiting.push(r))) };
}

describe('serve WebSocket API', () => {
  it('answers malformed messages, unknown methods and bad params with errors and keeps the connection', async () => {
    const { ws, next } = await socket();
    ws.send('not json');
    expect(await next()).toMatchObject({ ok: false, error: { code: 'invalid', message: 'message is not JSON' } });
    ws.send(JSON.stringify({ method: 'appInfo' }));
    expect(await next()).toMatchObject({ ok: false, error: { code: 'invalid' } });
    ws.send(JSON.stringify({ id: 7, method: 'fs.readFile', params: { path: '/etc/passwd' } }));
    expect(await next()).toMatchObject({ id: 7, ok: false, error: { code: 'invalid', message: "unknown method 'fs.readFile'" } });
    ws.send(JSON.stringify({ id: 8, method: 'files.open', params: { path: '/etc/passwd' } }));
    expect(await next()).toMatchObject({ id: 8, ok: false, error: { code: 'forbidden' } });
    ws.send(JSON.stringify({ id: 9, method: 'appInfo', params: {} }));
    expect(await next()).toMatchObject({ id: 9, ok: true, result: { host: 'server', workspaceRoot: base } });
    ws.close();
  });

  it('survives a broken WebSocket frame from one client', async () => {
    const sock = net.connect(server.port, '127.0.0.1');
    sock.on('error', () => undefined);
    await new Promise((r) => sock.once('connect', r));
    sock.write(`GET /api?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    await new Promise((r) => setTimeout(r, 100));
    sock.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    await new Promise((r) => setTimeout(r, 100));
    const { ws, next } = await socket();
    ws.send(JSON.stringify({ id: 1, method: 'templates.list', params: {} }));
    expect(await next()).toMatchObject({ id: 1, ok: true });
    ws.close();
    sock.destroy();
  });

  it('says how to build the app when the renderer is missing, and never serves files outside it', async () => {
    const page = await fetch(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(page.status).toBe(503);
    expect(await page.text()).toMatch(/npm run build/);
    const cookie = { headers: { cookie: `tensorloom_token_${server.port}=${server.token}` } };
    // Encoded slashes survive URL parsing and decode to '../'; the static handler must still stay in its folder.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) =>
      request({ host: '127.0.0.1', port: server.port, path: '/..%2f..%2f..%2fetc%2fpasswd', headers: { host: `127.0.0.1:${server.port}`, cookie: `tensorloom_token_${server.port}=${server.token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).end(),
    );
    expect(status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/x.js`, { ...cookie, method: 'POST' })).status).toBe(405);
  });
});
