// Benchmark of the training charts in Chromium (playwright-core + the system Chromium). Prints:
//  1. per batch event with 10,000 and 100,000 points on BOTH charts the training view shows (loss and accuracy:
//     raw, smoothed and validation lines each), the event handled the way the app does (reducer, store fan-out,
//     both charts redrawn on the next animation frame) until the frame is painted:
//       - main-thread work per event: dispatch + that frame's chart draws, style, layout and paint; target < 16 ms
//         (one frame's budget), p95;
//       - update-to-painted: from the event to its frame painted, waiting for the frame included;
//       - the two charts' own draw time;
//  2. end-to-end latency from a batch ending in the training process (the event's `time`) to the frame that draws
//     it on the loss chart, through `tensorloom serve` training mnist-mlp; p50 / p95; target p95 < 100 ms.
// Run with `npm run bench:charts`. Ratios below 1 meet the targets.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { launchBrowser, openApp, startApp } from '../tests/e2e/harness.js';

const TARGETS = { updateMs: 16, latencyP95Ms: 100 };
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN;
};
const f = (x: number) => x.toFixed(2);

async function bundlePage(): Promise<string> {
  const out = await mkdtemp(join(os.tmpdir(), 'tl-chart-bench-'));
  await build({
    configFile: false,
    logLevel: 'error',
    build: { outDir: out, emptyOutDir: true, minify: true, lib: { entry: join(import.meta.dirname, 'charts', 'page.ts'), formats: ['iife'], name: 'ChartBench', fileName: () => 'page.js' } },
  });
  const js = await readFile(join(out, 'page.js'), 'utf8');
  await rm(out, { recursive: true, force: true });
  return js;
}

async function updateBench(): Promise<void> {
  const js = await bundlePage();
  const css = await readFile(join(import.meta.dirname, '..', 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), 'utf8');
  const browser = await launchBrowser();
  try {
    const page = browser.page;
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addStyleTag({ content: css });
    await page.addScriptTag({ content: js });
    type Stats = { p50: number; p95: number; max: number };
    type R = { points: number; charts: number; latency: Stats; work: Stats; render: Stats; dispatch: Stats; idle: Stats };
    const st = (x: Stats) => `p50 ${f(x.p50)} / p95 ${f(x.p95)} / max ${f(x.max)} ms`;
    for (const points of [10_000, 100_000]) {
      const r = await page.evaluate(([p, n]) => (window as unknown as { chartBench: (p: number, n: number) => Promise<R> }).chartBench(p!, n!), [points, 300]);
      console.log(`${r.points.toLocaleString()} points on each of ${r.charts} charts, 300 events:`);
      console.log(`  main-thread work per event (dispatch + chart draws + style/layout/paint): ${st(r.work)}; p95/target ${f(r.work.p95 / TARGETS.updateMs)}`);
      console.log(`  update-to-painted (incl. waiting for the frame): ${st(r.latency)}`);
      console.log(`  of which: event dispatch (reducer + store) ${st(r.dispatch)}; both charts' draw ${st(r.render)}`);
      console.log(`  for reference, a frame with nothing to draw: ${st(r.idle)}`);
    }
    if (process.env.CHART_BENCH_SCREENSHOT) {
      await page.evaluate(() => (window as unknown as { chartBench: (p: number, n: number, keep: boolean) => Promise<unknown> }).chartBench(100_000, 5, true));
      await page.screenshot({ path: process.env.CHART_BENCH_SCREENSHOT });
    }
    if (browser.errors.length) console.log(`page errors: ${browser.errors.join('; ')}`);
  } finally {
    await browser.close();
  }
}

async function latencyBench(): Promise<void> {
  const app = await startApp();
  const browser = await launchBrowser();
  try {
    const page = await openApp(app, browser);
    await page.evaluate(() => {
      const w = window as unknown as { __latencies: number[]; __last: number | null; __tensorloomChartProbe: (c: string, t: number | null) => void };
      w.__latencies = [];
      w.__last = null;
      w.__tensorloomChartProbe = (chart, t) => {
        // Only frames that drew a new event count (resizes redraw too).
        if (chart !== 'loss' || t === null || t === w.__last) return;
        w.__last = t;
        w.__latencies.push(Date.now() - t);
      };
    });
    await page.getByTestId('template-mnist-mlp').click();
    await page.getByTestId('dock-tab-training').click();
    await page.getByTestId('dataset-select').selectOption('mnist');
    await page.getByTestId('training-tab-settings').click();
    await page.getByTestId('setting-epochs').fill('2');
    await page.getByTestId('setting-epochs').press('Enter');
    await page.getByTestId('setting-batch-size').fill('32');
    await page.getByTestId('setting-batch-size').press('Enter');
    await page.getByTestId('train-button').click();
    await page.waitForFunction(() => /completed|stopped|failed/.test(document.querySelector('[data-testid="progress"]')?.getAttribute('data-phase') ?? ''), null, { timeout: 300_000 });
    const lat = await page.evaluate(() => (window as unknown as { __latencies: number[] }).__latencies);
    const sps = await page.getByTestId('progress').textContent();
    console.log(`end-to-end batch -> chart latency over ${lat.length} drawn events (mnist-mlp, 2 epochs, batch 32; ${sps?.match(/[\d,]+ samples\/s/)?.[0] ?? ''}): p50 ${f(pct(lat, 0.5))} ms, p95 ${f(pct(lat, 0.95))} ms, max ${f(Math.max(...lat))} ms; p95/target ${f(pct(lat, 0.95) / TARGETS.latencyP95Ms)}`);
    if (browser.errors.length) console.log(`page errors: ${browser.errors.join('; ')}`);
  } finally {
    await browser.close();
    await app.stop();
  }
}

console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Chromium headless (software rendering)`);
await updateBench();
if (!process.env.CHART_BENCH_SKIP_E2E) await latencyBench();
