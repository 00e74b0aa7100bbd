import { higherIsBetter, isActive, runProgress } from './run-state.js';
import type { RunEntry } from './training-store.js';

// The figures a run's list entry shows, from whatever is known about it: its live state when it streams or was
// loaded, else its list entry (the host's summary). Live state and summary describe the same run with the same
// numbers (the engine's durationMs, final = last epoch, best = the early-stopping monitor's epoch), so an entry
// reads the same before and after its history is loaded, and the same as the progress bar.

type Metrics = Record<string, number | null>;

/** What one run's list entry shows. */
export interface RunFigures {
  /** Wall time: the engine's for a finished run, elapsed so far for a live one. */
  durationMs: number | null;
  backend: string | null;
  device: string | null;
  dataset: string | null;
  /** Values after the last epoch (or the last batch, for a run stopped before its first epoch ended). */
  final: Metrics | null;
  /** The best epoch by the early-stopping monitor (val_loss unless set otherwise) and its values. */
  best: { epoch: number; metrics: Metrics } | null;
  /** The metric shown beside the loss: val_acc, another validation metric, val_loss, or a training metric. */
  primary: string | null;
  monitor: string;
}

/** The metric to show beside the loss, from the names a run reports. */
export function primaryMetric(names: readonly string[]): string | null {
  return (
    names.find((k) => k === 'val_acc') ??
    names.find((k) => k.startsWith('val_') && k !== 'val_loss') ??
    (names.includes('val_loss') ? 'val_loss' : undefined) ??
    names.find((k) => k !== 'loss') ??
    (names.includes('loss') ? 'loss' : null)
  );
}

function lastBatchMetrics(e: RunEntry): Metrics | null {
  const b = e.state.lastBatch;
  return b ? { ...b.metrics, loss: b.loss } : null;
}

/** Best epoch of a live run's history by the monitor, as the engine picks it at the end. */
function liveBest(e: RunEntry, monitor: string): RunFigures['best'] {
  let best: RunFigures['best'] = null;
  const hi = higherIsBetter(monitor);
  for (const h of e.state.history) {
    const m: Metrics = { loss: h.loss, ...h.metrics };
    const key = monitor in m ? monitor : monitor.startsWith('val_') && monitor.slice(4) in m ? monitor.slice(4) : null;
    const v = key ? m[key] : null;
    if (v === null || v === undefined) continue;
    const bv = best ? best.metrics[key!] : null;
    if (bv === null || bv === undefined || (hi ? v > bv : v < bv)) best = { epoch: h.epoch, metrics: m };
  }
  return best;
}

/** The figures of one run's list entry. */
export function runFigures(e: RunEntry, now?: number): RunFigures {
  const st = e.state;
  const info = e.info;
  const fin = st.finished;
  const monitor = e.settings?.earlyStopping.monitor ?? 'val_loss';
  const live = isActive(st) && e.source === 'live';
  const lastEpoch = st.history[st.history.length - 1];
  const final = fin?.finalMetrics ?? (lastEpoch ? { loss: lastEpoch.loss, ...lastEpoch.metrics } : null) ?? info?.finalMetrics ?? lastBatchMetrics(e);
  const best =
    fin && fin.bestEpoch !== null && fin.bestMetrics
      ? { epoch: fin.bestEpoch, metrics: fin.bestMetrics }
      : info && info.bestEpoch !== null && info.bestMetrics
        ? { epoch: info.bestEpoch, metrics: info.bestMetrics }
        : liveBest(e, monitor);
  const durationMs = fin?.durationMs ?? info?.durationMs ?? (live || st.started ? runProgress(st, now).elapsedMs : null);
  return {
    durationMs,
    backend: st.started?.backend ?? info?.backend ?? null,
    device: st.started?.device ?? info?.device ?? null,
    dataset: e.datasetName,
    final,
    best,
    primary: primaryMetric(Object.keys(final ?? best?.metrics ?? {})),
    monitor,
  };
}
