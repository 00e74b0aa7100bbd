import { describe, expect, it } from 'vitest';
import type { RunInfo } from '../../graph/api/host.js';
import type { BatchEvent, EpochEvent, RunFinishedEvent, RunStartedEvent } from '../../graph/api/training.js';
import { defaultTraining } from '../../graph/document.js';
import { chartLines, effectiveXMode } from '../../renderer/training/chart-lines.js';
import { runFigures, primaryMetric } from '../../renderer/training/run-figures.js';
import { runProgress } from '../../renderer/training/run-state.js';
import { xsOf } from '../../renderer/training/series.js';
import { createTrainingStore } from '../../renderer/training/training-store.js';

// The run list as the user reads it: each document's own runs, entries whose figures do not change when the
// history loads, and a reloaded run that draws the same per-batch curve it drew live.

const R = 'r1';
const training = { ...defaultTraining(), epochs: 2, batchSize: 10, dataset: { kind: 'builtin' as const, name: 'mnist' } };
const started: RunStartedEvent = { type: 'runStarted', runId: R, time: 1000, backend: 'wasm', device: 'WebAssembly SIMD', backendNotes: [], paramCount: 10, samplesPerEpoch: 40, validationSamples: 10, batchesPerEpoch: 4, epochs: 2, batchSize: 10 };
const batch = (step: number, loss: number): BatchEvent => ({ type: 'batch', runId: R, time: 1000 + step * 100, epoch: Math.ceil(step / 4), batch: ((step - 1) % 4) + 1, step, loss, metrics: { loss, acc: 1 - loss }, samplesPerSecond: 100 });
const epoch = (e: number, loss: number, valAcc: number): EpochEvent => ({ type: 'epoch', runId: R, time: 1000 + e * 400 + 50, epoch: e, loss, metrics: { acc: 1 - loss, val_loss: loss + 0.1, val_acc: valAcc }, durationMs: 400 });
const finished: RunFinishedEvent = {
  type: 'runFinished', runId: R, time: 2000, status: 'completed', reason: null, bestEpoch: 1,
  bestMetrics: { loss: 0.5, acc: 0.5, val_loss: 0.6, val_acc: 0.8 }, finalMetrics: { loss: 0.3, acc: 0.7, val_loss: 0.7, val_acc: 0.75 }, artifactDir: '/x', durationMs: 1234,
};

function info(over: Partial<RunInfo> = {}): RunInfo {
  return {
    runId: R, graphPath: null, docId: 'docA-1', graphName: 'g', startedAt: 900, status: 'completed', epochs: 2, training, limit: 400, backend: 'wasm', device: 'WebAssembly SIMD',
    durationMs: 1234, finalMetrics: finished.finalMetrics, bestMetrics: finished.bestMetrics, bestEpoch: 1, reason: null, artifactDir: '/x', ...over,
  };
}

const batches = [1, 2, 3, 4, 5, 6, 7, 8].map((s) => batch(s, 1 - s * 0.08));
const history = [epoch(1, 0.5, 0.8), epoch(2, 0.3, 0.75)];

describe('run list entries', () => {
  it('show the same final, best, duration and backend from the summary alone as after loading the history', () => {
    const store = createTrainingStore();
    store.getState().setListed([info()], 'doc:docA-1');
    const listed = runFigures(store.getState().runs[R]!);
    expect(listed).toMatchObject({ durationMs: 1234, backend: 'wasm', dataset: 'mnist', primary: 'val_acc', best: { epoch: 1 } });
    // Final is the last epoch's values, not the best epoch's.
    expect(listed.final).toEqual(finished.finalMetrics);
    store.getState().setHistory(R, { started, history, batches, summary: finished });
    const loaded = runFigures(store.getState().runs[R]!);
    expect(loaded).toEqual(listed);
    // The progress bar's "completed in" is the same figure as the list's duration.
    expect(runProgress(store.getState().runs[R]!.state).elapsedMs).toBe(1234);
  });

  it('a run stopped before its first epoch ended shows its latest batch values as final', () => {
    const store = createTrainingStore();
    store.getState().addRun(R, { settings: training });
    store.getState().replay(R, [started, batch(1, 0.9), batch(2, 0.8), { ...finished, status: 'stopped', bestEpoch: null, bestMetrics: null, finalMetrics: null }]);
    const f = runFigures(store.getState().runs[R]!);
    expect(f.final?.loss).toBeCloseTo(0.8);
    expect(f.best).toBeNull();
  });

  it('a failed run listed after a reload carries its reason', () => {
    const store = createTrainingStore();
    store.getState().setListed([info({ status: 'failed', reason: 'the loss became NaN at epoch 1, batch 3; training diverged', finalMetrics: null, bestMetrics: null, bestEpoch: null })], 'doc:docA-1');
    expect(store.getState().runs[R]!.state.error).toMatch(/NaN at epoch 1/);
  });

  it('picks the metric beside the loss: validation accuracy first', () => {
    expect(primaryMetric(['loss', 'acc', 'val_loss', 'val_acc'])).toBe('val_acc');
    expect(primaryMetric(['loss', 'mae', 'val_loss', 'val_mae'])).toBe('val_mae');
    expect(primaryMetric(['loss', 'val_loss'])).toBe('val_loss');
    expect(primaryMetric(['loss', 'acc'])).toBe('acc');
  });
});

describe('runs per document', () => {
  it('another document lists only its own runs; a live run stays when its document is saved and its runs follow it', () => {
    const store = createTrainingStore();
    store.getState().addRun('live', { settings: training });
    store.getState().setListed([], 'doc:docA-1');
    expect(store.getState().order).toEqual(['live']);
    // Another unsaved document: nothing of the first one is listed, and nothing is current.
    store.getState().setListed([info({ runId: 'b1', docId: 'docA-2' })], 'doc:docA-2');
    expect(store.getState().order).toEqual(['b1']);
    store.getState().setListed([], 'doc:docA-1');
    expect(store.getState().order).toEqual([]);
    expect(store.getState().currentRunId).toBeNull();
    // Saved: the host lists the same run id under the file; the live entry keeps its state.
    const s2 = createTrainingStore();
    s2.getState().addRun('live', { settings: training });
    s2.getState().replay('live', [{ ...started, runId: 'live' }, { ...batch(1, 0.9), runId: 'live' }]);
    s2.getState().setListed([], 'doc:docA-1');
    s2.getState().setListed([info({ runId: 'live', graphPath: '/w/g.tlgraph', docId: null, status: 'running' })], '/w/g.tlgraph');
    const e = s2.getState().runs.live!;
    expect(e.source).toBe('live');
    expect(e.state.batchSeries.loss!.length).toBe(1);
  });
});

describe('a reloaded run', () => {
  it('draws its saved per-batch curve, per batch, with validation at the end of each epoch', () => {
    const store = createTrainingStore();
    store.getState().setListed([info()], 'doc:docA-1');
    store.getState().setHistory(R, { started, history, batches, summary: finished });
    const s = store.getState();
    const st = s.runs[R]!.state;
    expect(st.phase).toBe('completed');
    expect([...xsOf(st.batchSeries.loss!)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...xsOf(st.valAtStep.val_acc!)]).toEqual([4, 8]);
    expect(effectiveXMode(s, [s.runs[R]!])).toBe('step');
    expect(chartLines(s, 'loss').map((l) => l.role)).toEqual(['raw', 'smoothed', 'sparse']);
    expect(runProgress(st)).toMatchObject({ epoch: 2, epochs: 2, batch: 4, batchesPerEpoch: 4, fraction: 1 });
  });

  it('a run saved by an older version (epochs only) falls back to the per-epoch axis', () => {
    const store = createTrainingStore();
    store.getState().setListed([info({ training: null })], 'doc:docA-1');
    store.getState().setHistory(R, { started: null, history, batches: [], summary: finished });
    const s = store.getState();
    expect(effectiveXMode(s, [s.runs[R]!])).toBe('epoch');
  });
});
