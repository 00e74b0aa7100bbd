// The desktop app's main process: one window per document, the host API over IPC, native menus and dialogs, and
// training in utility processes. The only code in the project that imports `electron` at run time.
import { app, BrowserWindow, dialog, ipcMain, Menu, MessageChannelMain, protocol, session, shell, type IpcMainInvokeEvent, type MessagePortMain } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { z } from 'zod';
import { HostError, parseEvent, WireRequestSchema, type HostEvent, type HostEventPayload, type MenuCommand, type WireResponse } from '../../graph/api/host.js';
import { GRAPH_EXTENSION } from '../../graph/document.js';
import { Host, type HostDialogs, type HostSession } from '../host/host.js';
import { PACKAGE_ROOT, RENDERER_DIST } from '../host/paths.js';
import { linkDecision } from './links.js';
import { graphFileFromArgv, menuTemplate } from './menu.js';
import { PredictionProcess } from '../training/predict-process.js';
import { utilityProcessPredictChannel, utilityProcessTraining } from './training.js';

const SCHEME = 'app';
const ORIGIN = `${SCHEME}://tensorloom`;
const HERE = join(PACKAGE_ROOT, 'out', 'electron');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2' };
const DocumentStateSchema = z.object({ name: z.string().max(500), dirty: z.boolean() }).strict();

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

interface WindowState {
  session: HostSession;
  port: MessagePortMain | null;
  dirty: boolean;
  name: string;
  closeConfirmed: boolean;
  /** The user chose Save in the close prompt: close once that save succeeds, stay open if it is cancelled or fails. */
  closeAfterSave: boolean;
}

const windows = new Map<number, { win: BrowserWindow; state: WindowState }>();
let host: Host;
let pendingFile: string | null = graphFileFromArgv(process.argv, process.cwd());

function focused(): { win: BrowserWindow; state: WindowState } | undefined {
  const w = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  return w ? windows.get(w.webContents.id) : undefined;
}

function sendCommand(command: MenuCommand): void {
  focused()?.state.session.send('onMenuCommand', { command });
}

async function openInWindow(path: string): Promise<void> {
  await host.access.grantFile(path);
  const target = focused();
  if (!target) {
    // The new window asks for its startup file, like a first launch with this file on the command line; windows
    // opened later start empty.
    await host.setStartupFile(path);
    createWindow();
    return;
  }
  try {
    const file = await host.openFile(path);
    target.state.session.send('onOpenFile', { file });
    if (target.win.isMinimized()) target.win.restore();
    target.win.focus();
  } catch (e) {
    dialog.showErrorBox('Cannot open file', (e as Error).message);
  }
}

let menuKey: string | null = null;

// Rebuilding the application menu closes it if it is open, so it is rebuilt only when Open Recent would change, not on
// every files.* call (autosave runs every few seconds).
async function refreshMenu(): Promise<void> {
  const recent = await host.recent.list().catch(() => []);
  const key = JSON.stringify(recent.map((r) => [r.path, r.exists]));
  if (key === menuKey) return;
  menuKey = key;
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(
        {
          command: sendCommand,
          openRecent: (path) => void openInWindow(path),
          about: () =>
            void dialog.showMessageBox({ type: 'info', title: 'About Tensorloom', message: `Tensorloom ${app.getVersion()}`, detail: 'Design and train neural networks visually.\nElectron ' + process.versions.electron }),
        },
        recent,
      ),
    ),
  );
}

function dialogsFor(): HostDialogs {
  const parent = () => focused()?.win;
  const filters = [{ name: 'Tensorloom graph', extensions: [GRAPH_EXTENSION] }];
  return {
    async openGraph() {
      const w = parent();
      const r = w ? await dialog.showOpenDialog(w, { properties: ['openFile'], filters }) : await dialog.showOpenDialog({ properties: ['openFile'], filters });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async saveGraph(suggestedName) {
      const w = parent();
      const opts = { defaultPath: suggestedName, filters };
      const r = w ? await dialog.showSaveDialog(w, opts) : await dialog.showSaveDialog(opts);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async chooseFolder(title) {
      const w = parent();
      const opts = { title, properties: ['openDirectory' as const, 'createDirectory' as const] };
      const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async saveFile(suggestedName, extension) {
      const w = parent();
      const opts = { defaultPath: suggestedName, filters: [{ name: extension === 'py' ? 'Python' : 'TypeScript', extensions: [extension] }] };
      const r = w ? await dialog.showSaveDialog(w, opts) : await dialog.showSaveDialog(opts);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async confirmReplace(message, detail) {
      const w = parent();
      const opts = { type: 'warning' as const, buttons: ['Replace', 'Cancel'], defaultId: 1, cancelId: 1, message, detail };
      const r = w ? await dialog.showMessageBox(w, opts) : await dialog.showMessageBox(opts);
      return r.response === 0;
    },
  };
}

/** Opens a link in the user's browser: trusted documentation sites directly, other https links after asking. */
async function openLink(url: string, from?: BrowserWindow): Promise<void> {
  const decision = linkDecision(url);
  if (decision === 'deny') return;
  if (decision === 'ask') {
    const opts = { type: 'question' as const, buttons: ['Open in Browser', 'Cancel'], defaultId: 1, cancelId: 1, message: 'Open this link in your browser?', detail: url };
    const r = from ? await dialog.showMessageBox(from, opts) : await dialog.showMessageBox(opts);
    if (r.response !== 0) return;
  }
  await shell.openExternal(url);
}

function updateTitle(win: BrowserWindow, state: WindowState): void {
  win.setTitle(`${state.dirty ? '• ' : ''}${state.name} — Tensorloom`);
  win.setDocumentEdited(state.dirty);
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'Tensorloom',
    webPreferences: {
      preload: join(HERE, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  const id = win.webContents.id;
  const state: WindowState = {
    port: null,
    dirty: false,
    name: 'Untitled',
    closeConfirmed: false,
    closeAfterSave: false,
    session: {
      send<E extends HostEvent>(event: E, payload: HostEventPayload<E>) {
        state.port?.postMessage({ event, payload: parseEvent(event, payload) });
      },
    },
  };
  windows.set(id, { win, state });

  // A fresh event port for every page load (reloads included).
  win.webContents.on('did-finish-load', () => {
    state.port?.close();
    const { port1, port2 } = new MessageChannelMain();
    state.port = port1;
    port1.start();
    win.webContents.postMessage('tensorloom:events', null, [port2]);
  });
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser (see openLink); the app never opens windows of its own.
    void openLink(url, win);
    return { action: 'deny' };
  });
  win.on('close', (e) => {
    if (!state.dirty || state.closeConfirmed) return;
    const choice = dialog.showMessageBoxSync(win, {
      type: 'warning',
      buttons: ['Save…', 'Discard Changes', 'Cancel'],
      defaultId: 0,
      cancelId: 2,
      message: `Save changes to ${state.name}?`,
      detail: 'Your changes will be lost if you close without saving.',
    });
    if (choice === 1) {
      state.closeConfirmed = true;
      // The user threw the changes away: their recovery copy must not come back at the next start.
      void host.discardSessionRecoveries(state.session);
      return;
    }
    e.preventDefault();
    if (choice === 0) {
      state.closeAfterSave = true;
      state.session.send('onMenuCommand', { command: 'save' });
    }
  });
  win.on('closed', () => {
    host.closeSession(state.session);
    state.port?.close();
    windows.delete(id);
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${ORIGIN}/index.html`);
  return win;
}

// Every IPC message must come from the top frame of one of our windows showing our own page.
function trustedSender(event: IpcMainInvokeEvent | Electron.IpcMainEvent): WindowState | null {
  const entry = windows.get(event.sender.id);
  const frame = event.senderFrame;
  if (!entry || !frame || frame !== event.sender.mainFrame || !frame.url.startsWith(`${ORIGIN}/`)) return null;
  return entry.state;
}

// Closes a window whose save (chosen in the close prompt) succeeded, after the renderer has had the answer.
function closeAfterSave(id: number): void {
  const entry = windows.get(id);
  if (!entry) return;
  entry.state.closeConfirmed = true;
  setTimeout(() => entry.win.close(), 0);
}

function registerIpc(): void {
  ipcMain.handle('tensorloom:invoke', async (event, raw: unknown): Promise<WireResponse> => {
    const state = trustedSender(event);
    const req = WireRequestSchema.safeParse(raw);
    if (!req.success) return { id: 0, ok: false, error: { code: 'invalid', message: 'malformed request' } };
    const { id, method, params } = req.data;
    if (!state) return { id, ok: false, error: { code: 'forbidden', message: 'request from an unknown frame' } };
    const saving = method === 'files.save' || method === 'files.saveAs';
    try {
      const result = await host.handle(method, params, state.session);
      if (method.startsWith('files.')) void refreshMenu();
      if (saving && state.closeAfterSave) {
        state.closeAfterSave = false;
        // Save As answers null when its dialog was cancelled: the window stays open with the unsaved work.
        if (result !== null) closeAfterSave(event.sender.id);
      }
      return { id, ok: true, result };
    } catch (e) {
      if (saving) state.closeAfterSave = false;
      return { id, ok: false, error: e instanceof HostError ? { code: e.code, message: e.message } : { code: 'failed', message: (e as Error).message } };
    }
  });
  ipcMain.on('tensorloom:state', (event, raw: unknown) => {
    const state = trustedSender(event);
    const parsed = DocumentStateSchema.safeParse(raw);
    if (!state || !parsed.success) return;
    state.dirty = parsed.data.dirty;
    state.name = parsed.data.name;
    state.closeConfirmed = false;
    const entry = windows.get(event.sender.id);
    if (entry) updateTitle(entry.win, state);
  });
}

function registerProtocol(): void {
  const root = resolve(RENDERER_DIST);
  protocol.handle(SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'tensorloom') return new Response('not found', { status: 404 });
    const file = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root + sep)) return new Response('not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, { headers: { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' } });
    } catch {
      return new Response(`not found: ${url.pathname}${url.pathname === '/index.html' ? " (the renderer is not built; run 'npm run build')" : ''}`, { status: 404 });
    }
  });
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the window(s); it receives our argv through 'second-instance'.
  app.quit();
} else {
  app.on('second-instance', (_event, argv, cwd) => {
    const file = graphFileFromArgv(argv, cwd);
    if (file) void openInWindow(file);
    else focused()?.win.focus();
  });
  // macOS: double-clicked files arrive as events, possibly before 'ready'.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (app.isReady()) void openInWindow(path);
    else pendingFile = path;
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });
  void app.whenReady().then(async () => {
    const predictions = new PredictionProcess({ spawn: () => utilityProcessPredictChannel(join(HERE, 'predict-worker.mjs')) });
    app.on('will-quit', () => predictions.close());
    host = new Host({
      kind: 'electron',
      version: app.getVersion(),
      dataDir: process.env.TENSORLOOM_DATA_DIR ?? app.getPath('userData'),
      workspaceRoot: null,
      initialFile: pendingFile,
      dialogs: dialogsFor(),
      startTraining: async () => utilityProcessTraining(join(HERE, 'worker.mjs')),
      predict: (request) => predictions.predict(request),
    });
    pendingFile = null;
    // The app needs no camera, microphone, notifications, geolocation, MIDI, USB, HID or serial access: refuse every
    // permission request and check instead of showing Chromium's prompts.
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    session.defaultSession.setDevicePermissionHandler(() => false);
    registerProtocol();
    registerIpc();
    await refreshMenu();
    createWindow();
    void host.handle('appInfo', {}, { send: () => undefined }).catch(() => undefined);
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => host?.dispose());
}
