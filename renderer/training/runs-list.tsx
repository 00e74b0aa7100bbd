import { useEffect } from 'react';
import { formatValue } from './live-chart.js';
import { loadHistories } from './controller.js';
import { formatDuration } from './run-controls.js';
import { bestOf, runProgress } from './run-state.js';
import { diffSettings } from './settings-diff.js';
import { runLabel } from './chart-lines.js';
import { shownRunIds, trainingStore, useTraining, type RunEntry } from './training-store.js';

function finalOf(e: RunEntry, key: string): number | null {
  const fm = e.state.finished?.finalMetrics ?? null;
  if (fm && key in fm) return fm[key] ?? null;
  const s = e.state.epochSeries[key];
  if (s && s.length) return s.buf.ys[s.length - 1]!;
  // A run stopped before its first epoch ended: its latest batch value.
  const b = e.state.batchSeries[key];
  if (b && b.length) return b.buf.ys[b.length - 1]!;
  return e.info?.bestMetrics?.[key] ?? null;
}

function bestText(e: RunEntry): string {
  const keys = Object.keys(e.state.epochSeries);
  const key = keys.find((k) => k === 'val_acc') ?? keys.find((k) => k.startsWith('val_') && k !== 'val_loss') ?? (keys.includes('val_loss') ? 'val_loss' : keys[0]);
  if (key) {
    const b = bestOf(e.state, key);
    if (b) return `${key} ${formatValue(b.value)} @${b.epoch}`;
  }
  const bm = e.state.finished?.bestMetrics ?? e.info?.bestMetrics;
  if (bm) {
    const [k, v] = Object.entries(bm).find(([k]) => k.startsWith('val_')) ?? Object.entries(bm)[0] ?? [];
    if (k) return `${k} ${formatValue(v)}`;
  }
  return '—';
}

/** The graph's runs: click shows one, Ctrl/Shift/checkbox adds it to the comparison. */
export function RunsList() {
  const order = useTraining((s) => s.order);
  const runs = useTraining((s) => s.runs);
  const selected = useTraining((s) => s.selected);
  const current = useTraining((s) => s.currentRunId);
  const shown = useTraining((s) => shownRunIds(s).join(','));
  const toggle = trainingStore.getState().toggleSelected;
  useEffect(() => void loadHistories(shown ? shown.split(',') : []), [shown]);
  if (order.length === 0) return <div className="tl-runs empty" data-testid="runs-list"><span className="muted">Runs of this graph appear here.</span></div>;
  return (
    <div className="tl-runs" data-testid="runs-list">
      <table>
        <thead>
          <tr>
            <th />
            <th>Run</th>
            <th>Status</th>
            <th>Final · best</th>
          </tr>
        </thead>
        <tbody>
          {order.map((id) => {
            const e = runs[id]!;
            const inCompare = selected.length ? selected.includes(id) : id === current;
            const p = runProgress(e.state);
            const backend = e.state.started ? `${e.state.started.backend}` : null;
            return (
              <tr key={id} data-testid={`run-${id}`} className={`${id === current && !selected.length ? 'current' : ''}${inCompare ? ' shown' : ''}`} onClick={(ev) => toggle(id, ev.ctrlKey || ev.metaKey || ev.shiftKey)} title={e.state.started ? `${e.state.started.backend} · ${e.state.started.device}` : undefined}>
                <td onClick={(ev) => ev.stopPropagation()}>
                  <input type="checkbox" aria-label={`Compare run ${runLabel(trainingStore.getState(), id)}`} checked={inCompare} onChange={() => toggle(id, true)} />
                </td>
                <td>
                  <div>
                    <i className="tl-swatch" style={{ borderColor: e.color }} /> <b>{runLabel(trainingStore.getState(), id)}</b>
                    {e.datasetName && <span className="muted"> · {e.datasetName}</span>}
                  </div>
                  <div className="muted small">
                    {new Date(e.startedAt).toLocaleTimeString()}
                    {backend && ` · ${backend}`}
                  </div>
                </td>
                <td title={e.state.error ?? undefined}>
                  <div className={`status ${e.state.phase}`}>{e.state.phase}</div>
                  <div className="muted small">{formatDuration(e.state.finished?.durationMs ?? (e.state.firstTime ? p.elapsedMs : null))}</div>
                </td>
                <td>
                  <div>loss {formatValue(finalOf(e, 'loss') ?? finalOf(e, 'val_loss'))}</div>
                  <div className="muted small">{bestText(e)}</div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <SettingsDiff />
    </div>
  );
}

/** What differs between the compared runs' settings. */
export function SettingsDiff() {
  const selected = useTraining((s) => s.selected);
  const runs = useTraining((s) => s.runs);
  if (selected.length < 2) return null;
  const entries = selected.map((id) => runs[id]).filter((e): e is RunEntry => !!e);
  const rows = diffSettings(
    entries.map((e) => e.settings),
    entries.map((e) => ({ status: e.state.phase, ...(e.state.started ? { backend: e.state.started.backend } : {}) })),
  );
  const s = trainingStore.getState();
  return (
    <div className="tl-diff" data-testid="settings-diff">
      <div className="tl-section-title">Differences between the compared runs</div>
      {rows.length === 0 ? (
        <span className="muted">Same settings.</span>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Setting</th>
              {entries.map((e) => (
                <th key={e.runId}>
                  <i className="tl-swatch" style={{ borderColor: e.color }} /> {runLabel(s, e.runId)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.field}>
                <td>{r.field}</td>
                {r.values.map((v, i) => (
                  <td key={i}>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {entries.some((e) => !e.settings) && <div className="muted">Settings of runs from earlier sessions are not known to this window ('?').</div>}
    </div>
  );
}
