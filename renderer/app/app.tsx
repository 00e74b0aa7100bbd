import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';
import { Canvas } from '../canvas/canvas.js';
import { Palette } from '../panels/palette.js';
import { Inspector } from '../panels/inspector.js';
import { QuickAdd } from '../panels/quick-add.js';
import { StartScreen } from '../start/start-screen.js';
import { editorStore, isDirty, useEditor } from '../store/editor-store.js';
import { useUi, type ThemePref } from '../store/ui-store.js';
import * as cmd from './commands.js';
import { dockPanels, extraSidePanels } from './dock-panels.js';
import { formatCount, formatInt } from './format.js';
import { Icon } from './icons.js';
import { ErrorBoundary } from './error-boundary.js';
import { installShortcuts } from './shortcuts.js';
import { ChoiceDialog, ConnectionBanner, FileBrowser, HelpDialog, PromptDialog, RecoveryDialog } from './dialogs.js';
import { runMenuCommand, toggleInspector, togglePalette, showDocs } from './menu-commands.js';

function fileLabel(path: string | null, name: string): string {
  return path ? (path.split(/[\\/]/).pop() ?? path) : `${name || 'Untitled'} (unsaved)`;
}

function Toolbar() {
  const canUndo = useEditor((s) => s.undoStack.length > 0 || (s.pending?.changes.length ?? 0) > 0);
  const canRedo = useEditor((s) => s.redoStack.length > 0);
  const dirty = useEditor(isDirty);
  const path = useEditor((s) => s.filePath);
  const name = useEditor((s) => s.graph.name);
  const theme = useUi((s) => s.theme);
  const busy = useUi((s) => s.busy);
  const paletteOpen = useUi((s) => s.paletteOpen);
  const inspectorOpen = useUi((s) => s.inspectorOpen);
  const nextTheme: Record<ThemePref, ThemePref> = { system: 'light', light: 'dark', dark: 'system' };
  return (
    <header className="toolbar">
      <button className="brand" onClick={cmd.goHome} title="Start screen">
        <span className="brand-mark" />
        <span className="brand-name">Tensorloom</span>
      </button>
      <div className="tool-group">
        <button className="tool" data-testid="new-button" onClick={() => cmd.newDocument()} title="New graph">
          <Icon name="file" />
        </button>
        <button className="tool" data-testid="open-button" onClick={() => void cmd.open()} title="Open… (Ctrl+O)">
          <Icon name="open" />
        </button>
        <button className="tool" data-testid="save-button" onClick={() => void cmd.save()} title="Save (Ctrl+S)">
          <Icon name="save" />
        </button>
        <button className="tool" data-testid="save-as-button" onClick={() => void cmd.saveAs()} title="Save as… (Ctrl+Shift+S)">
          <Icon name="saveAs" />
        </button>
      </div>
      <div className="tool-group">
        <button className="tool" data-testid="undo-button" disabled={!canUndo} onClick={cmd.undo} title="Undo (Ctrl+Z)">
          <Icon name="undo" />
        </button>
        <button className="tool" data-testid="redo-button" disabled={!canRedo} onClick={cmd.redo} title="Redo (Ctrl+Shift+Z)">
          <Icon name="redo" />
        </button>
      </div>
      <div className="tool-group">
        <button className="tool labelled" data-testid="layout-button" disabled={busy !== null} aria-busy={busy !== null} onClick={() => void cmd.autoLayout()} title="Arrange left to right (Shift+L)">
          {busy !== null ? <span className="spinner" /> : <Icon name="layout" />} {busy !== null ? 'Arranging…' : 'Arrange'}
        </button>
        <button className="tool" data-testid="fit-button" onClick={cmd.fitView} title="Fit view (F)">
          <Icon name="fit" />
        </button>
      </div>
      <div className="doc-title" data-testid="doc-title" title={path ?? undefined}>
        {dirty && <span className="dirty-dot" data-testid="dirty-marker" title="Unsaved changes" />}
        {fileLabel(path, name)}
      </div>
      <div className="tool-group">
        <button className={`tool${paletteOpen ? ' on' : ''}`} data-testid="toggle-palette" aria-pressed={paletteOpen} onClick={togglePalette} title={`${paletteOpen ? 'Hide' : 'Show'} the layer palette (View menu)`}>
          <Icon name="palette" />
        </button>
        <button className={`tool${inspectorOpen ? ' on' : ''}`} data-testid="toggle-inspector" aria-pressed={inspectorOpen} onClick={toggleInspector} title={`${inspectorOpen ? 'Hide' : 'Show'} the inspector (View menu)`}>
          <Icon name="inspector" />
        </button>
        <button className="tool" data-testid="help-button" onClick={showDocs} title="Documentation (F1)">
          ?
        </button>
      </div>
      <button className="tool" data-testid="theme-button" onClick={() => useUi.getState().set({ theme: nextTheme[theme] })} title={`Theme: ${theme} (click to change)`}>
        <Icon name={theme === 'dark' ? 'moon' : theme === 'light' ? 'sun' : 'auto'} />
      </button>
    </header>
  );
}

function StatusBar() {
  const totals = useEditor((s) => s.inference.totals);
  const nodes = useEditor((s) => s.graph.nodes.length);
  const errors = useEditor((s) => s.inference.diagnostics.filter((d) => d.severity === 'error').length);
  const warnings = useEditor((s) => s.inference.diagnostics.filter((d) => d.severity === 'warning').length);
  const toastMsg = useUi((s) => s.toast);
  const busy = useUi((s) => s.busy);
  const [, tick] = useState(0);
  useEffect(() => {
    if (!toastMsg) return;
    const t = setTimeout(() => tick((n) => n + 1), 5000);
    return () => clearTimeout(t);
  }, [toastMsg]);
  const showToast = toastMsg && Date.now() - toastMsg.at < 5000;
  const total = totals.trainable + totals.nonTrainable;
  return (
    <footer className="status-bar">
      <span data-testid="status-params" title={`${formatInt(totals.trainable)} trainable, ${formatInt(totals.nonTrainable)} non-trainable`}>
        <b>{formatInt(total)}</b> params
      </span>
      <span data-testid="status-macs" title={`${formatInt(totals.macs)} multiply-adds per sample`}>
        <b>{formatCount(totals.macs)}</b> mult-adds
      </span>
      <span>{nodes} layers</span>
      <button className={`status-problems ${errors ? 'error' : warnings ? 'warning' : 'ok'}`} data-testid="status-problems" title="Show the problems list" onClick={() => useUi.getState().set({ dockOpen: true, dockTab: 'problems' })}>
        {errors ? `${errors} error${errors > 1 ? 's' : ''}` : 'No errors'}
        {warnings ? ` · ${warnings} warning${warnings > 1 ? 's' : ''}` : ''}
      </button>
      <span className="spacer" />
      {busy && (
        <span className="status-busy" data-testid="status-busy" role="status">
          <span className="spinner" /> {busy}
        </span>
      )}
      {showToast && <span className={`toast ${toastMsg.kind}`} data-testid="toast">{toastMsg.text}</span>}
    </footer>
  );
}

// Until the user drags the splitter, styles.css sizes the dock (a panel's own stylesheet may ask for more,
// up to a cap that leaves the canvas most of the height).
const DOCK_MIN = 110;
/** The canvas keeps at least this much height however far the splitter is dragged. */
const CANVAS_MIN = 180;

function DockSplitter({ dock }: { dock: RefObject<HTMLElement | null> }) {
  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    const el = dock.current;
    const center = el?.parentElement;
    if (!el || !center) return;
    e.preventDefault();
    const handle = e.currentTarget;
    handle.setPointerCapture(e.pointerId);
    const startY = e.clientY;
    const startH = el.getBoundingClientRect().height;
    const max = Math.max(DOCK_MIN, center.getBoundingClientRect().height - CANVAS_MIN);
    const move = (m: PointerEvent) => useUi.getState().set({ dockHeight: Math.round(Math.min(max, Math.max(DOCK_MIN, startH + startY - m.clientY))) });
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      handle.removeEventListener('pointercancel', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
    handle.addEventListener('pointercancel', up);
  };
  return (
    <div
      className="dock-splitter"
      data-testid="dock-splitter"
      role="separator"
      aria-orientation="horizontal"
      title="Drag to resize; double-click for the default height"
      onPointerDown={onPointerDown}
      onDoubleClick={() => useUi.getState().set({ dockHeight: null })}
    />
  );
}

function Dock() {
  const tab = useUi((s) => s.dockTab);
  const open = useUi((s) => s.dockOpen);
  const height = useUi((s) => s.dockHeight);
  const set = useUi((s) => s.set);
  const ref = useRef<HTMLElement>(null);
  const panels = dockPanels();
  const active = panels.find((p) => p.id === tab) ?? panels[0]!;
  // The user's height holds for every tab, whatever a panel's own stylesheet would like.
  const style = open && height !== null ? { height: `min(${height}px, calc(100% - ${CANVAS_MIN}px))`, maxHeight: 'none' } : undefined;
  return (
    <section className={`dock${open ? ' open' : ''}`} ref={ref} style={style} data-testid="dock">
      {open && <DockSplitter dock={ref} />}
      <div className="tabs">
        {panels.map((p) => (
          <button key={p.id} className={`tab${p.id === active.id && open ? ' active' : ''}`} data-testid={`dock-tab-${p.id}`} onClick={() => set({ dockTab: p.id, dockOpen: true })}>
            {p.title}
            {p.Badge && <p.Badge />}
          </button>
        ))}
        <span className="spacer" />
        <button className="tab" onClick={() => set({ dockOpen: !open })} title={open ? 'Hide panel' : 'Show panel'} data-testid="dock-fold">
          {open ? '▾' : '▴'}
        </button>
      </div>
      {open && <div className="dock-body">{active.render()}</div>}
    </section>
  );
}

function SidePanel() {
  const extra = extraSidePanels();
  const [tab, setTab] = useState('inspector');
  const active = extra.find((p) => p.id === tab);
  return (
    <aside className="side-panel">
      <div className="tabs">
        <button className={`tab${!active ? ' active' : ''}`} onClick={() => setTab('inspector')}>
          Inspector
        </button>
        {extra.map((p) => (
          <button key={p.id} className={`tab${active?.id === p.id ? ' active' : ''}`} data-testid={`side-tab-${p.id}`} onClick={() => setTab(p.id)}>
            {p.title}
          </button>
        ))}
      </div>
      <div className="side-body">{active ? active.render() : <Inspector />}</div>
    </aside>
  );
}

function useTheme(): void {
  const theme = useUi((s) => s.theme);
  useEffect(() => {
    const root = document.documentElement;
    const apply = () => {
      const dark = theme === 'dark' || (theme === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches);
      root.dataset.theme = dark ? 'dark' : 'light';
    };
    apply();
    try {
      localStorage.setItem('tensorloom.theme', theme);
    } catch {
      // not persisted; the choice still applies to this window
    }
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    mq.addEventListener('change', apply);
    return () => mq.removeEventListener('change', apply);
  }, [theme]);
}

function useHost(): void {
  useEffect(() => {
    const host = cmd.getHost();
    if (!host) return;
    host.call('files.startup', {}).then(
      (r) => {
        if (r.file) {
          cmd.showOpened(r.file);
          // Started with a file (double-click, command line): the start screen and its recovery list are skipped, so
          // unsaved work from a crash is offered here.
          if (r.recoveries.length) useUi.getState().set({ recoveryOffer: r.recoveries });
        } else if (r.error) useUi.getState().set({ toast: { text: r.error, kind: 'error', at: Date.now() } });
      },
      () => undefined,
    );
    const offOpen = host.subscribe('onOpenFile', ({ file }) => void cmd.openFromHost(file));
    const offMenu = host.subscribe('onMenuCommand', ({ command }) => runMenuCommand(command));
    // Title bar and close prompt follow the document; autosave keeps a recovery copy of unsaved work.
    const unsub = editorStore.subscribe((s, prev) => {
      if (s.filePath !== prev.filePath || s.graph.name !== prev.graph.name || isDirty(s) !== isDirty(prev))
        host.setDocumentState({ name: fileLabel(s.filePath, s.graph.name), dirty: isDirty(s) });
    });
    const timer = setInterval(() => void cmd.autosave(), 5000);
    return () => {
      offOpen();
      offMenu();
      unsub();
      clearInterval(timer);
    };
  }, []);
}

/** The application: start screen, or the editor with palette, canvas, inspector, dock and status bar. */
export function App() {
  const screen = useEditor((s) => s.screen);
  const docSerial = useEditor((s) => s.docSerial);
  const paletteOpen = useUi((s) => s.paletteOpen);
  const inspectorOpen = useUi((s) => s.inspectorOpen);
  useTheme();
  useHost();
  useEffect(() => installShortcuts(), []);
  return (
    <div className="app">
      <ErrorBoundary>
        {screen === 'start' ? (
          <StartScreen />
        ) : (
          <>
            <Toolbar />
            <div className="workspace">
              {paletteOpen && <Palette />}
              <main className="center">
                <Canvas key={docSerial} />
                <Dock />
              </main>
              {inspectorOpen && <SidePanel />}
            </div>
            <StatusBar />
            <QuickAdd />
          </>
        )}
      </ErrorBoundary>
      <ConnectionBanner />
      <PromptDialog />
      <FileBrowser />
      <RecoveryDialog />
      <HelpDialog />
      <ChoiceDialog />
    </div>
  );
}
