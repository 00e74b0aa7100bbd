import { useEffect } from 'react';
import { formatValue } from './live-chart.js';
import { loadHistories } from './controller.js';
import { formatDuration } from './run-controls.js';
import { isActive } from './run-state.js';
import { runFigures } from './run-figures.js';
import { diffSettings } from './settings-diff.js';
import { runLabel } from './chart-lines.js';
import { shownRunIds, trainingStore, useTraining, type RunEntry } from './training-store.js';

function metricText(metrics: Record<string, number | null> | null, key: string | null): string | null {
  if (!metrics || !key || !(key in metrics)) return null;
  return `${key} ${formatValue(metrics[key])}`;
}

/** One run: number, status and duration; dataset, backend and start time; final and best values. */
function RunRow({ e, inCompare, isCurrent }: { e: RunEntry; inCompare: boolean; isCurrent: boolean }) {
  const toggle = trainingStore.getState().toggleSelected;
  const f = runFigures(e);
  const label = runLabel(trainingStore.getState(), e.runId);
  const finalLoss = f.final ? (f.final.loss ?? f.final.val_loss ?? null) : null;
  const finalKey = f.final && f.primary && f.primary !== 'loss' && f.primary in f.final ? f.primary : null;
  const bestPrimary = f.best ? metricText(f.best.metrics, f.primary && f.primary in f.best.metrics ? f.primary : f.monitor) : null;
  const live = isActive(e.state) && e.source === 'live';
  return (
    <li
      data-testid={`run-${e.runId}`}
      className={`tl-run${isCurrent ? ' current' : ''}${inCompare ? ' shown' : ''}`}
      onClick={(ev) => toggle(e.runId, ev.ctrlKey || ev.metaKey || ev.shiftKey)}
      title={[f.device && `${f.backend} · ${f.device}`, e.state.error && `Failed: ${e.state.error}`].filter(Boolean).join('\n') || undefined}
    >
      <input type="checkbox" aria-label={`Compare run ${label}`} checked={inCompare} onClick={(ev) => ev.stopPropagation()} onChange={() => toggle(e.runId, true)} />
      <div className="tl-run-body">
        <div className="tl-run-line">
          <i className="tl-swatch" style={{ borderColor: e.color }} />
          <b>{label}</b>
          <span className={`status ${e.state.phase}`} data-testid="entry-status">
            {e.state.phase}
          </span>
          <span className="muted" data-testid="entry-duration">
            {live ? `${formatDuration(f.durationMs)} so far` : formatDuration(f.durationMs)}
          </span>
        </div>
        <div className="tl-run-line muted small">
          {[f.dataset, f.backend, new Date(e.startedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })]
            .filter(Boolean)
            .map((t, i) => (
              <span key={i}>
                {i > 0 && '· '}
                {t}
              </span>
            ))}
        </div>
        <div className="tl-run-line small" data-testid="entry-final" title="After the last epoch">
          <span>
            final loss <b>{formatValue(finalLoss)}</b>
          </span>
          {finalKey && (
            <span>
              · {finalKey} <b>{formatValue(f.final![finalKey])}</b>
            </span>
          )}
        </div>
        {f.best && bestPrimary && (
          <div className="tl-run-line small muted" data-testid="entry-best" title={`The epoch with the best ${f.monitor} (the early-stopping monitor)`}>
            best @{f.best.epoch}: {bestPrimary}
          </div>
        )}
      </div>
    </li>
  );
}

/** The graph's runs: click shows one, Ctrl/Shift/checkbox adds it to the comparison. */
export function RunsList() {
  const order = useTraining((s) => s.order);
  const runs = useTraining((s) => s.runs);
  const selected = useTraining((s) => s.selected);
  const current = useTraining((s) => s.currentRunId);
  const shown = useTraining((s) => shownRunIds(s).join(','));
  useEffect(() => void loadHistories(shown ? shown.split(',') : []), [shown]);
  if (order.length === 0)
    return (
      <div className="tl-runs empty" data-testid="runs-list">
        <span className="muted">Runs of this graph appear here.</span>
      </div>
    );
  return (
    <div className="tl-runs" data-testid="runs-list">
      <div className="tl-section-title">
        Runs <span className="muted small">· Ctrl-click or tick to compare</span>
      </div>
      <ul className="tl-run-list">
        {order.map((id) => (
          <RunRow key={id} e={runs[id]!} inCompare={selected.length ? selected.includes(id) : id === current} isCurrent={id === current && !selected.length} />
        ))}
      </ul>
      <SettingsDiff />
    </div>
  );
}

/** What differs between the compared runs' settings. */
export function SettingsDiff() {
  const selected = useTraining((s) => s.selected);
  const runs = useTraining((s) => s.runs);
  const order = useTraining((s) => s.order);
  if (selected.length < 2) return null;
  // Columns in list order (newest first), whatever order the runs were ticked in.
  const entries = order.filter((id) => selected.includes(id)).map((id) => runs[id]).filter((e): e is RunEntry => !!e);
  const rows = diffSettings(
    entries.map((e) => e.settings),
    entries.map((e) => {
      const f = runFigures(e);
      return { status: e.state.phase, 'sample limit': e.limit === null ? 'all' : String(e.limit), ...(f.backend ? { 'backend used': f.device ? `${f.backend} · ${f.device}` : f.backend } : {}) };
    }),
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
      {entries.some((e) => !e.settings) && <div className="muted">'?': a run saved by an older version, which did not keep its settings.</div>}
    </div>
  );
}
