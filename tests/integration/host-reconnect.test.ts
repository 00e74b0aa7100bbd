// The browser client's WebSocket drops mid-run (a proxy between client and server cuts every connection and refuses
// new ones for a while): the client must come back by itself, subscribe again, and deliver every event it missed,
// in order and once, so a live chart keeps drawing.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ConnectionState } from '../../graph/api/host.js';
import type { TrainingEvent } from '../../graph/api/training.js';
import { getTemplate } from '../../graph/templates/index.js';
import type { TrainingProcess } from '../../main/host/runs.js';
import { startServer, type RunningServer } from '../../main/server/server.js';
import { createWebSocketClient } from '../../renderer/host/client.js';

let base: string;
let server: RunningServer;
let proxy: net.Server;
let proxyPort: number;
let up = true;
const links = new Set<net.Socket>();
let emit: (e: TrainingEvent) => void = () => undefined;
let finish: () => void = () => undefined;

function fakeTraining(): TrainingProcess {
  const listeners = new Set<(e: TrainingEvent) => void>();
  emit = (e) => listeners.forEach((l) => l(e));
  return {
    events: { subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) },
    stop: () => undefined,
    pause: () => undefined,
    resume: () => undefined,
    done: new Promise<void>((r) => (finish = r)),
  };
}

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'tl-reconnect-'));
  await mkdir(join(base, 'ws'));
  server = await startServer({ port: 0, host: '127.0.0.1', version: 't', dataDir: join(base, 'data'), workspaceRoot: join(base, 'ws'), listBackends: async () => [], rendererDir: join(base, 'none'), startTraining: async () => () => fakeTraining() });
  up = true;
  // A TCP relay standing in for the network between browser and server.
  proxy = net.createServer((client) => {
    if (!up) return client.destroy();
    const upstream = net.connect(server.port, '127.0.0.1');
    links.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  proxyPort = (proxy.address() as net.AddressInfo).port;
});
afterEach(async () => {
  up = false;
  for (const s of links) s.destroy();
  links.clear();
  await new Promise((r) => proxy.close(r));
  finish();
  await server.close();
  // The server may still be writing the run's record.
  await rm(base, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

function cutTheLine(): void {
  up = false;
  for (const s of links) s.destroy();
  links.clear();
}

const t0 = Date.now();
const ev = {
  started: (runId: string): TrainingEvent => ({ type: 'runStarted', runId, time: t0, backend: 'cpu', device: 'CPU', backendNotes: [], paramCount: 10, samplesPerEpoch: 8, validationSamples: 2, batchesPerEpoch: 4, epochs: 2, batchSize: 2 }),
  batch: (runId: string, step: number): TrainingEvent => ({ type: 'batch', runId, time: t0 + step, epoch: Math.floor(step / 4), batch: step % 4, step, loss: 1 / (step + 1), metrics: {}, samplesPerSecond: 100 }),
  epoch: (runId: string, epoch: number): TrainingEvent => ({ type: 'epoch', runId, time: t0 + 4 * (epoch + 1), epoch, loss: 0.5, metrics: { val_loss: 0.6 }, durationMs: 5 }),
  finished: (runId: string): TrainingEvent => ({ type: 'runFinished', runId, time: t0 + 100, status: 'completed', reason: null, bestEpoch: 1, bestMetrics: null, finalMetrics: null, artifactDir: null, durationMs: 100 }),
};

async function connectedClient() {
  const client = createWebSocketClient(`ws://127.0.0.1:${proxyPort}/api?token=${server.token}`, { WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket, reconnectDelays: [50] });
  const got: TrainingEvent[] = [];
  const states: ConnectionState[] = [];
  client.subscribe('onRunEvent', ({ event }) => got.push(event));
  client.onConnectionChange((s) => states.push(s));
  const { runId } = await client.call('runs.start', { graph: getTemplate('iris-mlp')!.build(), graphPath: null });
  return { client, got, states, runId };
}

const label = (e: TrainingEvent) => (e.type === 'batch' ? `batch${e.step}` : e.type === 'epoch' ? `epoch${e.epoch}` : e.type);

describe('WebSocket client after a dropped connection', () => {
  it('reconnects, subscribes again and delivers the missed events of a live run in order, once', async () => {
    const { got, states, runId } = await connectedClient();
    emit(ev.started(runId));
    emit(ev.batch(runId, 0));
    emit(ev.batch(runId, 1));
    await expect.poll(() => got.length).toBe(3);

    cutTheLine();
    await expect.poll(() => states).toEqual(['reconnecting']);
    // Training goes on while the browser is cut off.
    emit(ev.batch(runId, 2));
    emit(ev.batch(runId, 3));
    emit(ev.epoch(runId, 0));
    await new Promise((r) => setTimeout(r, 200));
    up = true;
    await expect.poll(() => states, { timeout: 5000 }).toEqual(['reconnecting', 'connected']);
    emit(ev.batch(runId, 4));
    emit(ev.finished(runId));
    await expect.poll(() => got.map(label)).toEqual(['runStarted', 'batch0', 'batch1', 'batch2', 'batch3', 'epoch0', 'batch4', 'runFinished']);
  });

  it('a run that ended while the connection was down is read back from its record', async () => {
    const { got, states, runId } = await connectedClient();
    emit(ev.started(runId));
    emit(ev.batch(runId, 0));
    await expect.poll(() => got.length).toBe(2);
    cutTheLine();
    await expect.poll(() => states).toEqual(['reconnecting']);
    emit(ev.batch(runId, 1));
    emit(ev.epoch(runId, 0));
    emit(ev.finished(runId));
    finish();
    await new Promise((r) => setTimeout(r, 200));
    up = true;
    await expect.poll(() => states, { timeout: 5000 }).toEqual(['reconnecting', 'connected']);
    await expect.poll(() => got.map(label)).toEqual(['runStarted', 'batch0', 'batch1', 'epoch0', 'runFinished']);
  });

  it('calls made while the server is unreachable fail with a message that says what to do', async () => {
    const { client } = await connectedClient();
    cutTheLine();
    await expect(client.call('templates.list', {})).rejects.toThrow(/Tensorloom server/);
    up = true;
    await expect.poll(() => client.call('templates.list', {}).then(() => 'ok', () => 'failed'), { timeout: 5000 }).toBe('ok');
  });
});
