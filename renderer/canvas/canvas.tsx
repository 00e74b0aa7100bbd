import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent as ReactMouseEvent } from 'react';
import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  SelectionMode,
  useStore,
  type Connection,
  type Edge,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
  type NodeMouseHandler,
  type OnConnectEnd,
  Position,
  type ReactFlowInstance,
} from '@xyflow/react';
import type { Graph, GraphNode } from '../../graph/document.js';
import { getLayer } from '../../graph/layers/index.js';
import { bodyDrop, connectChanges, connectionProblem, editorStore, useEditor, type Selection } from '../store/editor-store.js';
import type { Change, Point } from '../store/changes.js';
import { toast, useUi } from '../store/ui-store.js';
import { addLayer, fitView, getFlowInstance, setFlowInstance } from '../app/commands.js';
import { categoryHue } from '../app/format.js';
import { inputHandles, LayerNode, NODE_HEIGHT, NODE_WIDTH, type LayerFlowNode } from './layer-node.js';
import { ShapeEdge, WiringLine, wiringProblem, type ShapeFlowEdge } from './shape-edge.js';
import { ProblemTip } from './problem-tip.js';
import { fitGraph, MAX_ZOOM, MIN_ZOOM, refitIfUntouched } from './view.js';

// Module scope so React Flow never sees new type maps (it would re-mount every node).
const nodeTypes = { layer: LayerNode };
const edgeTypes = { shape: ShapeEdge };
const SNAP: [number, number] = [10, 10];
/** From this many nodes on, the canvas renders only what is on screen. */
const BIG_GRAPH = 300;
const MINIMAP_STYLE = { width: 132, height: 84 };
// Module scope too: a new function each render would defeat MiniMap's memo and redraw all its nodes on every
// render of the canvas (each hover, each edit).
const minimapColor = (n: LayerFlowNode) => `hsl(${categoryHue(getLayer(n.data.layerType)?.category ?? '')} 55% 55%)`;
/** Below this zoom nodes are drawn as plain coloured blocks (styles.css `.canvas.lod`). */
const LOD_ZOOM = 0.35;
/** MIME type of palette drags. */
export const LAYER_MIME = 'application/x-tensorloom-layer';

type Measured = { width: number; height: number };
type NodeHandles = NonNullable<LayerFlowNode['handles']>;

// Node geometry as styles.css draws it: handles are 10 px squares centred on the left and right borders,
// inputs spread evenly down the side. Used to give big graphs their handles without rendering every node first.
const HANDLE = 10;

/** Handle bounds of a node from its layer kind, its connected inputs and its size. */
function handlesOf(doc: GraphNode, used: string, size: Measured): NodeHandles {
  const def = getLayer(doc.type);
  const ins = inputHandles(def, used);
  const out: NodeHandles = ins.map((h, i) => ({ id: h.id, type: 'target' as const, position: Position.Left, x: -HANDLE / 2, y: (size.height * (i + 1)) / (ins.length + 1) - HANDLE / 2, width: HANDLE, height: HANDLE }));
  if (def?.outputs !== 0) out.push({ id: 'out', type: 'source', position: Position.Right, x: size.width - HANDLE / 2, y: size.height / 2 - HANDLE / 2, width: HANDLE, height: HANDLE });
  return out;
}

/**
 * Builds React Flow nodes from the document, reusing the previous object of every node whose document
 * node, selection and measured size are unchanged (so React Flow and memo skip them).
 */
type CacheEntry = { doc: GraphNode; position: Point; selected: boolean; measured: Measured | undefined; used: string; rf: LayerFlowNode };

class FlowNodeCache {
  private cache = new Map<string, CacheEntry>();
  private last: LayerFlowNode[] = [];
  readonly measured = new Map<string, Measured>();

  /**
   * `big`: declare each node's size and handles up front. React Flow otherwise renders every node once to
   * measure its handles before culling to the visible ones, which makes opening a 1,000-node graph slow.
   * `dragged`: where the nodes of a drag in progress are drawn (the document gets them when the drag ends).
   */
  build(graph: Graph, selection: Selection, usedHandles: ReadonlyMap<string, string>, big: boolean, dragged: ReadonlyMap<string, Point> | null): LayerFlowNode[] {
    const next = new Map<string, CacheEntry>();
    const out = graph.nodes.map((doc) => {
      const selected = selection.nodes.has(doc.id);
      const position = dragged?.get(doc.id) ?? doc.position;
      const measured = this.measured.get(doc.id);
      const used = big ? (usedHandles.get(doc.id) ?? '') : '';
      const prev = this.cache.get(doc.id);
      let entry: CacheEntry;
      if (prev && prev.doc === doc && prev.position === position && prev.selected === selected && prev.measured === measured && prev.used === used) entry = prev;
      else {
        const rf: LayerFlowNode = { id: doc.id, type: 'layer', position, data: { layerType: doc.type, name: doc.name, params: doc.params }, selected };
        if (measured) rf.measured = measured;
        if (big) {
          rf.initialWidth = NODE_WIDTH;
          rf.initialHeight = NODE_HEIGHT;
          rf.handles = handlesOf(doc, used, measured ?? { width: NODE_WIDTH, height: NODE_HEIGHT });
        }
        entry = { doc, position, selected, measured, used, rf };
      }
      next.set(doc.id, entry);
      return entry.rf;
    });
    this.cache = next;
    // Same objects in the same order: hand React Flow the same array so it skips its own pass over them.
    if (out.length === this.last.length && out.every((n, i) => n === this.last[i])) return this.last;
    return (this.last = out);
  }
}

class FlowEdgeCache {
  private last: ShapeFlowEdge[] = [];
  private cache = new Map<string, { doc: Graph['edges'][number]; selected: boolean; rf: ShapeFlowEdge }>();
  build(graph: Graph, selection: Selection): ShapeFlowEdge[] {
    const next = new Map<string, { doc: Graph['edges'][number]; selected: boolean; rf: ShapeFlowEdge }>();
    const out = graph.edges.map((doc) => {
      const selected = selection.edges.has(doc.id);
      const prev = this.cache.get(doc.id);
      const entry =
        prev && prev.doc === doc && prev.selected === selected
          ? prev
          : { doc, selected, rf: { id: doc.id, type: 'shape' as const, source: doc.source, sourceHandle: doc.sourceHandle, target: doc.target, targetHandle: doc.targetHandle, selected } };
      next.set(doc.id, entry);
      return entry.rf;
    });
    this.cache = next;
    if (out.length === this.last.length && out.every((e, i) => e === this.last[i])) return this.last;
    return (this.last = out);
  }
}

/** How close (screen pixels) to a wire a dropped layer must land to be inserted into it. */
const DROP_ON_EDGE_PX = 18;

/**
 * The edge a layer of kind `type` dropped at this screen point would be inserted into: the wire drawn nearest the
 * point (bezier, step or routed, as on screen) within DROP_ON_EDGE_PX, or whose shape label is `under` it; null when
 * none, or when the kind cannot sit inside a wire (no input, or not exactly one output).
 */
function dropEdgeAt(pane: HTMLElement | null, rf: ReactFlowInstance<LayerFlowNode, ShapeFlowEdge> | null, type: string, client: Point, under: EventTarget | null): string | null {
  const def = getLayer(type);
  if (!pane || !rf || !def || def.outputs !== 1 || (def.inputs.kind === 'fixed' && def.inputs.ports.length === 0)) return null;
  const label = under instanceof Element ? under.closest('.edge-label') : null;
  const labelled = label?.getAttribute('data-testid')?.replace(/^edge-/, '');
  if (labelled && pane.contains(label)) return labelled;
  // Wires are drawn in flow coordinates. Their `d` is measured here rather than through SVG geometry calls:
  // getPointAtLength costs ~0.1 ms a call, and long wires need thousands.
  const at = rf.screenToFlowPosition(client);
  let best: string | null = null;
  let bestDistance = DROP_ON_EDGE_PX / rf.getZoom();
  for (const path of pane.querySelectorAll('.react-flow__edge > path.shape-edge')) {
    const id = path.parentElement?.getAttribute('data-id');
    const d = path.getAttribute('d');
    if (!id || !d) continue;
    const distance = pathDistance(d, at);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = id;
    }
  }
  return best;
}

const CURVE_STEPS = 16;

/**
 * Distance from a point to an SVG path made of absolute M, L, Q and C commands (what the editor's wires are drawn
 * with), its curves taken as CURVE_STEPS straight pieces.
 */
function pathDistance(d: string, p: Point): number {
  let best = Infinity;
  let cur: Point = { x: 0, y: 0 };
  const lineTo = (next: Point) => {
    best = Math.min(best, segmentDistance(p, cur, next));
    cur = next;
  };
  for (const [, cmd, args] of d.matchAll(/([MLQC])([^MLQC]*)/g)) {
    const n = (args!.match(/-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi) ?? []).map(Number);
    const pt = (i: number): Point => ({ x: n[i]!, y: n[i + 1]! });
    if (cmd === 'M' && n.length >= 2) cur = pt(0);
    else if (cmd === 'L') for (let i = 0; i + 1 < n.length; i += 2) lineTo(pt(i));
    else if ((cmd === 'Q' && n.length >= 4) || (cmd === 'C' && n.length >= 6)) {
      const start = cur;
      const ctrl = cmd === 'Q' ? [pt(0)] : [pt(0), pt(2)];
      const end = pt(cmd === 'Q' ? 2 : 4);
      for (let k = 1; k <= CURVE_STEPS; k++) {
        const t = k / CURVE_STEPS;
        const u = 1 - t;
        lineTo(
          ctrl.length === 1
            ? { x: u * u * start.x + 2 * u * t * ctrl[0]!.x + t * t * end.x, y: u * u * start.y + 2 * u * t * ctrl[0]!.y + t * t * end.y }
            : {
                x: u * u * u * start.x + 3 * u * u * t * ctrl[0]!.x + 3 * u * t * t * ctrl[1]!.x + t * t * t * end.x,
                y: u * u * u * start.y + 3 * u * u * t * ctrl[0]!.y + 3 * u * t * t * ctrl[1]!.y + t * t * t * end.y,
              },
        );
      }
    }
  }
  return best;
}

/** Distance from point p to segment ab. */
function segmentDistance(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/**
 * The canvas of one document, with a React Flow store of its own: the app mounts a new one per document
 * (keyed by the store's docSerial), so no node, measurement or viewport of the previous document survives
 * into the next (node ids repeat across documents: n1, n2, ...).
 */
export function Canvas() {
  return (
    <ReactFlowProvider>
      <CanvasView />
    </ReactFlowProvider>
  );
}

function CanvasView() {
  const graph = useEditor((s) => s.graph);
  const selection = useEditor((s) => s.selection);
  const nodeCache = useRef(new FlowNodeCache()).current;
  const edgeCache = useRef(new FlowEdgeCache()).current;
  const [measureTick, setMeasureTick] = useState(0);
  const instance = useRef<ReactFlowInstance<LayerFlowNode, ShapeFlowEdge> | null>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  // An empty document keeps the default viewport, so the first dropped layer does not zoom the view.
  const fitted = useRef(editorStore.getState().graph.nodes.length === 0);
  // The first view of a document, once its nodes have sizes and React Flow its viewport (either may come first).
  const fitWanted = useRef(false);
  const firstFit = useCallback(() => {
    fitWanted.current = true;
    requestAnimationFrame(() => {
      if (!instance.current || !fitWanted.current) return;
      fitWanted.current = false;
      fitGraph(instance.current as unknown as ReactFlowInstance, editorStore.getState().graph, 'open');
    });
  }, []);
  const theme = useUi((s) => s.theme);

  // measureTick re-runs the build after React Flow measured nodes (sizes live in the cache).
  const usedHandles = useEditor((s) => s.usedHandles);
  const big = graph.nodes.length > BIG_GRAPH;
  // Positions of the nodes being dragged, until the drag ends. A drag moves them in React Flow only: each pointer
  // move through the document would re-run every store subscriber (two per node and per edge, the inspector,
  // the status bar) and rebuild all nodes. The document gets the final positions when the drag ends, as one step.
  const [dragged, setDragged] = useState<ReadonlyMap<string, Point> | null>(null);
  const nodes = useMemo(() => nodeCache.build(graph, selection, usedHandles, big, dragged), [graph, selection, usedHandles, big, dragged, measureTick, nodeCache]);
  const edges = useMemo(() => edgeCache.build(graph, selection), [graph, selection, edgeCache]);

  const onNodesChange = useCallback(
    (changes: NodeChange<LayerFlowNode>[]) => {
      const s = editorStore.getState();
      const moves: Change[] = [];
      let drag: Map<string, Point> | null = null;
      let sel: Set<string> | null = null;
      let measuredChanged = false;
      const byId = changes.some((c) => c.type === 'position' && !c.dragging) ? new Map(s.graph.nodes.map((n) => [n.id, n] as const)) : null;
      for (const c of changes) {
        if (c.type === 'position' && c.position && c.dragging) {
          drag ??= new Map();
          drag.set(c.id, { x: c.position.x, y: c.position.y });
        } else if (c.type === 'position' && c.position) {
          const from = byId?.get(c.id)?.position;
          if (from && (from.x !== c.position.x || from.y !== c.position.y)) moves.push({ kind: 'move', id: c.id, from, to: { x: c.position.x, y: c.position.y } });
        } else if (c.type === 'select') {
          sel ??= new Set(s.selection.nodes);
          if (c.selected) sel.add(c.id);
          else sel.delete(c.id);
        } else if (c.type === 'dimensions' && c.dimensions) {
          const prev = nodeCache.measured.get(c.id);
          if (!prev || prev.width !== c.dimensions.width || prev.height !== c.dimensions.height) {
            nodeCache.measured.set(c.id, { width: c.dimensions.width, height: c.dimensions.height });
            measuredChanged = true;
          }
        }
      }
      if (drag) {
        const next = drag;
        setDragged((prev) => (prev ? new Map([...prev, ...next]) : next));
      }
      if (moves.length) s.apply(moves, 'Move');
      // A drag ends with its final positions (dragging: false): now the document has them.
      if (byId && !drag) setDragged(null);
      if (sel) s.setSelection({ nodes: sel });
      if (measuredChanged) {
        setMeasureTick((t) => t + 1);
        // Fit the document once its nodes have sizes (and the pane has its own), not before.
        if (!fitted.current) {
          fitted.current = true;
          firstFit();
        }
      }
    },
    [nodeCache, firstFit],
  );

  const onEdgesChange = useCallback((changes: EdgeChange<ShapeFlowEdge>[]) => {
    const s = editorStore.getState();
    let sel: Set<string> | null = null;
    for (const c of changes) {
      if (c.type === 'select') {
        sel ??= new Set(s.selection.edges);
        if (c.selected) sel.add(c.id);
        else sel.delete(c.id);
      }
    }
    if (sel) s.setSelection({ edges: sel });
  }, []);

  const onConnect = useCallback((c: Connection) => {
    const s = editorStore.getState();
    s.apply(connectChanges(s.graph, c.source, c.target, c.targetHandle), 'Connect');
  }, []);

  // A wire released on a layer's body connects to its first free input (or, dragged from an input, to the
  // layer's output); released on empty canvas it opens quick-add there, and the layer chosen gets connected
  // (wiring and adding in one gesture). A refused wire says why, as it did while dragging.
  const onConnectEnd: OnConnectEnd = useCallback((event, state) => {
    if (state.isValid || !state.fromNode || !state.fromHandle) return;
    const point = 'changedTouches' in event ? event.changedTouches[0]! : event;
    const s = editorStore.getState();
    const from = { nodeId: state.fromNode.id, handleType: state.fromHandle.type, handleId: state.fromHandle.id ?? null };
    if (state.toHandle && state.toNode) {
      const refused = wiringProblem(s.graph, from, { nodeId: state.toNode.id, handleType: state.toHandle.type, handleId: state.toHandle.id ?? null }, null);
      if (refused) toast(`Not connected: ${refused.reason}`, 'error');
      return;
    }
    const target = document.elementFromPoint(point.clientX, point.clientY);
    const nodeEl = target?.closest('.react-flow__node');
    if (nodeEl) {
      const id = nodeEl.getAttribute('data-id');
      if (!id || id === from.nodeId) return;
      const drop = bodyDrop(s.graph, from, id);
      if (drop.problem !== null) toast(`Not connected: ${drop.problem}`, 'error');
      else s.apply(connectChanges(s.graph, drop.source, drop.target, drop.targetHandle), 'Connect');
      return;
    }
    if (from.handleType === 'source' && target?.closest('[data-testid="canvas"]') && !target.closest('.react-flow__panel, .react-flow__minimap, .react-flow__controls') && instance.current) {
      const flow = instance.current.screenToFlowPosition({ x: point.clientX, y: point.clientY });
      useUi.getState().set({ quickAdd: { screen: { x: point.clientX, y: point.clientY }, flow: { x: flow.x + 10, y: flow.y - 40 }, connectFrom: from.nodeId } });
    }
  }, []);

  const isValidConnection: IsValidConnection<ShapeFlowEdge> = useCallback((c: Connection | Edge) => {
    return connectionProblem(editorStore.getState().graph, c.source, c.target, c.targetHandle) === null;
  }, []);

  const lastDragOver = useRef<Point>({ x: NaN, y: NaN });
  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(LAYER_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    // Show the wire the layer would be inserted into, as it will be on drop.
    const ui = useUi.getState();
    // dragover repeats while the pointer rests: measure again only when it moved.
    if (!ui.layerDrag || (lastDragOver.current.x === e.clientX && lastDragOver.current.y === e.clientY)) return;
    lastDragOver.current = { x: e.clientX, y: e.clientY };
    const edge = dropEdgeAt(canvasRef.current, instance.current, ui.layerDrag.type, { x: e.clientX, y: e.clientY }, e.target);
    if (edge !== ui.layerDrag.edge) ui.set({ layerDrag: { ...ui.layerDrag, edge } });
  }, []);

  const onDragLeave = useCallback((e: DragEvent) => {
    const ui = useUi.getState();
    if (ui.layerDrag?.edge && !(e.relatedTarget instanceof Node && canvasRef.current?.contains(e.relatedTarget))) ui.set({ layerDrag: { ...ui.layerDrag, edge: null } });
  }, []);

  const onDrop = useCallback((e: DragEvent) => {
    const type = e.dataTransfer.getData(LAYER_MIME);
    const rf = instance.current;
    if (!type || !rf) return;
    e.preventDefault();
    useUi.getState().set({ layerDrag: null });
    lastDragOver.current = { x: NaN, y: NaN };
    const at = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    const intoEdge = dropEdgeAt(canvasRef.current, rf, type, { x: e.clientX, y: e.clientY }, e.target);
    // Centre the node on the pointer (typical node size) so it lands where the user dropped it.
    addLayer(type, { x: at.x - 92, y: at.y - 40 }, { intoEdge });
  }, []);

  const onDoubleClick = useCallback((e: ReactMouseEvent) => {
    const target = e.target as Element;
    if (!target.classList.contains('react-flow__pane') || !instance.current) return;
    const flow = instance.current.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    useUi.getState().set({ quickAdd: { screen: { x: e.clientX, y: e.clientY }, flow, connectFrom: null } });
  }, []);

  // The minimap subscribes once per node; on big graphs it would cost every drag frame a pass over all of
  // them, so it steps aside while a drag is in progress.
  const [dragging, setDragging] = useState(false);
  const onDragStart = useCallback(() => {
    editorStore.getState().begin('Move');
    setDragging(true);
  }, []);
  const onDragStop = useCallback(() => {
    editorStore.getState().commit();
    setDragged(null);
    setDragging(false);
  }, []);

  const [hovered, setHovered] = useState<string | null>(null);
  const onNodeMouseEnter: NodeMouseHandler<LayerFlowNode> = useCallback((_e, n) => setHovered(n.id), []);
  const onNodeMouseLeave: NodeMouseHandler<LayerFlowNode> = useCallback(() => setHovered(null), []);
  const showMinimap = useUi((s) => s.minimap);
  const lod = useStore((s) => s.transform[2] < LOD_ZOOM);

  const onInit = useCallback((rf: ReactFlowInstance<LayerFlowNode, ShapeFlowEdge>) => {
    instance.current = rf;
    setFlowInstance(rf as unknown as ReactFlowInstance);
    if (fitWanted.current) firstFit();
  }, [firstFit]);
  useEffect(
    () => () => {
      if (getFlowInstance() === (instance.current as unknown)) setFlowInstance(null);
    },
    [],
  );
  // When the canvas changes size (the bottom dock opened or dragged, a side panel hidden, the window resized) a
  // graph still as it was fitted is fitted again. Otherwise the point at its centre stays at its centre, as in a
  // map: React Flow alone keeps the top-left corner, which leaves a graph that was in the middle under the dock.
  useEffect(() => {
    const el = canvasRef.current;
    if (!el) return;
    let last = { width: el.clientWidth, height: el.clientHeight };
    const observer = new ResizeObserver(() => {
      const now = { width: el.clientWidth, height: el.clientHeight };
      const rf = instance.current;
      const resized = last.width > 0 && last.height > 0 && now.width > 0 && now.height > 0 && (now.width !== last.width || now.height !== last.height);
      if (rf && resized && !refitIfUntouched(rf as unknown as ReactFlowInstance, editorStore.getState().graph)) {
        const v = rf.getViewport();
        void rf.setViewport({ x: v.x + (now.width - last.width) / 2, y: v.y + (now.height - last.height) / 2, zoom: v.zoom });
      }
      last = now;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);


  return (
    <div className={lod ? 'canvas lod' : 'canvas'} data-testid="canvas" ref={canvasRef} onDoubleClick={onDoubleClick} onDragOver={onDragOver} onDragLeave={onDragLeave} onDrop={onDrop}>
      <ReactFlow<LayerFlowNode, ShapeFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        connectionLineComponent={WiringLine}
        onNodeDragStart={onDragStart}
        onNodeDragStop={onDragStop}
        onSelectionDragStart={onDragStart}
        onSelectionDragStop={onDragStop}
        onInit={onInit}
        onNodeMouseEnter={onNodeMouseEnter}
        onNodeMouseLeave={onNodeMouseLeave}
        colorMode={theme}
        snapToGrid
        snapGrid={SNAP}
        minZoom={MIN_ZOOM}
        maxZoom={MAX_ZOOM}
        zoomOnDoubleClick={false}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionMode={SelectionMode.Partial}
        onlyRenderVisibleElements={big}
        connectionRadius={24}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />
        <Controls position="bottom-left" showInteractive={false} showFitView={false}>
          <ControlButton onClick={fitView} title="Fit the graph (F)" aria-label="Fit the graph" data-testid="zoom-fit">
            <svg className="stroke-icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2.2}><path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" /></svg>
          </ControlButton>
          <ControlButton onClick={() => void instance.current?.zoomTo(1, { duration: 150 })} title="Actual size (100%)" aria-label="Zoom to 100%" data-testid="zoom-100" className="zoom-100">
            1:1
          </ControlButton>
          <ControlButton onClick={() => useUi.getState().set({ minimap: !showMinimap })} title={showMinimap ? 'Hide the minimap' : 'Show the minimap'} aria-label="Toggle the minimap" aria-pressed={showMinimap} data-testid="minimap-toggle">
            <svg className="stroke-icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2}><rect x="3" y="5" width="18" height="14" rx="2" /><rect x="12" y="11" width="6" height="5" /></svg>
          </ControlButton>
        </Controls>
        {showMinimap && !(big && dragging) && <MiniMap position="bottom-right" style={MINIMAP_STYLE} pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={0} maskColor="var(--minimap-mask)" />}
      </ReactFlow>
      {hovered && <ProblemTip nodeId={hovered} canvas={canvasRef} />}
    </div>
  );
}
