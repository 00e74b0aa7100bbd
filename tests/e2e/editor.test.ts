import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGraph, loadGraph, serializeGraph, type Graph } from '../../graph/document.js';
import { inferGraph } from '../../graph/infer.js';
import { getLayer } from '../../graph/layers/index.js';
import { getTemplate } from '../../graph/templates/index.js';
import { formatCount } from '../../renderer/app/format.js';
import { discardUnsavedChanges, launchBrowser, openApp, screenshot, startApp, waitReady, type TestApp, type TestBrowser } from './harness.js';

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
    // In the inspector the warning sits under the loss field in the warning colour, not as an error.
    await node('n5').click();
    await expect.poll(() => page.locator('[data-testid="inspector"] .field-warning').count()).toBe(1);
    expect(await page.locator('[data-testid="inspector"] .field-warning').textContent()).toContain('ends in no activation (linear)');
    expect(await page.locator('[data-testid="inspector"] .field-error').count()).toBe(0);
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
    // Typed straight after Tab, as a user does: no letter is lost before the search box has focus.
    await page.keyboard.press('Tab');
    await page.keyboard.type('dropo');
    expect(await page.getByTestId('quick-add').locator('input').inputValue()).toBe('dropo');
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
    // Each switch away from an edited document asks Save / Don't Save / Cancel: don't save.
    const dontSave = () =>
      page
        .getByTestId('choice-discard')
        .waitFor({ timeout: 2000 })
        .then(
          () => page.getByTestId('choice-discard').click(),
          () => undefined,
        );
    await page.locator('.brand').click();
    await dontSave();
    await page.getByTestId('template-mnist-convnet').click();
    await node('n2').click();
    await page.getByTestId('param-filters').fill('16');
    await expect.poll(() => node('n2').textContent()).toContain('16 · 3×3');
    await page.getByTestId('new-button').click();
    await dontSave();
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
    await dontSave();
    await page.getByTestId('template-mnist-convnet').click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(9);
    await node('n4').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(8);
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

// ---- Editing, viewing and wiring on prepared documents (opened from the workspace like a user's files).

type Box = { x: number; y: number; width: number; height: number };
const within = (a: Box, b: Box, slack = 1) => a.x >= b.x - slack && a.y >= b.y - slack && a.x + a.width <= b.x + b.width + slack && a.y + a.height <= b.y + b.height + slack;
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const box = async (selector: string): Promise<Box> => {
  const b = await page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} is not on screen`);
  return b;
};

/** A document from nodes [id, type, name, x, y, params] and edges [source, target, targetHandle]. */
function doc(name: string, nodes: [string, string, string, number, number, Record<string, unknown>?][], edges: [string, string, string?][]): Graph {
  const g = createGraph(name);
  g.nodes = nodes.map(([id, type, n, x, y, params]) => ({ id, type, name: n, position: { x, y }, params: params ?? {} }));
  g.edges = edges.map(([source, target, targetHandle], i) => ({ id: `e${i + 1}`, source, sourceHandle: 'out', target, targetHandle: targetHandle ?? 'in' }));
  return g;
}

/** Writes a graph into the workspace and opens it through Open…, like a user's own file. */
async function openFromWorkspace(file: string, graph: Graph): Promise<void> {
  await writeFile(join(app.workspace, file), serializeGraph(graph));
  await page.getByTestId('open-button').first().click();
  await page.getByTestId(`browse-${file}`).click();
  await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe(file);
  await expect.poll(() => page.locator('.react-flow__node').count()).toBeGreaterThan(0);
  await page.waitForTimeout(250); // the first fit happens on the frame after the nodes are measured
}

/** The canvas viewport: translation and zoom. */
async function viewport(): Promise<{ x: number; y: number; zoom: number }> {
  const style = (await page.locator('.react-flow__viewport').getAttribute('style')) ?? '';
  const m = /translate\(([-\d.e]+)px, ([-\d.e]+)px\) scale\(([\d.e-]+)\)/.exec(style);
  if (!m) throw new Error(`no viewport transform in '${style}'`);
  return { x: Number(m[1]), y: Number(m[2]), zoom: Number(m[3]) };
}

/** Zoom changes animate; waits until the view holds still. */
async function settled(): Promise<void> {
  let last = JSON.stringify(await viewport());
  for (;;) {
    await page.waitForTimeout(150);
    const now = JSON.stringify(await viewport());
    if (now === last) return;
    last = now;
  }
}

/** Drags a wire from a node's output (or input) handle to a point; returns the reason shown there, if any, and releases. */
async function wireTo(fromHandle: string, to: { x: number; y: number }, shot?: string): Promise<{ reason: string | null; bubble: Box | null }> {
  const a = await center(fromHandle);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + to.x) / 2, (a.y + to.y) / 2 + 30, { steps: 6 });
  await page.mouse.move(to.x, to.y, { steps: 6 });
  const bubbleEl = page.getByTestId('connection-reason');
  const visible = await bubbleEl.isVisible();
  const result = { reason: visible ? await bubbleEl.textContent() : null, bubble: visible ? await bubbleEl.boundingBox() : null };
  if (shot) await screenshot(page, shot);
  await page.mouse.up();
  return result;
}

describe('editing, viewing and wiring prepared documents', () => {
  beforeAll(async () => {
    // Opening another document over unsaved edits asks first; these tests mean to discard.
    await discardUnsavedChanges(page);
  });

  it('outlines an invalid layer in red and explains it on hover, readable and inside the canvas', async () => {
    // The convnet with conv2 deleted (previous test): pool2 has no input.
    const pool2 = page.locator('.react-flow__node:has-text("pool2") .layer-node');
    await expect.poll(() => pool2.getAttribute('class')).toContain('has-error');
    const errorColour = await page.evaluate(() => {
      const probe = document.createElement('div');
      probe.style.color = 'var(--error)';
      document.body.append(probe);
      const c = getComputedStyle(probe).color;
      probe.remove();
      return c;
    });
    expect(await pool2.evaluate((el) => getComputedStyle(el).borderTopColor)).toBe(errorColour);
    await page.keyboard.press('f');
    await settled();
    expect((await viewport()).zoom).toBeLessThan(0.6);
    await pool2.hover();
    const tip = page.getByTestId('node-problem-tip');
    await tip.waitFor();
    expect(await tip.textContent()).toContain("'pool2' has nothing connected to its input 'in'");
    // Screen-sized whatever the zoom, and inside the canvas rather than under the inspector.
    expect(await tip.evaluate((el) => getComputedStyle(el).fontSize)).toBe('12px');
    expect(within((await tip.boundingBox())!, await box('[data-testid="canvas"]'))).toBe(true);
    await page.mouse.move(5, 5);
    await expect.poll(() => tip.count()).toBe(0);
  });

  it('refuses a third input into a two-input layer and a cycle, saying why at the pointer, above the target', async () => {
    await openFromWorkspace(
      'wiring.tlgraph',
      doc('wiring', [
        ['n1', 'Input', 'features', 0, 150, { shape: [8] }],
        ['n2', 'Add', 'sum', 230, 0],
        ['n3', 'Dense', 'left', 460, 0, { units: 8 }],
        ['n4', 'Subtract', 'difference', 690, 150],
        ['n5', 'Dense', 'right', 460, 300, { units: 8 }],
        ['n6', 'Dense', 'third', 230, 300, { units: 8 }],
      ], [['n1', 'n2', 'in0'], ['n2', 'n3'], ['n3', 'n4', 'in0'], ['n1', 'n5'], ['n5', 'n4', 'in1'], ['n1', 'n6']]),
    );
    const edges = await edgeLabels().count();
    expect(edges).toBe(6);
    const target = await box('[data-testid="node-n4"]');
    // Released on the body of the full Subtract: the reason shows above it, not over its own text.
    const onBody = await wireTo('[data-testid="node-n6"] .react-flow__handle[data-handleid="out"]', { x: target.x + target.width / 2, y: target.y + target.height / 2 }, 'editor-refused-third-input');
    expect(onBody.reason).toBe("Subtract 'difference' takes at most 2 inputs; remove one first");
    expect(onBody.bubble!.y + onBody.bubble!.height).toBeLessThanOrEqual(target.y + 1);
    await expect.poll(() => page.getByTestId('toast').textContent()).toContain('Not connected: Subtract');
    // Over its taken second handle it says the same, not that the one handle is taken.
    const onHandle = await wireTo('[data-testid="node-n6"] .react-flow__handle[data-handleid="out"]', await center('[data-testid="node-n4"] .react-flow__handle[data-handleid="in1"]'));
    expect(onHandle.reason).toBe("Subtract 'difference' takes at most 2 inputs; remove one first");
    // A true cycle: left's output into the free input of the Add that feeds it.
    const cycle = await wireTo('[data-testid="node-n3"] .react-flow__handle[data-handleid="out"]', await center('[data-testid="node-n2"] .react-flow__handle[data-handleid="in1"]'));
    expect(cycle.reason).toBe('That would create a cycle; networks must flow one way');
    // An Input's body takes nothing.
    const input = await box('[data-testid="node-n1"]');
    const onInput = await wireTo('[data-testid="node-n6"] .react-flow__handle[data-handleid="out"]', { x: input.x + input.width / 2, y: input.y + input.height / 2 });
    expect(onInput.reason).toBe("Input 'features' takes no input");
    expect(await edgeLabels().count()).toBe(edges);
    expect(await page.getByTestId('undo-button').isDisabled()).toBe(true);
    // A wire the layer accepts on its body still connects (to its first free input).
    const add = await box('[data-testid="node-n2"]');
    const ok = await wireTo('[data-testid="node-n6"] .react-flow__handle[data-handleid="out"]', { x: add.x + add.width / 2, y: add.y + add.height / 2 });
    expect(ok.reason).toBeNull();
    await expect.poll(() => edgeLabels().count()).toBe(edges + 1);
  });

  it('adds a layer where the user double-clicks the empty canvas', async () => {
    const canvas = await box('[data-testid="canvas"]');
    const at = { x: canvas.x + 120, y: canvas.y + canvas.height - 60 };
    // Tab gives the search box focus before the next keystroke can arrive, not a frame later, so letters typed at
    // once are kept (a keystroke is a task of its own; here one is dispatched, then the next task looks at the focus).
    await page.mouse.move(at.x, at.y);
    const focusedAtOnce = await page.evaluate(async () => {
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true }));
      await new Promise((r) => setTimeout(r, 0));
      const focused = document.activeElement?.closest('[data-testid="quick-add"]') != null;
      // Let go of the key too: React Flow counts keys held, and a Tab held would keep Shift+drag from box-selecting.
      window.dispatchEvent(new KeyboardEvent('keyup', { key: 'Tab', bubbles: true }));
      return focused;
    });
    expect(focusedAtOnce).toBe(true);
    await page.keyboard.press('Escape');
    await page.mouse.dblclick(at.x, at.y);
    await page.keyboard.type('dropout');
    const quick = page.getByTestId('quick-add');
    expect(await quick.locator('input').inputValue()).toBe('dropout');
    const q = (await quick.boundingBox())!;
    expect(Math.abs(q.x - at.x)).toBeLessThan(20);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-layer-type="Dropout"]').count()).toBe(1);
    const added = (await page.locator('.react-flow__node:has([data-layer-type="Dropout"])').boundingBox())!;
    // The new layer's corner is where the double-click was.
    expect(Math.abs(added.x - at.x)).toBeLessThan(25);
    expect(Math.abs(added.y - at.y)).toBeLessThan(25);
    await page.getByTestId('undo-button').click();
    await expect.poll(() => page.locator('[data-layer-type="Dropout"]').count()).toBe(0);
  });

  it('selects layers with a Shift+drag box and snaps a dragged layer to the 10 px grid', async () => {
    const a = await box('[data-testid="node-n3"]');
    const b = await box('[data-testid="node-n5"]');
    await page.keyboard.down('Shift');
    await page.mouse.move(Math.min(a.x, b.x) - 15, a.y - 15);
    await page.mouse.down();
    await page.mouse.move(Math.max(a.x + a.width, b.x + b.width) + 15, b.y + b.height + 15, { steps: 8 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(2);
    expect(await page.locator('.react-flow__node.selected').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort())).toEqual(['n3', 'n5']);
    expect(await page.getByTestId('inspector').textContent()).toContain('2 layers selected');
    await page.getByTestId('canvas').click({ position: { x: 8, y: 8 } });

    const n6 = await box('[data-testid="node-n6"]');
    await page.mouse.move(n6.x + 40, n6.y + 10);
    await page.mouse.down();
    const wire = page.locator('[data-testid="rf__edge-e6"] path.shape-edge');
    const wireBefore = await wire.getAttribute('d');
    await page.mouse.move(n6.x + 40 + 37, n6.y + 10 + 23, { steps: 6 });
    // Mid-drag, the wire into the layer already follows it.
    expect(await wire.getAttribute('d')).not.toBe(wireBefore);
    await page.mouse.up();
    const style = (await page.locator('.react-flow__node[data-id="n6"]').getAttribute('style')) ?? '';
    const [, x, y] = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(style)!.map(Number) as [number, number, number];
    expect([x % 10, y % 10]).toEqual([0, 0]);
    expect([x, y]).not.toEqual([230, 300]);
    // The document holds the new place, as one step: one undo puts the layer and its wire back.
    await page.getByTestId('undo-button').click();
    await expect.poll(() => page.locator('.react-flow__node[data-id="n6"]').getAttribute('style')).toContain('translate(230px, 300px)');
    expect(await wire.getAttribute('d')).toBe(wireBefore);
  });

  it('renames a layer in the inspector, and a name used twice is an error until fixed', async () => {
    await node('n3').click();
    const name = page.getByTestId('inspector-name');
    await name.fill('right');
    await expect.poll(() => page.getByTestId('inspector').textContent()).toContain("Another layer is already named 'right'");
    expect(await name.getAttribute('class')).toContain('invalid');
    // The canvas marks both layers of the clash red, and the problems list names them.
    await expect.poll(() => page.locator('[data-testid="node-n5"]').getAttribute('class')).toContain('has-error');
    expect(await node('n3').getAttribute('class')).toContain('has-error');
    await page.getByTestId('status-problems').click();
    expect(await page.getByTestId('problems').textContent()).toContain("Dense 'right' has the same name as another layer (Dense)");
    await name.fill('left_branch');
    await name.press('Enter');
    await expect.poll(() => node('n3').textContent()).toContain('left_branch');
    expect(await page.locator('[data-testid="node-n5"]').getAttribute('class')).not.toContain('has-error');
    expect(await node('n3').getAttribute('class')).not.toContain('has-error');
    expect(await page.getByTestId('inspector').textContent()).not.toContain('already named');
  });

  it('inserts a layer dropped onto the drawn wire, wherever it runs, and shows that wire while dragging over it', async () => {
    await openFromWorkspace(
      'backwards.tlgraph',
      doc('backwards', [
        ['n1', 'Input', 'x', 0, 0, { shape: [16] }],
        ['n2', 'Dense', 'd1', 500, 0, { units: 16 }],
        ['n3', 'Dense', 'd2', 0, 300, { units: 8 }],
        ['n4', 'Output', 'y', 500, 300, { loss: 'meanSquaredError' }],
      ], [['n1', 'n2'], ['n2', 'n3'], ['n3', 'n4']]),
    );
    // d1 → d2 runs backwards, so its wire steps down and round, far from a straight line between the two layers.
    const onWire = await page.evaluate(() => {
      const path = document.querySelector<SVGPathElement>('[data-testid="rf__edge-e2"] path.shape-edge')!;
      const p = path.getPointAtLength(path.getTotalLength() * 0.25);
      const m = path.getScreenCTM()!;
      return { x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f };
    });
    const drawn = page.locator('[data-testid="rf__edge-e2"] path.shape-edge');
    // Mid-drag (Playwright's dragTo cannot pause, so the drag events are sent as the browser sends them).
    await page.evaluate(({ x, y }) => {
      const data = new DataTransfer();
      data.setData('application/x-tensorloom-layer', 'Dropout');
      document.querySelector('[data-testid="palette-item-Dropout"]')!.dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: data }));
      document.elementFromPoint(x, y)!.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, clientX: x, clientY: y, dataTransfer: data }));
    }, onWire);
    await expect.poll(() => drawn.getAttribute('class')).toContain('drop-target');
    expect(await page.locator('.shape-edge.drop-target').count()).toBe(1);
    await page.evaluate(() => document.querySelector('[data-testid="palette-item-Dropout"]')!.dispatchEvent(new DragEvent('dragend', { bubbles: true })));
    await expect.poll(() => page.locator('.drop-target').count()).toBe(0);

    const canvas = await box('[data-testid="canvas"]');
    await page.getByTestId('palette-item-Dropout').dragTo(page.getByTestId('canvas'), { targetPosition: { x: onWire.x - canvas.x, y: onWire.y - canvas.y } });
    await expect.poll(() => page.locator('[data-layer-type="Dropout"]').count()).toBe(1);
    expect(await page.getByTestId('edge-e2').count()).toBe(0);
    expect(await edgeLabels().count()).toBe(4);
    expect(await page.getByTestId('status-problems').textContent()).toBe('No errors');
    await page.getByTestId('undo-button').click();
    await expect.poll(() => page.getByTestId('edge-e2').count()).toBe(1);

    // With the Output selected, Tab offers to add a layer, not to connect one after it (an Output has no output).
    await node('n4').click();
    await page.keyboard.press('Tab');
    expect(await page.getByTestId('quick-add').locator('input').getAttribute('placeholder')).toBe('Add a layer…');
    await page.keyboard.press('Escape');
  });

  it('validates tuple, choice and boolean fields as the user types, with Keras names on the labels', async () => {
    const convnet = doc('conv', [
      ['n1', 'Input', 'image', 0, 0, { shape: [28, 28, 1] }],
      ['n2', 'Conv2D', 'conv', 240, 0, { filters: 32, kernelSize: [3, 3] }],
      ['n3', 'Flatten', 'flatten', 480, 0],
      ['n4', 'Dense', 'classes', 240, 140, { units: 10, activation: 'softmax' }],
      ['n5', 'Output', 'digit', 480, 140, { loss: 'categoricalCrossentropy' }],
    ], [['n1', 'n2'], ['n2', 'n3'], ['n3', 'n4'], ['n4', 'n5']]);
    await openFromWorkspace('conv.tlgraph', convnet);
    // The status bar's mult-adds figure is inference's total for the whole model.
    const macs = inferGraph(convnet).totals.macs;
    expect(macs).toBeGreaterThan(0);
    expect(await page.getByTestId('status-macs').textContent()).toBe(`${formatCount(macs)} mult-adds`);
    expect(await page.getByTestId('status-macs').getAttribute('title')).toContain(macs.toLocaleString('en-US'));

    await node('n2').click();
    const inspector = page.getByTestId('inspector');
    for (const label of ['kernel_size', 'dilation_rate', 'use_bias']) expect(await inspector.textContent()).toContain(label);
    const kernel = page.getByTestId('param-kernelSize');
    await kernel.fill('3, a');
    expect(await inspector.textContent()).toContain('kernel_size must be whole numbers separated by commas');
    expect(await kernel.getAttribute('class')).toContain('invalid');
    await kernel.fill('5, 5');
    await expect.poll(() => page.getByTestId('shape-n2').textContent()).toBe('[null, 24, 24, 32]');
    expect(await node('n2').textContent()).toContain('32 · 5×5');
    expect(await kernel.getAttribute('class')).not.toContain('invalid');
    await kernel.fill('5, 5, 5');
    expect(await inspector.textContent()).toMatch(/kernel_size|2 values|length/);
    await kernel.fill('5, 5');
    await kernel.press('Enter');

    await page.getByTestId('param-padding').selectOption('same');
    await expect.poll(() => page.getByTestId('shape-n2').textContent()).toBe('[null, 28, 28, 32]');
    const params = async () => Number((await page.getByTestId('status-params').textContent())!.replace(/[^\d]/g, ''));
    const before = await params();
    await page.getByTestId('param-useBias').uncheck();
    await expect.poll(params).toBe(before - 32);
    await page.getByTestId('param-useBias').check();
    await expect.poll(params).toBe(before);
  });

  it('keyboard: Ctrl+A selects all, Ctrl+X / Ctrl+V cut and paste, Ctrl+Z / Ctrl+Y undo and redo, F fits, Ctrl+S saves', async () => {
    await page.getByTestId('canvas').click({ position: { x: 8, y: 8 } });
    const count = () => page.locator('.react-flow__node').count();
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(5);
    await page.keyboard.press('Control+x');
    await expect.poll(count).toBe(0);
    await page.getByTestId('canvas').click({ position: { x: 300, y: 200 } });
    await page.keyboard.press('Control+v');
    await expect.poll(count).toBe(5);
    await expect.poll(() => edgeLabels().count()).toBe(4);
    await page.keyboard.press('Control+z');
    await expect.poll(count).toBe(0);
    await page.keyboard.press('Control+y');
    await expect.poll(count).toBe(5);
    // F: every layer on screen, inside the canvas.
    await page.getByTestId('zoom-100').click();
    await settled();
    await page.keyboard.press('f');
    await settled();
    const canvas = await box('[data-testid="canvas"]');
    for (const b of await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as { x: number; y: number; width: number; height: number }))) expect(within(b, canvas)).toBe(true);
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('toast').textContent()).toBe('Saved conv.tlgraph');
    expect(await page.getByTestId('dirty-marker').count()).toBe(0);
    const saved = loadGraph(await readFile(join(app.workspace, 'conv.tlgraph'), 'utf8'));
    if (!saved.ok) throw new Error(saved.error);
    expect(saved.graph.nodes.map((n) => n.type)).toEqual(['Input', 'Conv2D', 'Flatten', 'Dense', 'Output']);
    expect(saved.graph.nodes[1]!.params.kernelSize).toEqual([5, 5]);
  });

  it('describes a palette layer in a popover beside the palette, in full', async () => {
    await page.getByTestId('palette-item-Conv2D').hover();
    const pop = page.getByTestId('palette-popover');
    await pop.waitFor();
    const text = (await pop.textContent())!;
    expect(text).toContain(getLayer('Conv2D')!.description);
    expect(text).toContain('kernel_size');
    expect(text).not.toContain('…');
    const palette = await box('[data-testid="palette"]');
    const p = (await pop.boundingBox())!;
    expect(p.x).toBeGreaterThanOrEqual(palette.x + palette.width - 1);
    expect(p.y + p.height).toBeLessThanOrEqual(900);
    // No browser tooltip racing it.
    expect(await page.getByTestId('palette-item-Conv2D').getAttribute('title')).toBeNull();
    await page.mouse.move(700, 300);
    await expect.poll(() => pop.count()).toBe(0);
  });

  it('keeps a fitted graph fitted when the dock opens, and a panned view where it was', async () => {
    // A column taller than wide: the fit is set by the canvas' height.
    const nodes: [string, string, string, number, number, Record<string, unknown>?][] = [['r1', 'Input', 'x', 0, 0, { shape: [16] }]];
    const links: [string, string][] = [];
    for (let i = 2; i <= 7; i++) {
      nodes.push([`r${i}`, 'Dense', `dense_${i}`, (i % 2) * 280, (i - 1) * 150, { units: 16 }]);
      links.push([`r${i - 1}`, `r${i}`]);
    }
    await openFromWorkspace('row.tlgraph', doc('row', nodes, links));
    if (await page.locator('[data-testid="dock"].open').count()) await page.getByTestId('dock-fold').click();
    await expect.poll(() => page.locator('[data-testid="dock"].open').count()).toBe(0);
    // The fit button, not F: focus may still be in a field from an earlier test, where F is a letter.
    await page.getByTestId('zoom-fit').click();
    await settled();
    const allInside = async () => {
      const canvas = await box('[data-testid="canvas"]');
      for (let i = 1; i <= 7; i++) if (!within(await box(`[data-testid="node-r${i}"]`), canvas)) return `r${i} outside`;
      return 'all inside';
    };
    expect(await allInside()).toBe('all inside');
    const zoomBefore = (await viewport()).zoom;
    await page.getByTestId('dock-tab-summary').click();
    await expect.poll(allInside).toBe('all inside');
    // The canvas got shorter, so the fit zooms out to keep every layer in view.
    expect((await viewport()).zoom).toBeLessThan(zoomBefore);
    await page.getByTestId('dock-fold').click();
    await expect.poll(async () => (await viewport()).zoom).toBeCloseTo(zoomBefore, 5);
    const refitted = await viewport();
    // Once the user pans, the view is theirs: the dock opening keeps the canvas' centre point instead.
    const c = await box('[data-testid="canvas"]');
    await page.mouse.move(c.x + c.width / 2, c.y + 20);
    await page.mouse.down();
    await page.mouse.move(c.x + c.width / 2 + 60, c.y + 40, { steps: 4 });
    await page.mouse.up();
    const panned = await viewport();
    expect(panned.x).not.toBe(refitted.x);
    await page.getByTestId('dock-tab-summary').click();
    await expect.poll(() => page.locator('[data-testid="dock"].open').count()).toBe(1);
    await page.waitForTimeout(200);
    expect((await viewport()).zoom).toBe(panned.zoom);
  });

  it('toggles the minimap, and resizes the dock by dragging its splitter', async () => {
    await page.getByTestId('minimap-toggle').click();
    await expect.poll(() => page.locator('.react-flow__minimap').count()).toBe(0);
    await page.getByTestId('minimap-toggle').click();
    await expect.poll(() => page.locator('.react-flow__minimap').count()).toBe(1);
    const small = (await page.locator('.react-flow__minimap').boundingBox())!;
    expect(small.width * small.height).toBeLessThan(150 * 100);

    // A layer's place relative to the canvas centre survives the dock opening (the graph does not slide under it).
    const fromCentre = async (): Promise<{ dx: number; dy: number }> => {
      const c = await box('[data-testid="canvas"]');
      const n = (await page.locator('.react-flow__node').first().boundingBox())!;
      return { dx: n.x + n.width / 2 - (c.x + c.width / 2), dy: n.y + n.height / 2 - (c.y + c.height / 2) };
    };
    if (await page.locator('[data-testid="dock"].open').count()) await page.getByTestId('dock-fold').click();
    await expect.poll(() => page.locator('[data-testid="dock"].open').count()).toBe(0);
    const before = await fromCentre();
    await page.getByTestId('dock-tab-summary').click();
    await expect.poll(async () => Math.abs((await fromCentre()).dy - before.dy)).toBeLessThan(3);
    expect(Math.abs((await fromCentre()).dx - before.dx)).toBeLessThan(3);
    const dock = await box('[data-testid="dock"]');
    const canvas = await box('[data-testid="canvas"]');
    // The default leaves the graph most of the height.
    expect(canvas.height).toBeGreaterThan(dock.height * 1.5);
    const splitter = await box('[data-testid="dock-splitter"]');
    await page.mouse.move(splitter.x + 200, splitter.y + splitter.height / 2);
    await page.mouse.down();
    await page.mouse.move(splitter.x + 200, splitter.y - 120, { steps: 5 });
    await page.mouse.up();
    const taller = await box('[data-testid="dock"]');
    expect(Math.abs(taller.height - (dock.height + 120 + splitter.height / 2))).toBeLessThan(8);
    expect((await box('[data-testid="canvas"]')).height).toBeLessThan(canvas.height - 100);
    // However far it is dragged, the canvas keeps room for the graph.
    await page.mouse.move(splitter.x + 200, taller.y + 3);
    await page.mouse.down();
    await page.mouse.move(splitter.x + 200, 10, { steps: 5 });
    await page.mouse.up();
    expect((await box('[data-testid="canvas"]')).height).toBeGreaterThanOrEqual(179);
    await page.getByTestId('dock-splitter').dblclick();
    await expect.poll(async () => Math.round((await box('[data-testid="dock"]')).height)).toBe(Math.round(dock.height));
  });

  it('opens a 320-layer graph readable at its start; F, the toolbar and the zoom controls fit all of it; Arrange shows progress', async () => {
    const nodes: [string, string, string, number, number, Record<string, unknown>?][] = [['n1', 'Input', 'x', 0, 0, { shape: [16] }]];
    const links: [string, string][] = [];
    for (let i = 2; i < 320; i++) {
      nodes.push([`n${i}`, 'Dense', `dense_${i}`, ((i - 1) % 40) * 270, Math.floor((i - 1) / 40) * 200, { units: 16 }]);
      links.push([`n${i - 1}`, `n${i}`]);
    }
    nodes.push(['n320', 'Output', 'y', 39 * 270, 7 * 200 + 400, { loss: 'meanSquaredError' }]);
    links.push(['n319', 'n320']);
    await openFromWorkspace('big.tlgraph', doc('big', nodes, links));
    const canvas = await box('[data-testid="canvas"]');
    const minimap = await box('.react-flow__minimap');
    // First view: readable zoom, the beginning of the graph in view.
    await expect.poll(async () => (await viewport()).zoom).toBe(0.75);
    expect(within(await box('[data-testid="node-n1"]'), canvas)).toBe(true);
    const fittedAll = async () => {
      const v = await viewport();
      expect(v.zoom).toBeLessThan(0.15);
      for (const id of ['n1', 'n40', 'n280', 'n320']) {
        const b = await box(`[data-testid="node-${id}"]`);
        expect(within(b, canvas), id).toBe(true);
        expect(overlaps(b, minimap), `${id} under the minimap`).toBe(false);
      }
      return v;
    };
    await page.keyboard.press('f');
    await settled();
    const byKey = await fittedAll();
    // That far out the faces are coloured blocks without text (cheaper frames, nothing unreadable drawn).
    expect(await page.getByTestId('canvas').getAttribute('class')).toContain('lod');
    expect(await page.locator('[data-testid="node-n40"] .layer-node-name').isVisible()).toBe(false);
    for (const button of ['zoom-100', 'fit-button', 'zoom-100', 'zoom-fit']) {
      await page.getByTestId(button).click();
      await settled();
      if (button === 'zoom-100') {
        expect((await viewport()).zoom).toBe(1);
        expect(await page.getByTestId('canvas').getAttribute('class')).not.toContain('lod');
      }
      else expect(await fittedAll()).toEqual(byKey);
    }

    // Arrange: big graphs get the built-in layered layout (ELK would take tens of seconds).
    await page.getByTestId('layout-button').click();
    await expect.poll(() => page.getByTestId('undo-button').isDisabled()).toBe(false);
    await page.waitForTimeout(400);
    // One row now; too long to fit even at the smallest zoom, so the view shows its beginning.
    const ys = await page.locator('.react-flow__node').evaluateAll((els) => new Set(els.map((e) => /translate\([-\d.]+px, ([-\d.]+)px\)/.exec(e.getAttribute('style') ?? '')?.[1])).size);
    expect(ys).toBe(1);
    expect((await viewport()).zoom).toBe(0.05);
    expect(within(await box('[data-testid="node-n1"]'), canvas)).toBe(true);
  });

  it('lists recent files first on the start screen, with path and modified time, then the templates gallery', async () => {
    await page.locator('.brand').click();
    const recent = page.getByTestId('recent-files');
    await recent.waitFor();
    const first = recent.locator('li').first();
    expect(await first.textContent()).toContain('big.tlgraph');
    expect(await first.textContent()).toContain(join(app.workspace, 'big.tlgraph'));
    expect(await first.textContent()).toMatch(/modified (just now|\d+ min ago)/);
    const recentTop = (await page.getByTestId('recent-section').boundingBox())!.y;
    const templatesTop = (await page.getByTestId('template-mnist-convnet').boundingBox())!.y;
    expect(recentTop).toBeLessThan(templatesTop);
    // Without scrolling, the recent list is in view.
    expect(recentTop).toBeLessThan(900);
  });

  it('arranges a template with progress shown while ELK works in its worker, and shows it in light and dark themes', async () => {
    await page.getByTestId('template-mnist-resnet').click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(15);
    const where = async () => /translate\([^)]*\)/.exec((await page.locator('.react-flow__node[data-id="n3"]').getAttribute('style')) ?? '')?.[0];
    const before = await where();
    // Move one layer out of line so that Arrange has work to do, then arrange.
    const moved = await box('[data-testid="node-n3"]');
    await page.mouse.move(moved.x + 60, moved.y + 10);
    await page.mouse.down();
    await page.mouse.move(moved.x + 60, moved.y + 140, { steps: 5 });
    await page.mouse.up();
    expect(await where()).not.toBe(before);
    await page.getByTestId('layout-button').click();
    await page.getByTestId('status-busy').waitFor();
    expect(await page.getByTestId('status-busy').textContent()).toContain('Arranging 15 layers');
    expect(await page.getByTestId('layout-button').isDisabled()).toBe(true);
    // The page keeps answering meanwhile.
    const t = Date.now();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
    expect(Date.now() - t).toBeLessThan(500);
    await page.getByTestId('status-busy').waitFor({ state: 'detached', timeout: 30_000 });
    expect(await page.getByTestId('layout-button').isDisabled()).toBe(false);
    await expect.poll(where).toBe(before);
    await page.getByTestId('zoom-100').click();
    await settled();
    await page.keyboard.press('f');
    await settled();
    await screenshot(page, 'editor-resnet-arranged-fitted');
    // For the theme screenshots, the first view of a freshly opened copy: readable, the start of the network.
    await page.locator('.brand').click();
    await page.getByTestId('template-mnist-resnet').click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(15);
    // The first view: readable, the start of the network; a block's skip connection routed around it.
    await page.getByTestId('dock-tab-summary').click();
    await page.waitForTimeout(300);
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'editor-resnet-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(200);
    await screenshot(page, 'editor-resnet-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(browser.errors).toEqual([]);
  });
});
