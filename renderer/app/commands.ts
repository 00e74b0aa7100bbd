import type { ReactFlowInstance } from '@xyflow/react';
import type { Graph } from '../../graph/document.js';
import type { HostClient, OpenedFile, Recovery } from '../../graph/api/host.js';
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
import { askChoice, promptText, toast, useUi } from '../store/ui-store.js';
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

/** This window's session id: recovery-copy ids (which also key an unsaved document's runs) start with it. */
const docId = `doc${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
let recoverySerial = 0;
/**
 * The open document's recovery-copy id: new for every document opened, so one document's autosave never overwrites or
 * deletes another's copy; a restored copy keeps its own id, so the restored document replaces it rather than adding one.
 */
let recoveryId = `${docId}-r0`;

/** The recovery-copy id of the open document (autosave, save and discard use it). */
export function currentRecoveryId(): string {
  return recoveryId;
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function graphNameFromPath(path: string): string {
  return fileName(path).replace(/\.tlgraph$/i, '');
}

/** The open document's name as the title bar shows it. */
function documentName(): string {
  const s = st();
  return s.filePath ? fileName(s.filePath) : s.graph.name || 'Untitled';
}

/** Drops the open document's recovery copy: the user chose to throw its changes away. */
function discardRecovery(): void {
  const h = getHost();
  if (h) void h.call('files.discardRecovery', { docId: recoveryId }).catch(() => undefined);
}

/**
 * Before the open document is replaced (New, Open, Open Recent, a file from the OS, the start screen): when it has
 * unsaved changes, asks Save / Don't Save / Cancel like a desktop app. Resolves true when the action may go on.
 */
async function resolveUnsaved(): Promise<boolean> {
  if (!isDirty(st()) || st().screen !== 'editor') return true;
  const answer = await askChoice(`Save changes to ${documentName()}?`, 'Your changes will be lost if you don\'t save them.', [
    { id: 'save', label: 'Save…', kind: 'primary' },
    { id: 'discard', label: "Don't Save", kind: 'danger' },
    { id: 'cancel', label: 'Cancel' },
  ]);
  if (answer === 'save') return save();
  if (answer === 'discard') {
    discardRecovery();
    return true;
  }
  return false;
}

/**
 * Shows a document in the editor, with edge routes when a layout computed them; `recovery` is the id of the recovery
 * copy it was restored from.
 */
export function openDocument(graph: Graph, path: string | null, routes?: ReadonlyMap<string, EdgeRoute>, recovery?: string): void {
  recoveryId = recovery ?? `${docId}-r${++recoverySerial}`;
  st().load(graph, path, routes);
  pasteCount = 0;
  // A quick-add left open would connect into the previous document's node of the same id.
  useUi.getState().set({ quickAdd: null });
}

export async function newDocument(graph?: Graph): Promise<void> {
  if (!(await resolveUnsaved())) return;
  openDocument(graph ?? { ...st().graph, name: 'Untitled', description: '', nodes: [], edges: [], training: st().graph.training }, null);
}

/** Starts a new document from a template, arranged by the layered layout so every edge label has room. */
export async function newFromTemplate(template: { build(): Graph }): Promise<void> {
  if (!(await resolveUnsaved())) return;
  const graph = template.build();
  const { layoutGraph } = await import('../canvas/auto-layout.js');
  const laid = await layoutGraph(graph, () => undefined, edgeLabels(graph, inferGraph(graph))).catch(() => null);
  openDocument(laid ? applyChanges(graph, laid.changes) : graph, null, laid?.routes);
}

/** Opens a file from a known path (recent list, file browser). */
export async function openPath(path: string): Promise<boolean> {
  const h = getHost();
  if (!h || !(await resolveUnsaved())) return false;
  try {
    const file = await h.call('files.open', { path });
    if (file) showOpened(file);
    return file !== null;
  } catch (e) {
    toast(`Could not open ${fileName(path)}: ${(e as Error).message}`, 'error');
    return false;
  }
}

/** Shows a file the host opened (dialog, command line). */
export function showOpened(file: OpenedFile): void {
  openDocument(file.graph, file.path);
  if (file.migratedFrom !== null) toast(`${file.name} was saved by an older version; it was upgraded and will be saved in the new format`);
}

/** A file the OS, a second app instance or Open Recent asks this window to show: first settle the open document. */
export async function openFromHost(file: OpenedFile): Promise<void> {
  if (await resolveUnsaved()) showOpened(file);
}

/** Restores a recovery copy as a modified document that continues under the copy's id. */
export async function restoreRecovery(copy: Recovery): Promise<boolean> {
  const h = getHost();
  if (!h || !(await resolveUnsaved())) return false;
  try {
    const doc = await h.call('files.recover', { docId: copy.docId });
    openDocument(doc.graph, doc.path, undefined, doc.docId);
    // A recovered document is unsaved work: mark it modified so Save is offered.
    editorStore.setState({ savedAt: -1 });
    return true;
  } catch (e) {
    toast(`Could not restore ${copy.name}: ${(e as Error).message}`, 'error');
    return false;
  }
}

/** Deletes a recovery copy the user does not want back. */
export async function discardRecoveryCopy(copy: Recovery): Promise<boolean> {
  const h = getHost();
  if (!h) return false;
  try {
    await h.call('files.discardRecovery', { docId: copy.docId });
    return true;
  } catch (e) {
    toast(`Could not discard ${copy.name}: ${(e as Error).message}`, 'error');
    return false;
  }
}

/** Open: the native dialog in the desktop app; the workspace browser in the browser host. */
export async function open(): Promise<void> {
  const h = getHost();
  if (!h) return;
  const info = await h.call('appInfo', {}).catch(() => null);
  if (info && !info.nativeDialogs) {
    // The browser asks about unsaved changes once a file is picked (openPath).
    useUi.getState().set({ browserOpen: true });
    return;
  }
  if (!(await resolveUnsaved())) return;
  try {
    const file = await h.call('files.open', {});
    if (file) showOpened(file);
  } catch (e) {
    toast(`Could not open: ${(e as Error).message}`, 'error');
  }
}

export async function save(): Promise<boolean> {
  const s = st();
  // Save writes only the document's own graph file; one opened under another name is saved as a .tlgraph.
  if (!s.filePath || !/\.tlgraph$/i.test(s.filePath)) return saveAs();
  const h = getHost();
  if (!h) return false;
  const graph = s.graph;
  const id = recoveryId;
  try {
    await h.call('files.save', { path: s.filePath, graph, docId: id });
    // The document may have changed while the save was in flight; only mark what was written.
    if (st().graph === graph) st().markSaved(s.filePath);
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
  const id = recoveryId;
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
    const result = await h.call('files.saveAs', { graph, suggestedName: suggested, docId: id, ...(path ? { path } : {}) }).catch(async (e: Error & { code?: string }) => {
      if (path && /already exists/i.test(e.message)) {
        const answer = await askChoice(`${fileName(path)} already exists. Replace it?`, 'Replacing it overwrites its current contents.', [
          { id: 'replace', label: 'Replace', kind: 'danger' },
          { id: 'cancel', label: 'Cancel' },
        ]);
        if (answer === 'replace') return h.call('files.saveAs', { graph, suggestedName: suggested, docId: id, path, overwrite: true });
        return null;
      }
      throw e;
    });
    if (!result) return false;
    if (st().graph === graph) st().markSaved(result.path);
    else editorStore.setState({ filePath: result.path });
    toast(`Saved ${fileName(result.path)}`);
    return true;
  } catch (e) {
    toast(`Could not save: ${(e as Error).message}`, 'error');
    return false;
  }
}

/** Writes a recovery copy while the document has unsaved changes (called on a timer, and right after a crash). */
export async function autosave(): Promise<boolean> {
  const s = st();
  if (!isDirty(s) || s.screen !== 'editor') return false;
  const h = getHost();
  if (!h) return false;
  return h.call('files.autosave', { docId: recoveryId, path: s.filePath, graph: s.graph }).then(
    () => true,
    () => false,
  );
}

/** Back to the start screen; the document is closed (after asking about its unsaved changes). */
export async function goHome(): Promise<void> {
  if (!(await resolveUnsaved())) return;
  openDocument({ ...st().graph, name: 'Untitled', description: '', nodes: [], edges: [] }, null);
  st().setScreen('start');
}

