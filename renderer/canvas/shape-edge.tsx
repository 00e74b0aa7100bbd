import { memo } from 'react';
import { createPortal } from 'react-dom';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, getSmoothStepPath, useStore, type ConnectionLineComponentProps, type Edge, type EdgeProps } from '@xyflow/react';
import type { Graph } from '../../graph/document.js';
import { bodyDrop, connectionProblem, editorStore, useEditor, type EdgeRoute } from '../store/editor-store.js';
import { edgeShapeText, shapeText } from '../app/format.js';
import { useUi } from '../store/ui-store.js';

/** A React Flow edge of the editor; its label comes from inference of the source node. */
export type ShapeFlowEdge = Edge<Record<string, never>, 'shape'>;

// How far an end may be from where the layout routed it (handles sit a few pixels outside the node, and
// sizes round) before the route counts as stale: less than one snap step, so any move drops it.
const ROUTE_SLACK_X = 8;
const ROUTE_SLACK_Y = 4;

/**
 * The SVG path of a layout route drawn from the handles' actual ends, corners rounded; null when the route no
 * longer starts and ends there (a node was moved since the layout).
 */
export function routedPath(route: EdgeRoute, sx: number, sy: number, tx: number, ty: number, radius = 8): string | null {
  const pts = route.points.map((p) => ({ ...p }));
  const first = pts[0];
  const last = pts[pts.length - 1];
  if (!first || !last || pts.length < 2) return null;
  if (Math.abs(first.x - sx) > ROUTE_SLACK_X || Math.abs(first.y - sy) > ROUTE_SLACK_Y || Math.abs(last.x - tx) > ROUTE_SLACK_X || Math.abs(last.y - ty) > ROUTE_SLACK_Y) return null;
  // Runs leaving and entering the ports are horizontal: keep them so when the ends shift by a pixel.
  if (pts.length > 2 && pts[1]!.y === first.y) pts[1]!.y = sy;
  if (pts.length > 2 && pts[pts.length - 2]!.y === last.y) pts[pts.length - 2]!.y = ty;
  pts[0] = { x: sx, y: sy };
  pts[pts.length - 1] = { x: tx, y: ty };
  let d = `M${sx},${sy}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    const c = pts[i + 1]!;
    const r = Math.min(radius, Math.hypot(b.x - a.x, b.y - a.y) / 2, Math.hypot(c.x - b.x, c.y - b.y) / 2);
    // Unit directions into and out of the corner (routes are orthogonal: one of x, y is 0).
    const [ux, uy, vx, vy] = [Math.sign(b.x - a.x), Math.sign(b.y - a.y), Math.sign(c.x - b.x), Math.sign(c.y - b.y)];
    d += ` L${b.x - ux * r},${b.y - uy * r} Q${b.x},${b.y} ${b.x + vx * r},${b.y + vy * r}`;
  }
  return `${d} L${tx},${ty}`;
}

function ShapeEdgeView({ id, source, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected }: EdgeProps<ShapeFlowEdge>) {
  const shape = useEditor((s) => s.inference.nodes[source]?.outputShape ?? null);
  const route = useEditor((s) => s.routes.get(id));
  const dropTarget = useUi((s) => s.layerDrag?.edge === id);
  const routed = route && routedPath(route, sourceX, sourceY, targetX, targetY);
  // An edge running backwards (a hand-placed layout) as a bezier loops around both ends; orthogonal
  // routing reads better there.
  const [path, labelX, labelY] = routed
    ? [routed, route.label?.x ?? (sourceX + targetX) / 2, route.label?.y ?? (sourceY + targetY) / 2]
    : targetX < sourceX - 20
      ? getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 10, offset: 18 })
      : getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  return (
    <>
      <BaseEdge id={id} path={path} className={`shape-edge${selected ? ' selected' : ''}${dropTarget ? ' drop-target' : ''}`} interactionWidth={16} />
      <EdgeLabelRenderer>
        <div
          className={`edge-label nodrag nopan${selected ? ' selected' : ''}${dropTarget ? ' drop-target' : ''}${shape ? '' : ' unknown'}`}
          data-testid={`edge-${id}`}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          title={shapeText(shape)}
          onClick={() => editorStore.getState().setSelection({ nodes: [], edges: [id] })}
        >
          {edgeShapeText(shape)}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

/** Edge labelled with the tensor shape it carries. */
export const ShapeEdge = memo(ShapeEdgeView);

/** Why the wire being dragged cannot end where the pointer is, and over which node; null when it can (or the pointer is on empty canvas). */
export function wiringProblem(
  graph: Graph,
  from: { nodeId: string; handleType: 'source' | 'target'; handleId: string | null },
  to: { nodeId: string; handleType: 'source' | 'target'; handleId: string | null } | null,
  overNode: string | null,
): { reason: string; nodeId: string } | null {
  if (to) {
    if (to.handleType === from.handleType) return { reason: from.handleType === 'source' ? 'Connect an output to an input' : 'Connect an input to an output', nodeId: to.nodeId };
    const reason = from.handleType === 'source' ? connectionProblem(graph, from.nodeId, to.nodeId, to.handleId) : connectionProblem(graph, to.nodeId, from.nodeId, from.handleId);
    return reason ? { reason, nodeId: to.nodeId } : null;
  }
  // Over the layer the wire starts from, it has not gone anywhere yet: nothing to say.
  if (!overNode || overNode === from.nodeId) return null;
  const drop = bodyDrop(graph, from, overNode);
  return drop.problem === null ? null : { reason: drop.problem, nodeId: overNode };
}

const BUBBLE_GAP = 6;

/**
 * The line drawn while wiring. When the layer under the pointer refuses the wire (on a handle or its body),
 * the reason shows at the pointer, in screen pixels (readable at any zoom) and just above that layer so its
 * own text stays visible.
 */
export function WiringLine({ fromX, fromY, toX, toY, fromPosition, toPosition, connectionStatus, fromNode, fromHandle, toNode, toHandle, pointer }: ConnectionLineComponentProps) {
  const [path] = getBezierPath({ sourceX: fromX, sourceY: fromY, targetX: toX, targetY: toY, sourcePosition: fromPosition, targetPosition: toPosition });
  const pane = useStore((s) => s.domNode);
  const rect = pane?.getBoundingClientRect();
  let nodeEl: Element | null = null;
  if (rect && !toHandle) nodeEl = document.elementsFromPoint(rect.left + pointer.x, rect.top + pointer.y).find((e) => e.classList.contains('react-flow__node')) ?? null;
  const graph = editorStore.getState().graph;
  const from = { nodeId: fromNode.id, handleType: fromHandle.type, handleId: fromHandle.id ?? null };
  const problem =
    toHandle && toNode
      ? connectionStatus === 'invalid'
        ? wiringProblem(graph, from, { nodeId: toNode.id, handleType: toHandle.type, handleId: toHandle.id ?? null }, null)
        : null
      : wiringProblem(graph, from, null, nodeEl?.getAttribute('data-id') ?? null);
  let bubble = null;
  if (problem && pane && rect) {
    const target = nodeEl ?? pane.querySelector(`.react-flow__node[data-id="${CSS.escape(problem.nodeId)}"]`);
    const nr = target?.getBoundingClientRect();
    const left = Math.max(BUBBLE_GAP, Math.min(pointer.x - 12, rect.width - 320));
    // Above the layer when there is room, else below it.
    const style = nr
      ? nr.top - rect.top > 40
        ? { left, top: nr.top - rect.top - BUBBLE_GAP, transform: 'translateY(-100%)' }
        : { left, top: nr.bottom - rect.top + BUBBLE_GAP }
      : { left: pointer.x + 14, top: pointer.y + 12 };
    bubble = createPortal(
      <div className="wiring-reason" data-testid="connection-reason" role="status" style={style}>
        {problem.reason}
      </div>,
      pane,
    );
  }
  return (
    <g className={`wiring-line ${problem ? 'invalid' : (connectionStatus ?? '')}`}>
      <path d={path} fill="none" />
      {bubble}
    </g>
  );
}
