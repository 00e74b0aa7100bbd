import { cp, readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import type * as tfjs from '@tensorflow/tfjs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openApp, screenshot, startApp, type TestApp, type TestBrowser } from './harness.js';

// The training view end to end: open mnist-mlp, choose mnist, train two epochs on a small slice while the loss
// chart fills, read the charts (hover, smoothing, per epoch, log scale), see the confusion matrix, try the model on a
// dropped digit, export the model and the code, stop a second run mid-epoch (started with Ctrl+Enter) and compare
// both, save and reload with the runs and settings kept; an incompatible dataset is refused with the reason; a
// diverging run fails with its reason and leaves the graph and earlier runs intact; a regression run plots
// predicted vs actual; the user's own CSV, image folder and text file preview.

let app: TestApp;
let browser: TestBrowser;
let page: Page;

/** Training samples per run: enough batches that the run lasts a few seconds, small enough to stay fast. */
const LIMIT = 3000;

const require = createRequire(import.meta.url);

/** An MNIST digit as a 28×28 grayscale PNG, the way a user would save one. */
function digitPng(digit: number, index = 0): Buffer {
  const data = (require(join(dirname(require.resolve('mnist')), 'digits', `${digit}.json`)) as { data: number[] }).data;
  const png = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  for (let i = 0; i < 784; i++) png.data[i] = Math.round(data[index * 784 + i]! * 255);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

beforeAll(async () => {
  app = await startApp();
  // The user's own data, next to where the graph will be saved.
  await cp(join(import.meta.dirname, '..', 'fixtures', 'datasets'), join(app.workspace, 'data'), { recursive: true });
  browser = await launchBrowser();
  page = await openApp(app, browser);
});

afterEach(async (ctx) => {
  await screenshot(page, `training-${ctx.task.name}`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const tid = (id: string) => page.getByTestId(id);

interface LineSummary {
  label: string;
  n: number;
  first: number | null;
  last: number | null;
}

async function chartSummary(testId: string): Promise<LineSummary[]> {
  const raw = await tid(testId).getAttribute('data-summary');
  return raw ? (JSON.parse(raw) as LineSummary[]) : [];
}

async function phase(): Promise<string | null> {
  return tid('progress').getAttribute('data-phase');
}

async function waitPhase(want: RegExp, timeout = 120_000): Promise<void> {
  await expect.poll(phase, { timeout, interval: 200 }).toMatch(want);
}

async function setNumber(testId: string, value: number): Promise<void> {
  await tid(testId).fill(String(value));
  await tid(testId).press('Enter');
}

/** Clicks the Data tab's two one-click fixes, one after the other, until the dataset fits the graph. */
async function applyBothFixes(timeout: number): Promise<void> {
  await expect.poll(() => tid('fit-fix').count(), { timeout }).toBe(2);
  await tid('fit-fix').first().click();
  await expect.poll(() => tid('fit-fix').count()).toBe(1);
  await tid('fit-fix').first().click();
  await expect.poll(() => tid('dataset-fit').textContent()).toMatch(/Fits the graph/);
}

/** Reloads the app (a fresh, unsaved session) and opens a template with the training dock showing. */
async function openTemplateFresh(name: string): Promise<void> {
  await page.reload();
  await tid(`template-${name}`).click();
  await tid('dock-tab-training').click();
}

async function runRows(): Promise<string[]> {
  return page.locator('li[data-testid^="run-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!));
}

describe('training in the window', () => {
  it('opens mnist-mlp and chooses mnist with a preview that fits', async () => {
    await tid('template-mnist-mlp').click();
    await tid('canvas').waitFor();
    await tid('dock-tab-training').click();
    await tid('training-panel').waitFor();
    await tid('dataset-select').selectOption('mnist');
    await tid('training-tab-data').click();
    await expect.poll(() => tid('dataset-preview').locator('img').count(), { timeout: 30_000 }).toBeGreaterThan(4);
    await expect.poll(() => tid('dataset-fit').textContent()).toMatch(/Fits the graph/);
    await screenshot(page, 'training-data-tab');
    await setNumber('sample-limit', LIMIT);
    await tid('training-tab-settings').click();
    await setNumber('setting-epochs', 2);
    // Settings are part of the document (saved with the graph): the edit undoes and redoes like any other.
    await tid('undo-button').click();
    await expect.poll(() => tid('setting-epochs').inputValue()).toBe('3');
    await tid('redo-button').click();
    await expect.poll(() => tid('setting-epochs').inputValue()).toBe('2');
    await setNumber('setting-batch-size', 32);
    await expect(await tid('backend-badge').textContent()).toMatch(/auto → \w+/);
    // The backend selector: short option texts, the chosen backend's device spelled out, the badge follows it.
    const options = await tid('setting-backend').locator('option').allTextContents();
    expect(options[0]).toMatch(/^auto → \w+$/);
    expect(options).toEqual(expect.arrayContaining(['cpu', 'wasm']));
    await tid('setting-backend').selectOption('cpu');
    await expect.poll(() => tid('backend-badge').textContent()).toMatch(/^cpu · /);
    expect(await tid('setting-backend-device').textContent()).toMatch(/\w/);
    await tid('setting-backend').selectOption('auto');
    await expect.poll(() => tid('backend-badge').textContent()).toMatch(/auto → \w+/);
    // Early stopping monitors one of the values the graph reports, chosen from a list.
    await tid('setting-early-stopping').check();
    expect(await tid('setting-monitor').locator('option').allTextContents()).toEqual(['val_loss', 'val_acc', 'loss', 'acc']);
    await tid('undo-button').click();
    await expect.poll(() => tid('setting-monitor').count()).toBe(0);
  });

  it('trains two epochs: loss points appear while it runs and accuracy rises', async () => {
    await tid('train-button').click();
    await tid('training-tab-curves').waitFor();
    await waitPhase(/running/);
    // Mid-run: the loss chart already has points and the progress bar says where the run is.
    await expect.poll(async () => Number(await tid('loss-chart').getAttribute('data-points')), { timeout: 60_000, interval: 100 }).toBeGreaterThan(3);
    const mid = Number(await tid('loss-chart').getAttribute('data-points'));
    expect(await phase()).toMatch(/running/);
    expect(await tid('progress').textContent()).toMatch(/Epoch [12]\/2 · batch \d+\/\d+ · [\d,]+ samples\/s · ETA/);
    await screenshot(page, 'training-mid-run');
    expect(await tid('backend-badge').textContent()).toMatch(/\w+ · .+/);
    await waitPhase(/completed/);
    const loss = await chartSummary('loss-chart');
    expect(loss.find((l) => l.label === 'loss')!.n).toBeGreaterThan(mid);
    expect(loss.find((l) => l.label === 'val_loss')!.n).toBe(2);
    // Accuracy: the per-batch curve rises within the run and validation accuracy is well above chance.
    const acc = await chartSummary('metric-chart-acc');
    const train = acc.find((l) => l.label === 'acc')!;
    expect(train.last!).toBeGreaterThan(train.first!);
    const val = acc.find((l) => l.label === 'val_acc')!;
    expect(val.last!).toBeGreaterThan(0.6);
    await page.mouse.move(0, 0);
    await screenshot(page, 'training-after-run');
  });

  it('reads the charts: synced hover read-outs with raw values, smoothing, per epoch, log scale', async () => {
    const box = await tid('loss-chart').locator('.u-over').boundingBox();
    await page.mouse.move(box!.x + box!.width * 0.5, box!.y + box!.height * 0.5);
    // The read-out names the step and gives the smoothed and the raw value; the accuracy chart's cursor follows.
    await expect.poll(() => tid('loss-chart').locator('.tl-chart-x').textContent()).toMatch(/^step \d+$/);
    const lossItem = tid('loss-chart').getByTestId('legend-item').first();
    expect(await lossItem.textContent()).toMatch(/^loss[\d.]+raw [\d.]+$/);
    await expect.poll(() => tid('metric-chart-acc').locator('.tl-chart-x').textContent()).toBe(await tid('loss-chart').locator('.tl-chart-x').textContent());
    expect(await tid('metric-chart-acc').getByTestId('readout').first().textContent()).toMatch(/^0\.\d+$/);
    // Smoothing 0: the smoothed line is the raw values.
    const readouts = async () => [await lossItem.getByTestId('readout').textContent(), (await lossItem.getByTestId('readout-raw').textContent())!.replace('raw ', '')];
    await tid('smoothing').fill('0');
    await page.mouse.move(box!.x + box!.width * 0.5 + 1, box!.y + box!.height * 0.5);
    await expect.poll(async () => new Set(await readouts()).size).toBe(1);
    await tid('smoothing').fill('0.95');
    await page.mouse.move(box!.x + box!.width * 0.5, box!.y + box!.height * 0.5);
    await expect.poll(async () => new Set(await readouts()).size).toBe(2);
    await page.mouse.move(0, 0);
    // Per epoch: one point per epoch, whole-epoch ticks, and the toggle shows what is drawn.
    await tid('x-epoch').click();
    await expect.poll(async () => (await chartSummary('loss-chart')).map((l) => `${l.label}:${l.n}`).join(',')).toBe('loss:2,val_loss:2');
    expect(await tid('loss-chart').getAttribute('data-x-axis')).toBe('epoch');
    expect(await tid('x-epoch').getAttribute('class')).toMatch(/\bon\b/);
    await tid('x-step').click();
    await expect.poll(() => tid('loss-chart').getAttribute('data-x-axis')).toBe('step');
    // Log scale: the y axis changes to a logarithmic one (decades), and back.
    const linear = await tid('loss-chart').getAttribute('data-y-ticks');
    await tid('log-toggle-loss').click();
    await expect.poll(() => tid('loss-chart').getAttribute('data-y-ticks')).not.toBe(linear);
    const logTicks = (await tid('loss-chart').getAttribute('data-y-ticks'))!.split(' ').filter(Boolean);
    expect(logTicks.some((t) => /^(0\.1|1|10)$/.test(t))).toBe(true);
    await screenshot(page, 'training-log-scale');
    await tid('log-toggle-loss').click();
    await expect.poll(() => tid('loss-chart').getAttribute('data-y-ticks')).toBe(linear);
    await tid('smoothing').fill('0.6');
  });

  it('shows the confusion matrix of the finished run', async () => {
    await tid('training-tab-results').click();
    const cm = tid('confusion-matrix');
    await cm.waitFor({ timeout: 30_000 });
    expect(await cm.locator('tbody tr').count()).toBe(10);
    expect(await cm.textContent()).toMatch(/accuracy \d+\.\d% of \d+/);
    // Validation samples with predicted and true labels; the mistakes come first and are marked.
    const grid = tid('validation-samples');
    await grid.waitFor();
    const shown = await grid.locator('figure img').count();
    const wrong = await grid.locator('figure.wrong').count();
    expect(shown).toBe(16 + wrong);
    expect(wrong).toBeGreaterThan(0);
    expect(await grid.textContent()).toContain(`${wrong} mistake${wrong === 1 ? '' : 's'} and ${shown - wrong} correct`);
  });

  it('tries the model on a dropped digit: the top classes with probabilities', async () => {
    const png = digitPng(0).toString('base64');
    const dataTransfer = await page.evaluateHandle((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'zero.png', { type: 'image/png' }));
      return dt;
    }, png);
    await tid('predict-drop').dispatchEvent('drop', { dataTransfer });
    const top = tid('prediction-top');
    await top.waitFor({ timeout: 60_000 });
    const rows = await top.locator('li').evaluateAll((els) => els.map((e) => ({ label: e.getAttribute('data-label')!, p: Number(e.getAttribute('data-probability')) })));
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r.p)).toEqual([...rows.map((r) => r.p)].sort((a, b) => b - a));
    expect(rows.reduce((a, r) => a + r.p, 0)).toBeLessThanOrEqual(1.0001);
    // The run's own preprocessing (28×28, scaled to [0, 1]) makes the trained net read the digit.
    expect(rows[0]!.label).toBe('0');
    expect(await tid('prediction').textContent()).toMatch(/zero\.png/);
    expect(await top.locator('li').first().textContent()).toMatch(/^0\s*\d+\.\d%$/);
    // Something the model cannot take says so.
    await tid('predict-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await expect.poll(() => tid('predict-error').textContent().catch(() => ''), { timeout: 30_000 }).toMatch(/this model takes images .*'notes\.txt' is not one/);
    await tid('predict-drop').dispatchEvent('drop', { dataTransfer });
    await top.waitFor({ timeout: 60_000 });
    await screenshot(page, 'training-results');
  });

  it('exports the model to a folder that plain tfjs reloads', async () => {
    await tid('export-button').click();
    const input = tid('prompt-input');
    await input.waitFor();
    const dir = join(app.workspace, 'exported-mnist');
    await input.fill(dir);
    await input.press('Enter');
    await expect.poll(() => tid('training-notice').textContent().catch(() => ''), { timeout: 30_000 }).toMatch(/Exported \d+ files/);
    const files = await readdir(dir);
    expect(files).toContain('model.json');
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    const { readFile } = await import('node:fs/promises');
    const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { modelTopology: unknown; weightsManifest: { paths: string[]; weights: tfjs.io.WeightsManifestEntry[] }[] };
    const buffers = await Promise.all(modelJson.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))));
    const weightData = Buffer.concat(buffers);
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology as tfjs.io.ModelArtifacts['modelTopology'],
        weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
        weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
      }),
    );
    const out = model.predict(tf.zeros([1, 28, 28, 1])) as tfjs.Tensor;
    expect(out.shape).toEqual([1, 10]);
    const sum = (await out.sum().data())[0]!;
    expect(sum).toBeCloseTo(1, 3);
  });

  it('exports the graph as TypeScript and Python code', async () => {
    for (const [button, name, marker] of [['export-code-ts', /\.ts$/, /tf\.(model|sequential|layers)/], ['export-code-py', /\.py$/, /keras/]] as const) {
      const download = page.waitForEvent('download');
      await tid(button).click();
      const d = await download;
      expect(d.suggestedFilename()).toMatch(name);
      const text = await readFile((await d.path())!, 'utf8');
      expect(text).toMatch(marker);
      expect(text).toMatch(/hidden/); // the graph's own layer names
    }
  });

  it('stops a second run mid-epoch and compares both runs', async () => {
    // The second run learns faster: the comparison's settings diff must name that difference.
    await tid('training-tab-settings').click();
    await setNumber('setting-lr', 0.003);
    // Ctrl+Enter while typing in a field is the field's: no run starts.
    const runsBefore = (await runRows()).length;
    await tid('setting-lr').focus();
    await page.keyboard.press('Control+Enter');
    await page.waitForTimeout(700);
    expect((await runRows()).length).toBe(runsBefore);
    expect(await phase()).toBe('completed');
    // Outside a field it trains.
    await tid('training-tab-curves').click();
    await page.keyboard.press('Control+Enter');
    await waitPhase(/running|starting/);
    await waitPhase(/running/);
    await expect.poll(async () => Number(await tid('progress').getAttribute('data-step')), { timeout: 60_000, interval: 50 }).toBeGreaterThan(3);
    // Pause holds the run (no new batches), Resume continues it.
    await tid('pause-button').click();
    await waitPhase(/paused/);
    await page.waitForTimeout(300); // a batch already under way may still report
    const held = await tid('progress').getAttribute('data-step');
    await page.waitForTimeout(700);
    expect(await tid('progress').getAttribute('data-step')).toBe(held);
    expect(await tid('pause-button').textContent()).toMatch(/Resume/);
    await tid('pause-button').click();
    await waitPhase(/running/);
    await expect.poll(async () => Number(await tid('progress').getAttribute('data-step')), { timeout: 30_000, interval: 50 }).toBeGreaterThan(Number(held));
    await tid('stop-button').click();
    await waitPhase(/stopped/);
    // Stopped mid-epoch: the batch it stopped at is short of the epoch's end.
    const [, batch, perEpoch] = (await tid('progress').textContent())!.match(/Epoch [12]\/2 · batch (\d+)\/(\d+)/)!;
    expect(Number(batch)).toBeLessThan(Number(perEpoch));
    const [a, b] = await runRows();
    expect(a && b).toBeTruthy();
    // Compare: tick both runs; both appear on the charts and the settings diff lists what differed.
    await tid(a!).locator('input[type=checkbox]').check();
    await tid(b!).locator('input[type=checkbox]').check();
    await expect.poll(async () => (await chartSummary('loss-chart')).map((l) => l.label).join(',')).toMatch(/#1 loss.*#2 loss|#2 loss.*#1 loss/);
    await tid('settings-diff').waitFor();
    expect(await tid('settings-diff').textContent()).toMatch(/learningRate\s*0\.003\s*0\.001/);
    expect(await tid('settings-diff').textContent()).toMatch(/status\s*stopped\s*completed/);
    await page.mouse.move(0, 0);
    await screenshot(page, 'training-compare');
    // The runs panel is readable at the default window size and narrower: nothing clipped or scrolling sideways.
    for (const width of [1400, 1100]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(200);
      const clipped = await tid('runs-list').evaluate((el) => {
        const over = (e: Element) => e.scrollWidth > e.clientWidth + 1;
        return [el, ...el.querySelectorAll('*')].filter(over).map((e) => `${e.tagName}.${e.className}: ${e.textContent}`);
      });
      expect(clipped, `at ${width} px`).toEqual([]);
    }
    await screenshot(page, 'training-compare-narrow');
    await page.setViewportSize({ width: 1400, height: 900 });
    for (let i = 0; i < 3 && (await page.evaluate(() => document.documentElement.dataset.theme)) !== 'dark'; i++) await tid('theme-button').click();
    await page.waitForTimeout(200);
    await screenshot(page, 'training-compare-dark');
  });

  it('keeps the runs of the graph when it is saved and across a reload, with their saved per-batch curves', async () => {
    const before = await runRows();
    // Saving the unsaved graph takes its runs along to the file.
    await tid('save-as-button').click();
    await tid('prompt-input').fill('mnist-runs.tlgraph');
    await tid('prompt-input').press('Enter');
    await expect.poll(() => tid('doc-title').textContent()).toMatch(/mnist-runs/);
    await expect.poll(runRows, { timeout: 20_000 }).toEqual(before);
    // A fresh unsaved graph lists none of them (each document has its own runs).
    await openTemplateFresh('mnist-mlp');
    await tid('runs-list').waitFor();
    await page.waitForTimeout(500);
    expect(await runRows()).toEqual([]);
    await page.reload();
    await tid('recent-files').getByText('mnist-runs.tlgraph', { exact: true }).click();
    await tid('dock-tab-training').click();
    await expect.poll(runRows, { timeout: 20_000 }).toEqual(before);
    // The completed run (the older one): its saved batch points draw the per-batch curve, as they did live.
    await tid(before[1]!).click();
    await expect.poll(async () => (await chartSummary('loss-chart')).map((l) => l.label).join(','), { timeout: 20_000 }).toBe('loss,val_loss');
    const loss = await chartSummary('loss-chart');
    expect(loss.find((l) => l.label === 'loss')!.n).toBeGreaterThan(10);
    expect(loss.find((l) => l.label === 'val_loss')!.n).toBe(2);
    expect(await tid('x-step').getAttribute('class')).toMatch(/\bon\b/);
    expect(await phase()).toBe('completed');
    // Its list entry and the progress bar agree on the duration.
    const duration = (await tid(before[1]!).getByTestId('entry-duration').textContent())!.trim();
    expect(await tid('progress').textContent()).toContain(`completed in ${duration}`);
    // The settings that differed are still known after the reload.
    await tid(before[0]!).locator('input[type=checkbox]').check();
    await tid(before[1]!).locator('input[type=checkbox]').check();
    await expect.poll(() => tid('settings-diff').textContent(), { timeout: 20_000 }).toMatch(/learningRate\s*0\.003\s*0\.001/);
    await tid(before[1]!).click();
    await page.mouse.move(0, 0);
    await screenshot(page, 'training-after-reload');
    // The setting changed before the second run was saved with the file.
    await tid('training-tab-settings').click();
    expect(await tid('setting-lr').inputValue()).toBe('0.003');
    await tid('training-tab-curves').click();
  });

  it('an incompatible dataset shows the reason and does not train', async () => {
    const before = (await runRows()).length;
    await tid('dataset-select').selectOption('iris');
    // The mnist run's progress and values do not stay up as if they were iris's.
    await expect.poll(() => tid('progress').textContent()).not.toMatch(/Epoch/);
    expect(await tid('latest-values').count()).toBe(0);
    await tid('train-button').click();
    const notice = tid('training-notice-error');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/Input 'image' expects \[28, 28, 1\] but dataset 'iris' yields \[4\]/);
    await page.waitForTimeout(500);
    expect((await runRows()).length).toBe(before);
    // The one-click fixes are offered in the Data tab.
    await tid('training-tab-data').click();
    // One click per fix edits the graph through the editor (undoable); after both, iris fits and Train may run.
    await applyBothFixes(20_000);
    expect(await tid('node-n1').textContent()).toMatch(/\[null, 4\]/);
    // The "cannot train" notice went away with the problem.
    expect(await tid('training-notice-error').count()).toBe(0);
    await tid('undo-button').click();
    await tid('undo-button').click();
    await expect.poll(() => tid('fit-fix').count()).toBe(2);
  });

  it('a diverging run fails with its reason next to the curves; the graph and earlier runs stay', async () => {
    await openTemplateFresh('sine-gru');
    await tid('training-tab-data').click();
    await setNumber('sample-limit', 128);
    await tid('training-tab-settings').click();
    await setNumber('setting-epochs', 1);
    // A first run on the plain-JS backend: the badge and the list say which backend it used.
    await tid('setting-backend').selectOption('cpu');
    await tid('train-button').click();
    await waitPhase(/completed/);
    expect(await tid('backend-badge').textContent()).toMatch(/^cpu · /);
    const [first] = await runRows();
    expect(await tid(first!).textContent()).toMatch(/completed.*sine\s*· cpu/);
    // Regression results: predicted vs actual over the validation samples, and the model tried on typed values.
    await tid('training-tab-results').click();
    const pva = tid('predicted-vs-actual');
    await pva.waitFor({ timeout: 30_000 });
    expect(Number(await pva.getAttribute('data-points'))).toBeGreaterThan(5);
    await tid('predict-text').fill(Array.from({ length: 32 }, (_, i) => Math.sin(i * 0.2).toFixed(3)).join(', '));
    await tid('predict-button').click();
    await expect.poll(() => tid('prediction').textContent().catch(() => ''), { timeout: 60_000 }).toMatch(/predicted -?\d/);
    await screenshot(page, 'training-regression-results');
    // Plain SGD at a learning rate of 10^12: the loss overflows within a few batches.
    const nodes = await page.locator('.react-flow__node').count();
    await tid('training-tab-settings').click();
    await tid('setting-optimizer').selectOption('sgd');
    await setNumber('setting-lr', 1e12);
    await tid('setting-backend').selectOption('auto');
    await tid('train-button').click();
    await waitPhase(/failed/);
    const error = await tid('run-error').textContent();
    expect(error).toMatch(/^Run failed: The loss became (infinite|NaN) at epoch 1, batch \d+; training diverged\. Lower the learning rate .*\. The graph and earlier runs are unchanged\.$/);
    expect(await page.locator('.react-flow__node').count()).toBe(nodes);
    const rows = await runRows();
    expect(rows).toHaveLength(2);
    expect(await tid(rows[1]!).getByTestId('entry-status').textContent()).toBe('completed');
    expect(await tid(rows[0]!).getByTestId('entry-status').textContent()).toBe('failed');
    await tid('training-tab-curves').click();
    await page.mouse.move(0, 0);
    await screenshot(page, 'training-failed-run');
    // The failed run, loaded after a reload, still says why.
    await tid('save-as-button').click();
    await tid('prompt-input').fill('sine-runs.tlgraph');
    await tid('prompt-input').press('Enter');
    await expect.poll(() => tid('doc-title').textContent()).toMatch(/sine-runs/);
    await page.reload();
    await tid('recent-files').getByText('sine-runs.tlgraph', { exact: true }).click();
    await tid('dock-tab-training').click();
    await expect.poll(runRows, { timeout: 20_000 }).toEqual(rows);
    await tid(rows[0]!).click();
    await expect.poll(() => tid('run-error').textContent().catch(() => ''), { timeout: 20_000 }).toMatch(/The loss became (infinite|NaN)/);
    expect(await tid('loss-chart').getByTestId('chart-empty').count()).toBe(0);
  });

  it("previews the user's own data: a CSV table, an image folder, a text file", async () => {
    await tid('training-tab-data').click();
    await page.locator('.tl-own summary').click();
    await tid('own-data-kind').selectOption('csv');
    await tid('own-data-path').fill('data/table.csv');
    await tid('own-data-target').fill('kind');
    await tid('own-data-use').click();
    const table = tid('dataset-preview').locator('table');
    await table.waitFor({ timeout: 30_000 });
    expect(await table.locator('th').allTextContents()).toEqual(['length', 'width', 'colour', 'kind (target)']);
    expect(await tid('dataset-select').inputValue()).toBe('file:csv');
    expect(await page.locator('.tl-data dl').textContent()).toMatch(/classification/);
    await screenshot(page, 'training-own-csv');
    await tid('own-data-kind').selectOption('images');
    await tid('own-data-path').fill('data/images');
    await tid('own-data-use').click();
    await expect.poll(() => tid('dataset-preview').locator('img').count(), { timeout: 30_000 }).toBeGreaterThan(3);
    expect(await tid('dataset-preview').textContent()).toMatch(/2 classes: bright, dark/);
    await tid('own-data-kind').selectOption('text');
    await tid('own-data-path').fill('data/corpus.txt');
    await tid('own-data-use').click();
    await expect.poll(() => tid('dataset-preview').locator('.tl-snippet').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.locator('.tl-data dl').textContent()).toMatch(/languageModel/);
    // Each snippet is the text once: the target (the same text shifted by one character) is not printed before it.
    const snippet = (await tid('dataset-preview').locator('.tl-snippet').first().textContent())!.trim();
    expect(await tid('dataset-preview').locator('.tl-snippet b').count()).toBe(0);
    expect((await readFile(join(app.workspace, 'data', 'corpus.txt'), 'utf8')).replace(/\s+/g, ' ')).toContain(snippet.replace(/\s+/g, ' ').slice(0, 20));
    // A path that is not there names the file.
    await tid('own-data-path').fill('data/missing.txt');
    await tid('own-data-use').click();
    await expect.poll(() => page.locator('.tl-data-facts .tl-error').first().textContent().catch(() => ''), { timeout: 30_000 }).toMatch(/missing\.txt/);
  });

  it("a model trained on the user's CSV lists its validation samples as a table with predicted and true class", async () => {
    await openTemplateFresh('iris-mlp');
    await tid('training-tab-data').click();
    await page.locator('.tl-own summary').click();
    await tid('own-data-kind').selectOption('csv');
    await tid('own-data-path').fill('data/table.csv');
    await tid('own-data-target').fill('kind');
    await tid('own-data-use').click();
    // Iris' 4 features and 3 classes become the table's 5 (one-hot colour) and 2, one click each.
    await applyBothFixes(30_000);
    await tid('train-button').click();
    await waitPhase(/completed/);
    await tid('training-tab-results').click();
    const table = tid('validation-samples').locator('table');
    await table.waitFor({ timeout: 30_000 });
    expect(await table.locator('th').allTextContents()).toEqual(['length', 'width', 'colour', 'predicted', 'true']);
    const rows = await table.locator('tbody tr').evaluateAll((els) => els.map((e) => [...e.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.length).toBeGreaterThan(0);
    for (const [length, width, colour, predicted, actual] of rows) {
      expect(Number(length)).toBeGreaterThan(0);
      expect(Number(width)).toBeGreaterThan(0);
      expect(['red', 'green', 'blue']).toContain(colour);
      expect(['large', 'small']).toContain(predicted);
      expect(['large', 'small']).toContain(actual);
    }
    expect(await tid('validation-samples').textContent()).not.toContain('{');
    await screenshot(page, 'training-table-results');
  });

  it('early stopping ends a run short of its epochs and says so: the progress text and the run log give the reason', async () => {
    // The spiral MLP trains 100 epochs by default.
    await openTemplateFresh('spiral-mlp');
    await tid('training-tab-settings').click();
    await tid('setting-early-stopping').check();
    await setNumber('setting-patience', 1);
    // No epoch improves val_loss by 10: the run stops after the patience runs out.
    await setNumber('setting-min-delta', 10);
    await tid('train-button').click();
    await waitPhase(/completed/);
    expect(await tid('progress').textContent()).toMatch(/^Epoch (\d+)\/100 · .* · stopped early in [\d.]+s$/);
    const log = tid('training-log');
    await log.locator('summary').click();
    const lines = await log.getByTestId('log-line').allTextContents();
    expect(lines.join('\n')).toMatch(/early stopping at epoch \d+: 'val_loss' has not improved by more than 10 for 1 epoch \(patience 1; best [\d.]+ at epoch \d+\)/);
    expect(lines.join('\n')).toMatch(/restored the weights of epoch \d+/);
  });

  it('a never-saved graph that trained comes back after a crash with its runs', async () => {
    await openTemplateFresh('iris-mlp');
    await tid('training-tab-settings').click();
    // An edit, so the document has unsaved changes and gets a recovery copy.
    await setNumber('setting-epochs', 2);
    await tid('train-button').click();
    await waitPhase(/completed/);
    const rows = await runRows();
    expect(rows).toHaveLength(1);
    // The autosave (every few seconds) has copied it; then the tab dies without saving.
    const copies = async () => {
      const names = await readdir(join(app.dataDir, 'recovery')).catch(() => [] as string[]);
      const texts = await Promise.all(names.map((n) => readFile(join(app.dataDir, 'recovery', n), 'utf8').catch(() => '')));
      return texts.filter((t) => t.includes('Iris MLP') && t.includes('"epochs":2')).length;
    };
    await expect.poll(copies, { timeout: 20_000 }).toBeGreaterThan(0);
    await page.reload();
    await page.getByTestId('recovery-list').locator('button', { hasText: 'Iris MLP' }).first().click();
    await tid('dock-tab-training').click();
    await expect.poll(runRows, { timeout: 20_000 }).toEqual(rows);
  });
});
