import type { Graph } from '../../graph/document.js';
import { getLayer } from '../../graph/layers/index.js';
import type { Point } from '../store/changes.js';
import { computeUsedHandles, type EdgeRoute } from '../store/editor-store.js';
import { inputHandles, NODE_HEIGHT, NODE_WIDTH } from './layer-node.js';

// A layered left-to-right layout for graphs too big for ELK: ELK needs seconds per few hundred layers and its
// recursion, as deep as the longest path, overflows a browser worker's stack on long chains. This is the same
// layered scheme (Sugiyama: longest-path layers, long edges split at every layer they cross, barycentre
// ordering, straight main path, orthogonal routes through the reserved slots), in loops only, linear-ish time.

/** Node sizes as measured on the canvas; unmeasured nodes use the standard face size. */
export type SizeOf = (id: string) => { width: number; height: number } | undefined;

const GAP = 112; // between layers: room for a shape label and the vertical jogs of the routes
const NODE_SEP = 40;
const SLOT = 22; // height a long edge reserves in each layer it crosses
const JOG_STEP = 8;

interface Item {
  /** Node id, or an edge id plus the layer for a slot a long edge reserves. */
  id: string;
  node: boolean;
  layer: number;
  height: number;
  order: number;
  y: number;
  preds: Item[];
  succs: Item[];
  /** Per successor: where on the successor's side the edge arrives, -0.5 (top port) to 0.5 (bottom). */
  succPorts: number[];
  /** Document order, for stable ties. */
  rank: number;
}

/** Positions and orthogonal edge routes for every node and edge. */
export function fastLayout(graph: Graph, sizeOf: SizeOf): { positions: Map<string, Point>; routes: Map<string, EdgeRoute> } {
  const size = (id: string) => sizeOf(id) ?? { width: NODE_WIDTH, height: NODE_HEIGHT };
  const ids = new Set(graph.nodes.map((n) => n.id));
  const edges = graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target);

  // Longest-path layers in topological order (Kahn); nodes left in a cycle go after everything else.
  const out = new Map<string, string[]>();
  const indeg = new Map<string, number>(graph.nodes.map((n) => [n.id, 0]));
  for (const e of edges) {
    (out.get(e.source) ?? out.set(e.source, []).get(e.source)!).push(e.target);
    indeg.set(e.target, indeg.get(e.target)! + 1);
  }
  const layerOf = new Map<string, number>();
  const queue = graph.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  for (const id of queue) layerOf.set(id, 0);
  for (let qi = 0; qi < queue.length; qi++) {
    const id = queue[qi]!;
    for (const t of out.get(id) ?? []) {
      layerOf.set(t, Math.max(layerOf.get(t) ?? 0, layerOf.get(id)! + 1));
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }
  let maxLayer = Math.max(0, ...layerOf.values());
  for (const n of graph.nodes) if (!layerOf.has(n.id)) layerOf.set(n.id, ++maxLayer);

  const used = computeUsedHandles(graph);
  // Where each input port sits down the node's side, as a fraction of its height (as the faces draw them).
  const portFrac = new Map<string, number>();
  for (const n of graph.nodes) {
    const ins = inputHandles(getLayer(n.type), used.get(n.id) ?? '');
    ins.forEach((p, i) => portFrac.set(`${n.id}::${p.id}`, (i + 1) / (ins.length + 1)));
  }
  const items = new Map<string, Item>();
  const layers: Item[][] = Array.from({ length: maxLayer + 1 }, () => []);
  graph.nodes.forEach((n, rank) => {
    const it: Item = { id: n.id, node: true, layer: layerOf.get(n.id)!, height: size(n.id).height, order: 0, y: 0, preds: [], succs: [], succPorts: [], rank };
    items.set(n.id, it);
    layers[it.layer]!.push(it);
  });
  // Each edge becomes a chain through one slot per layer it crosses (backward edges of a cycle are drawn plain).
  const chains = new Map<string, Item[]>();
  for (const e of edges) {
    const a = items.get(e.source)!;
    const b = items.get(e.target)!;
    if (b.layer <= a.layer) continue;
    const chain = [a];
    for (let l = a.layer + 1; l < b.layer; l++) {
      const slot: Item = { id: `${e.id}@${l}`, node: false, layer: l, height: SLOT, order: 0, y: 0, preds: [], succs: [], succPorts: [], rank: a.rank + 0.5 };
      layers[l]!.push(slot);
      chain.push(slot);
    }
    chain.push(b);
    for (let i = 1; i < chain.length; i++) {
      chain[i - 1]!.succs.push(chain[i]!);
      chain[i - 1]!.succPorts.push(i === chain.length - 1 ? (portFrac.get(`${e.target}::${e.targetHandle}`) ?? 0.5) - 0.5 : 0);
      chain[i]!.preds.push(chain[i - 1]!);
    }
    chains.set(e.id, chain);
  }

  // Order within layers: document order, then barycentre sweeps down and up; slots sink below nodes on ties.
  const renumber = (layer: Item[]) => layer.forEach((it, i) => (it.order = i));
  for (const layer of layers) {
    layer.sort((a, b) => Number(b.node) - Number(a.node) || a.rank - b.rank);
    renumber(layer);
  }
  const byPreds = (it: Item) => (it.preds.length ? it.preds.reduce((s, p) => s + p.order, 0) / it.preds.length : it.order);
  // Looking at successors, an edge into a node's upper port counts as above one into its lower port, so the
  // long edge into an Add's first input runs above the main path rather than crossing it.
  const bySuccs = (it: Item) => (it.succs.length ? it.succs.reduce((s, p, i) => s + p.order + it.succPorts[i]!, 0) / it.succs.length : it.order);
  // Ending on an upward sweep lets the ports decide.
  for (let sweep = 0; sweep < 4; sweep++) {
    const down = sweep % 2 === 0;
    for (let k = 1; k < layers.length; k++) {
      const layer = layers[down ? k : layers.length - 1 - k]!;
      const key = new Map(layer.map((it) => [it, down ? byPreds(it) : bySuccs(it)] as const));
      layer.sort((a, b) => key.get(a)! - key.get(b)! || Number(b.node) - Number(a.node) || a.rank - b.rank);
      renumber(layer);
    }
  }

  // Vertical placement, layer by layer: each item where its real predecessors are (so a main path stays one
  // straight row and its skip connections go around it), pushed apart in order, then the layer re-centred.
  const centre = (it: Item) => it.y + it.height / 2;
  const wish = (it: Item, fallback: number) => {
    const real = it.preds.filter((p) => p.node);
    const ys = (real.length ? real : it.preds).map(centre).sort((a, b) => a - b);
    return ys.length ? ys[Math.floor((ys.length - 1) / 2)]! - it.height / 2 : fallback;
  };
  const gapAfter = (it: Item) => (it.node ? NODE_SEP : JOG_STEP);
  for (const layer of layers) {
    // From the first layer node down, each item where it wishes or pushed below the one before; the slots
    // before it stack upwards from it, so long edges ordered above the main path stay above it.
    const first = Math.max(0, layer.findIndex((it) => it.node));
    let bottom = -Infinity;
    let least = Infinity;
    for (let i = first; i < layer.length; i++) {
      const it = layer[i]!;
      const want = wish(it, bottom === -Infinity ? 0 : bottom);
      it.y = Math.max(want, bottom);
      if (it.node) least = Math.min(least, it.y - want);
      bottom = it.y + it.height + gapAfter(it);
    }
    // Nodes were only pushed down; move the layer back up by the least push of a node.
    if (Number.isFinite(least) && least > 0) for (let i = first; i < layer.length; i++) layer[i]!.y -= least;
    let top = layer[first]?.y ?? 0;
    for (let i = first - 1; i >= 0; i--) {
      const it = layer[i]!;
      it.y = Math.min(wish(it, top), top - gapAfter(it) - it.height);
      top = it.y;
    }
  }

  const x = (layer: number) => layer * (NODE_WIDTH + GAP);
  const positions = new Map<string, Point>();
  for (const it of items.values()) positions.set(it.id, { x: Math.round(x(it.layer)), y: Math.round(it.y) });

  // Routes: leave at the output port, jog vertically in the gap (each jog of a gap on its own x), run through
  // the slots, enter at the input port the edge targets.
  const jogs = new Map<number, number>();
  const routes = new Map<string, EdgeRoute>();
  for (const e of edges) {
    const chain = chains.get(e.id);
    if (!chain) continue;
    const src = chain[0]!;
    const dst = chain[chain.length - 1]!;
    const points: Point[] = [{ x: x(src.layer) + size(src.id).width, y: src.y + src.height / 2 }];
    let label: Point | undefined;
    for (let i = 1; i < chain.length; i++) {
      const b = chain[i]!;
      const last = i === chain.length - 1;
      const y = last ? dst.y + dst.height * (portFrac.get(`${dst.id}::${e.targetHandle}`) ?? 0.5) : b.y + b.height / 2;
      const from = points[points.length - 1]!;
      const entry = x(b.layer);
      if (Math.abs(y - from.y) > 0.5) {
        const gapStart = x(b.layer - 1) + NODE_WIDTH;
        const k = jogs.get(b.layer) ?? 0;
        jogs.set(b.layer, k + 1);
        // Jogs keep to the first third of the gap, so the run into the target has room for its label.
        const jx = gapStart + 10 + ((k * JOG_STEP) % 32);
        points.push({ x: jx, y: from.y }, { x: jx, y });
      }
      points.push({ x: entry, y });
      if (!last) points.push({ x: entry + NODE_WIDTH, y });
      // The label sits on the last straight run into the target, which no other edge shares.
      if (last) {
        const run = points[points.length - 2]!;
        label = { x: Math.round((run.x + entry) / 2), y: Math.round(y) };
      }
    }
    routes.set(e.id, { points: points.map((p) => ({ x: Math.round(p.x), y: Math.round(p.y) })), ...(label ? { label } : {}) });
  }
  return { positions, routes };
}
