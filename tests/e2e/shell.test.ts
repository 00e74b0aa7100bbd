import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serializeGraph } from '../../graph/document.js';
import { getTemplate } from '../../graph/templates/index.js';
import { apiClient, launchBrowser, openApp, screenshot, startApp, waitReady, type TestApp, type TestBrowser } from './harness.js';

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

  it('offers unsaved work back after a crash and restores it', async () => {
    // The previous session autosaved a modified, never-saved document and then died.
    const crashed = await startApp();
    try {
      const api = await apiClient(crashed);
      const { graph } = await api.call('templates.instantiate', { name: 'spiral-mlp' });
      await api.call('files.autosave', { docId: 'crashed-doc', path: null, graph: { ...graph, name: 'Lost work' } });
      api.close();
      const page = await openApp(crashed, browser);
      await page.getByText('Recover unsaved work').waitFor();
      await page.getByRole('button', { name: /Lost work/ }).click();
      for (const node of graph.nodes) await page.getByTestId(`node-${node.id}`).waitFor({ state: 'visible' });
      // Restored work is unsaved: the dirty marker shows.
      await page.getByTestId('dirty-marker').waitFor();
      expect(browser.errors).toEqual([]);
    } finally {
      await crashed.stop();
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
