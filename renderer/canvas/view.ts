import type { ReactFlowInstance } from '@xyflow/react';
import type { Graph } from '../../graph/document.js';
import { fitViewport, type FitOptions, type Rect, type Viewport } from './fit.js';
import { NODE_HEIGHT, NODE_WIDTH } from './layer-node.js';

/** Below this zoom node text is too small to read (13 px names become under 10 px). */
const READABLE_ZOOM = 0.75;
/** The canvas' zoom range. */
export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 2.5;

/**
 * `all` shows the whole graph however small (F, the fit buttons, after Arrange); `open` is the first view
 * of a document: the whole graph when it fits at a readable zoom, else its beginning at that zoom.
 */
export type FitMode = 'all' | 'open';

const MODES: Record<FitMode, Omit<FitOptions, 'avoid'>> = {
  // A graph too long even at the smallest zoom shows its beginning rather than a middle cut out of it.
  all: { padding: 28, minZoom: MIN_ZOOM, maxZoom: 1, overflow: 'start' },
  open: { padding: 28, minZoom: READABLE_ZOOM, maxZoom: 1, overflow: 'start' },
};

/** Node rectangles in flow coordinates: measured sizes where React Flow has them, typical ones elsewhere. */
function nodeRects(flow: ReactFlowInstance, graph: Graph): Rect[] {
  return graph.nodes.map((n) => {
    const m = flow.getInternalNode(n.id)?.measured;
    return { x: n.position.x, y: n.position.y, width: m?.width || NODE_WIDTH, height: m?.height || NODE_HEIGHT };
  });
}

/** Overlays drawn over the canvas (minimap, zoom controls) in canvas pixels, with a small margin. */
function overlays(canvas: Element): Rect[] {
  const c = canvas.getBoundingClientRect();
  const out: Rect[] = [];
  for (const el of canvas.querySelectorAll('.react-flow__minimap, .react-flow__controls')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) out.push({ x: r.left - c.left - 8, y: r.top - c.top - 8, width: r.width + 16, height: r.height + 16 });
  }
  return out;
}

/** Fits the graph into the canvas, clear of its overlays; nothing happens with no nodes or no canvas on screen. */
export function fitGraph(flow: ReactFlowInstance, graph: Graph, mode: FitMode, duration = 0): void {
  const canvas = document.querySelector('[data-testid="canvas"]');
  const r = canvas?.getBoundingClientRect();
  if (!canvas || !r || r.width === 0 || r.height === 0) return;
  const vp = fitViewport(nodeRects(flow, graph), { width: r.width, height: r.height }, { ...MODES[mode], avoid: overlays(canvas) });
  if (!vp) return;
  lastFit = { nodes: graph.nodes, mode, viewport: vp };
  void flow.setViewport(vp, duration ? { duration } : undefined);
}

/** The last fit: which nodes it framed, how, and the viewport it chose. */
let lastFit: { nodes: Graph['nodes']; mode: FitMode; viewport: Viewport } | null = null;

/**
 * Fits again, the same way, when the view is still exactly as the last fit left it and no layer has moved
 * or come or gone since: a fitted graph stays fitted when the canvas changes size (the training dock opens).
 * Returns whether it did; a view the user has panned or zoomed is theirs, and is left alone.
 */
export function refitIfUntouched(flow: ReactFlowInstance, graph: Graph): boolean {
  const v = flow.getViewport();
  const f = lastFit;
  if (!f || f.nodes !== graph.nodes || Math.abs(v.x - f.viewport.x) > 0.5 || Math.abs(v.y - f.viewport.y) > 0.5 || Math.abs(v.zoom - f.viewport.zoom) > 1e-6) return false;
  fitGraph(flow, graph, f.mode);
  return true;
}
