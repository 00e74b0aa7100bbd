import { memo, useEffect, useRef, useState } from 'react';
import 'uplot/dist/uPlot.min.css';
import { chartLines, effectiveXMode } from './chart-lines.js';
import { StreamChart, type HoverReadout } from './stream-chart.js';
import { shownRunIds, trainingStore, useTraining, type TrainingStoreState } from './training-store.js';

/** Formats a metric value for read-outs: 4 significant digits, exponent for tiny values. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return v.toPrecision(4).replace(/\.?0+$/, '') || '0';
}

function xModeOf(s: TrainingStoreState): 'step' | 'epoch' {
  return effectiveXMode(s, shownRunIds(s).map((id) => s.runs[id]!));
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
  const xMode = useTraining(xModeOf);
  const legend = useTraining((s) => chartLines(s, name).filter((l) => l.role !== 'raw').map((l) => `${l.key}|${l.label}|${l.color}|${l.dash ? 1 : 0}`).join('\n'));

  useEffect(() => {
    const el = host.current!;
    const s0 = trainingStore.getState();
    const chart = new StreamChart(el, { log: s0.logScale[name] ?? false, smoothing: s0.smoothing, xLabel: xModeOf(s0) === 'step' ? 'step' : 'epoch' }, { width: Math.max(200, el.clientWidth), height: 180 });
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

  const title = name === 'loss' ? 'Loss' : name === 'acc' ? 'Accuracy' : name;
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
        {items.length === 0 && <span className="muted">Waiting for the first batch…</span>}
        {items.map(([key, label, color, dash]) => {
          const v = values.get(key);
          return (
            <span key={key} className="tl-legend-item" title={v?.x !== undefined && v?.x !== null ? `at ${xMode} ${v.x}` : undefined}>
              <i className={`tl-swatch${dash === '1' ? ' dash' : ''}`} style={{ borderColor: color }} />
              {label}
              {hover && <b>{formatValue(v?.value)}</b>}
            </span>
          );
        })}
      </div>
      <div className="tl-chart-plot" ref={host} />
    </div>
  );
});
