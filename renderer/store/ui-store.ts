import { create } from 'zustand';
import type { Recovery } from '../../graph/api/host.js';
import type { Point } from './changes.js';

/** A modal question: its answers in order (the primary one first); resolves with the chosen id, or null when dismissed. */
export interface Choice {
  title: string;
  message: string;
  answers: { id: string; label: string; kind?: 'primary' | 'danger' }[];
  resolve: (id: string | null) => void;
}

/** Theme preference: follow the system, or force one. */
export type ThemePref = 'system' | 'light' | 'dark';

/** Window-level UI state that is neither document nor canvas selection. */
export interface UiState {
  /** Quick-add popup: where it opened (screen and canvas coordinates) and the node to connect from. */
  quickAdd: { screen: Point; flow: Point; connectFrom: string | null } | null;
  /** A palette layer being dragged, and the edge it would be inserted into if dropped now (drawn highlighted). */
  layerDrag: { type: string; edge: string | null } | null;
  theme: ThemePref;
  /** Tab shown in the bottom dock (problems, summary, and panels other features register). */
  dockTab: string;
  dockOpen: boolean;
  /** Height of the open dock in pixels once the user dragged its splitter; null keeps the default. */
  dockHeight: number | null;
  /** Whether the canvas shows its minimap. */
  minimap: boolean;
  /** A transient message in the status bar (saved, refused paste, ...). */
  toast: { text: string; kind: 'info' | 'error'; at: number } | null;
  /** Modal prompt for a file name (browser host without native dialogs). */
  prompt: { title: string; value: string; resolve: (v: string | null) => void } | null;
  /** The workspace file browser (browser host's Open dialog). */
  browserOpen: boolean;
  /** A long operation in progress (an auto-layout), shown in the status bar; null when idle. */
  busy: string | null;
  /** A question with a few answers (Save / Don't Save / Cancel, Replace / Cancel), as desktop apps ask. */
  choice: Choice | null;
  /** The layer palette (left) and the inspector side panel (right) are shown (View menu toggles). */
  paletteOpen: boolean;
  inspectorOpen: boolean;
  /** The documentation window (Help > Documentation, F1). */
  helpOpen: boolean;
  /** Recovery copies to offer in a dialog (when the app started with a file, so the start screen is skipped). */
  recoveryOffer: Recovery[] | null;
  set(p: Partial<Omit<UiState, 'set'>>): void;
}

function stored(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(`tensorloom.${key}`) ?? null;
  } catch {
    // storage can be unavailable (sandboxed file://); defaults are fine then
    return null;
  }
}

/** Keeps a window preference for the next session (theme, dock height, minimap); silently not where storage is unavailable. */
function storePreference(key: string, value: string | null): void {
  try {
    if (value === null) globalThis.localStorage?.removeItem(`tensorloom.${key}`);
    else globalThis.localStorage?.setItem(`tensorloom.${key}`, value);
  } catch {
    // not persisted; the choice still applies to this window
  }
}

function initialTheme(): ThemePref {
  const t = stored('theme');
  return t === 'light' || t === 'dark' || t === 'system' ? t : 'system';
}

function initialDockHeight(): number | null {
  const h = Number(stored('dockHeight'));
  return Number.isFinite(h) && h >= 80 ? h : null;
}

/** The UI store. */
export const useUi = create<UiState>()((set) => ({
  quickAdd: null,
  layerDrag: null,
  theme: initialTheme(),
  dockTab: 'problems',
  dockOpen: true,
  dockHeight: initialDockHeight(),
  minimap: stored('minimap') !== 'off',
  toast: null,
  prompt: null,
  browserOpen: false,
  busy: null,
  choice: null,
  paletteOpen: true,
  inspectorOpen: true,
  helpOpen: false,
  recoveryOffer: null,
  set: (p) => set(p),
}));

/** Shows a short message in the status bar. */
export function toast(text: string, kind: 'info' | 'error' = 'info'): void {
  useUi.getState().set({ toast: { text, kind, at: Date.now() } });
}

/** Asks a question in a modal; resolves with the id of the chosen answer, or null when dismissed (Escape). */
export function askChoice(title: string, message: string, answers: Choice['answers']): Promise<string | null> {
  return new Promise((resolve) => {
    // A question still open (e.g. a second file arrived from the OS) is answered "dismissed" so it cannot hang.
    useUi.getState().choice?.resolve(null);
    useUi.getState().set({ choice: { title, message, answers, resolve } });
  });
}

/** Asks for a line of text in a modal; resolves null when cancelled. */
export function promptText(title: string, value: string): Promise<string | null> {
  return new Promise((resolve) => useUi.getState().set({ prompt: { title, value, resolve } }));
}

// Window preferences outlive the session; the rest of this store is per window and per session.
useUi.subscribe((s, prev) => {
  if (s.minimap !== prev.minimap) storePreference('minimap', s.minimap ? null : 'off');
  if (s.dockHeight !== prev.dockHeight) storePreference('dockHeight', s.dockHeight === null ? null : String(Math.round(s.dockHeight)));
});
