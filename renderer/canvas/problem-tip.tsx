import { useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { useStore } from '@xyflow/react';
import { useEditor } from '../store/editor-store.js';

const MARGIN = 8;

/**
 * The problems of the hovered node, drawn in screen space over the canvas: readable at any zoom, and kept
 * inside the canvas (below the node, or above it when there is no room) instead of under the side panels.
 */
export function ProblemTip({ nodeId, canvas }: { nodeId: string; canvas: RefObject<HTMLDivElement | null> }) {
  const diagnostics = useEditor((s) => s.inference.nodes[nodeId]?.diagnostics);
  // Re-place when the view pans or zooms under the pointer.
  const transform = useStore((s) => s.transform);
  const tip = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState<{ left: number; top: number } | null>(null);

  useLayoutEffect(() => {
    const c = canvas.current;
    const el = c?.querySelector(`.react-flow__node[data-id="${CSS.escape(nodeId)}"]`);
    if (!c || !el || !tip.current) return setPos(null);
    const cr = c.getBoundingClientRect();
    const nr = el.getBoundingClientRect();
    const w = tip.current.offsetWidth;
    const h = tip.current.offsetHeight;
    const left = Math.max(MARGIN, Math.min(nr.left - cr.left, cr.width - w - MARGIN));
    let top = nr.bottom - cr.top + MARGIN;
    if (top + h > cr.height - MARGIN) top = nr.top - cr.top - MARGIN - h;
    setPos({ left, top: Math.max(MARGIN, Math.min(top, cr.height - h - MARGIN)) });
  }, [nodeId, canvas, transform, diagnostics]);

  if (!diagnostics?.length) return null;
  const worst = diagnostics.some((d) => d.severity === 'error') ? 'error' : 'warning';
  return (
    <div ref={tip} className={`node-problem-tip ${worst}`} role="tooltip" data-testid="node-problem-tip" style={pos ? { left: pos.left, top: pos.top } : { visibility: 'hidden' }}>
      {diagnostics.map((d, i) => (
        <div key={i} className={d.severity}>{d.message}</div>
      ))}
    </div>
  );
}
