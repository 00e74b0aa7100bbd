import type { ReactFlowInstance } from '@xyflow/react';
import type { Graph } from '../../graph/document.js';
import type { HostClient, OpenedFile } from '../../graph/api/host.js';
import { createHostClient } from '../host/client.js';
import {
  connectChanges,
  copySelection,
  deleteSelectionChanges,
  editorStore,
  insertIntoEdgeChanges,
  isDirty,
  newNode,
  parseClipboard,
  pasteChanges,
  type ClipboardData,
  type EdgeRoute,
} from '../store/editor-store.js';
import { inferGraph, type GraphInference } from '../../graph/infer.js';
import { edgeShapeText } from './format.js';
import { applyChanges, type Change, type Point } from '../store/changes.js';
import { promptText, toast, useUi } from '../store/ui-store.js';
import { fitGraph } from '../canvas/view.js';

// Commands are what toolbar buttons, shortcuts and menus call; each user action is one undo step.

let flow: ReactFlowInstance | null = null;
/** The canvas registers its React Flow instance here on init. */
export function setFlowInstance(instance: ReactFlowInstance | null): void {
  flow = instance;
}
/** The canvas' React Flow instance, when the canvas is shown. */
export function getFlowInstance(): ReactFlowInstance | null {
  return flow;
}

let host: HostClient | null | undefined;
/** The host client, or null (with a message) when the page was opened without one. */
export function getHost(): HostClient | null {
  if (host !== undefined) return host;
  try {
    host = createHostClient();
  } catch (e) {
    host = null;
    toast((e as Error).message, 'error');
  }
  return host;
}

const st = () => editorStore.getState();

/** Centre of the visible canvas in flow coordinates. */
function viewCenter(): Point {
  const el = document.querySelector('[data-testid="canvas"]');
  if (!flow || !el) return { x: 0, y: 0 };
  const r = el.getBoundingClientRect();
  return flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
}

/** Adds a layer at a canvas position; connects it after `connectFrom` or into `intoEdge` when given. */
export function addLayer(type: string, at: Point | null, opts: { connectFrom?: string | null; intoEdge?: string | null } = {}): string | null {
  const graph = st().graph;
  const pos = at ?? viewCenter();
  let node;
  try {
    node = newNode(graph, type, pos);
  } catch {
    toast(`'${type}' is not a layer kind this version knows`, 'error');
    return null;
  }
  let changes: Change[] = [{ kind: 'addNode', node }];
  const edge = opts.intoEdge ? graph.edges.find((e) => e.id === opts.intoEdge) : undefined;
  if (edge) {
    const inserted = insertIntoEdgeChanges(graph, edge, node);
    if (inserted.length) changes = inserted;
  } else if (opts.connectFrom) {
    const withNode = { ...graph, nodes: [...graph.nodes, node] };
    changes.push(...connectChanges(withNode, opts.connectFrom, node.id));
  }
  st().apply(changes, `Add ${type}`);
  st().setSelection({ nodes: [node.id], edges: [] });
  return node.id;
}

export function undo(): void {
  st().undo();
}
export function redo(): void {
  st().redo();
}

export function deleteSelection(): void {
  const s = st();
  s.apply(deleteSelectionChanges(s.graph, s.selection), 'Delete');
}

export function selectAll(): void {
  const g = st().graph;
  st().setSelection({ nodes: g.nodes.map((n) => n.id), edges: g.edges.map((e) => e.id) });
}

let memoryClipboard: ClipboardData | null = null;
let pasteCount = 0;

/** The clipboard text for the current selection (also kept in memory for when the system clipboard is unavailable). */
export function copyText(): string | null {
  const s = st();
  const data = copySelection(s.graph, s.selection);
  if (!data) return null;
  memoryClipboard = data;
  pasteCount = 0;
  return JSON.stringify(data);
}

/** Copy through the async clipboard API (toolbar, menus); keyboard copy uses the copy event instead. */
export async function copy(): Promise<void> {
  const text = copyText();
  if (!text) return;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // the in-memory copy still pastes within this tab
  }
}

export async function cut(): Promise<void> {
  await copy();
  deleteSelection();
}

/** Pastes clipboard text (from a paste event or the clipboard API); returns false when it holds no nodes. */
export function pasteText(text: string | null): boolean {
  const data = (text && parseClipboard(text)) || (text === null ? memoryClipboard : null);
  if (!data) return false;
  pasteCount++;
  const s = st();
  // Next to the originals when they are in this document; otherwise (another tab or file) in view.
  const here = data.nodes.some((n) => s.graph.nodes.some((m) => m.id === n.id && m.position.x === n.position.x && m.position.y === n.position.y));
  let offset = { x: 40 * pasteCount, y: 40 * pasteCount };
  if (!here) {
    const c = viewCenter();
    const minX = Math.min(...data.nodes.map((n) => n.position.x));
    const minY = Math.min(...data.nodes.map((n) => n.position.y));
    offset = { x: Math.round(c.x - 100 - minX), y: Math.round(c.y - 60 - minY) };
  }
  const { changes, nodeIds } = pasteChanges(s.graph, data, offset);
  s.apply(changes, 'Paste');
  s.setSelection({ nodes: nodeIds, edges: [] });
  return true;
}

export async function paste(): Promise<void> {
  let text: string | null = null;
  try {
    text = await navigator.clipboard.readText();
  } catch {
    text = null;
  }
  if (!pasteText(text) && text !== null) pasteText(null);
}

export function duplicate(): void {
  const s = st();
  const data = copySelection(s.graph, s.selection);
  if (!data) return;
  const { changes, nodeIds } = pasteChanges(s.graph, data, { x: 40, y: 40 });
  s.apply(changes, 'Duplicate');
  s.setSelection({ nodes: nodeIds, edges: [] });
}

/** Fits the whole graph into the canvas (F, the fit buttons, after Arrange), clear of the minimap and controls. */
export function fitView(): void {
  if (flow) fitGraph(flow, st().graph, 'all', 200);
}

/** The shape-label text of each edge, so the layout leaves room for it. */
function edgeLabels(graph: Graph, inference: GraphInference): (edgeId: string) => string {
  const source = new Map(graph.edges.map((e) => [e.id, e.source] as const));
  return (id) => edgeShapeText(inference.nodes[source.get(id) ?? '']?.outputShape);
}

let arranging = false;

/** Arrange: the layered layout as one undoable step, then the whole graph fitted. Runs off the UI thread. */
export async function autoLayout(): Promise<void> {
  const s = st();
  if (arranging || s.graph.nodes.length === 0) return;
  arranging = true;
  const serial = s.docSerial;
  useUi.getState().set({ busy: `Arranging ${s.graph.nodes.length.toLocaleString('en-US')} layers…` });
  try {
    // elkjs is large; load it on first use so opening the app stays fast.
    const { layoutGraph } = await import('../canvas/auto-layout.js');
    const sizeOf = (id: string) => {
      const n = flow?.getInternalNode(id);
      return n?.measured.width && n.measured.height ? { width: n.measured.width, height: n.measured.height } : undefined;
    };
    const { changes, routes } = await layoutGraph(s.graph, sizeOf, edgeLabels(s.graph, s.inference), () => st().graph);
    // Another document was opened while the layout ran: these positions are not its.
    if (st().docSerial !== serial) return;
    st().apply(changes, 'Arrange');
    st().setRoutes(routes);
    requestAnimationFrame(() => fitView());
  } catch (e) {
    toast(`Could not arrange the graph: ${(e as Error).message}`, 'error');
  } finally {
    arranging = false;
    useUi.getState().set({ busy: null });
  }
}

// ---- Files

const docId = `doc${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

function confirmDiscard(): boolean {
  return !isDirty(st()) || window.confirm('Discard the unsaved changes to this graph?');
}

/** Shows a document in the editor. */
export function openDocument(graph: Graph, path: string | null, routes?: ReadonlyMap<string, EdgeRoute>): void {
  st().load(graph, path, routes);
  pasteCount = 0;
  // A quick-add left open would connect into the previous document's node of the same id.
  useUi.getState().set({ quickAdd: null });
}

export function newDocument(graph?: Graph): void {
  if (!confirmDiscard()) return;
  openDocument(graph ?? { ...st().graph, name: 'Untitled', description: '', nodes: [], edges: [], training: st().graph.training }, null);
}

/** Starts a new document from a template, arranged by the layered layout so every edge label has room. */
export async function newFromTemplate(template: { build(): Graph }): Promise<void> {
  if (!confirmDiscard()) return;
  const graph = template.build();
  const { layoutGraph } = await import('../canvas/auto-layout.js');
  const laid = await layoutGraph(graph, () => undefined, edgeLabels(graph, inferGraph(graph))).catch(() => null);
  openDocument(laid ? applyChanges(graph, laid.changes) : graph, null, laid?.routes);
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function graphNameFromPath(path: string): string {
  return fileName(path).replace(/\.tlgraph$/i, '');
}

/** Opens a file from a known path (recent list, file browser). */
export async function openPath(path: string): Promise<boolean> {
  const h = getHost();
  if (!h || !confirmDiscard()) return false;
  try {
    const file = await h.call('files.open', { path });
    if (file) showOpened(file);
    return file !== null;
  } catch (e) {
    toast(`Could not open ${fileName(path)}: ${(e as Error).message}`, 'error');
    return false;
  }
}

/** Shows a file the host opened (dialog, OS, command line). */
export function showOpened(file: OpenedFile): void {
  openDocument(file.graph, file.path);
  if (file.migratedFrom !== null) toast(`${file.name} was saved by an older version; it was upgraded and will be saved in the new format`);
}

/** Open: the native dialog in the desktop app; the workspace browser in the browser host. */
export async function open(): Promise<void> {
  const h = getHost();
  if (!h) return;
  const info = await h.call('appInfo', {}).catch(() => null);
  if (info && !info.nativeDialogs) {
    useUi.getState().set({ browserOpen: true });
    return;
  }
  if (!confirmDiscard()) return;
  try {
    const file = await h.call('files.open', {});
    if (file) showOpened(file);
  } catch (e) {
    toast(`Could not open: ${(e as Error).message}`, 'error');
  }
}

export async function save(): Promise<boolean> {
  const s = st();
  if (!s.filePath) return saveAs();
  const h = getHost();
  if (!h) return false;
  const graph = s.graph;
  try {
    await h.call('files.save', { path: s.filePath, graph, docId });
    // The document may have changed while the save was in flight; only mark what was written.
    if (st().graph === graph) st().markSaved(s.filePath);
    void h.call('files.discardRecovery', { docId }).catch(() => undefined);
    toast(`Saved ${fileName(s.filePath)}`);
    return true;
  } catch (e) {
    toast(`Could not save ${fileName(s.filePath)}: ${(e as Error).message}`, 'error');
    return false;
  }
}

export async function saveAs(): Promise<boolean> {
  const h = getHost();
  if (!h) return false;
  const s = st();
  const suggested = `${(s.filePath ? graphNameFromPath(s.filePath) : s.graph.name || 'Untitled').replace(/[\\/:*?"<>|]+/g, '-')}.tlgraph`;
  try {
    const info = await h.call('appInfo', {});
    let path: string | undefined;
    if (!info.nativeDialogs) {
      const name = await promptText('Save as (file name in the workspace folder)', suggested);
      if (!name) return false;
      const withExt = /\.tlgraph$/i.test(name) ? name : `${name}.tlgraph`;
      const root = info.workspaceRoot ?? '';
      path = /^([/\\]|[A-Za-z]:)/.test(withExt) ? withExt : `${root.replace(/[\\/]$/, '')}/${withExt}`;
    }
    const graph = st().graph;
    const result = await h.call('files.saveAs', { graph, suggestedName: suggested, docId, ...(path ? { path } : {}) }).catch(async (e: Error & { code?: string }) => {
      if (path && /exist/i.test(e.message) && window.confirm(`${fileName(path)} already exists. Replace it?`))
        return h.call('files.saveAs', { graph, suggestedName: suggested, docId, path, overwrite: true });
      throw e;
    });
    if (!result) return false;
    if (st().graph === graph) st().markSaved(result.path);
    else editorStore.setState({ filePath: result.path });
    void h.call('files.discardRecovery', { docId }).catch(() => undefined);
    toast(`Saved ${fileName(result.path)}`);
    return true;
  } catch (e) {
    toast(`Could not save: ${(e as Error).message}`, 'error');
    return false;
  }
}

/** Writes a recovery copy while the document has unsaved changes (called on a timer). */
export async function autosave(): Promise<void> {
  const s = st();
  if (!isDirty(s) || s.screen !== 'editor') return;
  const h = getHost();
  if (!h) return;
  await h.call('files.autosave', { docId, path: s.filePath, graph: s.graph }).catch(() => undefined);
}

/** Back to the start screen. */
export function goHome(): void {
  if (!confirmDiscard()) return;
  st().setScreen('start');
}

export { docId };
