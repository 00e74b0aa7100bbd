import { memo, useEffect, useMemo, useRef, type CSSProperties } from 'react';
import { Handle, Position, useUpdateNodeInternals, type Node, type NodeProps } from '@xyflow/react';
import { getLayer, normalizeParams, type LayerDef, type Params } from '../../graph/layers/index.js';
import { useEditor } from '../store/editor-store.js';
import { categoryHue, formatCount, shapeText } from '../app/format.js';

/** What a canvas node carries: the layer kind, its name and params; everything else comes from the store. */
export type LayerNodeData = { layerType: string; name: string; params: Params };
/** Size of every node face (styles.css `.layer-node`): one size, so rows line up and layouts need no measuring. */
export const NODE_WIDTH = 184;
export const NODE_HEIGHT = 84;

/** A React Flow node of the editor. */
export type LayerFlowNode = Node<LayerNodeData, 'layer'>;

/** Input handles to draw: every fixed port, or the connected variadic slots plus one free slot. */
export function inputHandles(def: LayerDef | undefined, used: string): { id: string; label: string }[] {
  if (!def) return [];
  if (def.inputs.kind === 'fixed') return def.inputs.ports.map((p) => ({ id: p.name, label: p.label ?? p.name }));
  const { name, max } = def.inputs;
  const taken = used
    .split(',')
    .filter((h) => h.startsWith(name))
    .map((h) => Number(h.slice(name.length)))
    .filter((n) => Number.isInteger(n))
    .sort((a, b) => a - b);
  const ids = [...taken];
  if (max === undefined || taken.length < max) {
    let free = 0;
    while (taken.includes(free)) free++;
    ids.push(free);
  }
  // Keep at least `min` handles visible so a two-input layer shows two sockets from the start.
  for (let i = 0; ids.length < def.inputs.min; i++) if (!ids.includes(i)) ids.push(i);
  return ids.sort((a, b) => a - b).map((i) => ({ id: `${name}${i}`, label: `${name}${i}` }));
}

function LayerNodeView({ id, data, selected }: NodeProps<LayerFlowNode>) {
  const info = useEditor((s) => s.inference.nodes[id]);
  const used = useEditor((s) => s.usedHandles.get(id) ?? '');
  const def = getLayer(data.layerType);
  const handles = useMemo(() => inputHandles(def, used), [def, used]);
  const updateInternals = useUpdateNodeInternals();
  const handleKey = handles.map((h) => h.id).join(',');
  // React Flow measures handles on mount by itself; it only needs telling when a variadic handle appears
  // or goes later (telling it on mount too would re-measure a 1,000-node graph one node at a time).
  const mountedKey = useRef(handleKey);
  useEffect(() => {
    if (mountedKey.current === handleKey) return;
    mountedKey.current = handleKey;
    updateInternals(id);
  }, [handleKey, id, updateInternals]);

  const errors = info?.diagnostics.filter((d) => d.severity === 'error') ?? [];
  const warnings = info?.diagnostics.filter((d) => d.severity === 'warning') ?? [];
  // The face reads the node's own params with the registry's defaults filled in (files and templates store only
  // what differs), never inference's copy: during a document switch or a delete, inference can already
  // describe another document whose node happens to have this id.
  const params = useMemo(() => (def ? normalizeParams(def.params, data.params).params : data.params), [def, data.params]);
  const summary = def?.summary?.(params) ?? '';
  const paramTotal = info ? info.paramCount.trainable + info.paramCount.nonTrainable : 0;
  const hue = def ? categoryHue(def.category) : 0;
  const cls = ['layer-node', selected ? 'selected' : '', errors.length ? 'has-error' : warnings.length ? 'has-warning' : '', info && !info.inModel ? 'detached' : ''].join(' ');

  return (
    <div className={cls} data-testid={`node-${id}`} style={{ '--hue': hue } as CSSProperties} data-layer-type={data.layerType}>
      <div className="layer-node-head">
        <span className="layer-node-kind" title={def?.label ?? data.layerType}>{def?.label ?? data.layerType}</span>
      </div>
      <div className="layer-node-body">
        <div className="layer-node-name" title={data.name}>{data.name}</div>
        <div className={`layer-node-summary${summary.length > 24 ? ' long' : ''}`} title={summary || undefined}>{summary}</div>
      </div>
      <div className="layer-node-foot">
        <span className="layer-node-shape" data-testid={`shape-${id}`}>
          {def?.outputs === 0 ? (info?.inputShapes[0] ? shapeText(info.inputShapes[0]) : '—') : shapeText(info?.outputShape)}
        </span>
        {paramTotal > 0 && <span className="layer-node-params" title={`${paramTotal.toLocaleString('en-US')} parameters`}>{formatCount(paramTotal)}</span>}
      </div>
      {handles.map((h, i) => (
        <Handle
          key={h.id}
          id={h.id}
          type="target"
          position={Position.Left}
          className="layer-handle in"
          title={h.label}
          style={{ top: `${((i + 1) / (handles.length + 1)) * 100}%` }}
        />
      ))}
      {handles.length > 1 && def?.inputs.kind === 'fixed' && (
        <div className="layer-node-ports">
          {handles.map((h, i) => (
            <span key={h.id} style={{ top: `${((i + 1) / (handles.length + 1)) * 100}%` }}>{h.label}</span>
          ))}
        </div>
      )}
      {def?.outputs !== 0 && <Handle id="out" type="source" position={Position.Right} className="layer-handle out" />}
    </div>
  );
}

/** The canvas node for every layer kind; its face is generated from the registry. */
export const LayerNode = memo(LayerNodeView);
