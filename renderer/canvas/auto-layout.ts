import type { ELK as ElkApi, ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api.js';
import type { Graph } from '../../graph/document.js';
import { getLayer } from '../../graph/layers/index.js';
import type { Change, Point } from '../store/changes.js';
import { computeUsedHandles, type EdgeRoute } from '../store/editor-store.js';
import { inputHandles, NODE_HEIGHT, NODE_WIDTH } from './layer-node.js';
import { fastLayout, type SizeOf } from './fast-layout.js';

/** The text of an edge's shape label, so the layout leaves room for it. */
export type LabelOf = (edgeId: string) => string;

/** What a layout returns: the moves (one undoable step) and the edges' routes around the nodes. */
export interface LayoutResult {
  changes: Change[];
  routes: Map<string, EdgeRoute>;
}

// One layered left-to-right flow, the way Netron draws a model: no wrapping into rows, inputs fixed where
// the node draws them, the document's order kept where it does not cost crossings (so the main path stays
// straight and skip connections go around it), and orthogonal edge routes with room for their labels.
const ROOT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.wrapping.strategy': 'OFF',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.nodePlacement.favorStraightEdges': 'true',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.crossingMinimization.forceNodeModelOrder': 'false',
  'elk.layered.spacing.nodeNodeBetweenLayers': '18',
  'elk.layered.spacing.edgeNodeBetweenLayers': '20',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '14',
  'elk.spacing.nodeNode': '44',
  'elk.spacing.edgeNode': '22',
  'elk.spacing.edgeEdge': '16',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.componentComponent': '80',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.edgeLabels.inline': 'true',
  'elk.layered.edgeLabels.sideSelection': 'SMART_DOWN',
};

/**
 * Above this many layers the built-in layered layout (fast-layout.ts) runs instead of ELK, which takes tens of
 * seconds there and whose recursion can overflow a worker's stack on long chains.
 */
export const ELK_MAX_NODES = 250;

/** Width of a shape label as styles.css draws it (10.5 px monospace, 6 px padding each side). */
function labelWidth(text: string): number {
  return Math.ceil(text.length * 6.4 + 14);
}
const LABEL_HEIGHT = 18;

/** The ELK graph for a document: ports where the node faces draw their handles, labels as wide as their text. */
function elkGraph(graph: Graph, sizeOf: SizeOf, labelOf: LabelOf): ElkNode {
  const used = computeUsedHandles(graph);
  const ports = new Set<string>();
  const children: ElkNode[] = graph.nodes.map((n) => {
    const { width, height } = sizeOf(n.id) ?? { width: NODE_WIDTH, height: NODE_HEIGHT };
    const def = getLayer(n.type);
    const ins = inputHandles(def, used.get(n.id) ?? '');
    for (const h of ins) ports.add(`${n.id}::${h.id}`);
    const hasOut = def?.outputs !== 0;
    if (hasOut) ports.add(`${n.id}::out`);
    return {
      id: n.id,
      width,
      height,
      layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
      ports: [
        ...ins.map((h, i) => ({ id: `${n.id}::${h.id}`, x: 0, y: (height * (i + 1)) / (ins.length + 1), width: 0, height: 0, layoutOptions: { 'elk.port.side': 'WEST' } })),
        ...(hasOut ? [{ id: `${n.id}::out`, x: width, y: height / 2, width: 0, height: 0, layoutOptions: { 'elk.port.side': 'EAST' } }] : []),
      ],
    };
  });
  const edges: ElkExtendedEdge[] = graph.edges
    .filter((e) => ports.has(`${e.source}::out`) && ports.has(`${e.target}::${e.targetHandle}`))
    .map((e) => {
      const text = labelOf(e.id);
      return { id: e.id, sources: [`${e.source}::out`], targets: [`${e.target}::${e.targetHandle}`], labels: [{ id: `${e.id}::label`, text, width: labelWidth(text), height: LABEL_HEIGHT }] };
    });
  return { id: '__root', layoutOptions: ROOT_OPTIONS, children, edges };
}

/** Node positions and edge routes out of a laid-out ELK graph. */
function readLayout(laid: ElkNode): { positions: Map<string, Point>; routes: Map<string, EdgeRoute> } {
  const positions = new Map<string, Point>();
  for (const c of laid.children ?? []) positions.set(c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) });
  const routes = new Map<string, EdgeRoute>();
  for (const e of (laid.edges ?? []) as ElkExtendedEdge[]) {
    const s = e.sections?.[0];
    if (!s || (e.sections?.length ?? 0) > 1) continue;
    const points = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => ({ x: Math.round(p.x), y: Math.round(p.y) }));
    const l = e.labels?.[0];
    const label = l && l.x !== undefined && l.y !== undefined ? onRoute(points, { x: l.x + (l.width ?? 0) / 2, y: l.y + (l.height ?? 0) / 2 }) : undefined;
    routes.set(e.id, label ? { points, label } : { points });
  }
  return { positions, routes };
}

/**
 * ELK reserves the label's room beside the edge; the canvas draws shape labels as pills on the line, so the
 * label moves onto the nearest horizontal run of the route below or above it.
 */
function onRoute(points: readonly Point[], label: Point): Point {
  let best: Point | null = null;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    if (a.y !== b.y || label.x < Math.min(a.x, b.x) || label.x > Math.max(a.x, b.x)) continue;
    if (!best || Math.abs(a.y - label.y) < Math.abs(best.y - label.y)) best = { x: Math.round(label.x), y: a.y };
  }
  return best ?? { x: Math.round(label.x), y: Math.round(label.y) };
}

/** Moves bringing the document's nodes to `positions` (nodes added meanwhile stay where they are). */
function moveChanges(graph: Graph, positions: ReadonlyMap<string, Point>): Change[] {
  const changes: Change[] = [];
  for (const n of graph.nodes) {
    const to = positions.get(n.id);
    if (to && (to.x !== n.position.x || to.y !== n.position.y)) changes.push({ kind: 'move', id: n.id, from: n.position, to });
  }
  return changes;
}

let engine: Promise<ElkApi> | null = null;

/**
 * ELK in a web worker where there is one, so laying out 1,000 layers (seconds) never freezes the window;
 * in the same thread otherwise (Node, or a worker that fails to start).
 */
function elk(): Promise<ElkApi> {
  engine ??= (async () => {
    if (typeof Worker !== 'undefined') {
      try {
        const [{ default: ELK }, { default: workerUrl }] = await Promise.all([import('elkjs/lib/elk-api.js'), import('elkjs/lib/elk-worker.min.js?url')]);
        const worker = await new Promise<Worker>((ok, fail) => {
          const w = new Worker(workerUrl);
          w.addEventListener('error', fail, { once: true });
          // The worker answers only once its script has loaded and run (registering the algorithm is harmless twice).
          w.addEventListener('message', () => ok(w), { once: true });
          w.postMessage({ id: -1, cmd: 'register', algorithms: ['layered'] });
        });
        return new ELK({ workerFactory: () => worker });
      } catch {
        // fall through to the in-thread engine
      }
    }
    const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
    return new ELK();
  })();
  return engine;
}

/**
 * Lays out the graph in one layered left-to-right flow. Positions are read against `current()` when the
 * layout is done, so edits made while it ran are neither lost nor undone wrongly.
 */
export async function layoutGraph(graph: Graph, sizeOf: SizeOf, labelOf: LabelOf, current: () => Graph = () => graph): Promise<LayoutResult> {
  let laid: { positions: Map<string, Point>; routes: Map<string, EdgeRoute> };
  if (graph.nodes.length > ELK_MAX_NODES) laid = fastLayout(graph, sizeOf);
  else {
    // ELK's recursion goes as deep as the longest path; should a long chain still overflow the worker's
    // stack, the built-in layout does the job.
    laid = await (await elk())
      .layout(elkGraph(graph, sizeOf, labelOf))
      .then(readLayout, (e: unknown) => {
        if (!/call stack/i.test(String((e as Error)?.message ?? e))) throw e;
        return fastLayout(graph, sizeOf);
      });
  }
  const { positions, routes } = laid;
  return { changes: moveChanges(current(), positions), routes };
}
