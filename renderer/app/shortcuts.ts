import { getLayer } from '../../graph/layers/index.js';
import { editorStore } from '../store/editor-store.js';
import { useUi } from '../store/ui-store.js';
import * as cmd from './commands.js';

/** Whether keys and clipboard actions belong to a text field (input, textarea, select, contenteditable), not the graph. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT';
}

let pointer = { x: window.innerWidth / 2, y: window.innerHeight / 2 };

/** Opens quick-add at the pointer (or the canvas centre), connecting from the single selected node. */
export function openQuickAdd(): void {
  const flow = cmd.getFlowInstance();
  const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
  if (!flow || !canvas) return;
  const inside = pointer.x >= canvas.left && pointer.x <= canvas.right && pointer.y >= canvas.top && pointer.y <= canvas.bottom;
  const screen = inside ? pointer : { x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 };
  const { selection, graph } = editorStore.getState();
  const only = selection.nodes.size === 1 ? [...selection.nodes][0]! : null;
  // A layer without an output (an Output) has nothing to connect onward: quick-add then just adds.
  const type = only ? graph.nodes.find((n) => n.id === only)?.type : undefined;
  const connectFrom = only && type && getLayer(type)?.outputs !== 0 ? only : null;
  let flowPos = flow.screenToFlowPosition(screen);
  if (connectFrom && !inside) {
    const n = flow.getInternalNode(connectFrom);
    if (n) flowPos = { x: n.internals.positionAbsolute.x + (n.measured.width ?? 200) + 80, y: n.internals.positionAbsolute.y };
  }
  useUi.getState().set({ quickAdd: { screen, flow: flowPos, connectFrom } });
}

/** Installs the editor's keyboard shortcuts and clipboard handlers; returns the uninstaller. */
export function installShortcuts(): () => void {
  const onMove = (e: PointerEvent) => {
    pointer = { x: e.clientX, y: e.clientY };
  };
  const onKey = (e: KeyboardEvent) => {
    const s = editorStore.getState();
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (mod && key === 's') {
      e.preventDefault();
      if (s.screen === 'editor') void (e.shiftKey ? cmd.saveAs() : cmd.save());
      return;
    }
    if (mod && key === 'o') {
      e.preventDefault();
      void cmd.open();
      return;
    }
    if (e.key === 'F1') {
      e.preventDefault();
      useUi.getState().set({ helpOpen: true });
      return;
    }
    const ui = useUi.getState();
    if (s.screen !== 'editor' || isTyping(e.target) || ui.quickAdd || ui.prompt || ui.choice || ui.helpOpen || ui.recoveryOffer) return;
    if (mod && key === 'z') {
      e.preventDefault();
      if (e.shiftKey) cmd.redo();
      else cmd.undo();
    } else if (mod && key === 'y') {
      e.preventDefault();
      cmd.redo();
    } else if (mod && key === 'd') {
      e.preventDefault();
      cmd.duplicate();
    } else if (mod && key === 'a') {
      e.preventDefault();
      cmd.selectAll();
    } else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) {
      e.preventDefault();
      cmd.deleteSelection();
    } else if (!mod && !e.altKey && key === 'f') {
      e.preventDefault();
      cmd.fitView();
    } else if (!mod && !e.altKey && key === 'l' && e.shiftKey) {
      e.preventDefault();
      void cmd.autoLayout();
    } else if (e.key === 'Tab' && !mod) {
      e.preventDefault();
      openQuickAdd();
    } else if (e.key === 'Escape') {
      s.setSelection({ nodes: [], edges: [] });
    }
  };
  // Keyboard copy/cut/paste go through the clipboard events: they reach the system clipboard without a
  // permission prompt, so nodes copied in one tab or window paste in another.
  const onCopy = (e: ClipboardEvent) => {
    if (editorStore.getState().screen !== 'editor' || isTyping(e.target) || window.getSelection()?.toString()) return;
    const text = cmd.copyText();
    if (!text || !e.clipboardData) return;
    e.clipboardData.setData('text/plain', text);
    e.preventDefault();
  };
  const onCut = (e: ClipboardEvent) => {
    if (editorStore.getState().screen !== 'editor' || isTyping(e.target)) return;
    const text = cmd.copyText();
    if (!text || !e.clipboardData) return;
    e.clipboardData.setData('text/plain', text);
    e.preventDefault();
    cmd.deleteSelection();
  };
  const onPaste = (e: ClipboardEvent) => {
    if (editorStore.getState().screen !== 'editor' || isTyping(e.target)) return;
    const text = e.clipboardData?.getData('text/plain') ?? null;
    if (cmd.pasteText(text)) e.preventDefault();
  };
  // Chromium runs Copy, Cut and Paste from a menu (the desktop app's Edit roles) only when there is text to act on, or
  // when the page cancels the matching before* event: cancel it when the graph is what the command acts on.
  const onBefore = (e: Event) => {
    if (editorStore.getState().screen !== 'editor' || isTyping(e.target) || window.getSelection()?.toString()) return;
    const sel = editorStore.getState().selection;
    if (e.type === 'beforepaste' || sel.nodes.size > 0) e.preventDefault();
  };
  window.addEventListener('pointermove', onMove, { passive: true });
  window.addEventListener('keydown', onKey);
  document.addEventListener('copy', onCopy);
  document.addEventListener('cut', onCut);
  document.addEventListener('paste', onPaste);
  for (const type of ['beforecopy', 'beforecut', 'beforepaste']) document.addEventListener(type, onBefore);
  return () => {
    for (const type of ['beforecopy', 'beforecut', 'beforepaste']) document.removeEventListener(type, onBefore);
    window.removeEventListener('pointermove', onMove);
    window.removeEventListener('keydown', onKey);
    document.removeEventListener('copy', onCopy);
    document.removeEventListener('cut', onCut);
    document.removeEventListener('paste', onPaste);
  };
}
