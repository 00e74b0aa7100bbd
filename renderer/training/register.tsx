import { getHost } from '../app/commands.js';
import { registerDockPanel } from '../app/dock-panels.js';
import { isTyping } from '../app/shortcuts.js';
import { editorStore } from '../store/editor-store.js';
import { askChoice, useUi } from '../store/ui-store.js';
import { adoptRuns, connectTraining, startTraining, stopRun } from './controller.js';
import { isActive } from './run-state.js';
import { trainingStore, useTraining } from './training-store.js';
import { onExportCode, onExportModel, TrainingPanel } from './training-panel.js';

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

/** File > Export > Trained Model: the current run's model, through the same steps as the panel's button. */
async function exportModelCommand(): Promise<void> {
  connectTraining(getHost());
  const s = trainingStore.getState();
  const e = s.currentRunId ? s.runs[s.currentRunId] : null;
  showTraining();
  if (!e || (e.state.finished?.artifactDir ?? e.info?.artifactDir ?? null) === null) {
    s.set({ notice: { text: 'There is no trained model to export yet: train the graph (Run > Train), then export the run from here or File > Export > Trained Model.', kind: 'error' } });
    return;
  }
  await onExportModel(e.runId);
}

/** File > Export > Code: asks for the language, then exports like the panel's TS / Py buttons. */
async function exportCodeCommand(): Promise<void> {
  const language = await askChoice('Export the graph as code', 'TypeScript builds the model with TensorFlow.js; Python builds it with Keras 3.', [
    { id: 'typescript', label: 'TypeScript (tfjs)', kind: 'primary' },
    { id: 'python', label: 'Python (Keras)' },
    { id: 'cancel', label: 'Cancel' },
  ]);
  if (language !== 'typescript' && language !== 'python') return;
  // The export reports through the training view's notices, which need the view connected even if never opened.
  connectTraining(getHost());
  await onExportCode(language);
}

// The desktop shell's Run menu (Train, Stop), View > Toggle Training and File > Export arrive as menu commands.
queueMicrotask(() => {
  getHost()?.subscribe('onMenuCommand', ({ command }) => {
    if (command === 'train') trainCommand();
    else if (command === 'stop') stopCommand();
    else if (command === 'toggleTraining') {
      const ui = useUi.getState();
      ui.set(ui.dockTab === 'training' && ui.dockOpen ? { dockOpen: false } : { dockTab: 'training', dockOpen: true });
    } else if (command === 'exportModel') void exportModelCommand();
    else if (command === 'exportCode') void exportCodeCommand();
  });
});

// An unsaved document saved as a file (same document, filePath null -> path): its runs follow it to the file.
editorStore.subscribe((s, prev) => {
  if (prev.filePath === null && s.filePath !== null && s.docSerial === prev.docSerial) {
    connectTraining(getHost());
    void adoptRuns(s.filePath);
  }
});

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
