import { describe, expect, it } from 'vitest';
import type { TrainingEvent } from '../../graph/api/training.js';
import { bestOf, initialRunState, metricNames, reduceRun, replayRun, runProgress, type RunAction } from '../../renderer/training/run-state.js';
import { appendPoint, emptySeries, seriesFrom, smooth, xsOf, ysOf, EmaSmoother } from '../../renderer/training/series.js';

const R = 'run1';
const started = (time = 1000): TrainingEvent => ({
  type: 'runStarted', runId: R, time, backend: 'cpu', device: 'CPU (plain JS)', backendNotes: [],
  paramCount: 100, samplesPerEpoch: 400, validationSamples: 100, batchesPerEpoch: 4, epochs: 2, batchSize: 100,
});
const batch = (step: number, loss: number, acc: number, time = 1000 + step * 100): TrainingEvent => ({
  type: 'batch', runId: R, time, epoch: Math.floor((step - 1) / 4) + 1, batch: ((step - 1) % 4) + 1, step, loss, metrics: { loss, acc }, samplesPerSecond: 1000,
});
const epoch = (e: number, loss: number, valLoss: number, acc = 0.5, valAcc = 0.5): TrainingEvent => ({
  type: 'epoch', runId: R, time: 1000 + e * 400 + 50, epoch: e, loss, metrics: { acc, val_loss: valLoss, val_acc: valAcc }, durationMs: 400,
});

describe('series buffers', () => {
  it('append grows capacity and keeps every point', () => {
    let s = emptySeries(2);
    for (let i = 0; i < 1000; i++) s = appendPoint(s, i, i * 2);
    expect(s.length).toBe(1000);
    expect(xsOf(s)[999]).toBe(999);
    expect(ysOf(s)[500]).toBe(1000);
  });

  it('appending to an older snapshot does not change the newer one (persistent)', () => {
    const a = seriesFrom([1, 2], [10, 20]);
    const b = appendPoint(a, 3, 30);
    const c = appendPoint(a, 3, 99); // a is stale now: must copy
    expect([...ysOf(b)]).toEqual([10, 20, 30]);
    expect([...ysOf(c)]).toEqual([10, 20, 99]);
    expect(a.length).toBe(2);
  });

  it('EMA smoothing is debiased (first point equals the value) and 0 means no smoothing', () => {
    expect(smooth([5, 5, 5], 0.9)[0]).toBeCloseTo(5);
    expect(smooth([5, 5, 5], 0.9)[2]).toBeCloseTo(5);
    expect([...smooth([1, 2, 3], 0)]).toEqual([1, 2, 3]);
    const s = smooth([0, 10], 0.5);
    // last = 0.5*0 + 0.5*10 = 5 after two points, debias 1 - 0.25 = 0.75
    expect(s[1]).toBeCloseTo(5 / 0.75);
    const ema = new EmaSmoother(0.6);
    expect(ema.next(NaN)).toBeNaN();
    expect(ema.next(2)).toBeCloseTo(2);
  });
});

describe('run-state reducer', () => {
  it('folds a whole run into series, progress and status', () => {
    const events: TrainingEvent[] = [started()];
    for (let s = 1; s <= 4; s++) events.push(batch(s, 2 - s * 0.1, 0.2 + s * 0.05));
    events.push(epoch(1, 1.7, 1.6, 0.4, 0.45));
    for (let s = 5; s <= 8; s++) events.push(batch(s, 1.5 - s * 0.05, 0.5 + s * 0.02));
    events.push(epoch(2, 1.2, 1.1, 0.6, 0.65));
    let st = replayRun(R, events);
    expect(st.phase).toBe('running');
    expect(st.batchSeries.loss!.length).toBe(8);
    expect(st.batchSeries.acc!.length).toBe(8);
    expect([...xsOf(st.epochSeries.val_loss!)]).toEqual([1, 2]);
    expect([...xsOf(st.valAtStep.val_acc!)]).toEqual([4, 8]);
    expect(metricNames(st)).toEqual(['acc']);
    expect(bestOf(st, 'val_acc')).toEqual({ value: 0.65, epoch: 2 });
    expect(bestOf(st, 'val_loss')).toEqual({ value: 1.1, epoch: 2 });
    const p = runProgress(st);
    expect(p.fraction).toBe(1);
    expect(p.epoch).toBe(2);
    expect(p.batch).toBe(4);
    st = reduceRun(st, { type: 'runFinished', runId: R, time: 3000, status: 'completed', reason: null, bestEpoch: 2, bestMetrics: null, finalMetrics: null, artifactDir: '/tmp/x', durationMs: 2000 });
    expect(st.phase).toBe('completed');
    expect(st.error).toBeNull();
    expect(runProgress(st).etaMs).toBeNull();
  });

  it('per-batch values are the means since the previous event, recovered from the running epoch means', () => {
    const ev = (step: number, batch: number, epoch: number, loss: number, acc: number): TrainingEvent => ({ type: 'batch', runId: R, time: step, epoch, batch, step, loss, metrics: { loss, acc }, samplesPerSecond: 1 });
    // Epoch 1: running mean 2.0 after batch 1, 1.5 after batch 3 -> batches 2-3 averaged (1.5*3 - 2*1) / 2 = 1.25.
    // Epoch 2 starts over: its first running mean is taken as it is.
    const st = replayRun(R, [started(), ev(1, 1, 1, 2, 0.1), ev(3, 3, 1, 1.5, 0.3), ev(5, 1, 2, 0.9, 0.6)]);
    expect([...ysOf(st.batchSeries.loss!)]).toEqual([2, 1.25, 0.9]);
    expect([...ysOf(st.batchSeries.acc!)].map((v) => +v.toFixed(6))).toEqual([0.1, 0.4, 0.6]);
  });

  it('a run that completes short of its epochs was ended by early stopping; a full or stopped run was not', () => {
    const oneEpoch = [started(), ...[1, 2, 3, 4].map((s) => batch(s, 1, 0.5)), epoch(1, 1, 1)];
    const finished = (status: 'completed' | 'stopped'): RunAction => ({ type: 'runFinished', runId: R, time: 3000, status, reason: null, bestEpoch: 1, bestMetrics: null, finalMetrics: null, artifactDir: '/tmp/x', durationMs: 2000 });
    expect(runProgress(replayRun(R, [...oneEpoch, finished('completed')])).stoppedEarlyAt).toBe(1);
    expect(runProgress(replayRun(R, [...oneEpoch, finished('stopped')])).stoppedEarlyAt).toBeNull();
    expect(runProgress(replayRun(R, oneEpoch)).stoppedEarlyAt).toBeNull();
    const full = [...oneEpoch, ...[5, 6, 7, 8].map((s) => batch(s, 1, 0.5)), epoch(2, 1, 1), finished('completed')];
    expect(runProgress(replayRun(R, full)).stoppedEarlyAt).toBeNull();
  });

  it('progress mid-run: epoch, batch and ETA from the average step time', () => {
    const st = replayRun(R, [started(1000), batch(1, 2, 0.1, 1100), batch(2, 1.9, 0.2, 1200), batch(5, 1.5, 0.3, 1500)]);
    const p = runProgress(st);
    expect(p.epoch).toBe(2);
    expect(p.batch).toBe(1);
    expect(p.epochs).toBe(2);
    expect(p.fraction).toBeCloseTo(5 / 8);
    // 500 ms for 5 steps -> 100 ms per step, 3 steps left
    expect(p.etaMs).toBeCloseTo(300);
  });

  it('is pure: reducing does not touch the previous state', () => {
    const a = replayRun(R, [started(), batch(1, 1, 0.1)]);
    const snapshot = JSON.stringify({ ...a, batchSeries: Object.keys(a.batchSeries), v: a.version, len: a.batchSeries.loss!.length });
    const b = reduceRun(a, batch(2, 0.9, 0.2));
    expect(b).not.toBe(a);
    expect(a.batchSeries.loss!.length).toBe(1);
    expect(JSON.stringify({ ...a, batchSeries: Object.keys(a.batchSeries), v: a.version, len: a.batchSeries.loss!.length })).toBe(snapshot);
  });

  it('ignores duplicate or late batch and epoch events (reconnect replays)', () => {
    let st = replayRun(R, [started(), batch(1, 1, 0.1), batch(2, 0.9, 0.2)]);
    const v = st.version;
    st = reduceRun(st, batch(2, 0.9, 0.2));
    st = reduceRun(st, batch(1, 1, 0.1));
    expect(st.version).toBe(v);
    st = reduceRun(st, epoch(1, 1, 1));
    const v2 = st.version;
    expect(reduceRun(st, epoch(1, 1, 1)).version).toBe(v2);
  });

  it('a failed run keeps its curves and carries the reason; non-finite values are not plotted', () => {
    let st = replayRun(R, [started(), batch(1, 1, 0.1), batch(2, Number.NaN, 0.2)]);
    expect(st.batchSeries.loss!.length).toBe(1);
    st = reduceRun(st, { type: 'runFinished', runId: R, time: 5000, status: 'failed', reason: 'the loss became NaN at epoch 1, batch 2', bestEpoch: null, bestMetrics: null, finalMetrics: null, artifactDir: null, durationMs: 10 });
    expect(st.phase).toBe('failed');
    expect(st.error).toMatch(/NaN at epoch 1/);
    expect(st.batchSeries.loss!.length).toBe(1);
  });

  it('pause and resume are UI actions that only apply to a live run', () => {
    let st = replayRun(R, [started(), batch(1, 1, 0.1)]);
    st = reduceRun(st, { type: 'paused' });
    expect(st.phase).toBe('paused');
    st = reduceRun(st, { type: 'resumed' });
    expect(st.phase).toBe('running');
    const done = reduceRun(st, { type: 'runFinished', runId: R, time: 9, status: 'stopped', reason: null, bestEpoch: null, bestMetrics: null, finalMetrics: null, artifactDir: null, durationMs: 1 });
    expect(reduceRun(done, { type: 'paused' }).phase).toBe('stopped');
  });

  it('time spent paused is left out of the ETA', () => {
    // 100 ms per step, then a 60 s pause after step 2 (renderer clock), then steps 3 and 4 at the same pace.
    let st = replayRun(R, [started(1000), batch(1, 2, 0.1, 1100), batch(2, 1.9, 0.2, 1200)]);
    st = reduceRun(st, { type: 'paused', at: 50_000 });
    st = reduceRun(st, { type: 'resumed', at: 110_000 });
    st = [batch(3, 1.8, 0.3, 61_300), batch(4, 1.7, 0.4, 61_400)].reduce(reduceRun, st);
    expect(st.pausedMs).toBe(60_000);
    // 4 of 8 steps in 400 ms of training: 400 ms left, not the 61 s the wall clock would give.
    expect(runProgress(st).etaMs).toBeCloseTo(400);
  });

  it('a start error fails the run before any event, with the message in the logs', () => {
    const actions: RunAction[] = [{ type: 'startFailed', message: "Input 'image' expects [28, 28, 1] but dataset 'iris' yields [4]", time: 1 }];
    const st = replayRun(R, actions);
    expect(st.phase).toBe('failed');
    expect(st.error).toMatch(/expects \[28, 28, 1\]/);
    expect(initialRunState(R).phase).toBe('starting');
  });

  it('folds 100,000 batch events quickly (append is O(1))', () => {
    let st = reduceRun(initialRunState(R), started());
    const t0 = performance.now();
    for (let s = 1; s <= 100_000; s++) st = reduceRun(st, batch(s, 1 / s, s / 100_000));
    const ms = performance.now() - t0;
    expect(st.batchSeries.loss!.length).toBe(100_000);
    expect(ms).toBeLessThan(2000);
  });
});
