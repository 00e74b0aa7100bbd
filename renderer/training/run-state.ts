import type { BatchEvent, EpochEvent, RunFinishedEvent, RunStartedEvent, TrainingEvent } from '../../graph/api/training.js';
import { appendPoint, emptySeries, type Series } from './series.js';

// The state of one run as the UI sees it, folded from the training protocol's events by a pure reducer.
// Series are append-only typed buffers (series.ts): folding 100,000 batch events stays O(1) per event.

/** Where a run stands. `starting` until runStarted arrives (compiling, loading data). */
export type RunPhase = 'starting' | 'running' | 'paused' | 'completed' | 'stopped' | 'failed';

/** A line the run logged. */
export interface RunLogLine {
  level: 'log' | 'warning' | 'error';
  message: string;
  time: number;
}

/** Everything the training view shows about one run. */
export interface RunState {
  runId: string;
  phase: RunPhase;
  started: RunStartedEvent | null;
  /** Wall-clock time of the first event and of the latest one (ms since epoch). */
  firstTime: number | null;
  lastTime: number | null;
  /** Latest batch position. */
  step: number;
  epoch: number;
  batch: number;
  samplesPerSecond: number;
  /** The latest batch event (its running means recover per-interval values). */
  lastBatch: BatchEvent | null;
  /** Per-batch training values by log name (`loss`, `acc`, ...); x = step. Means over the batches since the previous event. */
  batchSeries: Readonly<Record<string, Series>>;
  /** Per-epoch values by log name (`loss`, `acc`, `val_loss`, `val_acc`, ...); x = epoch (1-based). */
  epochSeries: Readonly<Record<string, Series>>;
  /** Validation values placed at the step where their epoch ended, for the per-batch charts. */
  valAtStep: Readonly<Record<string, Series>>;
  history: readonly EpochEvent[];
  logs: readonly RunLogLine[];
  finished: RunFinishedEvent | null;
  /** The failure reason (runFinished.reason, or a start error). */
  error: string | null;
  /** Time spent paused so far (ms), and since when (the renderer's clock) while paused; left out of the ETA. */
  pausedMs: number;
  pausedAt: number | null;
  /** Bumped by every change; charts compare it to decide whether to redraw. */
  version: number;
}

/** UI-side happenings that the protocol has no event for. */
export type RunAction =
  | TrainingEvent
  /** `at`: when, on the renderer's clock (not `time`: the engine's clock may differ on a remote host). */
  | { type: 'paused'; at?: number }
  | { type: 'resumed'; at?: number }
  | { type: 'startFailed'; message: string; time: number };

const MAX_LOGS = 200;

/** A run before any event. */
export function initialRunState(runId: string): RunState {
  return {
    runId,
    phase: 'starting',
    started: null,
    firstTime: null,
    lastTime: null,
    step: 0,
    epoch: 0,
    batch: 0,
    samplesPerSecond: 0,
    lastBatch: null,
    batchSeries: {},
    epochSeries: {},
    valAtStep: {},
    history: [],
    logs: [],
    finished: null,
    error: null,
    pausedMs: 0,
    pausedAt: null,
    version: 0,
  };
}

function appendTo(map: Readonly<Record<string, Series>>, key: string, x: number, y: number | null | undefined): Readonly<Record<string, Series>> {
  // Non-finite values (a diverged loss) are left out: the run fails with a message instead, and log scales stay valid.
  if (y === null || y === undefined || !Number.isFinite(y)) return map;
  return { ...map, [key]: appendPoint(map[key] ?? emptySeries(key.startsWith('val_') ? 16 : 1024), x, y) };
}

function isEnded(phase: RunPhase): boolean {
  return phase === 'completed' || phase === 'stopped' || phase === 'failed';
}

/** Folds one event (or UI action) into the run state. Pure: the input state is never changed. */
export function reduceRun(state: RunState, action: RunAction): RunState {
  const time = 'time' in action ? action.time : state.lastTime;
  const base = { ...state, version: state.version + 1, lastTime: time ?? state.lastTime, firstTime: state.firstTime ?? time ?? null };
  switch (action.type) {
    case 'runStarted':
      return { ...base, phase: isEnded(state.phase) ? state.phase : state.phase === 'paused' ? 'paused' : 'running', started: action };
    case 'batch': {
      // Batch events are throttled and may in principle arrive out of order on a reconnect; keep x increasing.
      if (action.step <= state.step) return state;
      // The engine reports Keras-style running means over the epoch so far. Charted as they are, every epoch
      // boundary would look like a sudden drop; the mean over the batches since the previous event is what
      // TensorBoard plots per step, so that is recovered: (mean_j * b_j - mean_i * b_i) / (b_j - b_i).
      const prev = state.lastBatch && state.lastBatch.epoch === action.epoch && state.lastBatch.batch < action.batch ? state.lastBatch : null;
      const recent = (k: string, v: number | null): number | null => {
        if (v === null || !prev) return v;
        const before = k === 'loss' ? prev.loss : prev.metrics[k];
        if (before === null || before === undefined) return v;
        return (v * action.batch - before * prev.batch) / (action.batch - prev.batch);
      };
      let batchSeries = appendTo(state.batchSeries, 'loss', action.step, recent('loss', action.loss));
      for (const [k, v] of Object.entries(action.metrics)) if (k !== 'loss') batchSeries = appendTo(batchSeries, k, action.step, recent(k, v));
      return {
        ...base,
        phase: state.phase === 'starting' ? 'running' : state.phase,
        step: action.step,
        epoch: action.epoch,
        batch: action.batch,
        samplesPerSecond: action.samplesPerSecond,
        batchSeries,
        lastBatch: action,
      };
    }
    case 'epoch': {
      if (state.history.some((h) => h.epoch === action.epoch)) return state;
      const x = action.epoch;
      let epochSeries = appendTo(state.epochSeries, 'loss', x, action.loss);
      let valAtStep = state.valAtStep;
      const endStep = state.started ? action.epoch * state.started.batchesPerEpoch : state.step;
      for (const [k, v] of Object.entries(action.metrics)) {
        // Epoch metrics carry loss too (as Keras logs do); it is already charted from action.loss.
        if (k === 'loss') continue;
        epochSeries = appendTo(epochSeries, k, x, v);
        if (k.startsWith('val_')) valAtStep = appendTo(valAtStep, k, Math.min(endStep, Math.max(state.step, 1)), v);
      }
      return { ...base, epoch: action.epoch, epochSeries, valAtStep, history: [...state.history, action] };
    }
    case 'checkpoint':
      return { ...base, logs: pushLog(state.logs, { level: 'log', message: `saved weights of epoch ${action.epoch} (${action.reason})`, time: action.time }) };
    case 'log':
    case 'warning':
      return { ...base, logs: pushLog(state.logs, { level: action.type, message: action.message, time: action.time }) };
    case 'runFinished':
      return {
        ...base,
        phase: action.status,
        finished: action,
        error: action.status === 'failed' ? (action.reason ?? 'the run failed without giving a reason') : null,
      };
    case 'paused':
      return state.phase === 'running' || state.phase === 'starting' ? { ...base, phase: 'paused', pausedAt: action.at ?? null } : state;
    case 'resumed': {
      if (state.phase !== 'paused') return state;
      const held = state.pausedAt !== null && action.at !== undefined ? Math.max(0, action.at - state.pausedAt) : 0;
      return { ...base, phase: state.started ? 'running' : 'starting', pausedMs: state.pausedMs + held, pausedAt: null };
    }
    case 'startFailed':
      return { ...base, phase: 'failed', error: action.message, logs: pushLog(state.logs, { level: 'error', message: action.message, time: action.time }) };
  }
}

function pushLog(logs: readonly RunLogLine[], line: RunLogLine): readonly RunLogLine[] {
  const next = logs.length >= MAX_LOGS ? logs.slice(logs.length - MAX_LOGS + 1) : logs.slice();
  next.push(line);
  return next;
}

/** Folds a list of events (a replay) into a fresh state. */
export function replayRun(runId: string, events: readonly RunAction[]): RunState {
  let s = initialRunState(runId);
  for (const e of events) s = reduceRun(s, e);
  return s;
}

/** Whether the run is still going (its process may still send events). */
export function isActive(s: RunState): boolean {
  return s.phase === 'starting' || s.phase === 'running' || s.phase === 'paused';
}

/** Progress figures for the progress bar. */
export interface RunProgress {
  /** 0..1 over the whole run. */
  fraction: number;
  /** 1-based epoch being trained and the total. */
  epoch: number;
  epochs: number;
  /** Batch within the epoch and batches per epoch. */
  batch: number;
  batchesPerEpoch: number;
  samplesPerSecond: number;
  /** Estimated time left in ms; null until there is a rate to go by or after the end. */
  etaMs: number | null;
  elapsedMs: number;
  /** The last epoch trained when early stopping ended the run before its epoch count; null otherwise. */
  stoppedEarlyAt: number | null;
}

/** Progress of a run; ETA from the average time per step so far (batch timing jitters too much to use alone). */
export function runProgress(s: RunState, now: number = s.lastTime ?? 0): RunProgress {
  const st = s.started;
  const epochs = st?.epochs ?? 0;
  const bpe = st?.batchesPerEpoch ?? 0;
  const total = epochs * bpe;
  const ended = isActive(s) ? false : true;
  const fraction = s.phase === 'completed' ? 1 : total > 0 ? Math.min(1, s.step / total) : 0;
  const epoch = bpe > 0 && s.step > 0 ? Math.min(epochs, Math.floor((s.step - 1) / bpe) + 1) : Math.max(1, s.epoch);
  const batch = bpe > 0 && s.step > 0 ? ((s.step - 1) % bpe) + 1 : s.batch;
  const t0 = st?.time ?? s.firstTime ?? now;
  // An ended run reports the engine's own wall time, the figure its list entry shows too.
  const elapsedMs = s.finished ? s.finished.durationMs : Math.max(0, now - t0);
  let etaMs: number | null = null;
  if (!ended && s.step > 0 && total > 0 && s.lastTime !== null) {
    // Time spent paused trained nothing: counted in, a minute's pause made the ETA several times too long.
    const perStep = Math.max(0, s.lastTime - t0 - s.pausedMs) / s.step;
    etaMs = Math.max(0, perStep * (total - s.step));
  }
  // Only early stopping completes a run short of its epochs (a user's Stop ends it as 'stopped').
  const lastEpoch = s.history[s.history.length - 1]?.epoch ?? 0;
  const stoppedEarlyAt = s.phase === 'completed' && lastEpoch > 0 && lastEpoch < epochs ? lastEpoch : null;
  return { fraction, epoch, epochs, batch, batchesPerEpoch: bpe, samplesPerSecond: s.samplesPerSecond, etaMs, elapsedMs, stoppedEarlyAt };
}

/** Metric base names a run reports besides loss (`acc`, `mae`, ...), from both batch and epoch logs. */
export function metricNames(s: RunState): string[] {
  const names = new Set<string>();
  for (const k of [...Object.keys(s.batchSeries), ...Object.keys(s.epochSeries)]) {
    const base = k.startsWith('val_') ? k.slice(4) : k;
    if (base !== 'loss') names.add(base);
  }
  return [...names].sort();
}

/** Whether a metric is better when higher (accuracy-like) or lower (error-like). */
export function higherIsBetter(name: string): boolean {
  const base = name.startsWith('val_') ? name.slice(4) : name;
  return /acc|precision|recall|auc|f1/i.test(base);
}

/** Best value of a per-epoch series (max for accuracy-like metrics, min otherwise). */
export function bestOf(s: RunState, key: string): { value: number; epoch: number } | null {
  const series = s.epochSeries[key];
  if (!series || series.length === 0) return null;
  const hi = higherIsBetter(key);
  let best = { value: series.buf.ys[0]!, epoch: series.buf.xs[0]! };
  for (let i = 1; i < series.length; i++) {
    const v = series.buf.ys[i]!;
    if (hi ? v > best.value : v < best.value) best = { value: v, epoch: series.buf.xs[i]! };
  }
  return best;
}
