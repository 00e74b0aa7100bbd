// Browser side of bench/charts.ts: the training view's two charts (loss and accuracy) as the app wires them — a
// training store fed by the real reducer, each StreamChart subscribed to the store and redrawing once per animation
// frame — bundled as an IIFE and injected into a page.
import { chartLines } from '../../renderer/training/chart-lines.js';
import { StreamChart } from '../../renderer/training/stream-chart.js';
import { createTrainingStore } from '../../renderer/training/training-store.js';
import type { TrainingEvent } from '../../graph/api/training.js';

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN;
};

/**
 * Resolves once the next frame has been rendered: a rAF callback (registered after the charts' own, so it runs after
 * their draws) queues a message task, which runs when the frame's style, layout and paint are done.
 */
let lastRafEnd = 0;
function afterNextPaint(): Promise<number> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve(performance.now());
    requestAnimationFrame(() => {
      lastRafEnd = performance.now();
      ch.port2.postMessage(null);
    });
  });
}
(window as unknown as { rafEnd: () => number }).rafEnd = () => lastRafEnd;

interface Result {
  points: number;
  charts: number;
  /** Event dispatched -> its frame painted, waiting for the frame included. */
  latency: { p50: number; p95: number; max: number };
  /** Main-thread work per event: reduce + store fan-out, then the frame's chart renders, style, layout and paint. */
  work: { p50: number; p95: number; max: number };
  /** The charts' own render (build data + uPlot draw), both charts, per event. */
  render: { p50: number; p95: number; max: number };
  /** Reducer + store fan-out of one event (before any drawing). */
  dispatch: { p50: number; p95: number; max: number };
  /** A frame with nothing new to draw, measured the same way (the floor on this machine). */
  idle: { p50: number; p95: number; max: number };
}

/**
 * Fills a run with `points` batch events (and an epoch event every 1,000), then times `events` more batch events one
 * by one, each until it is on screen on both charts.
 */
async function run(points: number, events: number, keep = false): Promise<Result> {
  const store = createTrainingStore();
  const runId = 'bench';
  store.getState().addRun(runId, {});
  const bpe = 1000;
  store.getState().dispatch(runId, { type: 'runStarted', runId, time: 0, backend: 'cpu', device: 'bench', backendNotes: [], paramCount: 1, samplesPerEpoch: bpe * 32, validationSamples: 100, batchesPerEpoch: bpe, epochs: 1000, batchSize: 32 });
  // Per-batch values as a real run has them: a falling loss with batch-to-batch noise. The engine reports Keras-style
  // running means over the epoch so far (the reducer recovers the per-batch values), so that is what is sent.
  const noise = (step: number) => {
    const x = Math.sin(step * 12.9898) * 43758.5453;
    return 2 * (x - Math.floor(x)) - 1;
  };
  const perBatch = (step: number) => 2 * Math.exp(-step / 20000) + 0.05 + 0.2 * Math.exp(-step / 50000) * noise(step);
  let sum = 0;
  const batch = (step: number): TrainingEvent => {
    const b = ((step - 1) % bpe) + 1;
    if (b === 1) sum = 0;
    sum += perBatch(step);
    const loss = sum / b;
    return { type: 'batch', runId, time: step, epoch: Math.ceil(step / bpe), batch: b, step, loss, metrics: { loss, acc: 1 - loss / 3 }, samplesPerSecond: 1000 };
  };
  const epochEvent = (step: number): TrainingEvent => ({ type: 'epoch', runId, time: step, epoch: step / bpe, loss: 1, metrics: { acc: 0.5, val_loss: 1.1, val_acc: 0.5 }, durationMs: 1 });
  const actions: TrainingEvent[] = [];
  for (let step = 1; step <= points; step++) {
    actions.push(batch(step));
    if (step % bpe === 0) actions.push(epochEvent(step));
  }
  store.getState().replay(runId, actions);

  const charts: StreamChart[] = [];
  const offs: (() => void)[] = [];
  const renderMs: number[] = [];
  for (const name of ['loss', 'acc']) {
    const el = document.createElement('div');
    el.style.cssText = 'width:560px;height:300px;display:inline-block';
    document.body.appendChild(el);
    const chart = new StreamChart(el, { log: false, smoothing: 0.6, xLabel: 'step', syncKey: 'bench' }, { width: 560, height: 300 });
    chart.onDrawn = (ms) => renderMs.push(ms);
    chart.setLines(chartLines(store.getState(), name));
    // As LiveChart: every store change hands the chart its lines; the chart draws on the next animation frame.
    offs.push(store.subscribe((s, prev) => s.runs !== prev.runs && chart.setLines(chartLines(s, name))));
    charts.push(chart);
  }
  await afterNextPaint();
  await afterNextPaint();

  // The same frame measurement with nothing to draw: what any frame costs on this machine.
  const idle: number[] = [];
  for (let i = 0; i < 60; i++) {
    let frameStart = 0;
    requestAnimationFrame(() => (frameStart = performance.now()));
    const painted = await afterNextPaint();
    idle.push(painted - frameStart);
  }
  const latency: number[] = [];
  const dispatch: number[] = [];
  const work: number[] = [];
  const rafPhase: number[] = [];
  const render: number[] = [];
  let step = points;
  for (let i = 0; i < events; i++) {
    renderMs.length = 0;
    // First callback of the next frame: where that frame's work begins.
    let frameStart = 0;
    requestAnimationFrame(() => (frameStart = performance.now()));
    const t0 = performance.now();
    store.getState().dispatch(runId, batch(++step));
    const dispatched = performance.now();
    const painted = await afterNextPaint();
    latency.push(painted - t0);
    dispatch.push(dispatched - t0);
    work.push(dispatched - t0 + (painted - frameStart));
    rafPhase.push(lastRafEnd - frameStart);
    render.push(renderMs.reduce((a, b) => a + b, 0));
    if (renderMs.length !== charts.length) throw new Error(`expected ${charts.length} chart draws per event, got ${renderMs.length}`);
  }
  if (!keep) {
    for (const off of offs) off();
    for (const c of charts) c.destroy();
    document.body.innerHTML = '';
  }
  const stats = (xs: number[]) => ({ p50: pct(xs, 0.5), p95: pct(xs, 0.95), max: Math.max(...xs) });
  return { points: store.getState().runs[runId]!.state.batchSeries.loss!.length, charts: charts.length, latency: stats(latency), work: stats(work), render: stats(render), dispatch: stats(dispatch), idle: stats(idle), rafPhase: stats(rafPhase) } as Result;
}

(window as unknown as { chartBench: typeof run }).chartBench = run;
