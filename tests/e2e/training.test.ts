import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openApp, screenshot, startApp, type TestApp, type TestBrowser } from './harness.js';

// The training view end to end: open mnist-mlp, choose mnist, train two epochs on a small slice while the loss
// chart fills, stop a second run mid-epoch, compare both, see the confusion matrix, export the model and reload it
// in plain tfjs; an incompatible dataset is refused with the reason and no run starts.

let app: TestApp;
let browser: TestBrowser;
let page: Page;

/** Training samples per run: enough batches that the run lasts a few seconds, small enough to stay fast. */
const LIMIT = 3000;

beforeAll(async () => {
  app = await startApp();
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

async function runRows(): Promise<string[]> {
  return page.locator('[data-testid^="run-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!).filter((t) => t !== 'run-error'));
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
    expect(await grid.textContent()).toContain(`${wrong} mistakes and ${shown - wrong} correct`);
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

  it('stops a second run mid-epoch and compares both runs', async () => {
    // The second run learns faster: the comparison's settings diff must name that difference.
    await tid('training-tab-settings').click();
    await setNumber('setting-lr', 0.003);
    await tid('training-tab-curves').click();
    await tid('train-button').click();
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
    await page.reload();
    // A fresh unsaved graph lists none of them (each document has its own runs).
    await tid('template-mnist-mlp').click();
    await tid('dock-tab-training').click();
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
  });

  it('an incompatible dataset shows the reason and does not train', async () => {
    const before = (await runRows()).length;
    await tid('dataset-select').selectOption('iris');
    await tid('train-button').click();
    const notice = tid('training-notice-error');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/Input 'image' expects \[28, 28, 1\] but dataset 'iris' yields \[4\]/);
    await page.waitForTimeout(500);
    expect((await runRows()).length).toBe(before);
    // The one-click fixes are offered in the Data tab.
    await tid('training-tab-data').click();
    await expect.poll(() => tid('fit-fix').count(), { timeout: 20_000 }).toBe(2);
    // One click per fix edits the graph through the editor (undoable); after both, iris fits and Train may run.
    await tid('fit-fix').first().click();
    await expect.poll(() => tid('fit-fix').count()).toBe(1);
    await tid('fit-fix').first().click();
    await expect.poll(() => tid('dataset-fit').textContent()).toMatch(/Fits the graph/);
    expect(await tid('node-n1').textContent()).toMatch(/\[null, 4\]/);
    await tid('undo-button').click();
    await tid('undo-button').click();
    await expect.poll(() => tid('fit-fix').count()).toBe(2);
  });
});
