// Browser side of bench/charts.ts: a StreamChart fed by the real reducer, bundled as an IIFE and injected into a page.
import { chartLines } from '../../renderer/training/chart-lines.js';
import { StreamChart } from '../../renderer/training/stream-chart.js';
import { createTrainingStore } from '../../renderer/training/training-store.js';
import type { TrainingEvent } from '../../graph/api/training.js';

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN;
};

/** Fills a run with `points` batch events, then times `events` more, each one reduce + lines + redraw. */
async function run(points: number, events: number, keep = false): Promise<{ points: number; median: number; p95: number; max: number; frameP95: number }> {
  const store = createTrainingStore();
  const runId = 'bench';
  store.getState().addRun(runId, {});
  const bpe = 1000;
  const s = store.getState();
  s.dispatch(runId, { type: 'runStarted', runId, time: 0, backend: 'cpu', device: 'bench', backendNotes: [], paramCount: 1, samplesPerEpoch: bpe * 32, validationSamples: 100, batchesPerEpoch: bpe, epochs: 1000, batchSize: 32 });
  const batch = (step: number): TrainingEvent => {
    const loss = 2 * Math.exp(-step / 20000) + 0.1 * Math.sin(step / 7) + 0.05;
    return { type: 'batch', runId, time: step, epoch: Math.ceil(step / bpe), batch: ((step - 1) % bpe) + 1, step, loss, metrics: { loss, acc: 1 - loss / 3 }, samplesPerSecond: 1000 };
  };
  const actions: TrainingEvent[] = [];
  for (let step = 1; step <= points; step++) {
    actions.push(batch(step));
    if (step % bpe === 0) actions.push({ type: 'epoch', runId, time: step, epoch: step / bpe, loss: 1, metrics: { acc: 0.5, val_loss: 1.1, val_acc: 0.5 }, durationMs: 1 });
  }
  store.getState().replay(runId, actions);
  const el = document.createElement('div');
  el.style.cssText = 'width:900px;height:320px';
  document.body.appendChild(el);
  const chart = new StreamChart(el, { log: false, smoothing: 0.6, xLabel: 'step' }, { width: 900, height: 300 });
  chart.setLines(chartLines(store.getState(), 'loss'));
  chart.render();
  await new Promise((r) => requestAnimationFrame(r));
  const times: number[] = [];
  const frames: number[] = [];
  let step = points;
  for (let i = 0; i < events; i++) {
    const t0 = performance.now();
    store.getState().dispatch(runId, batch(++step));
    chart.setLines(chartLines(store.getState(), 'loss'));
    // uPlot commits setData in a microtask; batch() makes it draw now so the time includes the draw.
    chart.plot.batch(() => chart.render());
    times.push(performance.now() - t0);
    // A real frame as the browser paints it, to check nothing else piles up.
    const f0 = performance.now();
    await new Promise((r) => requestAnimationFrame(r));
    frames.push(performance.now() - f0);
  }
  if (!keep) {
    chart.destroy();
    el.remove();
  }
  return { points: store.getState().runs[runId]!.state.batchSeries.loss!.length, median: pct(times, 0.5), p95: pct(times, 0.95), max: Math.max(...times), frameP95: pct(frames, 0.95) };
}

(window as unknown as { chartBench: typeof run }).chartBench = run;
