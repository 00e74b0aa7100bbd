import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadGraph, serializeGraph } from '../../graph/document.js';
import { getTemplate } from '../../graph/templates/index.js';
import { launchBrowser, openApp, screenshot, startApp, waitReady, type TestApp, type TestBrowser } from './harness.js';

// A user's first session: build a small convnet by dragging from the palette and wiring handles, edit it,
// arrange it, save it, reload the page and reopen it.

let app: TestApp;
let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  page = await openApp(app, browser);
});

afterEach(async (ctx) => {
  await screenshot(page, `editor-${ctx.task.name}`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const node = (id: string) => page.getByTestId(`node-${id}`);
const edgeLabels = () => page.locator('[data-testid^="edge-"]');

async function dropLayer(type: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-item-${type}`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
}

async function center(selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags from one node's output handle to another's input handle, like a user; returns the reason shown at the pointer, if any. */
async function wire(from: string, to: string, handle = 'in'): Promise<string | null> {
  const a = await center(`[data-testid="node-${from}"] .react-flow__handle[data-handleid="out"]`);
  const b = await center(`[data-testid="node-${to}"] .react-flow__handle[data-handleid="${handle}"]`);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x, b.y, { steps: 5 });
  const reason = page.getByTestId('connection-reason');
  const text = (await reason.isVisible()) ? await reason.textContent() : null;
  if (text) await screenshot(page, 'editor-refused-connection-while-dragging');
  await page.mouse.up();
  return text;
}

async function positions(): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const id of ['n1', 'n2', 'n3', 'n4', 'n5']) out[id] = await page.locator(`.react-flow__node[data-id="${id}"]`).getAttribute('style');
  return out;
}

describe('graph editor in Chromium', () => {
  it('builds Input → Conv2D → Flatten → Dense → Output from the palette and shows edge shapes', async () => {
    await page.getByTestId('new-button').click();
    await page.getByTestId('canvas').waitFor();
    await dropLayer('Input', 90, 120);
    await dropLayer('Conv2D', 330, 120);
    await dropLayer('Flatten', 90, 330);
    await dropLayer('Dense', 330, 330);
    await dropLayer('Output', 570, 330);
    for (const id of ['n1', 'n2', 'n3', 'n4', 'n5']) await node(id).waitFor();
    await expect.poll(() => node('n2').textContent()).toContain('32 · 3×3');

    expect(await wire('n1', 'n2')).toBeNull();
    expect(await wire('n2', 'n3')).toBeNull();
    expect(await wire('n3', 'n4')).toBeNull();
    expect(await wire('n4', 'n5')).toBeNull();
    await expect.poll(() => edgeLabels().count()).toBe(4);
    expect(await edgeLabels().allTextContents()).toEqual(['28×28×1', '26×26×32', '21632', '64']);
    expect(await page.getByTestId('shape-n3').textContent()).toBe('[null, 21632]');
    expect(await page.getByTestId('status-params').textContent()).toContain(String((9 * 32 + 32 + 21632 * 64 + 64).toLocaleString('en-US')));
    // Valid, with one warning: the palette's Dense is linear, and the Output's default loss wants probabilities.
    expect(await page.getByTestId('problems').textContent()).toContain('ends in no activation (linear), so it outputs raw scores; set its activation to softmax');
    expect(await page.getByTestId('status-problems').getAttribute('class')).toContain('warning');
  });

  it('changes downstream shapes when Conv2D filters are edited in the inspector', async () => {
    await node('n2').click();
    const filters = page.getByTestId('param-filters');
    await filters.fill('abc');
    expect(await page.getByTestId('inspector').textContent()).toContain('must be a number');
    await filters.fill('8');
    await filters.press('Enter');
    await expect.poll(() => page.getByTestId('shape-n3').textContent()).toBe('[null, 5408]');
    expect(await edgeLabels().allTextContents()).toEqual(['28×28×1', '26×26×8', '5408', '64']);
  });

  it('refuses an invalid connection while dragging and says why', async () => {
    const before = await edgeLabels().count();
    // Conv2D's single input is taken, and Dense → Conv2D would close a loop.
    const reason = await wire('n4', 'n2');
    expect(reason).toMatch(/already connected|cycle/);
    expect(await edgeLabels().count()).toBe(before);
    expect(await node('n2').textContent()).toContain('8 · 3×3');
  });

  it('undoes and redoes the filters edit', async () => {
    await page.getByTestId('canvas').click({ position: { x: 700, y: 40 } });
    await page.getByTestId('undo-button').click();
    await expect.poll(() => page.getByTestId('shape-n3').textContent()).toBe('[null, 21632]');
    await page.getByTestId('redo-button').click();
    await expect.poll(() => page.getByTestId('shape-n3').textContent()).toBe('[null, 5408]');
    // The keyboard does the same.
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('shape-n3').textContent()).toBe('[null, 21632]');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.getByTestId('shape-n3').textContent()).toBe('[null, 5408]');
  });

  it('arranges the graph left to right, as one undoable step', async () => {
    const before = await positions();
    await page.getByTestId('layout-button').click();
    await expect.poll(async () => JSON.stringify(await positions())).not.toBe(JSON.stringify(before));
    const x = async (id: string) => (await node(id).boundingBox())!.x;
    await page.waitForTimeout(400);
    expect(await x('n1')).toBeLessThan(await x('n2'));
    expect(await x('n2')).toBeLessThan(await x('n3'));
    await page.getByTestId('undo-button').click();
    await expect.poll(async () => JSON.stringify(await positions())).toBe(JSON.stringify(before));
    await page.getByTestId('redo-button').click();
  });

  it('saves, reloads the page, reopens the file and finds the same graph', async () => {
    await page.getByTestId('save-button').click();
    await page.getByTestId('prompt-input').fill('first-convnet');
    await page.getByTestId('prompt-ok').click();
    await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe('first-convnet.tlgraph');
    expect(await page.getByTestId('dirty-marker').count()).toBe(0);
    const saved = loadGraph(await readFile(join(app.workspace, 'first-convnet.tlgraph'), 'utf8'));
    if (!saved.ok) throw new Error(saved.error);
    expect(saved.graph.nodes.map((n) => n.type)).toEqual(['Input', 'Conv2D', 'Flatten', 'Dense', 'Output']);
    expect(saved.graph.nodes[1]!.params.filters).toBe(8);
    expect(saved.graph.edges).toHaveLength(4);
    const shapesBefore = await edgeLabels().allTextContents();
    const positionsBefore = await positions();

    await page.reload();
    await waitReady(page);
    await page.getByTestId('start-screen').getByText('first-convnet.tlgraph').first().click();
    for (const n of saved.graph.nodes) await node(n.id).waitFor();
    await expect.poll(() => edgeLabels().allTextContents()).toEqual(shapesBefore);
    expect(await positions()).toEqual(positionsBefore);
    expect(await page.getByTestId('doc-title').textContent()).toBe('first-convnet.tlgraph');
    expect(browser.errors).toEqual([]);
  });

  it('adds a connected layer with quick-add (Tab, type, Enter) and inserts a layer dropped onto an edge', async () => {
    await node('n4').click();
    await page.keyboard.press('Tab');
    await page.getByTestId('quick-add').locator('input').fill('dropo');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-layer-type="Dropout"]').count()).toBe(1);
    const dropoutId = (await page.locator('.react-flow__node:has([data-layer-type="Dropout"])').getAttribute('data-id'))!;
    // Dense → Dropout is wired at once; its output feeds nothing yet, which the problems list says.
    await expect.poll(() => edgeLabels().count()).toBe(5);
    expect(await page.getByTestId('problems').textContent()).toContain('does not lead to any Output');
    await page.getByTestId(`problem-${dropoutId}`).click();
    expect(await page.getByTestId('inspector').textContent()).toContain('Dropout');
    await page.getByTestId('undo-button').click();
    await expect.poll(() => page.locator('[data-layer-type="Dropout"]').count()).toBe(0);

    // A wire dragged from an output and released on empty canvas opens quick-add; the new layer is connected.
    await page.waitForTimeout(400); // the problems list scrolled the view to the node; let it settle
    const out = await center('[data-testid="node-n3"] .react-flow__handle[data-handleid="out"]');
    await page.mouse.move(out.x, out.y);
    await page.mouse.down();
    await page.mouse.move(out.x + 60, out.y + 150, { steps: 6 });
    await page.mouse.up();
    await page.getByTestId('quick-add').locator('input').fill('GaussianNoise');
    await page.keyboard.press('Enter');
    await expect.poll(() => edgeLabels().count()).toBe(5);
    expect(await page.locator('[data-layer-type="GaussianNoise"]').count()).toBe(1);
    await page.getByTestId('undo-button').click();
    await expect.poll(() => edgeLabels().count()).toBe(4);

    // Drop a BatchNormalization onto the Flatten → Dense edge: it lands in between.
    const label = await page.getByTestId('edge-e3').boundingBox();
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    await page.getByTestId('palette-item-BatchNormalization').dragTo(page.getByTestId('canvas'), {
      targetPosition: { x: label!.x + label!.width / 2 - canvas.x + 30, y: label!.y + label!.height / 2 - canvas.y + 1 },
    });
    await expect.poll(() => page.locator('[data-layer-type="BatchNormalization"]').count()).toBe(1);
    expect(await page.getByTestId('edge-e3').count()).toBe(0);
    expect(await edgeLabels().count()).toBe(5);
    expect(await page.getByTestId('status-problems').getAttribute('class')).not.toContain('error');
    expect(await page.getByTestId('problems').textContent()).not.toContain('does not lead to any Output');
    await page.getByTestId('undo-button').click();
    await expect.poll(() => page.getByTestId('edge-e3').count()).toBe(1);
  });

  it('copies layers in one tab and pastes them in another, and deletes with the keyboard', async () => {
    await page.getByTestId('canvas').click({ position: { x: 700, y: 30 } });
    await page.keyboard.press('f');
    await page.waitForTimeout(400);
    await node('n2').click();
    await node('n3').click({ modifiers: ['Shift'] });
    await page.keyboard.press('Control+c');
    const other = await browser.context.newPage();
    try {
      await other.goto(app.server.url);
      await waitReady(other);
      await other.getByTestId('new-button').click();
      await other.getByTestId('canvas').click({ position: { x: 300, y: 200 } });
      await other.keyboard.press('Control+v');
      await expect.poll(() => other.locator('.react-flow__node').count()).toBe(2);
      expect(await other.locator('[data-testid^="edge-"]').count()).toBe(1);
      expect(await other.locator('.react-flow__node').allTextContents()).toEqual([expect.stringContaining('conv2d'), expect.stringContaining('flatten')]);
      await other.keyboard.press('Delete');
      await expect.poll(() => other.locator('.react-flow__node').count()).toBe(0);
      await other.keyboard.press('Control+z');
      await expect.poll(() => other.locator('.react-flow__node').count()).toBe(2);
    } finally {
      await other.close();
    }
    // Duplicate in place, then undo it in one step.
    await page.keyboard.press('Control+d');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(7);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(5);
  });

  it('looks right in light and dark themes', async () => {
    await page.keyboard.press('f');
    await node('n2').click();
    await page.getByTestId('dock-tab-summary').click();
    await page.waitForTimeout(400);
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'editor-graph-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await screenshot(page, 'editor-graph-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('switches documents after editing a template without a crash: New, Open another file, delete a Conv2D', async () => {
    const errorsBefore = browser.errors.length;
    // Templates store sparse params (no strides) and node ids repeat across documents (n1, n2, ...): the
    // previous document's nodes must not be drawn with the next one's data.
    await writeFile(join(app.workspace, 'resnet.tlgraph'), serializeGraph(getTemplate('mnist-resnet')!.build()));
    const accept = (d: { accept(): Promise<void> }) => void d.accept();
    page.on('dialog', accept);
    try {
      await page.locator('.brand').click();
      await page.getByTestId('template-mnist-convnet').click();
      await node('n2').click();
      await page.getByTestId('param-filters').fill('16');
      await expect.poll(() => node('n2').textContent()).toContain('16 · 3×3');
      await page.getByTestId('new-button').click();
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(0);
      await page.getByTestId('open-button').click();
      await page.getByTestId('browse-resnet.tlgraph').click();
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(15);
      await page.keyboard.press('f');
      await page.waitForTimeout(300);
      const conv = page.locator('.react-flow__node:has([data-layer-type="Conv2D"])').first();
      await conv.click();
      await page.keyboard.press('Delete');
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(14);
      // Open the convnet again over the edited file (ids n1..n9 now name other layers) and delete there too.
      await page.locator('.brand').click();
      await page.getByTestId('template-mnist-convnet').click();
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(9);
      await node('n4').click();
      await page.keyboard.press('Delete');
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(8);
    } finally {
      page.off('dialog', accept);
    }
    expect(await page.getByText('Something went wrong').count()).toBe(0);
    expect(browser.errors.slice(errorsBefore)).toEqual([]);
  });

  it('opens the problems list from the status bar, and a dock tab click never hides it', async () => {
    await page.getByTestId('dock-tab-summary').click();
    expect(await page.getByTestId('problems').count()).toBe(0);
    await page.getByTestId('status-problems').click();
    await page.getByTestId('problems').waitFor();
    // Clicking the tab that is already open keeps it open (only the ▾ button folds the dock).
    await page.getByTestId('dock-tab-problems').click();
    await page.getByTestId('dock-tab-problems').click();
    expect(await page.getByTestId('problems').isVisible()).toBe(true);
    // Deleting conv2 left its successor unfed: the error count says so and the list names the node.
    expect(await page.getByTestId('status-problems').textContent()).toMatch(/\d+ error/);
    expect(await page.getByTestId('problems').textContent()).toContain('pool2');
  });
});
