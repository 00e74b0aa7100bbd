import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { HostEventPayload, RunInfo } from '../../graph/api/host.js';
import type { StartCommand, TrainingEvent } from '../../graph/api/training.js';
import { getTemplate } from '../../graph/templates/index.js';
import { Host, type HostSession } from '../../main/host/host.js';
import { MAX_LOADED_BATCHES, thinEvenly, type TrainingProcess } from '../../main/host/runs.js';
import { startServer } from '../../main/server/server.js';

let base: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'tl-runs-'));
  await mkdir(join(base, 'ws'));
});
afterEach(async () => {
  // A run's record may still be being written when a test ends.
  await rm(base, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

/** A scripted training process: the test pushes events and sees the commands. */
function fakeProcess() {
  const listeners = new Set<(e: TrainingEvent) => void>();
  const commands: string[] = [];
  let finish!: () => void;
  const proc: TrainingProcess = {
    events: { subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) },
    stop: () => commands.push('stop'),
    pause: () => commands.push('pause'),
    resume: () => commands.push('resume'),
    done: new Promise<void>((r) => (finish = r)),
  };
  return { proc, commands, emit: (e: TrainingEvent) => listeners.forEach((l) => l(e)), exit: () => finish() };
}

function recorder(): HostSession & { events: HostEventPayload<'onRunEvent'>[] } {
  const events: HostEventPayload<'onRunEvent'>[] = [];
  return { events, send: (event, payload) => void (event === 'onRunEvent' && events.push(payload as HostEventPayload<'onRunEvent'>)) };
}

const iris = () => getTemplate('iris-mlp')!.build();
const tick = () => new Promise((r) => setTimeout(r, 30));

describe('runs', () => {
  it('streams one run to several watchers, replays it to a late one, forwards controls, and keeps its record', async () => {
    const fake = fakeProcess();
    let started: StartCommand | null = null;
    const host = new Host({ kind: 'server', version: 't', dataDir: join(base, 'data'), workspaceRoot: join(base, 'ws'), listBackends: async () => [], startTraining: async () => (cmd) => ((started = cmd), fake.proc) });
    const a = recorder();
    const b = recorder();
    const { runId } = (await host.handle('runs.start', { graph: iris(), graphPath: null }, a)) as { runId: string };
    expect(started!.dataset).toEqual({ kind: 'builtin', name: 'iris' });
    const t = { runId, time: 1 };
    fake.emit({ type: 'runStarted', ...t, backend: 'cpu', device: 'CPU', backendNotes: [], paramCount: 131, samplesPerEpoch: 120, validationSamples: 30, batchesPerEpoch: 8, epochs: 2, batchSize: 16 });
    const replay = (await host.handle('runs.subscribe', { runId }, b)) as { replay: TrainingEvent[] };
    expect(replay.replay.map((e) => e.type)).toEqual(['runStarted']);
    fake.emit({ type: 'epoch', ...t, epoch: 1, loss: 1, metrics: { acc: 0.5 }, durationMs: 5 });
    await host.handle('runs.pause', { runId }, b);
    expect(((await host.handle('runs.list', { graphPath: null }, a)) as { runs: { status: string }[] }).runs[0]!.status).toBe('paused');
    await host.handle('runs.resume', { runId }, a);
    await host.handle('runs.stop', { runId }, a);
    expect(fake.commands).toEqual(['pause', 'resume', 'stop']);
    fake.emit({ type: 'runFinished', ...t, status: 'stopped', reason: null, bestEpoch: 0, bestMetrics: { acc: 0.5 }, finalMetrics: { acc: 0.5 }, artifactDir: null, durationMs: 9 });
    fake.exit();
    // Events reach watchers after they are recorded (asynchronously, in order): wait for them rather than a fixed time.
    await expect.poll(() => a.events.map((e) => e.event.type)).toEqual(['runStarted', 'epoch', 'runFinished']);
    expect(b.events.map((e) => e.event.type)).toEqual(['epoch', 'runFinished']);
    const list = (await host.handle('runs.list', { graphPath: null }, a)) as { runs: { runId: string; status: string; epochs: number }[] };
    expect(list.runs).toMatchObject([{ runId, status: 'stopped', epochs: 1 }]);
    const loaded = (await host.handle('runs.load', { runId }, a)) as { history: unknown[]; summary: { status: string } };
    expect(loaded.history).toHaveLength(1);
    expect(loaded.summary.status).toBe('stopped');
    await expect(host.handle('runs.stop', { runId }, a)).rejects.toMatchObject({ code: 'notFound' });
  });

  it('keeps each unsaved document\'s runs apart, and moves them to the file it is saved as', async () => {
    const fakes: ReturnType<typeof fakeProcess>[] = [];
    const host = new Host({ kind: 'server', version: 't', dataDir: join(base, 'data'), workspaceRoot: join(base, 'ws'), listBackends: async () => [], startTraining: async () => () => (fakes.push(fakeProcess()), fakes.at(-1)!.proc) });
    const a = recorder();
    const list = async (params: { graphPath: string | null; docId?: string }) => ((await host.handle('runs.list', params, a)) as { runs: RunInfo[] }).runs.map((r) => r.runId);
    const { runId: r1 } = (await host.handle('runs.start', { graph: iris(), graphPath: null, docId: 'docA-1' }, a)) as { runId: string };
    const { runId: r2 } = (await host.handle('runs.start', { graph: iris(), graphPath: null, docId: 'docA-2' }, a)) as { runId: string };
    expect(await list({ graphPath: null, docId: 'docA-1' })).toEqual([r1]);
    expect(await list({ graphPath: null, docId: 'docA-2' })).toEqual([r2]);
    expect(await list({ graphPath: null, docId: 'docB-1' })).toEqual([]);
    // Saved while r1 is still running: the run follows the document to its file, and so does its final record.
    const file = join(base, 'ws', 'iris.tlgraph');
    await host.handle('files.saveAs', { graph: iris(), path: file }, a);
    expect(await host.handle('runs.adopt', { docId: 'docA-1', graphPath: file }, a)).toEqual({ moved: 1 });
    expect(await list({ graphPath: null, docId: 'docA-1' })).toEqual([]);
    expect(await list({ graphPath: file })).toEqual([r1]);
    fakes[0]!.emit({ type: 'runFinished', runId: r1, time: 2, status: 'stopped', reason: null, bestEpoch: null, bestMetrics: null, finalMetrics: null, artifactDir: null, durationMs: 3 });
    fakes[0]!.exit();
    await tick();
    const host2 = new Host({ kind: 'server', version: 't', dataDir: join(base, 'data'), workspaceRoot: join(base, 'ws'), listBackends: async () => [] });
    expect(((await host2.handle('runs.list', { graphPath: file }, a)) as { runs: RunInfo[] }).runs).toMatchObject([{ runId: r1, status: 'stopped', graphPath: file, docId: null }]);
    // Only files the user chose can take runs.
    await expect(host.handle('runs.adopt', { docId: 'docA-2', graphPath: join(base, 'elsewhere.tlgraph') }, a)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('lists each run with its settings, backend, duration and final and best values, and reloads its batch points', async () => {
    const fake = fakeProcess();
    const host = new Host({ kind: 'server', version: 't', dataDir: join(base, 'data'), workspaceRoot: null, listBackends: async () => [], startTraining: async () => () => fake.proc });
    const a = recorder();
    const training = { ...iris().training, learningRate: 0.05, batchSize: 16, epochs: 2 };
    const { runId } = (await host.handle('runs.start', { graph: iris(), graphPath: null, docId: 'd-1', training, limit: 64 }, a)) as { runId: string };
    const t = { runId, time: 1 };
    const started = { type: 'runStarted' as const, ...t, backend: 'wasm', device: 'WebAssembly SIMD', backendNotes: [], paramCount: 131, samplesPerEpoch: 64, validationSamples: 30, batchesPerEpoch: 4, epochs: 2, batchSize: 16 };
    fake.emit(started);
    for (let step = 1; step <= 6; step++) fake.emit({ type: 'batch', runId, time: 1 + step, epoch: step <= 4 ? 1 : 2, batch: ((step - 1) % 4) + 1, step, loss: 1 / step, metrics: { loss: 1 / step, acc: step / 10 }, samplesPerSecond: 100 });
    fake.emit({ type: 'epoch', runId, time: 6, epoch: 1, loss: 0.5, metrics: { acc: 0.4, val_loss: 0.6, val_acc: 0.7 }, durationMs: 5 });
    fake.emit({ type: 'runFinished', runId, time: 9, status: 'stopped', reason: null, bestEpoch: 1, bestMetrics: { loss: 0.5, val_loss: 0.6, val_acc: 0.7 }, finalMetrics: { loss: 0.5, acc: 0.4, val_loss: 0.6, val_acc: 0.7 }, artifactDir: null, durationMs: 4321 });
    fake.exit();
    // The record is written asynchronously after the events: wait for it, not for a fixed time.
    const listed = async () => ((await host.handle('runs.list', { graphPath: null, docId: 'd-1' }, a)) as { runs: RunInfo[] }).runs;
    await expect.poll(async () => (await listed())[0]?.durationMs).toBe(4321);
    const [run] = await listed();
    expect(run).toMatchObject({ status: 'stopped', epochs: 1, limit: 64, backend: 'wasm', device: 'WebAssembly SIMD', durationMs: 4321, bestEpoch: 1, finalMetrics: { acc: 0.4 } });
    expect(run!.training).toMatchObject({ learningRate: 0.05, batchSize: 16, epochs: 2, dataset: { kind: 'builtin', name: 'iris' } });
    const loaded = (await host.handle('runs.load', { runId }, a)) as { started: unknown; batches: { step: number }[]; history: unknown[] };
    expect(loaded.started).toEqual(started);
    expect(loaded.batches.map((b) => b.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(loaded.history).toHaveLength(1);
  });

  it('tries a finished run on a dropped file: checks it fits the model, writes it where the host owns it, cleans up', async () => {
    const fake = fakeProcess();
    const seen: { dir: string; inputs: string[]; backend: string; bytes: string[] }[] = [];
    const host = new Host({
      kind: 'server', version: 't', dataDir: join(base, 'data'), workspaceRoot: null, listBackends: async () => [], startTraining: async () => () => fake.proc,
      predict: async (r) => {
        seen.push({ ...r, bytes: await Promise.all(r.inputs.map((i) => readFile(i, 'utf8'))) });
        return [{ input: r.inputs[0]!, kind: 'class', label: '7', probability: 0.9, top: [{ label: '7', probability: 0.9 }, { label: '1', probability: 0.1 }] }];
      },
    });
    const a = recorder();
    const { runId } = (await host.handle('runs.start', { graph: iris(), graphPath: null, docId: 'd-1' }, a)) as { runId: string };
    const art = join(base, 'art');
    await mkdir(art);
    await writeFile(join(art, 'model.json'), '{}');
    await writeFile(join(art, 'preprocessing.json'), JSON.stringify({ source: 'builtin:mnist', task: 'classification', inputShape: [28, 28, 1], inputDtype: 'float32', targetShape: [], classNames: ['0', '1'], image: { height: 28, width: 28, channels: 1 } }));
    await expect(host.handle('runs.predict', { runId, input: { kind: 'text', text: 'x' } }, a)).rejects.toMatchObject({ code: 'notFound', message: expect.stringContaining('is still running') });
    fake.emit({ type: 'runFinished', runId, time: 2, status: 'completed', reason: null, bestEpoch: 1, bestMetrics: null, finalMetrics: null, artifactDir: art, durationMs: 3 });
    fake.exit();
    await tick();
    await expect(host.handle('runs.predict', { runId, input: { kind: 'text', text: 'hello' } }, a)).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('this model takes images (drop a PNG or JPEG; it is resized to 28×28 grayscale)') });
    await expect(host.handle('runs.predict', { runId, input: { kind: 'file', name: 'notes.txt', dataBase64: Buffer.from('hi').toString('base64') } }, a)).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining("'notes.txt' is not one") });
    const r = (await host.handle('runs.predict', { runId, input: { kind: 'file', name: 'digit.png', dataBase64: Buffer.from('PNGDATA').toString('base64') } }, a)) as { predictions: { input: string; label: string }[] };
    expect(r.predictions).toMatchObject([{ input: 'digit.png', label: '7' }]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.dir).toBe(art);
    expect(seen[0]!.inputs[0]).toMatch(/\.png$/);
    expect(seen[0]!.inputs[0]!.startsWith(join(base, 'data', 'runs', runId))).toBe(true);
    expect(seen[0]!.bytes).toEqual(['PNGDATA']);
    // The scratch copy is gone once the prediction is back.
    expect((await readdir(join(base, 'data', 'runs', runId))).filter((f) => f.startsWith('predict-'))).toEqual([]);
  });

  it('thins long batch records evenly, keeping the last point', () => {
    const items = Array.from({ length: 45_000 }, (_, i) => i);
    const thin = thinEvenly(items, MAX_LOADED_BATCHES);
    expect(thin.length).toBeLessThanOrEqual(MAX_LOADED_BATCHES);
    expect(thin.length).toBeGreaterThan(MAX_LOADED_BATCHES / 2);
    expect(thin.at(-1)).toBe(44_999);
    expect(thinEvenly([1, 2, 3], 10)).toEqual([1, 2, 3]);
  });

  it('ends a run whose process died without a word as failed, for every watcher', async () => {
    const fake = fakeProcess();
    const host = new Host({ kind: 'server', version: 't', dataDir: join(base, 'data'), workspaceRoot: null, listBackends: async () => [], startTraining: async () => () => fake.proc });
    const a = recorder();
    const { runId } = (await host.handle('runs.start', { graph: iris(), graphPath: null }, a)) as { runId: string };
    fake.exit();
    await tick();
    expect(a.events.at(-1)?.event).toMatchObject({ type: 'runFinished', status: 'failed' });
    expect(((await host.handle('runs.load', { runId }, a)) as { run: { status: string } }).run.status).toBe('failed');
  });

  it('refuses to start a graph without a dataset, naming the graph', async () => {
    const host = new Host({ kind: 'server', version: 't', dataDir: join(base, 'data'), workspaceRoot: null, listBackends: async () => [] });
    const graph = { ...iris(), training: { ...iris().training, dataset: null } };
    await expect(host.handle('runs.start', { graph, graphPath: null }, recorder())).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining("graph 'Iris MLP' has no dataset") });
  });
});

describe('training over the serve WebSocket (real training process)', () => {
  it('trains iris for one epoch, two sockets watch it, then history and model export work', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', version: 't', dataDir: join(base, 'data'), workspaceRoot: join(base, 'ws'), listBackends: async () => [] });
    const open = async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { headers: { Origin: `http://127.0.0.1:${server.port}` } });
      await new Promise((r) => ws.once('open', r));
      const events: TrainingEvent[] = [];
      const answers = new Map<number, (m: { ok: boolean; result?: unknown; error?: unknown }) => void>();
      ws.on('message', (d) => {
        const m = JSON.parse(String(d));
        if (m.event === 'onRunEvent') events.push(m.payload.event);
        else answers.get(m.id)?.(m);
      });
      let id = 0;
      const call = (method: string, params: unknown) =>
        new Promise<{ ok: boolean; result?: unknown; error?: unknown }>((r) => {
          answers.set(++id, r);
          ws.send(JSON.stringify({ id, method, params }));
        });
      return { ws, events, call };
    };
    try {
      const a = await open();
      const b = await open();
      // A malformed message gets an error answer, not a dropped connection.
      a.ws.send('{not json');
      const graph = { ...iris(), training: { ...iris().training, epochs: 1, batchSize: 16 } };
      const started = await a.call('runs.start', { graph, graphPath: null, limit: 48 });
      expect(started.ok).toBe(true);
      const runId = (started.result as { runId: string }).runId;
      expect((await b.call('runs.subscribe', { runId })).ok).toBe(true);
      const deadline = Date.now() + 90_000;
      while (!a.events.some((e) => e.type === 'runFinished') && Date.now() < deadline) await tick();
      await tick();
      const finished = a.events.find((e) => e.type === 'runFinished');
      expect(finished, JSON.stringify(finished)).toMatchObject({ type: 'runFinished', status: 'completed' });
      expect(b.events.at(-1)).toEqual(finished);
      const loaded = (await b.call('runs.load', { runId })).result as { history: unknown[]; summary: { artifactDir: string } };
      expect(loaded.history).toHaveLength(1);
      const exported = await a.call('export.model', { runId, dir: join(base, 'ws', 'model') });
      expect(exported.ok).toBe(true);
      expect(await readdir(join(base, 'ws', 'model'))).toContain('model.json');
      expect((await a.call('export.model', { runId, dir: join(base, 'model') })).error).toMatchObject({ code: 'forbidden' });
      // Try the model on typed measurements: it runs in its own process, with the run's saved standardisation.
      const predicted = await a.call('runs.predict', { runId, input: { kind: 'text', text: '5.1, 3.5, 1.4, 0.2' } });
      expect(predicted.ok, JSON.stringify(predicted.error)).toBe(true);
      const [p] = (predicted.result as { predictions: { kind: string; top: { label: string; probability: number }[] }[] }).predictions;
      expect(p!.kind).toBe('class');
      expect(p!.top.map((t) => t.label).sort()).toEqual(['setosa', 'versicolor', 'virginica']);
      expect(p!.top.reduce((sum, t) => sum + t.probability, 0)).toBeCloseTo(1, 4);
      const wrong = await a.call('runs.predict', { runId, input: { kind: 'text', text: '1, 2' } });
      expect(wrong.error).toMatchObject({ code: 'failed', message: expect.stringMatching(/must be 4 numbers/) });
      a.ws.close();
      b.ws.close();
    } finally {
      await server.close();
    }
  });
});
