import type { Graph, GraphEdge, GraphNode, TrainingSettings } from '../../graph/document.js';

// Edits are data (DESIGN.md convention 6): every edit is a list of these changes, applied by a pure
// function, and undone by applying their inverses in reverse order.

/** A point on the canvas. */
export interface Point {
  x: number;
  y: number;
}

/** One reversible edit of the document. */
export type Change =
  | { kind: 'addNode'; node: GraphNode; index?: number }
  | { kind: 'removeNode'; node: GraphNode; index: number }
  | { kind: 'addEdge'; edge: GraphEdge; index?: number }
  | { kind: 'removeEdge'; edge: GraphEdge; index: number }
  | { kind: 'move'; id: string; from: Point; to: Point }
  /** `from`/`to` undefined means the param is absent (its default applies). */
  | { kind: 'setParam'; id: string; name: string; from: unknown; to: unknown }
  | { kind: 'rename'; id: string; from: string; to: string }
  | { kind: 'setMeta'; field: 'name' | 'description'; from: string; to: string }
  /** The training settings saved with the graph (the training panel edits them). */
  | { kind: 'setTraining'; from: TrainingSettings; to: TrainingSettings };

/** The change that undoes `c`. */
export function invertChange(c: Change): Change {
  switch (c.kind) {
    case 'addNode':
      return { kind: 'removeNode', node: c.node, index: c.index ?? -1 };
    case 'removeNode':
      return { kind: 'addNode', node: c.node, index: c.index };
    case 'addEdge':
      return { kind: 'removeEdge', edge: c.edge, index: c.index ?? -1 };
    case 'removeEdge':
      return { kind: 'addEdge', edge: c.edge, index: c.index };
    case 'move':
      return { kind: 'move', id: c.id, from: c.to, to: c.from };
    case 'setParam':
      return { kind: 'setParam', id: c.id, name: c.name, from: c.to, to: c.from };
    case 'rename':
      return { kind: 'rename', id: c.id, from: c.to, to: c.from };
    case 'setMeta':
      return { kind: 'setMeta', field: c.field, from: c.to, to: c.from };
    case 'setTraining':
      return { kind: 'setTraining', from: c.to, to: c.from };
  }
}

/** Inverse of a list of changes: inverses in reverse order. */
export function invertChanges(changes: readonly Change[]): Change[] {
  return changes.map(invertChange).reverse();
}

function insertAt<T>(list: readonly T[], item: T, index: number | undefined): T[] {
  const out = list.slice();
  if (index === undefined || index < 0 || index > out.length) out.push(item);
  else out.splice(index, 0, item);
  return out;
}

function updateNode(graph: Graph, id: string, f: (n: GraphNode) => GraphNode): Graph {
  const i = graph.nodes.findIndex((n) => n.id === id);
  if (i < 0) return graph;
  const nodes = graph.nodes.slice();
  nodes[i] = f(nodes[i]!);
  return { ...graph, nodes };
}

/**
 * Applies one change and returns the new document; the input is never mutated and untouched nodes
 * keep their identity, so memoized node components do not re-render.
 */
export function applyChange(graph: Graph, c: Change): Graph {
  switch (c.kind) {
    case 'addNode':
      return { ...graph, nodes: insertAt(graph.nodes, c.node, c.index) };
    case 'removeNode':
      return { ...graph, nodes: graph.nodes.filter((n) => n.id !== c.node.id) };
    case 'addEdge':
      return { ...graph, edges: insertAt(graph.edges, c.edge, c.index) };
    case 'removeEdge':
      return { ...graph, edges: graph.edges.filter((e) => e.id !== c.edge.id) };
    case 'move':
      return updateNode(graph, c.id, (n) => ({ ...n, position: { x: c.to.x, y: c.to.y } }));
    case 'setParam':
      return updateNode(graph, c.id, (n) => {
        const params = { ...n.params };
        if (c.to === undefined) delete params[c.name];
        else params[c.name] = c.to;
        return { ...n, params };
      });
    case 'rename':
      return updateNode(graph, c.id, (n) => ({ ...n, name: c.to }));
    case 'setMeta':
      return { ...graph, [c.field]: c.to };
    case 'setTraining':
      return { ...graph, training: c.to };
  }
}

/** Applies changes in order. Moves of many nodes are batched into one pass, since a drag of a big selection sends hundreds. */
export function applyChanges(graph: Graph, changes: readonly Change[]): Graph {
  let g = graph;
  let moves: Map<string, Point> | null = null;
  const flush = (): void => {
    if (!moves) return;
    const m = moves;
    g = { ...g, nodes: g.nodes.map((n) => (m.has(n.id) ? { ...n, position: { ...m.get(n.id)! } } : n)) };
    moves = null;
  };
  for (const c of changes) {
    if (c.kind === 'move') {
      (moves ??= new Map()).set(c.id, c.to);
      continue;
    }
    flush();
    g = applyChange(g, c);
  }
  flush();
  return g;
}

/** True when the changes can alter inference (moves and document settings cannot). */
export function affectsInference(changes: readonly Change[]): boolean {
  return changes.some((c) => c.kind !== 'move' && c.kind !== 'setTraining' && c.kind !== 'setMeta');
}

/**
 * Changes that remove nodes and every edge touching them, recording indices so undo restores
 * the original document order exactly.
 */
export function removeNodesChanges(graph: Graph, nodeIds: ReadonlySet<string>, edgeIds: ReadonlySet<string> = new Set()): Change[] {
  const out: Change[] = [];
  // Remove from the end so each recorded index is valid when the inverses replay in reverse.
  for (let i = graph.edges.length - 1; i >= 0; i--) {
    const e = graph.edges[i]!;
    if (edgeIds.has(e.id) || nodeIds.has(e.source) || nodeIds.has(e.target)) out.push({ kind: 'removeEdge', edge: e, index: i });
  }
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i]!;
    if (nodeIds.has(n.id)) out.push({ kind: 'removeNode', node: n, index: i });
  }
  return out;
}

/** Merges consecutive moves of the same node into one (a drag records many frames; undo needs only start and end). */
export function compactChanges(changes: readonly Change[]): Change[] {
  const out: Change[] = [];
  const lastMove = new Map<string, number>();
  for (const c of changes) {
    if (c.kind === 'move') {
      const at = lastMove.get(c.id);
      if (at !== undefined) {
        const prev = out[at] as Extract<Change, { kind: 'move' }>;
        out[at] = { ...prev, to: c.to };
        continue;
      }
      lastMove.set(c.id, out.length);
      out.push(c);
      continue;
    }
    lastMove.clear();
    out.push(c);
  }
  return out.filter((c) => c.kind !== 'move' || c.from.x !== c.to.x || c.from.y !== c.to.y);
}
