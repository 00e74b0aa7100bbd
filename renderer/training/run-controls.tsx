import { useEffect, useState } from 'react';
import type { BackendInfo } from '../../graph/api/host.js';
import type { DatasetRef } from '../../graph/document.js';
import { useEditor } from '../store/editor-store.js';
import { chooseDataset, pauseRun, resumeRun, startTraining, stopRun, useData } from './controller.js';
import { formatValue } from './live-chart.js';
import { isActive, runProgress, type RunState } from './run-state.js';
import { useTraining } from './training-store.js';

/** Milliseconds as 1:05:03 / 4:07 / 12s. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** The built-in dataset picker (writes the graph's training.dataset). */
export function DatasetSelect() {
  const datasets = useData((s) => s.datasets);
  const ref = useEditor((s) => s.graph.training.dataset);
  const value = ref ? (ref.kind === 'builtin' ? ref.name : `file:${ref.kind}`) : '';
  return (
    <label className="tl-field inline">
      <span>Data</span>
      <select
        data-testid="dataset-select"
        value={value}
        onChange={(e) => {
          const v = e.target.value;
          if (v.startsWith('file:')) return;
          const next: DatasetRef | null = v ? { kind: 'builtin', name: v } : null;
          chooseDataset(next);
        }}
      >
        <option value="">Choose a dataset…</option>
        {ref && ref.kind !== 'builtin' && <option value={value}>{`${ref.kind}: ${ref.path}`}</option>}
        {ref && ref.kind === 'builtin' && !datasets?.some((d) => d.name === ref.name) && <option value={ref.name}>{ref.name}</option>}
        {datasets?.map((d) => (
          <option key={d.name} value={d.name} title={d.description}>
            {d.title || d.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Re-renders every second while a run is live, so elapsed time and ETA tick between events. */
function useTick(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

/** Epoch, batch, samples/s and ETA of the current run. */
export function ProgressBar({ state }: { state: RunState | null }) {
  const live = !!state && isActive(state);
  const hasRuns = useTraining((s) => s.order.length > 0);
  const now = useTick(live);
  if (!state)
    return (
      <div className="tl-progress idle" data-testid="progress">
        <span className="muted">{hasRuns ? 'Press Train, or pick a run in the list to see it' : 'No run yet'}</span>
      </div>
    );
  const p = runProgress(state, live ? Math.max(now, state.lastTime ?? 0) : undefined);
  if (!state.started && !live) {
    // A run from an earlier session: only its saved epochs are known.
    const n = state.history.length;
    return (
      <div className={`tl-progress ${state.phase}`} data-testid="progress" data-phase={state.phase} data-step={state.step}>
        <div className="tl-progress-bar">
          <div style={{ width: state.phase === 'completed' ? '100%' : '0%' }} />
        </div>
        <span className="tl-progress-text">
          {state.phase}
          {n > 0 ? ` after ${n} epoch${n > 1 ? 's' : ''}` : ''}
          {state.finished ? ` in ${formatDuration(state.finished.durationMs)}` : ''}
        </span>
      </div>
    );
  }
  const label =
    state.phase === 'starting'
      ? 'Compiling the model and loading data…'
      : `Epoch ${p.epoch}/${p.epochs} · batch ${p.batch}/${p.batchesPerEpoch} · ${Math.round(p.samplesPerSecond).toLocaleString()} samples/s`;
  return (
    <div className={`tl-progress ${state.phase}`} data-testid="progress" data-phase={state.phase} data-step={state.step} title={p.stoppedEarlyAt !== null ? `early stopping ended the run after epoch ${p.stoppedEarlyAt} of ${p.epochs} (see the log below the charts)` : `elapsed ${formatDuration(p.elapsedMs)}`}>
      <div className="tl-progress-bar">
        <div style={{ width: `${(p.fraction * 100).toFixed(1)}%` }} />
      </div>
      <span className="tl-progress-text">
        {label}
        {state.phase === 'paused' && <> · paused</>}
        {live && state.phase === 'running' && <> · ETA {formatDuration(p.etaMs)}</>}
        {!live && <> · {p.stoppedEarlyAt !== null ? 'stopped early' : state.phase} in {formatDuration(p.elapsedMs)}</>}
      </span>
    </div>
  );
}

const NO_LOGS: RunState['logs'] = [];

/**
 * What the run logged (early stopping's reason, restored weights, warnings about the data or the monitor), as Keras
 * prints it to the console; open when there is a warning, so it is not missed.
 */
export function RunLog() {
  // The log list keeps its identity between batch events, so this redraws only when a line arrives.
  const logs = useTraining((s) => (s.currentRunId ? s.runs[s.currentRunId]?.state.logs : null) ?? NO_LOGS);
  if (logs.length === 0) return null;
  const warnings = logs.filter((l) => l.level !== 'log').length;
  const latest = [...logs].reverse().find((l) => l.level !== 'log' || !l.message.startsWith('saved weights')) ?? logs[logs.length - 1]!;
  return (
    <details className="tl-log" data-testid="training-log" open={warnings > 0 || undefined}>
      <summary>
        Log · {logs.length} line{logs.length > 1 ? 's' : ''}
        {warnings > 0 && <span className="tl-log-warn"> · {warnings} warning{warnings > 1 ? 's' : ''}</span>}
        <span className="muted"> · {latest.message}</span>
      </summary>
      <ol>
        {logs.map((l, i) => (
          <li key={i} className={l.level} data-testid="log-line">
            <span className="muted">{new Date(l.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })}</span> {l.message}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** Every backend this host offers, one a line, with its device or why it is unavailable (tooltips). */
export function backendsText(backends: readonly BackendInfo[] | null): string {
  return (backends ?? []).map((b) => `${b.name}: ${b.available ? b.device : `unavailable${b.note ? ` (${b.note})` : ''}`}`).join('\n');
}

/** Which backend and device the run uses (or, before a run, which `auto` would pick). */
export function BackendBadge({ state }: { state: RunState | null }) {
  const backends = useTraining((s) => s.backends);
  const setting = useEditor((s) => s.graph.training.backend);
  let text: string;
  let title = '';
  if (state?.started) {
    text = `${state.started.backend} · ${state.started.device}`;
    title = state.started.backendNotes.join('\n');
  } else {
    const avail = backends?.filter((b) => b.available) ?? [];
    const pick = setting === 'auto' ? avail[0] : backends?.find((b) => b.name === setting);
    text = pick ? `${setting === 'auto' ? 'auto → ' : ''}${pick.name} · ${pick.device}` : setting;
    title = backendsText(backends);
  }
  return (
    <span className="tl-badge" data-testid="backend-badge" title={[text, title].filter(Boolean).join('\n')}>
      {text}
    </span>
  );
}

/** Train / Pause-Resume / Stop for the current run. */
export function RunButtons() {
  const current = useTraining((s) => (s.currentRunId ? s.runs[s.currentRunId] : null));
  const starting = useTraining((s) => s.starting);
  const live = !!current && current.source === 'live' && isActive(current.state);
  const paused = current?.state.phase === 'paused';
  return (
    <div className="tl-buttons">
      <button className="tl-primary" data-testid="train-button" disabled={starting || live} onClick={() => void startTraining()} title="Train the graph with its settings (Ctrl+Enter)">
        ▶ Train
      </button>
      <button data-testid="pause-button" disabled={!live || current?.state.phase === 'starting'} onClick={() => current && void (paused ? resumeRun(current.runId) : pauseRun(current.runId))}>
        {paused ? '▶ Resume' : '❚❚ Pause'}
      </button>
      <button data-testid="stop-button" disabled={!live} onClick={() => current && void stopRun(current.runId)} title="Stop after this batch; the weights so far are kept">
        ■ Stop
      </button>
    </div>
  );
}

/** The latest values of the current run, compact. */
export function LatestValues({ state }: { state: RunState | null }) {
  if (!state) return null;
  const last = state.history[state.history.length - 1];
  if (!last) return null;
  const entries: [string, number | null][] = [['loss', last.loss], ...Object.entries(last.metrics).filter(([k]) => k !== 'loss')];
  return (
    <span className="tl-latest" data-testid="latest-values">
      {entries.map(([k, v]) => (
        <span key={k}>
          {k} <b>{formatValue(v)}</b>
        </span>
      ))}
    </span>
  );
}
