import { build } from 'esbuild';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serializeGraph } from '../../graph/document.js';
import { getTemplate } from '../../graph/templates/index.js';
import { startServer } from '../../main/server/server.js';
import { PACKAGE_ROOT } from '../../main/host/paths.js';
import { apiClient, launchBrowser, openApp, openDesktopApp, screenshot, startApp, waitReady, type TestApp, type TestBrowser } from './harness.js';

let app: TestApp;
let browser: TestBrowser;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterEach(async (ctx) => {
  await screenshot(browser.page, `shell-${ctx.task.name}`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** Leaves a page served by a test server before that server stops (the page would keep trying to reconnect). */
async function leave(page: import('playwright-core').Page): Promise<void> {
  await page.goto('about:blank');
}

function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', (e) => (e.message.includes('Unexpected server response') ? undefined : reject(e)));
  });
}

describe('tensorloom serve in Chromium', () => {
  it('loads the app with no console errors', async () => {
    const page = await openApp(app, browser);
    expect(await page.locator('[data-testid="start-screen"]').isVisible()).toBe(true);
    // Give late effects (startup call, recent list) a moment to report errors.
    await page.waitForTimeout(500);
    expect(browser.errors).toEqual([]);
    // The token leaves the address bar once the page has it (screenshots, screen sharing, history).
    expect(page.url()).not.toContain('token');
  });

  it('works in a second tab opened without the token, through the session cookie', async () => {
    await openApp(app, browser);
    const tab = await browser.context.newPage();
    try {
      await tab.goto(`${app.origin}/`);
      await waitReady(tab);
      await tab.getByTestId('open-button').first().click();
      await tab.getByTestId('file-browser').waitFor();
      // The listing came over the API socket, so the socket was accepted.
      await expect.poll(() => tab.locator('.browser-path').textContent()).toBe(app.workspace);
    } finally {
      await tab.close();
    }
  });

  it('opens a template instantiated through the API and shows its nodes', async () => {
    const api = await apiClient(app);
    const { graph } = await api.call('templates.instantiate', { name: 'iris-mlp' });
    const saved = await api.call('files.saveAs', { graph, path: join(app.workspace, 'iris.tlgraph') });
    api.close();
    expect(saved?.path).toBe(join(app.workspace, 'iris.tlgraph'));

    const page = await openApp(app, browser);
    await page.getByTestId('open-button').first().click();
    await page.getByTestId('browse-iris.tlgraph').click();
    for (const node of graph.nodes) await page.getByTestId(`node-${node.id}`).waitFor({ state: 'visible' });
    expect(await page.locator('[data-testid^="node-n"]').count()).toBe(graph.nodes.length);
    expect(browser.errors).toEqual([]);
  });

  it('saves and reopens a document byte-for-byte', async () => {
    const original = serializeGraph(getTemplate('mnist-convnet')!.build());
    await writeFile(join(app.workspace, 'convnet.tlgraph'), original);

    const page = await openApp(app, browser);
    await page.getByTestId('open-button').first().click();
    await page.getByTestId('browse-convnet.tlgraph').click();
    await page.getByTestId('node-n1').waitFor();
    // Save As through the UI's prompt (the browser host has no native dialog).
    await page.getByTestId('save-as-button').click();
    await page.getByTestId('prompt-input').fill('copy.tlgraph');
    await page.getByTestId('prompt-ok').click();
    await expect.poll(() => readFile(join(app.workspace, 'copy.tlgraph'), 'utf8').catch(() => null), { timeout: 10_000 }).toBe(original);

    // Reopen the copy and save it in place: still the same bytes.
    await page.reload();
    await waitReady(page);
    await page.getByTestId('open-button').first().click();
    await page.getByTestId('browse-copy.tlgraph').click();
    await page.getByTestId('node-n1').waitFor();
    await page.getByTestId('save-button').click();
    await page.getByTestId('toast').filter({ hasText: 'Saved' }).waitFor();
    expect(await readFile(join(app.workspace, 'copy.tlgraph'), 'utf8')).toBe(original);
    expect(browser.errors).toEqual([]);
  });

  it('offers unsaved work back after a crash, restores it once, and Discard removes a copy for good', async () => {
    // The previous session autosaved modified documents and then died: a never-saved one, and two copies of one file.
    const crashed = await startApp();
    try {
      const api = await apiClient(crashed);
      const { graph } = await api.call('templates.instantiate', { name: 'spiral-mlp' });
      await api.call('files.autosave', { docId: 'crashed-doc', path: null, graph: { ...graph, name: 'Lost work' } });
      const convnet = join(crashed.workspace, 'convnet.tlgraph');
      await writeFile(convnet, serializeGraph(getTemplate('mnist-convnet')!.build()));
      await api.call('files.autosave', { docId: 'convnet-old', path: convnet, graph: getTemplate('mnist-convnet')!.build() });
      await api.call('files.autosave', { docId: 'convnet-new', path: convnet, graph: getTemplate('mnist-convnet')!.build() });
      api.close();
      const recoveryFiles = () => readdir(join(crashed.dataDir, 'recovery')).catch(() => []);
      const page = await openApp(crashed, browser);
      await page.getByText('Recover unsaved work').waitFor();
      // One row per file, however many copies the crash left.
      expect(await page.getByTestId('recovery-list').locator('.recent-name', { hasText: 'convnet.tlgraph' }).count()).toBe(1);
      await page.getByTestId('recover-crashed-doc').click();
      for (const node of graph.nodes) await page.getByTestId(`node-${node.id}`).waitFor({ state: 'visible' });
      // Restored work is unsaved: the dirty marker shows.
      await page.getByTestId('dirty-marker').waitFor();
      // Saving it removes the copy it came from (not only copies of this window's own).
      await page.getByTestId('save-button').click();
      await page.getByTestId('prompt-input').fill('found.tlgraph');
      await page.getByTestId('prompt-ok').click();
      await page.getByTestId('toast').filter({ hasText: 'Saved found.tlgraph' }).waitFor();
      await expect.poll(recoveryFiles).toEqual(['convnet-new.json']);
      // Discard on the start screen drops the other one; it is not offered again.
      await page.reload();
      await waitReady(page);
      await page.getByTestId('discard-recovery-convnet-new').click();
      await expect.poll(() => page.getByText('Recover unsaved work').count()).toBe(0);
      expect(await recoveryFiles()).toEqual([]);
      await page.reload();
      await waitReady(page);
      await page.getByTestId('template-iris-mlp').waitFor();
      expect(await page.getByText('Recover unsaved work').count()).toBe(0);
      expect(browser.errors).toEqual([]);
    } finally {
      await leave(browser.page);
      await crashed.stop();
    }
  });

  it('offers recovery when the app starts with a file (double-click, command line)', async () => {
    const withFile = await startApp({ initialFile: (ws) => join(ws, 'start.tlgraph') });
    try {
      await writeFile(join(withFile.workspace, 'start.tlgraph'), serializeGraph(getTemplate('iris-mlp')!.build()));
      const api = await apiClient(withFile);
      const { graph } = await api.call('templates.instantiate', { name: 'spiral-mlp' });
      await api.call('files.autosave', { docId: 'before-crash', path: null, graph: { ...graph, name: 'Unsaved spiral' } });
      api.close();
      const page = await openApp(withFile, browser);
      await page.getByTestId('recovery-dialog').waitFor();
      expect(await page.getByTestId('doc-title').textContent()).toBe('start.tlgraph');
      await screenshot(page, 'shell-recovery-dialog-at-start');
      await page.getByTestId('recover-before-crash').click();
      await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe('Unsaved spiral (unsaved)');
      await page.getByTestId('dirty-marker').waitFor();
      expect(await page.getByTestId('recovery-dialog').count()).toBe(0);
      expect(browser.errors).toEqual([]);
    } finally {
      await leave(browser.page);
      await withFile.stop();
    }
  });

  it("asks Save / Don't Save / Cancel before another file replaces unsaved edits, and drops the discarded copy", async () => {
    const a = join(app.workspace, 'first.tlgraph');
    const b = join(app.workspace, 'second.tlgraph');
    await writeFile(a, serializeGraph(getTemplate('iris-mlp')!.build()));
    await writeFile(b, serializeGraph(getTemplate('mnist-mlp')!.build()));
    const page = await openApp(app, browser);
    const openFromBrowser = async (name: string) => {
      await page.getByTestId('open-button').first().click();
      await page.getByTestId(`browse-${name}`).click();
    };
    await openFromBrowser('first.tlgraph');
    await page.getByTestId('node-n2').click();
    await page.keyboard.press('Delete');
    await page.getByTestId('dirty-marker').waitFor();
    const nodes = await page.locator('.react-flow__node').count();
    // Cancel: nothing changes.
    await openFromBrowser('second.tlgraph');
    await page.getByTestId('choice-dialog').getByText('Save changes to first.tlgraph?').waitFor();
    await screenshot(page, 'shell-unsaved-prompt');
    await page.getByTestId('choice-cancel').click();
    await page.getByTestId('file-browser').getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByTestId('doc-title').textContent()).toBe('first.tlgraph');
    expect(await page.locator('.react-flow__node').count()).toBe(nodes);
    // Autosave keeps a copy of the edit; Don't Save throws the edit and its copy away.
    await expect.poll(() => readdir(join(app.dataDir, 'recovery')).catch(() => []), { timeout: 10_000 }).toHaveLength(1);
    await openFromBrowser('second.tlgraph');
    await page.getByTestId('choice-discard').click();
    await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe('second.tlgraph');
    await expect.poll(() => readdir(join(app.dataDir, 'recovery'))).toEqual([]);
    expect(await readFile(a, 'utf8')).toBe(serializeGraph(getTemplate('iris-mlp')!.build()));
    // Save: the edit is written, then the other file opens.
    await page.getByTestId('node-n2').click();
    await page.keyboard.press('Delete');
    await openFromBrowser('first.tlgraph');
    await page.getByTestId('choice-save').click();
    await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe('first.tlgraph');
    expect(JSON.parse(await readFile(b, 'utf8')).nodes.length).toBe(getTemplate('mnist-mlp')!.build().nodes.length - 1);
    expect(browser.errors).toEqual([]);
  });

  it('keyboard shortcuts leave text fields alone: Ctrl+A, Delete, Ctrl+Z and Ctrl+Enter edit the text, not the graph', async () => {
    const page = await openApp(app, browser);
    await page.getByTestId('template-iris-mlp').click();
    await page.getByTestId('node-n2').click();
    const nodes = await page.locator('.react-flow__node').count();
    const field = page.getByTestId('inspector-name');
    await field.click();
    await field.press('End');
    await field.pressSequentially('x');
    await field.press('Control+a');
    expect(await page.locator('.react-flow__node.selected').count()).toBe(1);
    expect(await field.evaluate((el: HTMLInputElement) => [el.selectionStart, el.selectionEnd, el.value.length])).toEqual([0, (await field.inputValue()).length, (await field.inputValue()).length]);
    await field.press('End');
    await field.press('Backspace');
    await field.press('Delete');
    await field.press('Control+z');
    await field.press('Control+Enter');
    expect(await page.locator('.react-flow__node').count()).toBe(nodes);
    expect(await page.locator('.react-flow__node.selected').count()).toBe(1);
    // Training did not start (the training tab did not open).
    expect(await page.getByTestId('dock-tab-training').getAttribute('class')).not.toContain('active');
    expect(browser.errors).toEqual([]);
  });

  it('desktop menus act in the window: toggle panels, documentation, export, and edit commands on text or graph', async () => {
    const { page, bridge } = await openDesktopApp(app, browser);
    try {
      await page.getByTestId('template-iris-mlp').click();
      await page.getByTestId('node-n2').waitFor();
      const menu = (command: string) => bridge.push('onMenuCommand', { command });
      await menu('togglePalette');
      await expect.poll(() => page.getByTestId('palette').count()).toBe(0);
      await menu('toggleInspector');
      await expect.poll(() => page.locator('.side-panel').count()).toBe(0);
      await screenshot(page, 'shell-desktop-panels-hidden');
      await menu('togglePalette');
      await menu('toggleInspector');
      await page.getByTestId('palette').waitFor();
      await page.locator('.side-panel').waitFor();
      await menu('docs');
      await page.getByTestId('help-dialog').getByRole('heading', { name: 'Running the app' }).waitFor();
      expect(await page.getByTestId('help-dialog').textContent()).toContain('npm run serve');
      await page.getByTestId('help-dialog').getByRole('button', { name: 'Close' }).click();
      // Export > Code: asks the language, then the native save dialog (here: the file the test picks).
      const codeFile = join(app.workspace, 'menu-export.ts');
      await bridge.setDialogChoice({ file: codeFile });
      await menu('exportCode');
      await page.getByTestId('choice-typescript').click();
      await expect.poll(() => readFile(codeFile, 'utf8').catch(() => ''), { timeout: 10_000 }).toContain('tf.model(');
      // Export > Trained Model before any training says what to do.
      await menu('exportModel');
      await page.getByTestId('training-notice-error').getByText(/no trained model to export yet/).waitFor();
      // Edit commands: on the graph when no field has focus...
      const nodes = await page.locator('.react-flow__node').count();
      await page.getByTestId('node-n2').click();
      await menu('delete');
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(nodes - 1);
      await menu('undo');
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(nodes);
      // ...and on the text of a focused field: Select All selects its text, Delete deletes it, Undo brings it back.
      await page.getByTestId('node-n2').click();
      const field = page.getByTestId('inspector-name');
      const name = await field.inputValue();
      await field.focus();
      await menu('selectAll');
      await expect.poll(() => field.evaluate((el: HTMLInputElement) => [el.selectionStart, el.selectionEnd])).toEqual([0, name.length]);
      await menu('delete');
      await expect.poll(() => field.inputValue()).toBe('');
      await menu('undo');
      await expect.poll(() => field.inputValue()).toBe(name);
      expect(await page.locator('.react-flow__node').count()).toBe(nodes);
      expect(await page.locator('.react-flow__node.selected').count()).toBe(1);
      // A file from the OS or a second instance asks before replacing the now modified document.
      await page.locator('.react-flow__pane').click();
      await page.getByTestId('node-n3').click();
      await menu('delete');
      await page.getByTestId('dirty-marker').waitFor();
      await expect.poll(() => bridge.documentState()).toMatchObject({ dirty: true });
      const other = getTemplate('mnist-mlp')!.build();
      await bridge.push('onOpenFile', { file: { path: join(app.workspace, 'from-os.tlgraph'), name: 'from-os.tlgraph', graph: other, migratedFrom: null } });
      await page.getByTestId('choice-dialog').waitFor();
      await page.getByTestId('choice-cancel').click();
      expect(await page.locator('.react-flow__node').count()).toBe(nodes - 1);
      await bridge.push('onOpenFile', { file: { path: join(app.workspace, 'from-os.tlgraph'), name: 'from-os.tlgraph', graph: other, migratedFrom: null } });
      await page.getByTestId('choice-discard').click();
      await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe('from-os.tlgraph');
      expect(browser.errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the crash screen says whether unsaved work was kept, and keeps it', async () => {
    const bundle = await build({
      entryPoints: [join(PACKAGE_ROOT, 'tests/e2e/crash-page.tsx')],
      bundle: true,
      write: false,
      format: 'iife',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      loader: { '.css': 'empty' },
      logLevel: 'error',
      plugins: [
        {
          name: 'raw',
          setup(b) {
            // The README behind Help > Documentation is not needed on this page.
            b.onResolve({ filter: /\?raw$/ }, () => ({ path: 'raw', namespace: 'raw' }));
            b.onLoad({ filter: /.*/, namespace: 'raw' }, () => ({ contents: 'export default ""' }));
          },
        },
      ],
    });
    const js = bundle.outputFiles[0]!.text;
    const page = await browser.context.newPage();
    try {
      const crash = async (dirty: boolean, autosaveFails = false) => {
        await page.setContent('<!doctype html><body></body>');
        await page.addScriptTag({ content: js });
        await page.evaluate(([d, f]) => {
          const w = window as unknown as { __autosaveFails: boolean; __crash(dirty: boolean): void };
          w.__autosaveFails = f;
          w.__crash(d);
        }, [dirty, autosaveFails] as const);
        return page.getByTestId('crash-advice');
      };
      const clean = await crash(false);
      await expect.poll(() => clean.textContent()).toMatch(/^There were no unsaved changes/);
      expect(await page.evaluate(() => (window as unknown as { __calls: string[] }).__calls)).toEqual([]);
      const dirty = await crash(true);
      await expect.poll(() => dirty.textContent()).toMatch(/^Your unsaved changes were kept as a recovery copy/);
      expect(await page.evaluate(() => (window as unknown as { __calls: string[] }).__calls)).toEqual(['files.autosave']);
      const failed = await crash(true, true);
      await expect.poll(() => failed.textContent()).toMatch(/^Your unsaved changes could not be copied/);
    } finally {
      await page.close();
    }
  });

  it('shows "reconnecting…" while the server is away, then carries on', async () => {
    const own = await startApp();
    const page = await openApp(own, browser);
    const errorsBefore = browser.errors.length;
    const { port, token } = own.server;
    await own.server.close();
    await page.getByTestId('connection-banner').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('connection-banner').textContent()).toMatch(/reconnecting/);
    await screenshot(page, 'shell-reconnecting');
    // The same server comes back (same port and token, e.g. a restart with --port and a proxy in front).
    const again = await startServer({ port, host: '127.0.0.1', version: 'test', dataDir: own.dataDir, workspaceRoot: own.workspace, token });
    try {
      await page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 15_000 });
      await page.getByTestId('open-button').first().click();
      await expect.poll(() => page.locator('.browser-path').textContent()).toBe(own.workspace);
      // Chromium itself logs each refused reconnection attempt; nothing else may have gone wrong.
      const unexpected = browser.errors.splice(errorsBefore).filter((e) => !/WebSocket connection to .* failed/.test(e));
      expect(unexpected).toEqual([]);
    } finally {
      await leave(page);
      await again.close();
      await own.stop();
    }
  });

  it('refuses requests and WebSocket upgrades without the token', async () => {
    expect((await fetch(`${app.origin}/`)).status).toBe(401);
    expect((await fetch(`${app.origin}/?token=wrong`)).status).toBe(401);
    expect((await fetch(`${app.origin}/index.html`)).status).toBe(401);
    expect(await upgradeStatus(`ws://127.0.0.1:${app.server.port}/api`, { Origin: app.origin })).toBe(401);
    expect(await upgradeStatus(`ws://127.0.0.1:${app.server.port}/api?token=${app.server.token}`, { Origin: app.origin })).toBe(101);
    // A browser that never had the token (no session cookie) gets a refusal that says what to open instead.
    await browser.context.clearCookies();
    await browser.page.goto(`${app.origin}/`);
    expect(await browser.page.textContent('body')).toContain('access token');
  });

  it('refuses a foreign Origin and an unexpected Host header (DNS rebinding)', async () => {
    const api = `ws://127.0.0.1:${app.server.port}/api?token=${app.server.token}`;
    expect(await upgradeStatus(api, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(api, { Origin: app.origin, Host: `evil.example:${app.server.port}` })).toBe(421);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: app.server.port, path: `/?token=${app.server.token}`, headers: { Host: `rebound.example:${app.server.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });
});
