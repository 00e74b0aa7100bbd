import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentFileSchema } from '../../graph/api/host.js';
import type { z } from 'zod';
import { resolve } from 'node:path';
import { GRAPH_EXTENSION } from '../../graph/document.js';

type Recent = z.infer<typeof RecentFileSchema>;

/** What menu items do: send a command to the focused window's renderer, or open a recent file. */
export interface MenuActions {
  command(command: MenuCommand): void;
  openRecent(path: string): void;
  about(): void;
}

/** The application menu with the usual accelerators (CmdOrCtrl is Cmd on macOS, Ctrl elsewhere). */
export function menuTemplate(actions: MenuActions, recent: Recent[], platform: NodeJS.Platform = process.platform): MenuItemConstructorOptions[] {
  const cmd = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => actions.command(command),
  });
  const mac = platform === 'darwin';
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        cmd('New', 'new', 'CmdOrCtrl+N'),
        cmd('Open…', 'open', 'CmdOrCtrl+O'),
        {
          label: 'Open Recent',
          submenu: recent.length
            ? recent.map((r) => ({ label: r.path, enabled: r.exists, click: () => actions.openRecent(r.path) }))
            : [{ label: 'No recent files', enabled: false }],
        },
        { type: 'separator' },
        cmd('Save', 'save', 'CmdOrCtrl+S'),
        cmd('Save As…', 'saveAs', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        { label: 'Export', submenu: [cmd('Trained Model…', 'exportModel', 'CmdOrCtrl+E'), cmd('Code…', 'exportCode', 'CmdOrCtrl+Shift+E')] },
        ...(mac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
      ],
    },
    {
      label: '&Edit',
      submenu: [
        cmd('Undo', 'undo', 'CmdOrCtrl+Z'),
        cmd('Redo', 'redo', mac ? 'Cmd+Shift+Z' : 'Ctrl+Y'),
        { type: 'separator' },
        // Clipboard items use Electron's roles: they fire the page's copy/cut/paste events, which act on the text of a
        // focused field, and otherwise on the selected nodes (renderer/app/shortcuts.ts). Undo, Redo, Delete and Select
        // All are sent to the renderer, which applies them to the focused text field or else to the graph.
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        cmd('Delete', 'delete', mac ? 'Backspace' : 'Delete'),
        cmd('Select All', 'selectAll', 'CmdOrCtrl+A'),
      ],
    },
    {
      label: '&View',
      submenu: [
        cmd('Zoom In', 'zoomIn', 'CmdOrCtrl+='),
        cmd('Zoom Out', 'zoomOut', 'CmdOrCtrl+-'),
        cmd('Actual Size', 'zoomReset', 'CmdOrCtrl+0'),
        cmd('Fit to Window', 'fitView', 'CmdOrCtrl+Shift+F'),
        { type: 'separator' },
        cmd('Toggle Theme', 'toggleTheme'),
        cmd('Toggle Layer Palette', 'togglePalette', 'CmdOrCtrl+1'),
        cmd('Toggle Inspector', 'toggleInspector', 'CmdOrCtrl+2'),
        cmd('Toggle Training Panel', 'toggleTraining', 'CmdOrCtrl+3'),
        { type: 'separator' },
        { role: 'togglefullscreen' },
        { role: 'toggleDevTools' },
      ],
    },
    { label: '&Run', submenu: [cmd('Train', 'train', 'CmdOrCtrl+Enter'), cmd('Stop', 'stop', 'CmdOrCtrl+.')] },
    {
      label: '&Help',
      role: 'help',
      submenu: [cmd('Documentation', 'docs', 'F1'), { label: 'About Tensorloom', click: () => actions.about() }],
    },
  ];
}

/** The graph file named on a command line (the first argument ending in the graph extension), if any. */
export function graphFileFromArgv(argv: readonly string[], cwd: string): string | null {
  const arg = argv.slice(1).find((a) => !a.startsWith('-') && a.toLowerCase().endsWith(`.${GRAPH_EXTENSION}`));
  return arg ? resolve(cwd, arg) : null;
}
