import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import type { Graph } from '../../graph/document.js';
import { getLayer } from '../../graph/layers/index.js';
import type { Change, Point } from '../store/changes.js';
import { inputHandles } from './layer-node.js';

const elk = new ELK();

/** Node sizes as measured on the canvas; unmeasured nodes use a typical size. */
export type SizeOf = (id: string) => { width: number; height: number } | undefined;

/**
 * Layered left-to-right layout (elkjs). Ports are fixed in handle order so a two-input layer keeps
 * its inputs where they are drawn. Returns the moves, as one undoable step.
 */
export async function layoutChanges(graph: Graph, sizeOf: SizeOf, view?: { width: number; height: number }): Promise<Change[]> {
  let pos = await layoutPositions(graph, sizeOf);
  if (view && view.height > 0) {
    // A strip too wide to read when fitted into the canvas wraps into rows shaped like the canvas.
    let maxX = 0;
    for (const [id, p] of pos) maxX = Math.max(maxX, p.x + (sizeOf(id)?.width ?? 184));
    if (maxX * MIN_READABLE_ZOOM > view.width) pos = await layoutPositions(graph, sizeOf, view.width / view.height);
  }
  const changes: Change[] = [];
  for (const n of graph.nodes) {
    const to = pos.get(n.id);
    if (to && (to.x !== n.position.x || to.y !== n.position.y)) changes.push({ kind: 'move', id: n.id, from: n.position, to });
  }
  return changes;
}

/** Below this zoom node text gets hard to read. */
const MIN_READABLE_ZOOM = 0.6;

async function layoutPositions(graph: Graph, sizeOf: SizeOf, aspectRatio?: number): Promise<Map<string, Point>> {
  const used = new Map<string, string[]>();
  for (const e of graph.edges) (used.get(e.target) ?? used.set(e.target, []).get(e.target)!).push(e.targetHandle);
  const ports = new Set<string>();
  const children: ElkNode[] = graph.nodes.map((n) => {
    const size = sizeOf(n.id) ?? { width: 184, height: 100 };
    const ins = inputHandles(getLayer(n.type), (used.get(n.id) ?? []).sort().join(','));
    for (const h of ins) ports.add(`${n.id}::${h.id}`);
    ports.add(`${n.id}::out`);
    return {
      id: n.id,
      width: size.width,
      height: size.height,
      layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
      ports: [
        ...ins.map((h, i) => ({ id: `${n.id}::${h.id}`, width: 1, height: 1, layoutOptions: { 'elk.port.side': 'WEST', 'elk.port.index': String(i) } })),
        { id: `${n.id}::out`, width: 1, height: 1, layoutOptions: { 'elk.port.side': 'EAST' } },
      ],
    };
  });
  const root: ElkNode = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '84',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      // Long chains wrap into rows that match the canvas' shape instead of one strip too wide to read.
      ...(aspectRatio ? { 'elk.layered.wrapping.strategy': 'MULTI_EDGE', 'elk.aspectRatio': String(aspectRatio), 'elk.layered.wrapping.additionalEdgeSpacing': '20' } : {}),
    },
    children,
    edges: graph.edges
      .filter((e) => ports.has(`${e.source}::out`) && ports.has(`${e.target}::${e.targetHandle}`))
      .map((e) => ({ id: e.id, sources: [`${e.source}::out`], targets: [`${e.target}::${e.targetHandle}`] })),
  };
  const laid = await elk.layout(root);
  const pos = new Map<string, Point>();
  for (const c of laid.children ?? []) pos.set(c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) });
  return pos;
}
