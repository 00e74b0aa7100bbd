import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, getSmoothStepPath, type ConnectionLineComponentProps, type Edge, type EdgeProps } from '@xyflow/react';
import { useEditor, connectionProblem, editorStore } from '../store/editor-store.js';
import { edgeShapeText, shapeText } from '../app/format.js';

/** A React Flow edge of the editor; its label comes from inference of the source node. */
export type ShapeFlowEdge = Edge<Record<string, never>, 'shape'>;

function ShapeEdgeView({ id, source, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected }: EdgeProps<ShapeFlowEdge>) {
  const shape = useEditor((s) => s.inference.nodes[source]?.outputShape ?? null);
  // An edge running backwards (a wrapped row, a hand-placed layout) as a bezier loops around both ends;
  // orthogonal routing reads better there.
  const [path, labelX, labelY] =
    targetX < sourceX - 20
      ? getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 10, offset: 18 })
      : getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  return (
    <>
      <BaseEdge id={id} path={path} className={selected ? 'shape-edge selected' : 'shape-edge'} interactionWidth={16} />
      <EdgeLabelRenderer>
        <div
          className={`edge-label nodrag nopan${selected ? ' selected' : ''}${shape ? '' : ' unknown'}`}
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

/** The line drawn while wiring; when the target refuses, it says why at the pointer. */
export function WiringLine({ fromX, fromY, toX, toY, fromPosition, toPosition, connectionStatus, fromNode, fromHandle, toNode, toHandle }: ConnectionLineComponentProps) {
  const [path] = getBezierPath({ sourceX: fromX, sourceY: fromY, targetX: toX, targetY: toY, sourcePosition: fromPosition, targetPosition: toPosition });
  let reason: string | null = null;
  if (connectionStatus === 'invalid' && toNode && toHandle) {
    const graph = editorStore.getState().graph;
    reason =
      fromHandle.type === 'source'
        ? connectionProblem(graph, fromNode.id, toNode.id, toHandle.id)
        : toHandle.type === 'source'
          ? connectionProblem(graph, toNode.id, fromNode.id, fromHandle.id)
          : 'Connect an output to an input';
  }
  return (
    <g className={`wiring-line ${connectionStatus ?? ''}`}>
      <path d={path} fill="none" />
      {reason && (
        <foreignObject x={toX + 14} y={toY + 10} width={320} height={60} className="wiring-reason-box">
          <div className="wiring-reason" data-testid="connection-reason">{reason}</div>
        </foreignObject>
      )}
    </g>
  );
}
