import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchEvent, StartCommand } from '../../graph/api/training.js';
import type { Graph } from '../../graph/document.js';
import { getTemplate } from '../../graph/templates/index.js';
import { loadRun, type RunSummary } from '../../main/training/artifacts.js';
import { exitReason, startTrainingProcess } from '../../main/training/run-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-proc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

function command(graph: Graph, training: Partial<Graph['training']> = {}, over: Partial<StartCommand> = {}): StartCommand {
  const id = `p${++counter}`;
  return { type: 'start', runId: id, graph, training: { ...graph.training, ...training }, dataset: graph.training.dataset!, baseDir: null, backend: 'cpu', outDir: join(dir, id), ...over };
}

describe('training in a child process', () => {
  it('stop mid-epoch takes effect within a batch, keeps the weights so far, and the run folder reloads', async () => {
    const run = startTrainingProcess(command(getTemplate('mnist-mlp')!.build(), { epochs: 3 }, { backend: 'wasm' }));
    const batches: BatchEvent[] = [];
    let stoppedAt = -1;
    run.events.subscribe((e) => {
      if (e.type !== 'batch') return;
      batches.push(e);
      if (stoppedAt < 0 && e.batch >= 3) {
        stoppedAt = e.step;
        run.stop();
      }
    });
    const finished = await run.done;
    expect(finished.status).toBe('stopped');
    expect(finished.reason).toBeNull();
    expect(batches.every((b) => b.epoch === 1)).toBe(true);
    const summary = JSON.parse(readFileSync(join(finished.artifactDir!, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.status).toBe('stopped');
    // Batch events are throttled, so count the batches run from the summary: the one in flight when the stop arrived, at most one more in transit.
    expect(summary.batchesCompleted).toBeGreaterThanOrEqual(stoppedAt);
    expect(summary.batchesCompleted).toBeLessThanOrEqual(stoppedAt + 2);
    const loaded = await loadRun(finished.artifactDir!, tf);
    expect(loaded.model.outputs[0]!.shape).toEqual([null, 10]);
    const p = tf.tidy(() => (loaded.model.predict(tf.zeros([1, 28, 28, 1])) as tf.Tensor).sum().dataSync()[0]!);
    expect(p).toBeCloseTo(1, 4);
    loaded.model.dispose();
  }, 120_000);

  it('pause holds training until resume; events are validated and iterable', async () => {
    const run = startTrainingProcess(command(getTemplate('iris-mlp')!.build(), { epochs: 40, batchSize: 4 }));
    let pausedAt = 0;
    let resumedAt = 0;
    run.events.subscribe((e) => {
      if (e.type === 'epoch' && e.epoch === 2 && !pausedAt) {
        pausedAt = Date.now();
        run.pause();
        setTimeout(() => {
          resumedAt = Date.now();
          run.resume();
        }, 700);
      }
    });
    const types: string[] = [];
    const logs: string[] = [];
    let gapDuringPause = false;
    let last = 0;
    // Each epoch's samples/s as its last batch reports it.
    const rates = new Map<number, number>();
    const durations = new Map<number, number>();
    let samplesPerEpoch = 0;
    for await (const e of run.events) {
      types.push(e.type);
      if (e.type === 'runStarted') samplesPerEpoch = e.samplesPerEpoch;
      if (e.type === 'batch') rates.set(e.epoch, e.samplesPerSecond);
      if (e.type === 'epoch') durations.set(e.epoch, e.durationMs);
      if (e.type === 'log') logs.push(e.message);
      if (e.type === 'batch' && last && e.time - last > 500) gapDuringPause = true;
      if (e.type === 'batch') last = e.time;
    }
    const finished = await run.done;
    expect(finished.status).toBe('completed');
    expect(resumedAt - pausedAt).toBeGreaterThanOrEqual(600);
    expect(gapDuringPause).toBe(true);
    // The pause is sent on the epoch-2 event, so it lands somewhere in epoch 3 (or, on a loaded machine, later):
    // the worker says exactly where, and that place is after the epoch that triggered it.
    const paused = logs.map((m) => /^paused in epoch (\d+) before batch (\d+)$/.exec(m)).find((m) => m);
    expect(paused, logs.join('\n')).toBeTruthy();
    expect(Number(paused![1])).toBeGreaterThanOrEqual(3);
    expect(logs.some((m) => /^resumed after \d+\.\d s$/.test(m))).toBe(true);
    // The pause is not counted as training time: the paused epoch's samples/s is over at most its duration less
    // the pause (the log rounds the pause to 0.1 s, hence the 60 ms slack). Counted in, the rate could not exceed samples / pause.
    const pausedEpoch = Number(paused![1]);
    const pauseMs = Number(/^resumed after (\d+\.\d) s$/.exec(logs.find((m) => m.startsWith('resumed'))!)![1]) * 1000;
    const epochMs = durations.get(pausedEpoch)!;
    expect(rates.get(pausedEpoch)! * ((epochMs - pauseMs + 60) / 1000)).toBeGreaterThanOrEqual(samplesPerEpoch * 0.999);
    expect(types[0]).toBe('runStarted');
    expect(types.at(-1)).toBe('runFinished');
    expect(types.filter((t) => t === 'epoch')).toHaveLength(40);
  }, 60_000);

  it('a killed worker gives a failed runFinished with the reason; the host carries on', async () => {
    const run = startTrainingProcess(command(getTemplate('mnist-mlp')!.build(), { epochs: 5 }));
    run.events.subscribe((e) => {
      if (e.type === 'batch') process.kill(run.pid!, 'SIGKILL');
    });
    const finished = await run.done;
    expect(finished.status).toBe('failed');
    expect(finished.reason).toMatch(/^the training process was killed \(SIGKILL\)/);
  }, 60_000);

  it('a run SIGKILLed after its first epoch leaves a model.json that loads and predicts, and the host is told where', async () => {
    const run = startTrainingProcess(command(getTemplate('iris-mlp')!.build(), { epochs: 500, batchSize: 4 }));
    run.events.subscribe((e) => {
      if (e.type === 'checkpoint' && e.epoch === 1) process.kill(run.pid!, 'SIGKILL');
    });
    const finished = await run.done;
    expect(finished.status).toBe('failed');
    expect(finished.reason).toMatch(/^the training process was killed \(SIGKILL\).*; the run folder keeps the weights of epoch \d+$/);
    expect(finished.artifactDir).toBe(join(dir, finished.runId));
    // No summary (the process never got there), but the folder is a loadable run.
    expect(existsSync(join(finished.artifactDir!, 'summary.json'))).toBe(false);
    const loaded = await loadRun(finished.artifactDir!, tf);
    const p = tf.tidy(() => Array.from((loaded.model.predict(tf.tensor2d([[0, 0, 0, 0]])) as tf.Tensor).dataSync()));
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(loaded.preprocessing!.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    loaded.model.dispose();
    expect(readFileSync(join(finished.artifactDir!, 'metrics.csv'), 'utf8').split('\n')[1]).toMatch(/^1,/);
  }, 60_000);

  it('a run that cannot start reports why through the same channel and leaves no run folder', async () => {
    const run = startTrainingProcess(command(getTemplate('iris-mlp')!.build(), {}, { dataset: { kind: 'builtin', name: 'mnist' } }));
    const finished = await run.done;
    expect(finished.status).toBe('failed');
    expect(finished.reason).toContain("Input 'features' expects [4] but dataset 'mnist' yields [28, 28, 1]");
    expect(finished.artifactDir).toBeNull();
    expect(existsSync(join(dir, finished.runId))).toBe(false);
  }, 60_000);

  it('a worker that runs out of memory gets a one-line reason, without V8 stack frames', () => {
    // A real V8 out-of-memory report, from a Node with a tiny heap.
    const r = spawnSync(process.execPath, ['--max-old-space-size=16', '-e', 'const a = []; for (;;) a.push(new Array(1e5).fill(1.5));'], { encoding: 'utf8' });
    expect(r.stderr).toMatch(/\n\s*\d+: 0x[0-9a-f]+ /);
    expect(exitReason(r.stderr.slice(-2000), r.status, r.signal)).toBe('the training process ran out of memory (Reached heap limit Allocation failed - JavaScript heap out of memory); use a smaller batch size or model');
    expect(exitReason('some output\nError: boom\n    1: 0xb78db3 node::Abort() [node]\n', 1, null)).toBe('the training process exited unexpectedly with code 1: Error: boom');
  });

  it('refuses an invalid start command before forking', () => {
    expect(() => startTrainingProcess({ type: 'start' } as unknown as StartCommand)).toThrow();
  });
});
