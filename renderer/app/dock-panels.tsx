import type { ReactNode } from 'react';
import { Problems } from '../panels/problems.js';
import { Summary } from '../panels/summary.js';
import { useEditor } from '../store/editor-store.js';

/** A tab of the bottom dock. Features add theirs with `registerDockPanel` (e.g. the training panel). */
export interface DockPanel {
  id: string;
  title: string;
  render(): ReactNode;
  /** Small count or status shown next to the title. */
  Badge?: () => ReactNode;
}

function ProblemsBadge() {
  const n = useEditor((s) => s.inference.diagnostics.filter((d) => d.severity === 'error').length);
  const w = useEditor((s) => s.inference.diagnostics.filter((d) => d.severity === 'warning').length);
  if (n + w === 0) return null;
  return <span className={`badge ${n ? 'error' : 'warning'}`}>{n + w}</span>;
}

const panels: DockPanel[] = [
  { id: 'problems', title: 'Problems', render: () => <Problems />, Badge: ProblemsBadge },
  { id: 'summary', title: 'Summary', render: () => <Summary /> },
];

/** Adds a dock tab (call at module load, before the app renders). Replaces a panel with the same id. */
export function registerDockPanel(panel: DockPanel): void {
  const i = panels.findIndex((p) => p.id === panel.id);
  if (i >= 0) panels[i] = panel;
  else panels.push(panel);
}

/** The dock tabs in order. */
export function dockPanels(): readonly DockPanel[] {
  return panels;
}

const sidePanels: DockPanel[] = [];

/** Adds a tab to the right-hand side panel, next to the inspector (e.g. training settings). */
export function registerSidePanel(panel: DockPanel): void {
  const i = sidePanels.findIndex((p) => p.id === panel.id);
  if (i >= 0) sidePanels[i] = panel;
  else sidePanels.push(panel);
}

/** Extra side-panel tabs in order (the inspector is always first). */
export function extraSidePanels(): readonly DockPanel[] {
  return sidePanels;
}
