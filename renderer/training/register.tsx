import { getHost } from '../app/commands.js';
import { registerDockPanel } from '../app/dock-panels.js';
import { editorStore } from '../store/editor-store.js';
import { useUi } from '../store/ui-store.js';
import { adoptRuns, connectTraining, startTraining, stopRun } from './controller.js';
import { isActive } from './run-state.js';
import { trainingStore, useTraining } from './training-store.js';
import { TrainingPanel } from './training-panel.js';

// Mounts the training view in the app: a bottom-dock tab, and Ctrl+Enter / Ctrl+. to train / stop.

function TrainingBadge() {
  const phase = useTraining((s) => (s.currentRunId ? s.runs[s.currentRunId]?.state.phase : undefined));
  if (!phase || !(phase === 'running' || phase === 'starting' || phase === 'paused' || phase === 'failed')) return null;
  return <span className={`badge ${phase === 'failed' ? 'error' : 'info'}`}>{phase === 'failed' ? '!' : '●'}</span>;
}

registerDockPanel({ id: 'training', title: 'Training', render: () => <TrainingPanel host={getHost()} />, Badge: TrainingBadge });

/** Shows the training tab (Run menu, shortcut). */
export function showTraining(): void {
  useUi.getState().set({ dockTab: 'training', dockOpen: true });
}

/** Train (the Run menu's command). */
export function trainCommand(): void {
  showTraining();
  void startTraining();
}

/** Stop the current run (the Run menu's command). */
export function stopCommand(): void {
  const s = trainingStore.getState();
  const e = s.currentRunId ? s.runs[s.currentRunId] : null;
  if (e && isActive(e.state)) void stopRun(e.runId);
}

// The desktop shell's Run menu (Train, Stop) and View > Toggle Training arrive as menu commands.
queueMicrotask(() => {
  getHost()?.subscribe('onMenuCommand', ({ command }) => {
    if (command === 'train') trainCommand();
    else if (command === 'stop') stopCommand();
    else if (command === 'toggleTraining') {
      const ui = useUi.getState();
      ui.set(ui.dockTab === 'training' && ui.dockOpen ? { dockOpen: false } : { dockTab: 'training', dockOpen: true });
    }
  });
});

// An unsaved document saved as a file (same document, filePath null -> path): its runs follow it to the file.
editorStore.subscribe((s, prev) => {
  if (prev.filePath === null && s.filePath !== null && s.docSerial === prev.docSerial) {
    connectTraining(getHost());
    void adoptRuns(s.docSerial, s.filePath);
  }
});

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT';
}

if (typeof window !== 'undefined') {
  window.addEventListener('keydown', (e) => {
    if (!(e.ctrlKey || e.metaKey)) return;
    // Ctrl+Enter in a text field belongs to the field (a prompt, a number being typed), never to Train.
    if (isTyping(e.target) || useUi.getState().prompt || editorStore.getState().screen !== 'editor') return;
    if (e.key === 'Enter') {
      e.preventDefault();
      trainCommand();
    } else if (e.key === '.') {
      e.preventDefault();
      stopCommand();
    }
  });
}
