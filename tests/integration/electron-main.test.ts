// Loads the desktop app's real main process (bundled as for `npm start`) against a stand-in `electron` module, and
// checks the security settings and the IPC rules; the Electron runtime itself cannot be downloaded here.
import { build } from 'esbuild';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
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

  it('denies every permission request and check (camera, microphone, notifications, devices)', () => {
    for (const permission of ['media', 'notifications', 'geolocation', 'midiSysex', 'clipboard-read']) {
      let granted: boolean | undefined;
      fake.permissionRequest!(win().webContents, permission, (g: boolean) => (granted = g), {});
      expect(granted, permission).toBe(false);
      expect(fake.permissionCheck!(win().webContents, permission, 'app://tensorloom', {})).toBe(false);
    }
    expect(fake.devicePermission!({ deviceType: 'usb' })).toBe(false);
  });

  it('opens only https links: trusted documentation directly, others after asking, never file: or custom schemes', async () => {
    const open = (url: string) => win().webContents.openHandler!({ url });
    fake.opened.length = 0;
    fake.asyncBoxes.length = 0;
    expect(open('https://keras.io/api/layers/')).toEqual({ action: 'deny' });
    await expect.poll(() => fake.opened).toEqual(['https://keras.io/api/layers/']);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'http://keras.io/', 'smb://host/share', 'https://user:pw@keras.io/']) open(url);
    fake.asyncAnswer = 1; // Cancel
    open('https://unknown.example/page');
    await expect.poll(() => fake.asyncBoxes.length).toBe(1);
    expect(fake.asyncBoxes[0]!.detail).toBe('https://unknown.example/page');
    fake.asyncAnswer = 0; // Open in Browser
    open('https://unknown.example/other');
    await expect.poll(() => fake.opened).toEqual(['https://keras.io/api/layers/', 'https://unknown.example/other']);
    fake.asyncAnswer = 1;
  });

  it('rebuilds the application menu only when the recent list changes, not on every autosave', async () => {
    const invoke = fake.ipcHandle.get('tensorloom:invoke')!;
    const graph = getTemplate('iris-mlp')!.build();
    await invoke(senderEvent(), { id: 20, method: 'files.listRecent', params: {} });
    await new Promise((r) => setTimeout(r, 50));
    const before = fake.menuBuilds;
    for (let i = 0; i < 3; i++) expect(await invoke(senderEvent(), { id: 21 + i, method: 'files.autosave', params: { docId: 'menu-doc', path: null, graph } })).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.menuBuilds).toBe(before);
    fake.saveDialogPath = join(dataDir, 'menu-test.tlgraph');
    expect(await invoke(senderEvent(), { id: 25, method: 'files.saveAs', params: { graph, docId: 'menu-doc' } })).toMatchObject({ ok: true, result: { path: fake.saveDialogPath } });
    fake.saveDialogPath = null;
    await expect.poll(() => fake.menuBuilds).toBe(before + 1);
    const file = (fake.menu as { label: string; submenu: { label: string; submenu?: { label: string }[] }[] }[]).find((m) => m.label === '&File')!;
    expect(file.submenu.find((i) => i.label === 'Open Recent')!.submenu![0]!.label).toBe(join(dataDir, 'menu-test.tlgraph'));
  });

  it('Edit menu: clipboard items are roles (they act on a focused text field), the rest go to the renderer', () => {
    const edit = (fake.menu as { label: string; submenu: { label?: string; role?: string; click?: unknown }[] }[]).find((m) => m.label === '&Edit')!;
    expect(edit.submenu.filter((i) => i.role).map((i) => i.role)).toEqual(['cut', 'copy', 'paste']);
    expect(edit.submenu.filter((i) => i.click).map((i) => i.label)).toEqual(['Undo', 'Redo', 'Delete', 'Select All']);
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

  it('Discard Changes in the close prompt drops the recovery copy, so it is not offered at the next start', async () => {
    const invoke = fake.ipcHandle.get('tensorloom:invoke')!;
    const setState = fake.ipcOn.get('tensorloom:state')!;
    const graph = getTemplate('iris-mlp')!.build();
    await invoke(senderEvent(), { id: 30, method: 'files.autosave', params: { docId: 'thrown-away', path: null, graph } });
    setState(senderEvent(), { name: 'Untitled', dirty: true });
    fake.messageBoxAnswer = 1; // Discard Changes
    win().emit('close', { preventDefault: () => undefined });
    await expect.poll(async () => readdir(join(dataDir, 'recovery')).catch(() => [])).not.toContain('thrown-away.json');
  });

  it('Save… in the close prompt closes the window after the save succeeds, and not when it is cancelled or fails', async () => {
    const invoke = fake.ipcHandle.get('tensorloom:invoke')!;
    const setState = fake.ipcOn.get('tensorloom:state')!;
    const graph = getTemplate('iris-mlp')!.build();
    const channel = fake.channels.at(-1)!;
    const closePrompt = () => {
      setState(senderEvent(), { name: 'Untitled', dirty: true });
      fake.messageBoxAnswer = 0; // Save…
      let prevented = false;
      win().emit('close', { preventDefault: () => (prevented = true) });
      expect(prevented).toBe(true);
      expect(channel.port1.sent.at(-1)).toEqual({ event: 'onMenuCommand', payload: { command: 'save' } });
    };
    const wait = () => new Promise((r) => setTimeout(r, 20));
    fake.closed.length = 0;
    // Cancelled in the save dialog: stays open.
    closePrompt();
    expect(await invoke(senderEvent(), { id: 40, method: 'files.saveAs', params: { graph } })).toMatchObject({ ok: true, result: null });
    await wait();
    expect(fake.closed).toEqual([]);
    // The save fails: stays open, and a later ordinary save does not close it either.
    closePrompt();
    expect(await invoke(senderEvent(), { id: 41, method: 'files.save', params: { path: join(dataDir, 'nowhere', 'x.tlgraph'), graph } })).toMatchObject({ ok: false });
    fake.saveDialogPath = join(dataDir, 'kept-open.tlgraph');
    expect(await invoke(senderEvent(), { id: 42, method: 'files.saveAs', params: { graph } })).toMatchObject({ ok: true });
    await wait();
    expect(fake.closed).toEqual([]);
    // Saved: the window closes without asking again.
    closePrompt();
    const boxes = fake.messageBoxes.length;
    fake.saveDialogPath = join(dataDir, 'saved-then-closed.tlgraph');
    expect(await invoke(senderEvent(), { id: 43, method: 'files.saveAs', params: { graph } })).toMatchObject({ ok: true });
    fake.saveDialogPath = null;
    await expect.poll(() => fake.closed).toEqual([win().webContents.id]);
    expect(fake.messageBoxes.length).toBe(boxes);
  });
});
