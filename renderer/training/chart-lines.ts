import type { ChartLine } from './stream-chart.js';
import { metricNames } from './run-state.js';
import type { RunEntry, TrainingViewState } from './training-store.js';
import { shownRunIds } from './training-store.js';

// Which lines each chart draws, from the store: pure, so it is unit-tested and charts only diff keys.

/** The x axis actually used: per-batch needs batch data for every shown run (saved runs only keep epochs). */
export function effectiveXMode(s: TrainingViewState, runs: readonly RunEntry[]): 'step' | 'epoch' {
  if (s.xMode === 'epoch') return 'epoch';
  return runs.every((r) => Object.keys(r.state.batchSeries).length > 0 || r.state.phase === 'starting') ? 'step' : 'epoch';
}

/** The x axis the charts draw for the runs now shown. */
export function shownXMode(s: TrainingViewState): 'step' | 'epoch' {
  return effectiveXMode(s, shownRunIds(s).map((id) => s.runs[id]!));
}

/** Chart names to show: loss first, then every metric any shown run reports. */
export function chartNames(s: TrainingViewState): string[] {
  const names = new Set<string>();
  for (const id of shownRunIds(s)) for (const m of metricNames(s.runs[id]!.state)) names.add(m);
  return ['loss', ...[...names].sort()];
}

/** Short label of a run for legends: its number in the list, oldest = #1. */
export function runLabel(s: TrainingViewState, runId: string): string {
  const i = s.order.indexOf(runId);
  return i < 0 ? runId : `#${s.order.length - i}`;
}

/** The lines of chart `name` (`loss` or a metric base name such as `acc`). */
export function chartLines(s: TrainingViewState, name: string): ChartLine[] {
  const ids = shownRunIds(s);
  const runs = ids.map((id) => s.runs[id]!);
  const mode = effectiveXMode(s, runs);
  const multi = runs.length > 1;
  const lines: ChartLine[] = [];
  for (const r of runs) {
    const prefix = multi ? `${runLabel(s, r.runId)} ` : '';
    const st = r.state;
    if (mode === 'step') {
      const train = st.batchSeries[name];
      const val = st.valAtStep[`val_${name}`];
      if (train) {
        if (!multi) lines.push({ key: `${r.runId}:${name}:raw`, label: `${prefix}${name} (raw)`, color: r.color, series: train, role: 'raw' });
        lines.push({ key: `${r.runId}:${name}:smooth`, label: `${prefix}${name}`, color: r.color, series: train, role: 'smoothed' });
      }
      if (val) lines.push({ key: `${r.runId}:val_${name}`, label: `${prefix}val_${name}`, color: r.color, series: val, role: 'sparse', dash: true });
    } else {
      const train = st.epochSeries[name];
      const val = st.epochSeries[`val_${name}`];
      if (train) lines.push({ key: `${r.runId}:${name}:epoch`, label: `${prefix}${name}`, color: r.color, series: train, role: 'plain' });
      if (val) lines.push({ key: `${r.runId}:val_${name}:epoch`, label: `${prefix}val_${name}`, color: r.color, series: val, role: 'plain', dash: true });
    }
  }
  return lines;
}
