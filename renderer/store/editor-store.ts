import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { createGraph, type Graph, type GraphEdge, type GraphNode } from '../../graph/document.js';
import { inferGraph, type GraphInference, type NodeInference } from '../../graph/infer.js';
import { defaultParams, getLayer } from '../../graph/layers/index.js';
import { affectsInference, applyChanges, compactChanges, invertChanges, removeNodesChanges, type Change, type Point } from './changes.js';

/** One undoable step: the changes it made (undo applies their inverses). */
export interface HistoryEntry {
  id: number;
  label: string;
  changes: Change[];
}

/** Selected node and edge ids: session state, never saved. */
export interface Selection {
  nodes: ReadonlySet<string>;
  edges: ReadonlySet<string>;
}

/**
 * An edge's path as the auto-layout routed it around the nodes (canvas coordinates, from the source's
 * output to the target's input), and where its label sits. Session state: valid while both ends stay where
 * the layout put them; edges draw their default curve otherwise.
 */
export interface EdgeRoute {
  points: Point[];
  label?: Point;
}

/** Everything the editor knows. `graph` is the document; the rest is session state (DESIGN.md convention 5). */
export interface EditorState {
  graph: Graph;
  inference: GraphInference;
  /** Target handles in use per node, e.g. "in0,in1", as a string so selectors compare cheaply. */
  usedHandles: ReadonlyMap<string, string>;
  filePath: string | null;
  undoStack: HistoryEntry[];
  redoStack: HistoryEntry[];
  /** Changes of an open transaction (a drag in progress); committed as one step. */
  pending: { label: string; changes: Change[] } | null;
  /** Id of the history entry on top of the undo stack when the document was last saved or opened. */
  savedAt: number;
  selection: Selection;
  /** `start` shows the start screen; `editor` the canvas. */
  screen: 'start' | 'editor';
  /** Increments on every load, so the canvas starts afresh (measurements, viewport) per document. */
  docSerial: number;
  /** Edge routes of the last auto-layout, by edge id. */
  routes: ReadonlyMap<string, EdgeRoute>;
}

const EMPTY_SELECTION: Selection = { nodes: new Set(), edges: new Set() };
let entryIds = 0;

function sameShape(a: NodeInference['outputShape'], b: NodeInference['outputShape']): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((d, i) => d === b[i]);
}

function sameNodeInference(a: NodeInference, b: NodeInference): boolean {
  return (
    a.inModel === b.inModel &&
    a.macs === b.macs &&
    a.paramCount.trainable === b.paramCount.trainable &&
    a.paramCount.nonTrainable === b.paramCount.nonTrainable &&
    sameShape(a.outputShape, b.outputShape) &&
    a.params === b.params &&
    a.diagnostics.length === b.diagnostics.length &&
    a.diagnostics.every((d, i) => d.message === b.diagnostics[i]!.message && d.severity === b.diagnostics[i]!.severity) &&
    a.inputShapes.length === b.inputShapes.length &&
    a.inputShapes.every((s, i) => sameShape(s ?? null, b.inputShapes[i] ?? null))
  );
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return false;
}

// Param values are primitives or flat arrays, so a shallow walk is enough (and much cheaper than JSON).
function sameParams(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => sameValue(a[k], b[k]));
}

/** Reuses the previous per-node objects where nothing changed, so only affected nodes re-render. */
export function shareInference(prev: GraphInference | null, next: GraphInference): GraphInference {
  if (!prev) return next;
  for (const id of Object.keys(next.nodes)) {
    const p = prev.nodes[id];
    const n = next.nodes[id]!;
    if (p && sameParams(p.params, n.params)) n.params = p.params;
    if (p && sameNodeInference(p, n)) next.nodes[id] = p;
  }
  return next;
}

/**
 * Per node, its connected input handles as the `used` string `inputHandles` takes (sorted, comma-joined); strings
 * equal to `prev`'s are reused, so node faces whose inputs did not change keep the same value.
 */
export function computeUsedHandles(graph: Graph, prev: ReadonlyMap<string, string> | null = null): Map<string, string> {
  const lists = new Map<string, string[]>();
  for (const e of graph.edges) (lists.get(e.target) ?? lists.set(e.target, []).get(e.target)!).push(e.targetHandle);
  const out = new Map<string, string>();
  for (const [id, l] of lists) {
    const s = l.sort().join(',');
    out.set(id, prev?.get(id) === s ? prev.get(id)! : s);
  }
  return out;
}

function derive(graph: Graph, prev: EditorState | null): Pick<EditorState, 'inference' | 'usedHandles'> {
  return {
    inference: shareInference(prev?.inference ?? null, inferGraph(graph)),
    usedHandles: computeUsedHandles(graph, prev?.usedHandles ?? null),
  };
}

function initialState(): EditorState {
  const graph = createGraph();
  return {
    graph,
    ...derive(graph, null),
    filePath: null,
    undoStack: [],
    redoStack: [],
    pending: null,
    savedAt: 0,
    selection: EMPTY_SELECTION,
    screen: 'start',
    docSerial: 0,
    routes: new Map(),
  };
}

/** Editor actions; pure document logic lives in changes.ts, these wire it to history and derived state. */
export interface EditorActions {
  /** Opens a document (fresh history, clean), with the routes of its edges when it was just laid out. */
  load(graph: Graph, filePath: string | null, routes?: ReadonlyMap<string, EdgeRoute>): void;
  /** Records the edge routes of an auto-layout. */
  setRoutes(routes: ReadonlyMap<string, EdgeRoute>): void;
  /** Applies changes as one undo step (or into the open transaction). */
  apply(changes: Change[], label: string): void;
  /** Starts a transaction: changes until `commit` form one undo step (one drag = one step). */
  begin(label: string): void;
  commit(): void;
  undo(): void;
  redo(): void;
  markSaved(filePath: string | null): void;
  setSelection(sel: Partial<{ nodes: Iterable<string>; edges: Iterable<string> }>): void;
  setScreen(screen: EditorState['screen']): void;
}

/** The store type. */
export type EditorStore = ReturnType<typeof createEditorStore>;

/** Creates an editor store (one per window; tests create their own). */
export function createEditorStore(initial?: Partial<EditorState>) {
  return createStore<EditorState & EditorActions>()((set, get) => {
    const commitGraph = (graph: Graph, changes: readonly Change[], extra: Partial<EditorState>): void => {
      const prev = get();
      const derived = affectsInference(changes) ? derive(graph, prev) : {};
      // Drop selected ids that no longer exist (deleted, or undone additions).
      let selection = extra.selection ?? prev.selection;
      if (changes.some((c) => c.kind === 'removeNode' || c.kind === 'removeEdge')) {
        const nodeIds = new Set(graph.nodes.map((n) => n.id));
        const edgeIds = new Set(graph.edges.map((e) => e.id));
        selection = { nodes: new Set([...selection.nodes].filter((id) => nodeIds.has(id))), edges: new Set([...selection.edges].filter((id) => edgeIds.has(id))) };
      }
      set({ graph, ...derived, ...extra, selection });
    };
    return {
      ...initialState(),
      ...initial,
      load(graph, filePath, routes = new Map()) {
        set({ graph, ...derive(graph, null), filePath, undoStack: [], redoStack: [], pending: null, savedAt: 0, selection: EMPTY_SELECTION, screen: 'editor', docSerial: get().docSerial + 1, routes });
      },
      setRoutes(routes) {
        set({ routes });
      },
      apply(changes, label) {
        if (changes.length === 0) return;
        const s = get();
        const graph = applyChanges(s.graph, changes);
        if (s.pending) {
          commitGraph(graph, changes, { pending: { ...s.pending, changes: [...s.pending.changes, ...changes] } });
          return;
        }
        const entry: HistoryEntry = { id: ++entryIds, label, changes: compactChanges(changes) };
        commitGraph(graph, changes, { undoStack: [...s.undoStack, entry], redoStack: [] });
      },
      begin(label) {
        if (get().pending) get().commit();
        set({ pending: { label, changes: [] } });
      },
      commit() {
        const s = get();
        if (!s.pending) return;
        const changes = compactChanges(s.pending.changes);
        if (changes.length === 0) {
          set({ pending: null });
          return;
        }
        set({ pending: null, undoStack: [...s.undoStack, { id: ++entryIds, label: s.pending.label, changes }], redoStack: [] });
      },
      undo() {
        const s = get();
        if (s.pending) s.commit();
        const { undoStack, redoStack, graph } = get();
        const entry = undoStack[undoStack.length - 1];
        if (!entry) return;
        const inverse = invertChanges(entry.changes);
        commitGraph(applyChanges(graph, inverse), inverse, { undoStack: undoStack.slice(0, -1), redoStack: [...redoStack, entry] });
      },
      redo() {
        const { undoStack, redoStack, graph } = get();
        const entry = redoStack[redoStack.length - 1];
        if (!entry) return;
        commitGraph(applyChanges(graph, entry.changes), entry.changes, { undoStack: [...undoStack, entry], redoStack: redoStack.slice(0, -1) });
      },
      markSaved(filePath) {
        const top = get().undoStack[get().undoStack.length - 1];
        set({ savedAt: top?.id ?? 0, filePath });
      },
      setSelection(sel) {
        const cur = get().selection;
        set({ selection: { nodes: sel.nodes ? new Set(sel.nodes) : cur.nodes, edges: sel.edges ? new Set(sel.edges) : cur.edges } });
      },
      setScreen(screen) {
        set({ screen });
      },
    };
  });
}

/** True when the document differs from what was last saved or opened. */
export function isDirty(s: EditorState): boolean {
  const top = s.undoStack[s.undoStack.length - 1];
  return (top?.id ?? 0) !== s.savedAt || (s.pending !== null && s.pending.changes.length > 0);
}

/** The app's store. */
export const editorStore = createEditorStore();

/** Reads the app store through a selector (keep selectors narrow so components re-render rarely). */
export function useEditor<T>(selector: (s: EditorState & EditorActions) => T): T {
  return useStore(editorStore, selector);
}

// ---- Edit builders: pure functions from the current document to the changes of one user action.

function snake(label: string): string {
  return label
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();
}

/** A node name not used in the graph, Keras style: `dense`, `dense_1`, `dense_2`, ... */
export function uniqueName(graph: Graph, base: string, taken: Set<string> = new Set(graph.nodes.map((n) => n.name))): string {
  if (!taken.has(base)) return base;
  const stem = base.replace(/_\d+$/, '');
  for (let i = 1; ; i++) {
    const name = `${stem}_${i}`;
    if (!taken.has(name)) return name;
  }
}

/** A node id not used in the graph. */
export function uniqueId(prefix: string, taken: Set<string>): string {
  for (let i = taken.size + 1; ; i++) {
    const id = `${prefix}${i}`;
    if (!taken.has(id)) return id;
  }
}

/** A new node of a layer kind with its defaults (params are stored explicitly so files read well). */
export function newNode(graph: Graph, type: string, position: Point): GraphNode {
  const def = getLayer(type);
  if (!def) throw new Error(`unknown layer type ${type}`);
  const id = uniqueId('n', new Set(graph.nodes.map((n) => n.id)));
  return { id, type: def.id, name: uniqueName(graph, snake(def.label)), position: { x: Math.round(position.x), y: Math.round(position.y) }, params: defaultParams(def.params) };
}

/** An edge id not used in the graph. */
export function newEdgeId(graph: Graph, taken: Set<string> = new Set(graph.edges.map((e) => e.id))): string {
  return uniqueId('e', taken);
}

/** First free input handle of a node: a free fixed port in order, or the next variadic slot. Null when none is free. */
export function freeInputHandle(graph: Graph, nodeId: string): string | null {
  const node = graph.nodes.find((n) => n.id === nodeId);
  const def = node && getLayer(node.type);
  if (!def) return null;
  const used = new Set(graph.edges.filter((e) => e.target === nodeId).map((e) => e.targetHandle));
  if (def.inputs.kind === 'fixed') return def.inputs.ports.find((p) => !used.has(p.name))?.name ?? null;
  if (def.inputs.max !== undefined && used.size >= def.inputs.max) return null;
  for (let i = 0; ; i++) if (!used.has(`${def.inputs.name}${i}`)) return `${def.inputs.name}${i}`;
}

/** Whether `from` can be reached from `to` following edges: connecting from → to would then close a cycle. */
export function wouldCycle(graph: Graph, from: string, to: string): boolean {
  if (from === to) return true;
  const out = new Map<string, string[]>();
  for (const e of graph.edges) (out.get(e.source) ?? out.set(e.source, []).get(e.source)!).push(e.target);
  const seen = new Set<string>();
  const stack = [to];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === from) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const n of out.get(id) ?? []) stack.push(n);
  }
  return false;
}

/** Why a connection cannot be made, in words for the pointer; null when it can. */
export function connectionProblem(graph: Graph, source: string, target: string, targetHandle: string | null | undefined): string | null {
  const src = graph.nodes.find((n) => n.id === source);
  const dst = graph.nodes.find((n) => n.id === target);
  if (!src || !dst) return 'Drop on an input handle';
  const srcDef = getLayer(src.type);
  const dstDef = getLayer(dst.type);
  if (srcDef && srcDef.outputs === 0) return `${src.name} has no output`;
  if (!dstDef) return `${dst.name} has an unknown layer type`;
  if (source === target) return 'A layer cannot feed itself';
  if (dstDef.inputs.kind === 'fixed' && dstDef.inputs.ports.length === 0) return `${dstDef.label} '${dst.name}' takes no input`;
  const handle = targetHandle ?? '';
  // A full variadic layer says so whichever of its handles the wire reaches: that is the actual limit.
  if (dstDef.inputs.kind === 'variadic' && dstDef.inputs.max !== undefined) {
    const count = graph.edges.filter((e) => e.target === target).length;
    if (count >= dstDef.inputs.max) return `${dstDef.label} '${dst.name}' takes at most ${dstDef.inputs.max} inputs; remove one first`;
  }
  if (graph.edges.some((e) => e.target === target && e.targetHandle === handle)) {
    const single = dstDef.inputs.kind === 'fixed' && dstDef.inputs.ports.length === 1;
    return single ? `${dst.name}'s input is already connected; delete that wire first` : `Input '${handle}' of ${dst.name} is already connected`;
  }
  if (graph.edges.some((e) => e.source === source && e.target === target)) return `${src.name} already feeds ${dst.name}`;
  if (wouldCycle(graph, source, target)) return 'That would create a cycle; networks must flow one way';
  return null;
}

/** Where a wire dragged from a handle and released on a layer's body would go, or why it cannot. */
export type BodyDrop = { source: string; target: string; targetHandle: string; problem: null } | { problem: string };

/**
 * A wire released on a layer's body rather than on a handle: from an output it takes the layer's first
 * free input; from an input it takes the layer's output.
 */
export function bodyDrop(graph: Graph, from: { nodeId: string; handleType: 'source' | 'target'; handleId: string | null }, onto: string): BodyDrop {
  if (onto === from.nodeId) return { problem: 'A layer cannot feed itself' };
  if (from.handleType === 'target') {
    const problem = connectionProblem(graph, onto, from.nodeId, from.handleId);
    return problem ? { problem } : { source: onto, target: from.nodeId, targetHandle: from.handleId ?? '', problem: null };
  }
  const handle = freeInputHandle(graph, onto);
  if (!handle) {
    // No free input: say why in the words of the first handle (full layer, taken input, or no input at all).
    const node = graph.nodes.find((n) => n.id === onto);
    const def = node && getLayer(node.type);
    const first = def?.inputs.kind === 'fixed' ? def.inputs.ports[0]?.name : def ? `${def.inputs.name}0` : undefined;
    return { problem: connectionProblem(graph, from.nodeId, onto, first) ?? 'No free input' };
  }
  const problem = connectionProblem(graph, from.nodeId, onto, handle);
  return problem ? { problem } : { source: from.nodeId, target: onto, targetHandle: handle, problem: null };
}

/** Changes connecting `source`'s output to `target` (on `targetHandle`, or its first free input). Empty when refused. */
export function connectChanges(graph: Graph, source: string, target: string, targetHandle?: string | null): Change[] {
  const handle = targetHandle ?? freeInputHandle(graph, target);
  if (!handle || connectionProblem(graph, source, target, handle)) return [];
  const edge: GraphEdge = { id: newEdgeId(graph), source, sourceHandle: 'out', target, targetHandle: handle };
  return [{ kind: 'addEdge', edge }];
}

/** Changes inserting a new node into an edge: source → node → target. */
export function insertIntoEdgeChanges(graph: Graph, edge: GraphEdge, node: GraphNode): Change[] {
  const def = getLayer(node.type);
  if (!def || def.outputs === 0) return [];
  const inHandle = def.inputs.kind === 'fixed' ? def.inputs.ports[0]?.name : `${def.inputs.name}0`;
  if (!inHandle) return [];
  const taken = new Set(graph.edges.map((e) => e.id));
  const a = newEdgeId(graph, taken);
  taken.add(a);
  const b = newEdgeId(graph, taken);
  const index = graph.edges.findIndex((e) => e.id === edge.id);
  return [
    { kind: 'addNode', node },
    { kind: 'removeEdge', edge, index },
    { kind: 'addEdge', edge: { id: a, source: edge.source, sourceHandle: edge.sourceHandle, target: node.id, targetHandle: inHandle } },
    { kind: 'addEdge', edge: { id: b, source: node.id, sourceHandle: 'out', target: edge.target, targetHandle: edge.targetHandle } },
  ];
}

/** Changes deleting the selected nodes and edges (and edges touching deleted nodes). */
export function deleteSelectionChanges(graph: Graph, sel: Selection): Change[] {
  return removeNodesChanges(graph, sel.nodes, sel.edges);
}

/** Clipboard payload: nodes and the edges among them. */
export interface ClipboardData {
  format: 'tensorloom.clipboard';
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The selected nodes and the edges between them, for copy. */
export function copySelection(graph: Graph, sel: Selection): ClipboardData | null {
  const nodes = graph.nodes.filter((n) => sel.nodes.has(n.id));
  if (nodes.length === 0) return null;
  const edges = graph.edges.filter((e) => sel.nodes.has(e.source) && sel.nodes.has(e.target));
  return { format: 'tensorloom.clipboard', nodes, edges };
}

/** Parses clipboard text; null when it is not Tensorloom nodes. */
export function parseClipboard(text: string): ClipboardData | null {
  try {
    const data = JSON.parse(text) as Partial<ClipboardData>;
    if (data.format !== 'tensorloom.clipboard' || !Array.isArray(data.nodes) || !Array.isArray(data.edges)) return null;
    const ok = data.nodes.every((n) => typeof n?.id === 'string' && typeof n.type === 'string' && typeof n.name === 'string' && typeof n.position?.x === 'number' && typeof n.position?.y === 'number');
    return ok ? (data as ClipboardData) : null;
  } catch {
    return null;
  }
}

/** Changes pasting clipboard nodes with fresh ids and names, offset by `offset`; returns the new node ids too. */
export function pasteChanges(graph: Graph, data: ClipboardData, offset: Point): { changes: Change[]; nodeIds: string[] } {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const names = new Set(graph.nodes.map((n) => n.name));
  const edgeIds = new Set(graph.edges.map((e) => e.id));
  const idMap = new Map<string, string>();
  const changes: Change[] = [];
  for (const n of data.nodes) {
    const id = uniqueId('n', ids);
    ids.add(id);
    idMap.set(n.id, id);
    const name = uniqueName(graph, n.name, names);
    names.add(name);
    changes.push({ kind: 'addNode', node: { id, type: n.type, name, position: { x: n.position.x + offset.x, y: n.position.y + offset.y }, params: structuredClone(n.params ?? {}) } });
  }
  for (const e of data.edges) {
    const source = idMap.get(e.source);
    const target = idMap.get(e.target);
    if (!source || !target) continue;
    const id = uniqueId('e', edgeIds);
    edgeIds.add(id);
    changes.push({ kind: 'addEdge', edge: { id, source, sourceHandle: e.sourceHandle ?? 'out', target, targetHandle: e.targetHandle } });
  }
  return { changes, nodeIds: [...idMap.values()] };
}
