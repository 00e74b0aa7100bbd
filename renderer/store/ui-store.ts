import { create } from 'zustand';
import type { Point } from './changes.js';

/** Theme preference: follow the system, or force one. */
export type ThemePref = 'system' | 'light' | 'dark';

/** Window-level UI state that is neither document nor canvas selection. */
export interface UiState {
  /** Quick-add popup: where it opened (screen and canvas coordinates) and the node to connect from. */
  quickAdd: { screen: Point; flow: Point; connectFrom: string | null } | null;
  theme: ThemePref;
  /** Tab shown in the bottom dock (problems, summary, and panels other features register). */
  dockTab: string;
  dockOpen: boolean;
  /** A transient message in the status bar (saved, refused paste, ...). */
  toast: { text: string; kind: 'info' | 'error'; at: number } | null;
  /** Modal prompt for a file name (browser host without native dialogs). */
  prompt: { title: string; value: string; resolve: (v: string | null) => void } | null;
  /** The workspace file browser (browser host's Open dialog). */
  browserOpen: boolean;
  set(p: Partial<Omit<UiState, 'set'>>): void;
}

function initialTheme(): ThemePref {
  try {
    const t = globalThis.localStorage?.getItem('tensorloom.theme');
    if (t === 'light' || t === 'dark' || t === 'system') return t;
  } catch {
    // storage can be unavailable (sandboxed file://); the system theme is a fine default
  }
  return 'system';
}

/** The UI store. */
export const useUi = create<UiState>()((set) => ({
  quickAdd: null,
  theme: initialTheme(),
  dockTab: 'problems',
  dockOpen: true,
  toast: null,
  prompt: null,
  browserOpen: false,
  set: (p) => set(p),
}));

/** Shows a short message in the status bar. */
export function toast(text: string, kind: 'info' | 'error' = 'info'): void {
  useUi.getState().set({ toast: { text, kind, at: Date.now() } });
}

/** Asks for a line of text in a modal; resolves null when cancelled. */
export function promptText(title: string, value: string): Promise<string | null> {
  return new Promise((resolve) => useUi.getState().set({ prompt: { title, value, resolve } }));
}
