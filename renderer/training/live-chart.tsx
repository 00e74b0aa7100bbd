import { memo, useEffect, useRef, useState } from 'react';
import 'uplot/dist/uPlot.min.css';
import { chartLines, shownXMode } from './chart-lines.js';
import { StreamChart, type HoverReadout } from './stream-chart.js';
import { shownRunIds, trainingStore, useTraining, type TrainingStoreState } from './training-store.js';

/** Formats a metric value for read-outs: 4 significant digits, exponent for tiny values. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return v.toPrecision(4).replace(/\.?0+$/, '') || '0';
}

const TITLES: Record<string, string> = {
  loss: 'Loss',
  acc: 'Accuracy',
  accuracy: 'Accuracy',
  mae: 'MAE',
  mse: 'MSE',
  rmse: 'RMSE',
  mape: 'MAPE',
  meanAbsoluteError: 'MAE',
  meanSquaredError: 'MSE',
  precision: 'Precision',
  recall: 'Recall',
  auc: 'AUC',
  cosineProximity: 'Cosine proximity',
  categoricalCrossentropy: 'Cross-entropy',
  binaryCrossentropy: 'Cross-entropy',
};

/** A chart's title for a metric log name: 'acc' -> 'Accuracy', 'mae' -> 'MAE'; unknown names capitalised. */
function metricTitle(name: string): string {
  return TITLES[name] ?? (name.length <= 4 ? name.toUpperCase() : name[0]!.toUpperCase() + name.slice(1).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
}

/** What an empty chart says: waiting for data, or why there is none. */
function emptyText(s: TrainingStoreState): string {
  const runs = shownRunIds(s).map((id) => s.runs[id]!);
  if (runs.length === 0) return 'Press Train to see the curves here.';
  if (runs.some((r) => r.state.phase === 'starting' || r.state.phase === 'running' || r.state.phase === 'paused')) return 'Waiting for the first batch…';
  if (runs.some((r) => r.state.phase === 'failed')) return 'No points: the run failed before its first batch (the reason is above).';
  if (runs.some((r) => r.source === 'listed')) return 'Loading the run…';
  return 'No points: the run ended before its first batch.';
}

/**
 * One live chart (`loss` or a metric). It subscribes to the store outside React: each event hands the chart its
 * lines, and the chart redraws once per animation frame, so a fast run never re-renders React per batch.
 */
export const LiveChart = memo(function LiveChart({ name }: { name: string }) {
  const host = useRef<HTMLDivElement>(null);
  const chartRef = useRef<StreamChart | null>(null);
  const [hover, setHover] = useState<HoverReadout | null>(null);
  const log = useTraining((s) => s.logScale[name] ?? false);
  const smoothing = useTraining((s) => s.smoothing);
  const xMode = useTraining(shownXMode);
  const legend = useTraining((s) => chartLines(s, name).filter((l) => l.role !== 'raw').map((l) => `${l.key}|${l.label}|${l.color}|${l.dash ? 1 : 0}`).join('\n'));
  const empty = useTraining(emptyText);

  useEffect(() => {
    const el = host.current!;
    const s0 = trainingStore.getState();
    const chart = new StreamChart(el, { log: s0.logScale[name] ?? false, smoothing: s0.smoothing, xLabel: shownXMode(s0) === 'step' ? 'step' : 'epoch', syncKey: 'tl-training' }, { width: Math.max(200, el.clientWidth), height: 180 });
    chartRef.current = chart;
    chart.setLines(chartLines(s0, name));
    const off = trainingStore.subscribe((s, prev) => {
      if (s.runs !== prev.runs || s.selected !== prev.selected || s.currentRunId !== prev.currentRunId || s.xMode !== prev.xMode || s.order !== prev.order) chart.setLines(chartLines(s, name));
    });
    const offHover = chart.onHover(setHover);
    const box = el.parentElement!;
    chart.onDrawn = () => {
      const sum = chart.summary();
      box.dataset.points = String(sum.reduce((a, l) => a + l.n, 0));
      box.dataset.summary = JSON.stringify(sum);
      box.dataset.yTicks = chart.yTicks.join(' ');
      box.dataset.xAxis = chart.xLabel;
      // bench/charts.ts measures event-to-pixel latency through this hook; absent in normal use.
      const probe = (window as { __tensorloomChartProbe?: (chart: string, lastEventTime: number | null) => void }).__tensorloomChartProbe;
      if (probe) {
        const st = trainingStore.getState();
        probe(name, st.currentRunId ? (st.runs[st.currentRunId]?.state.lastTime ?? null) : null);
      }
    };
    const ro = new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height: Math.max(120, el.clientHeight) }));
    ro.observe(el);
    return () => {
      off();
      offHover();
      ro.disconnect();
      chart.destroy();
      chartRef.current = null;
    };
  }, [name]);

  useEffect(() => chartRef.current?.setOptions({ log, smoothing, xLabel: xMode === 'step' ? 'step' : 'epoch' }), [log, smoothing, xMode]);

  const title = metricTitle(name);
  const items = legend ? legend.split('\n').map((l) => l.split('|') as [string, string, string, string]) : [];
  const values = new Map(hover?.values.map((v) => [v.key, v]) ?? []);
  return (
    <div className="tl-chart" data-testid={name === 'loss' ? 'loss-chart' : `metric-chart-${name}`}>
      <div className="tl-chart-head">
        <span className="tl-chart-title">{title}</span>
        <span className="tl-chart-x">{hover ? `${xMode} ${formatValue(Math.round(hover.x))}` : ''}</span>
        <span className="spacer" />
        <button
          className={`tl-chip${log ? ' on' : ''}`}
          title="Logarithmic y axis"
          data-testid={`log-toggle-${name}`}
          onClick={() => trainingStore.getState().set({ logScale: { ...trainingStore.getState().logScale, [name]: !log } })}
        >
          log
        </button>
      </div>
      <div className="tl-chart-legend">
        {items.length === 0 && (
          <span className="muted" data-testid="chart-empty">
            {empty}
          </span>
        )}
        {items.map(([key, label, color, dash]) => {
          const v = values.get(key);
          // The smoothed line's read-out also gives the raw value under the cursor, as TensorBoard does.
          const raw = key.endsWith(':smooth') ? values.get(`${key.slice(0, -':smooth'.length)}:raw`) : undefined;
          return (
            <span key={key} className="tl-legend-item" data-testid="legend-item" title={v?.x !== undefined && v?.x !== null ? `at ${xMode} ${v.x}` : undefined}>
              <i className={`tl-swatch${dash === '1' ? ' dash' : ''}`} style={{ borderColor: color }} />
              {label}
              {hover && <b data-testid="readout">{formatValue(v?.value)}</b>}
              {hover && raw && <span className="muted" data-testid="readout-raw">raw {formatValue(raw.value)}</span>}
            </span>
          );
        })}
      </div>
      <div className="tl-chart-plot" ref={host} />
    </div>
  );
});
