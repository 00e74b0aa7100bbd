import { editorStore, useEditor } from '../store/editor-store.js';
import { getFlowInstance } from '../app/commands.js';

/** Selects a node and brings it into view. */
export function revealNode(id: string): void {
  editorStore.getState().setSelection({ nodes: [id], edges: [] });
  const flow = getFlowInstance();
  const n = flow?.getInternalNode(id);
  if (flow && n) {
    const w = n.measured.width ?? 200;
    const h = n.measured.height ?? 90;
    void flow.setCenter(n.internals.positionAbsolute.x + w / 2, n.internals.positionAbsolute.y + h / 2, { zoom: Math.max(flow.getZoom(), 0.8), duration: 250 });
  }
}

/** Every diagnostic of the graph; clicking one selects its node. */
export function Problems() {
  const diagnostics = useEditor((s) => s.inference.diagnostics);
  return (
    <div className="problems" data-testid="problems">
      {diagnostics.length === 0 ? (
        <div className="empty-note ok">No problems: the graph is ready to train.</div>
      ) : (
        <ul>
          {diagnostics.map((d, i) => (
            <li
              key={`${d.nodeId}:${i}`}
              className={`problem ${d.severity}${d.nodeId ? ' clickable' : ''}`}
              data-testid={d.nodeId ? `problem-${d.nodeId}` : undefined}
              onClick={() => d.nodeId && revealNode(d.nodeId)}
            >
              <span className="problem-icon">{d.severity === 'error' ? '●' : '▲'}</span>
              <span className="problem-text">{d.message}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
