import type { MenuCommand } from '../../graph/api/host.js';
import { useUi } from '../store/ui-store.js';
import * as cmd from './commands.js';
import { isTyping } from './shortcuts.js';

// What the desktop app's menu items do in the window. Train, Stop, Toggle Training and Export belong to the training
// view (renderer/training/register.tsx); About is answered by the main process.

const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

/**
 * Edit commands while a text field has focus act on its text, as in any desktop app: Ctrl+Z in the learning-rate
 * field undoes typing there, Select All selects its text, Delete deletes a character, never a layer.
 */
const TEXT_COMMANDS: Partial<Record<MenuCommand, string>> = {
  undo: 'undo',
  redo: 'redo',
  selectAll: 'selectAll',
  delete: isMac ? 'delete' : 'forwardDelete',
  cut: 'cut',
  copy: 'copy',
  paste: 'paste',
};

function textCommand(command: MenuCommand): boolean {
  const native = TEXT_COMMANDS[command];
  if (!native || !isTyping(document.activeElement)) return false;
  // execCommand is the one way to run the browser's own editing actions (with their undo history) on a field.
  document.execCommand(native);
  return true;
}

/** Shows or hides the layer palette (View > Toggle Layer Palette). */
export function togglePalette(): void {
  useUi.getState().set({ paletteOpen: !useUi.getState().paletteOpen });
}

/** Shows or hides the inspector side panel (View > Toggle Inspector). */
export function toggleInspector(): void {
  useUi.getState().set({ inspectorOpen: !useUi.getState().inspectorOpen });
}

/** Opens the documentation (Help > Documentation, F1). */
export function showDocs(): void {
  useUi.getState().set({ helpOpen: true });
}

const HANDLERS: Partial<Record<MenuCommand, () => void>> = {
  new: () => void cmd.newDocument(),
  open: () => void cmd.open(),
  save: () => void cmd.save(),
  saveAs: () => void cmd.saveAs(),
  undo: cmd.undo,
  redo: cmd.redo,
  cut: () => void cmd.cut(),
  copy: () => void cmd.copy(),
  paste: () => void cmd.paste(),
  delete: cmd.deleteSelection,
  selectAll: cmd.selectAll,
  fitView: cmd.fitView,
  zoomIn: () => void cmd.getFlowInstance()?.zoomIn(),
  zoomOut: () => void cmd.getFlowInstance()?.zoomOut(),
  zoomReset: () => void cmd.getFlowInstance()?.zoomTo(1),
  toggleTheme: () => useUi.getState().set({ theme: document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark' }),
  togglePalette,
  toggleInspector,
  docs: showDocs,
};

/** Runs a menu command in this window. */
export function runMenuCommand(command: MenuCommand): void {
  if (textCommand(command)) return;
  HANDLERS[command]?.();
}
