import { getLayer } from '../../graph/layers/index.js';
import { useShallow } from 'zustand/react/shallow';
import { useEditor } from '../store/editor-store.js';
import { formatInt, shapeText } from '../app/format.js';
import { revealNode } from './problems.js';

/** The Keras-style model summary: layer (type), output shape, params, connected to; totals below. */
export function Summary() {
  // Names and types only, compared item by item: dragging a node must not re-render a 1,000-row table.
  const nodeKeys = useEditor(useShallow((s) => s.graph.nodes.map((n) => `${n.id}\u0000${n.type}\u0000${n.name}`)));
  const edges = useEditor((s) => s.graph.edges);
  const inference = useEditor((s) => s.inference);
  const byId = new Map(
    nodeKeys.map((k) => {
      const [id, type, name] = k.split('\u0000') as [string, string, string];
      return [id, { id, type, name }] as const;
    }),
  );
  const incoming = new Map<string, string[]>();
  for (const e of edges) (incoming.get(e.target) ?? incoming.set(e.target, []).get(e.target)!).push(byId.get(e.source)?.name ?? e.source);
  const rows = inference.order.map((id) => ({ node: byId.get(id)!, info: inference.nodes[id]! })).filter((r) => r.node);
  const { trainable, nonTrainable, macs } = inference.totals;
  return (
    <div className="summary" data-testid="summary">
      <table>
        <thead>
          <tr>
            <th>Layer (type)</th>
            <th>Output shape</th>
            <th className="num">Param #</th>
            <th>Connected to</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ node, info }) => (
            <tr key={node.id} className={info.inModel ? '' : 'detached'} onClick={() => revealNode(node.id)}>
              <td>
                {node.name} <span className="muted">({getLayer(node.type)?.id ?? node.type})</span>
              </td>
              <td className="mono">{shapeText(getLayer(node.type)?.outputs === 0 ? info.inputShapes[0] : info.outputShape)}</td>
              <td className="num mono">{formatInt(info.paramCount.trainable + info.paramCount.nonTrainable)}</td>
              <td className="muted">{(incoming.get(node.id) ?? []).join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={4}>
              Total params: <b>{formatInt(trainable + nonTrainable)}</b> · Trainable: {formatInt(trainable)} · Non-trainable: {formatInt(nonTrainable)} · Mult-adds per sample: {formatInt(macs)}
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
