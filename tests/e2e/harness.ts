// End-to-end harness: the system Chromium, driven by playwright-core, against `tensorloom serve` started in this
// process on a free port with its own data folder and workspace.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import WebSocket from 'ws';
import type { HostMethod, HostParams, HostResult } from '../../graph/api/host.js';
import { PACKAGE_ROOT, RENDERER_DIST } from '../../main/host/paths.js';
import { startServer, type RunningServer } from '../../main/server/server.js';

/** Where each test's final screenshot goes (ignored by git). */
export const SCREENSHOT_DIR = join(PACKAGE_ROOT, 'test-results', 'screenshots');

/** The Chromium executable: $CHROMIUM_PATH, else `chromium`/`chromium-browser`/`google-chrome` on PATH. */
export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH is '${fromEnv}', which does not exist`);
    return fromEnv;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
  }
  throw new Error("no Chromium found: install Debian's 'chromium' package (what .ci/run does) or set CHROMIUM_PATH to a Chromium or Chrome executable");
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function rendererIsFresh(): boolean {
  const index = join(RENDERER_DIST, 'index.html');
  if (!existsSync(index)) return false;
  // The renderer bundles graph/ too, so a change in either makes the build stale.
  const sources = Math.max(newestMtime(join(PACKAGE_ROOT, 'renderer')), newestMtime(join(PACKAGE_ROOT, 'graph')));
  return statSync(index).mtimeMs >= sources;
}

/**
 * Builds the renderer when dist/renderer is missing or older than its sources. Test files run in parallel
 * processes, so one builds under a lock folder while the others wait for it, rather than emptying dist/ under a
 * running server.
 */
export function ensureRendererBuilt(): void {
  const lock = join(PACKAGE_ROOT, 'dist', '.renderer-build.lock');
  for (;;) {
    if (rendererIsFresh()) return;
    try {
      mkdirSync(join(PACKAGE_ROOT, 'dist'), { recursive: true });
      mkdirSync(lock);
    } catch {
      // Someone else is building; a lock older than two minutes is left over from a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      sleepSync(250);
      continue;
    }
    try {
      if (rendererIsFresh()) return;
      const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** A served app instance with its own temporary workspace and data folder. */
export interface TestApp {
  server: RunningServer;
  workspace: string;
  dataDir: string;
  /** The base URL without token. */
  origin: string;
  stop(): Promise<void>;
}

/** Starts `tensorloom serve` in-process on a free port (127.0.0.1), optionally opening `initialFile`. */
export async function startApp(options: { initialFile?: (workspace: string) => string } = {}): Promise<TestApp> {
  ensureRendererBuilt();
  const base = await mkdtemp(join(tmpdir(), 'tensorloom-e2e-'));
  const workspace = join(base, 'workspace');
  const dataDir = join(base, 'data');
  await mkdir(workspace);
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    version: 'test',
    dataDir,
    workspaceRoot: workspace,
    initialFile: options.initialFile ? options.initialFile(workspace) : null,
  });
  return {
    server,
    workspace,
    dataDir,
    origin: `http://127.0.0.1:${server.port}`,
    async stop() {
      await server.close();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** A browser with a fresh profile, and what it reported. */
export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors, in order. */
  errors: string[];
  close(): Promise<void>;
}

/** Launches the system Chromium headless with a fresh user-data folder. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'tensorloom-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: findChromium(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the app's URL (with its token) and waits until it is ready. */
export async function openApp(app: TestApp, browser: TestBrowser): Promise<Page> {
  await browser.page.goto(app.server.url);
  await waitReady(browser.page);
  return browser.page;
}

/** Ready = the start screen or the editor canvas is on screen. */
export async function waitReady(page: Page): Promise<void> {
  await page.locator('[data-testid="start-screen"], [data-testid="canvas"]').first().waitFor({ state: 'visible', timeout: 30_000 });
}

/** Saves a screenshot of the page to test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** A Node-side API client over the same WebSocket the page uses (for arranging state and probing the server). */
export async function apiClient(app: TestApp, headers: Record<string, string> = { Origin: app.origin }): Promise<{
  call<M extends HostMethod>(method: M, params: HostParams<M>): Promise<HostResult<M>>;
  raw(message: unknown): Promise<unknown>;
  close(): void;
}> {
  const ws = new WebSocket(`ws://127.0.0.1:${app.server.port}/api?token=${app.server.token}`, { headers });
  await new Promise<void>((ok, fail) => {
    ws.once('open', () => ok());
    ws.once('error', fail);
    ws.once('unexpected-response', (_req, res) => fail(new Error(`upgrade refused with HTTP ${res.statusCode}`)));
  });
  let nextId = 1;
  const send = (message: unknown, id: number): Promise<{ id: number; ok: boolean; result?: unknown; error?: { code: string; message: string } }> =>
    new Promise((resolve) => {
      const onMessage = (data: WebSocket.RawData) => {
        const m = JSON.parse(String(data)) as { id?: number };
        if (m.id === id) {
          ws.off('message', onMessage);
          resolve(m as never);
        }
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify(message));
    });
  return {
    async call(method, params) {
      const id = nextId++;
      const r = await send({ id, method, params }, id);
      if (!r.ok) throw Object.assign(new Error(r.error!.message), { code: r.error!.code });
      return r.result as never;
    },
    raw: (message: unknown) => send(message, (message as { id?: number }).id ?? 0),
    close: () => ws.close(),
  };
}

/** What the stand-in desktop bridge of `openDesktopApp` records and lets a test do. */
export interface DesktopBridgeControls {
  /** Pushes a host event to the page, as the main process does (e.g. a menu command). */
  push(event: string, payload: unknown): Promise<void>;
  /** What the next native dialogs "choose": a file for Export > Code, a folder for Export > Trained Model. */
  setDialogChoice(choice: { file?: string | null; folder?: string | null }): Promise<void>;
  /** The title and dirty state the page reported (title bar, close prompt). */
  documentState(): Promise<{ name: string; dirty: boolean } | null>;
}

/**
 * Opens the renderer as the desktop app runs it: with a `window.tensorloom` preload bridge (so the page uses the
 * Electron transport, menu commands and native-dialog code paths), here relayed to the test's server over its WebSocket.
 * The Electron runtime cannot be downloaded here; this is how the renderer side of the desktop app is exercised.
 */
export async function openDesktopApp(app: TestApp, browser: TestBrowser): Promise<{ page: Page; bridge: DesktopBridgeControls }> {
  const page = await browser.context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') browser.errors.push(m.text());
  });
  page.on('pageerror', (e) => browser.errors.push(`uncaught: ${e.message}`));
  // A string, not a function: the test runner's transform would add helpers the page does not have.
  await page.addInitScript(`(() => {
    const token = ${JSON.stringify(app.server.token)};
    const ws = new WebSocket('ws://' + location.host + '/api?token=' + encodeURIComponent(token));
    const open = new Promise((r) => ws.addEventListener('open', r));
    const waiting = new Map();
    let listener = null;
    const early = [];
    const controls = { dialogFile: null, dialogFolder: null, state: null, deliver: (e) => (listener ? listener(e) : early.push(e)) };
    window.__desktop = controls;
    ws.addEventListener('message', (m) => {
      const msg = JSON.parse(String(m.data));
      if (msg.event !== undefined) controls.deliver(msg);
      else if (waiting.has(msg.id)) waiting.get(msg.id)(msg);
    });
    window.tensorloom = {
      async invoke(req) {
        await open;
        // The main process answers these with a native dialog; here the test says what the user picks.
        if (req.method === 'export.code' && req.params.save && !req.params.path && controls.dialogFile) req = { ...req, params: { ...req.params, path: controls.dialogFile, overwrite: true } };
        if (req.method === 'export.model' && !req.params.dir && controls.dialogFolder) req = { ...req, params: { ...req.params, dir: controls.dialogFolder, overwrite: true } };
        return new Promise((resolve) => {
          waiting.set(req.id, resolve);
          ws.send(JSON.stringify(req));
        });
      },
      onEvent(l) {
        listener = l;
        for (const e of early.splice(0)) l(e);
      },
      setDocumentState(s) {
        controls.state = s;
      },
    };
  })();`);
  await page.goto(app.server.url);
  await waitReady(page);
  type Controls = { dialogFile: string | null; dialogFolder: string | null; state: unknown; deliver(e: unknown): void };
  const bridge: DesktopBridgeControls = {
    push: (event, payload) => page.evaluate(([event, payload]) => (window as unknown as { __desktop: Controls }).__desktop.deliver({ event, payload }), [event, payload] as const),
    setDialogChoice: (choice) =>
      page.evaluate((c) => {
        const d = (window as unknown as { __desktop: Controls }).__desktop;
        if (c.file !== undefined) d.dialogFile = c.file;
        if (c.folder !== undefined) d.dialogFolder = c.folder;
      }, choice),
    documentState: () => page.evaluate(() => (window as unknown as { __desktop: Controls }).__desktop.state as { name: string; dirty: boolean } | null),
  };
  return { page, bridge };
}

/**
 * Answers every "Save changes to …?" question of this page (and its reloads) with Don't Save, for tests that switch
 * documents on purpose, the way a `page.on('dialog', accept)` handler answers native confirms.
 */
export async function discardUnsavedChanges(page: Page): Promise<void> {
  const script = `(() => {
    const answer = () => document.querySelector('[data-testid="choice-dialog"] [data-testid="choice-discard"]')?.click();
    const start = () => new MutationObserver(answer).observe(document.body, { childList: true, subtree: true });
    if (document.body) start(); else addEventListener('DOMContentLoaded', start);
  })();`;
  await page.addInitScript(script);
  await page.evaluate(script);
}
