// Loads the desktop app's real main process (bundled as for `npm start`) against a stand-in `electron` module, and
// checks the security settings and the IPC rules; the Electron runtime itself cannot be downloaded here.
import { build } from 'esbuild';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeGraph } from '../../graph/document.js';
import { getTemplate } from '../../graph/templates/index.js';
import { PACKAGE_ROOT } from '../../main/host/paths.js';
import type { state as FakeState } from '../fixtures/electron/fake-electron.js';
import { ensureRendererBuilt } from '../e2e/harness.js';

let fake: typeof FakeState;
let dataDir: string;
const OUT = join(PACKAGE_ROOT, 'out', 'electron-test', 'main.mjs');

beforeAll(async () => {
  ensureRendererBuilt();
  dataDir = await mkdtemp(join(tmpdir(), 'tl-electron-main-'));
  process.env.TENSORLOOM_DATA_DIR = dataDir;
  // Same bundling as main/electron/build.ts, with `electron` swapped for the stand-in.
  await build({
    entryPoints: [join(PACKAGE_ROOT, 'main/electron/main.ts')],
    outfile: OUT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    alias: { electron: join(PACKAGE_ROOT, 'tests/fixtures/electron/fake-electron.ts') },
    logLevel: 'error',
  });
  await import(pathToFileURL(OUT).href);
  fake = (globalThis as Record<string, unknown>).__fakeElectron as typeof FakeState;
  fake.ready!();
  await new Promise((r) => setTimeout(r, 200));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await rm(join(PACKAGE_ROOT, 'out', 'electron-test'), { recursive: true, force: true });
});

const win = () => fake.windows[0]!;
const senderEvent = (url = 'app://tensorloom/index.html', frame?: object) => {
  const wc = win().webContents;
  const senderFrame = frame ?? wc.mainFrame;
  (senderFrame as { url: string }).url = url;
  return { sender: wc, senderFrame };
};

describe('desktop main process', () => {
  it('opens one window with isolation, sandbox and no Node integration, loading the app protocol', () => {
    expect(fake.windows).toHaveLength(1);
    expect(win().options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(String((win().options.webPreferences as { preload: string }).preload)).toMatch(/out[\\/]electron[\\/]preload\.cjs$/);
    expect(win().loaded).toBe('app://tensorloom/index.html');
  });

  it('serves the renderer with a strict CSP and nothing outside it', async () => {
    const handler = fake.protocolHandlers.get('app')!;
    const index = await handler(new Request('app://tensorloom/index.html'));
    expect(index.status).toBe(200);
    expect(index.headers.get('Content-Security-Policy')).toMatch(/default-src 'self'; script-src 'self';/);
    expect((await handler(new Request('app://tensorloom/%2e%2e/%2e%2e/package.json'))).status).toBe(404);
    expect((await handler(new Request('app://elsewhere/index.html'))).status).toBe(404);
  });

  it('blocks navigation and new windows', () => {
    let prevented = false;
    win().webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example');
    expect(prevented).toBe(true);
    expect(win().webContents.openHandler!({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
  });

  it('answers valid calls from its own page only, validating every payload', async () => {
    const invoke = fake.ipcHandle.get('tensorloom:invoke')!;
    const ok = (await invoke(senderEvent(), { id: 1, method: 'templates.list', params: {} })) as { ok: boolean; result: { templates: unknown[] } };
    expect(ok.ok).toBe(true);
    expect(ok.result.templates.length).toBeGreaterThan(0);
    expect(await invoke(senderEvent('https://evil.example/'), { id: 2, method: 'templates.list', params: {} })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await invoke(senderEvent('app://tensorloom/index.html', { url: '' }), { id: 3, method: 'templates.list', params: {} })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await invoke(senderEvent(), { id: 4, method: 'files.open', params: { path: '/etc/passwd' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await invoke(senderEvent(), { nonsense: true })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await invoke(senderEvent(), { id: 5, method: 'files.autosave', params: { docId: '../../x' } })).toMatchObject({ ok: false, error: { code: 'invalid' } });
  });

  it('streams events over a MessagePort given to each page load, e.g. menu commands', () => {
    win().webContents.emit('did-finish-load');
    const posted = win().webContents.posted.at(-1)!;
    expect(posted.channel).toBe('tensorloom:events');
    expect(posted.ports).toHaveLength(1);
    const menu = fake.menu as { label: string; submenu: { label: string; click?: () => void }[] }[];
    const channel = fake.channels.at(-1)!;
    expect(posted.ports[0]).toBe(channel.port2);
    menu.find((m) => m.label === '&File')!.submenu.find((i) => i.label === 'Save')!.click!();
    expect(channel.port1.sent).toEqual([{ event: 'onMenuCommand', payload: { command: 'save' } }]);
  });

  it('opens a graph file a second instance was started with in the existing window', async () => {
    const file = join(dataDir, 'second.tlgraph');
    await writeFile(file, serializeGraph(getTemplate('iris-mlp')!.build()));
    const channel = fake.channels.at(-1)!;
    fake.app!.emit('second-instance', {}, ['/opt/Tensorloom/tensorloom', 'second.tlgraph'], dataDir);
    await expect.poll(() => channel.port1.sent.length).toBe(2);
    expect(channel.port1.sent[1]).toMatchObject({ event: 'onOpenFile', payload: { file: { path: file, name: 'second.tlgraph' } } });
  });

  it('shows the file name and dirty marker in the title and asks before closing unsaved work', () => {
    const setState = fake.ipcOn.get('tensorloom:state')!;
    setState(senderEvent(), { name: 'model.tlgraph', dirty: true });
    expect(win().title).toBe('• model.tlgraph — Tensorloom');
    expect(win().edited).toBe(true);
    setState(senderEvent('https://evil.example/'), { name: 'pwned', dirty: false });
    setState(senderEvent(), { name: 'x', dirty: 'yes' });
    expect(win().title).toBe('• model.tlgraph — Tensorloom');
    fake.messageBoxAnswer = 2; // Cancel
    let prevented = false;
    win().emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(fake.messageBoxes).toHaveLength(1);
    fake.messageBoxAnswer = 1; // Discard
    prevented = false;
    win().emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
  });
});
