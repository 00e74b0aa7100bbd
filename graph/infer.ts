import type { Graph, GraphNode } from './document.js';
import { getLayer } from './layers/index.js';
import { normalizeParams } from './layers/params.js';
import type { InputSource, LayerContext, LayerDef, ParamCount, Params } from './layers/types.js';
import { ShapeError, type Shape } from './shape.js';

/** How serious a diagnostic is: errors block compile and training, warnings do not. */
export type Severity = 'error' | 'warning';

/** One problem found by validation, keyed to a node when it concerns one. */
export interface Diagnostic {
  /** Node the problem is about; null for graph-level problems (e.g. no Output). */
  nodeId: string | null;
  /** That node's display name, for messages and the CLI. */
  nodeName: string | null;
  severity: Severity;
  /** The param the problem is about, when there is one (the inspector highlights it). */
  field?: string;
  /** Names the node, says what is wrong and how to fix it. */
  message: string;
}

/** What inference knows about one node. */
export interface NodeInference {
  id: string;
  /** Output shape with a null batch axis; null when it could not be inferred (see diagnostics). */
  outputShape: Shape | null;
  /** Shapes arriving at each input, in port order (variadic: in handle order); undefined when unconnected or unknown. */
  inputShapes: (Shape | undefined)[];
  /** Params with defaults applied (invalid values replaced by defaults). */
  params: Params;
  paramCount: ParamCount;
  /** Estimated multiply-adds per sample. */
  macs: number;
  /** True when the node lies on a path from an Input to an Output, so it is part of the model. */
  inModel: boolean;
  diagnostics: Diagnostic[];
}

/** Result of one inference pass over a graph. */
export interface GraphInference {
  nodes: Record<string, NodeInference>;
  /** Node ids in dependency order (nodes on a cycle are left out). */
  order: string[];
  /** Every diagnostic, graph-level first, then by node in dependency order. */
  diagnostics: Diagnostic[];
  totals: { trainable: number; nonTrainable: number; macs: number };
  /** True when there is no error (warnings allowed). */
  valid: boolean;
}

/** The edge feeding each input handle of one node. */
export interface NodeInputs {
  /** Connected source node id per resolved port slot. */
  sources: (string | undefined)[];
}

/**
 * "Conv2D 'conv1'", "MultiHeadAttention 'mha'": how messages name a node, by its layer type id (the Keras class
 * name users know) rather than its palette label.
 */
export function nodeLabel(node: GraphNode, def?: LayerDef): string {
  return `${def?.id ?? node.type} '${node.name}'`;
}

const VARIADIC_HANDLE = /^(.*?)(\d+)$/;

/**
 * Validates the graph and infers every node's output shape, parameter count and multiply-adds in one
 * dependency-ordered walk. Never throws: every problem becomes a diagnostic.
 */
export function inferGraph(graph: Graph): GraphInference {
  const nodes: Record<string, NodeInference> = {};
  const graphDiagnostics: Diagnostic[] = [];
  const byId = new Map<string, GraphNode>();
  const defs = new Map<string, LayerDef | undefined>();
  for (const n of graph.nodes) {
    byId.set(n.id, n);
    defs.set(n.id, getLayer(n.type));
  }

  const nodeDiag = (node: GraphNode, message: string, severity: Severity = 'error', field?: string): void => {
    const info = nodes[node.id];
    const d: Diagnostic = { nodeId: node.id, nodeName: node.name, severity, message, ...(field ? { field } : {}) };
    if (info) info.diagnostics.push(d);
  };

  for (const n of graph.nodes) {
    nodes[n.id] = { id: n.id, outputShape: null, inputShapes: [], params: {}, paramCount: { trainable: 0, nonTrainable: 0 }, macs: 0, inModel: false, diagnostics: [] };
  }

  // Duplicate names: tfjs layer names and code export both need unique names.
  // Every layer of a clash is marked, not only the later ones, so the canvas outlines all of them.
  const byName = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) byName.set(n.name, [...(byName.get(n.name) ?? []), n]);
  for (const same of byName.values()) {
    if (same.length < 2) continue;
    for (const n of same) {
      const others = same.filter((o) => o !== n).map((o) => defs.get(o.id)?.id ?? o.type);
      const what = others.length === 1 ? `another layer (${others[0]})` : `${others.length} other layers (${others.join(', ')})`;
      nodeDiag(n, `${nodeLabel(n, defs.get(n.id))} has the same name as ${what}; layer names must be unique, so rename one of them`, 'error', 'name');
    }
  }

  // Resolve each edge to a port slot of its target, and build adjacency.
  const slots = new Map<string, (string | undefined)[]>();
  const variadicCount = new Map<string, number>();
  const outgoing = new Map<string, string[]>();
  const incoming = new Map<string, string[]>();
  const indegree = new Map<string, number>();
  for (const n of graph.nodes) {
    outgoing.set(n.id, []);
    incoming.set(n.id, []);
    indegree.set(n.id, 0);
    slots.set(n.id, []);
  }
  for (const e of graph.edges) {
    const src = byId.get(e.source);
    const dst = byId.get(e.target);
    if (!src || !dst) continue; // document validation refuses dangling edges; stay total anyway
    const srcDef = defs.get(src.id);
    const dstDef = defs.get(dst.id);
    if (srcDef && srcDef.outputs === 0) {
      nodeDiag(src, `${nodeLabel(src, srcDef)} has no output, but a connection leaves it; remove that connection`);
      continue;
    }
    if (srcDef && e.sourceHandle !== 'out') {
      nodeDiag(src, `${nodeLabel(src, srcDef)} has no output '${e.sourceHandle}' (its output is 'out'); reconnect the edge to '${dst.name}'`);
      continue;
    }
    if (!dstDef) {
      // Keep the edge in the dependency graph so an unknown layer type is reported once, on itself,
      // instead of also making everything upstream look disconnected from the Output.
      outgoing.get(src.id)!.push(dst.id);
      incoming.get(dst.id)!.push(src.id);
      indegree.set(dst.id, indegree.get(dst.id)! + 1);
      continue;
    }
    const targetSlots = slots.get(dst.id)!;
    let slot = -1;
    if (dstDef.inputs.kind === 'fixed') {
      slot = dstDef.inputs.ports.findIndex((p) => p.name === e.targetHandle);
      if (slot < 0) {
        const names = dstDef.inputs.ports.map((p) => `'${p.name}'`).join(', ') || 'none';
        nodeDiag(dst, `${nodeLabel(dst, dstDef)} has no input '${e.targetHandle}' (its inputs: ${names}); reconnect the edge from '${src.name}'`);
        continue;
      }
    } else {
      const m = VARIADIC_HANDLE.exec(e.targetHandle);
      // Numbers are capped: a hand-edited 'in4000000000' would otherwise make the walk loop over billions of slots.
      if (!m || m[1] !== dstDef.inputs.name || m[2]!.length > 3) {
        const n = dstDef.inputs.name;
        nodeDiag(dst, `${nodeLabel(dst, dstDef)} has no input '${e.targetHandle}' (its inputs are numbered: '${n}0', '${n}1', ...); reconnect the edge from '${src.name}'`);
        continue;
      }
      slot = Number(m[2]);
    }
    if (targetSlots[slot] !== undefined) {
      const other = byId.get(targetSlots[slot]!)!;
      nodeDiag(dst, `${nodeLabel(dst, dstDef)} gets two connections into input '${e.targetHandle}' (from '${other.name}' and '${src.name}'); remove one`);
      continue;
    }
    targetSlots[slot] = src.id;
    if (dstDef.inputs.kind === 'variadic') variadicCount.set(dst.id, (variadicCount.get(dst.id) ?? 0) + 1);
    outgoing.get(src.id)!.push(dst.id);
    incoming.get(dst.id)!.push(src.id);
    indegree.set(dst.id, indegree.get(dst.id)! + 1);
  }

  // Kahn's algorithm, seeded in document order so the walk is deterministic.
  const order: string[] = [];
  const queue: string[] = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const remaining = new Map(indegree);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    order.push(id);
    for (const next of outgoing.get(id)!) {
      const r = remaining.get(next)! - 1;
      remaining.set(next, r);
      if (r === 0) queue.push(next);
    }
  }
  const ordered = new Set(order);
  for (const n of graph.nodes) {
    if (!ordered.has(n.id))
      nodeDiag(n, `${nodeLabel(n, defs.get(n.id))} is part of a cycle (or fed by one); networks must flow one way, so remove one of the connections in the loop`);
  }

  // The activation each node's output ends in and the node that applied it, where known (for the Output's loss checks).
  const activationOf = new Map<string, InputSource>();

  // Which nodes lie on an Input → Output path: only those become part of the model.
  const reachesOutput = new Set<string>();
  const stack = graph.nodes.filter((n) => defs.get(n.id)?.id === 'Output').map((n) => n.id);
  while (stack.length) {
    const id = stack.pop()!;
    if (reachesOutput.has(id)) continue;
    reachesOutput.add(id);
    for (const s of incoming.get(id) ?? []) stack.push(s);
  }

  for (const id of order) {
    const node = byId.get(id)!;
    const info = nodes[id]!;
    const def = defs.get(id);
    info.inModel = reachesOutput.has(id);
    if (!def) {
      nodeDiag(node, `Node '${node.name}' has unknown layer type '${node.type}'; replace it with a layer from the palette`);
      continue;
    }
    const { params, problems } = normalizeParams(def.params, node.params);
    info.params = params;
    // Plain loops and no per-node closures below: this walk runs on every edit, over every node.
    for (const p of problems) nodeDiag(node, `${nodeLabel(node, def)} ${p.message}`, 'error', p.field);
    const cross = def.checkParams?.(params);
    if (cross) nodeDiag(node, `${nodeLabel(node, def)} ${cross.message}`, 'error', cross.field);

    // Gather input shapes per port slot, and the dtypes of those fed straight by an Input (only an
    // Input's dtype is known for sure; other layers' outputs stay unknown rather than guessed).
    const nodeSlots = slots.get(id)!;
    let blocked = false;
    const inputs: (Shape | undefined)[] = [];
    const dtypes: ('float32' | 'int32' | undefined)[] = [];
    const isFixed = def.inputs.kind === 'fixed';
    const slotCount = def.inputs.kind === 'fixed' ? def.inputs.ports.length : nodeSlots.length;
    for (let i = 0; i < slotCount; i++) {
      const src = nodeSlots[i];
      if (src !== undefined) {
        const from = nodes[src]!;
        if (!from.outputShape) blocked = true;
        inputs.push(from.outputShape ?? undefined);
        dtypes.push(defs.get(src)?.id === 'Input' ? (from.params.dtype as 'float32' | 'int32') : undefined);
      } else if (isFixed) {
        // An unconnected fixed port keeps its place; variadic slots may be sparse (in0, in2) and gaps are skipped.
        inputs.push(undefined);
        dtypes.push(undefined);
      }
    }
    if (def.inputs.kind === 'fixed') {
      const ports = def.inputs.ports;
      for (let i = 0; i < ports.length; i++) {
        if (nodeSlots[i] === undefined && !ports[i]!.optional) {
          nodeDiag(node, `${nodeLabel(node, def)} has nothing connected to its input '${ports[i]!.name}'; connect a layer's output to it`);
          blocked = true;
        }
      }
    } else {
      const count = inputs.length;
      const { min, max } = def.inputs;
      if (count < min) {
        nodeDiag(node, `${nodeLabel(node, def)} needs at least ${min} inputs but has ${count}; connect ${min - count} more`);
        blocked = true;
      }
      if (max !== undefined && count > max) {
        nodeDiag(node, `${nodeLabel(node, def)} takes at most ${max} inputs but has ${count}; remove ${count - max}`);
        blocked = true;
      }
    }
    info.inputShapes = inputs;
    if (blocked || problems.length || cross) continue;

    const ctx: LayerContext = { inputs, dtypes };
    try {
      const out = def.inferShape(params, ctx);
      info.outputShape = out;
      const count = def.paramCount?.(params, ctx, out) ?? { trainable: 0, nonTrainable: 0 };
      info.paramCount = count;
      info.macs = def.macs?.(params, ctx, out) ?? 0;
      if (def.outputActivation) activationOf.set(id, { name: node.name, type: def.id, activation: def.outputActivation(params) });
      else if (def.passesActivation && nodeSlots[0] !== undefined) {
        const passed = activationOf.get(nodeSlots[0]);
        if (passed) activationOf.set(id, passed);
      }
      if (def.warnings) {
        // Built only for the few kinds with warnings: the walk runs on every edit.
        const sources: (InputSource | undefined)[] = [];
        for (let i = 0; i < slotCount; i++) {
          const src = nodeSlots[i];
          if (src !== undefined) sources.push(activationOf.get(src) ?? { name: byId.get(src)!.name, type: byId.get(src)!.type, activation: undefined });
          else if (isFixed) sources.push(undefined);
        }
        for (const w of def.warnings(params, { ...ctx, sources })) nodeDiag(node, `${nodeLabel(node, def)} ${w.message}`, 'warning', w.field);
      }
    } catch (e) {
      if (e instanceof ShapeError) nodeDiag(node, `${nodeLabel(node, def)} ${e.message}`, 'error', e.field);
      else nodeDiag(node, `${nodeLabel(node, def)} could not be checked (${(e as Error).message}); please report this as a bug`);
    }
  }

  // Graph-level checks.
  const inputsNodes = graph.nodes.filter((n) => defs.get(n.id)?.id === 'Input');
  const outputNodes = graph.nodes.filter((n) => defs.get(n.id)?.id === 'Output');
  if (graph.nodes.length > 0 && inputsNodes.length === 0)
    graphDiagnostics.push({ nodeId: null, nodeName: null, severity: 'error', message: 'The graph has no Input; add an Input layer and set the shape of one sample' });
  if (graph.nodes.length > 0 && outputNodes.length === 0)
    graphDiagnostics.push({ nodeId: null, nodeName: null, severity: 'error', message: 'The graph has no Output; connect the last layer to an Output layer and choose its loss' });
  if (graph.nodes.length === 0)
    graphDiagnostics.push({ nodeId: null, nodeName: null, severity: 'error', message: 'The graph is empty; add an Input, some layers and an Output' });
  if (outputNodes.length > 0) {
    for (const n of graph.nodes) {
      if (reachesOutput.has(n.id) || !ordered.has(n.id)) continue;
      const def = defs.get(n.id);
      if (def?.id === 'Input') nodeDiag(n, `${nodeLabel(n, def)} does not lead to any Output; connect it, or delete it`, 'error');
      else nodeDiag(n, `${nodeLabel(n, def)} does not lead to any Output, so it is not part of the model; connect it onward or delete it`, 'warning');
    }
  }

  const totals = { trainable: 0, nonTrainable: 0, macs: 0 };
  for (const id of order) {
    const info = nodes[id]!;
    if (!info.inModel) continue;
    totals.trainable += info.paramCount.trainable;
    totals.nonTrainable += info.paramCount.nonTrainable;
    totals.macs += info.macs;
  }

  // Node diagnostics in dependency order, then those of nodes on cycles (not in the order) in document order.
  const diagnostics = [...graphDiagnostics];
  for (const id of order) for (const d of nodes[id]!.diagnostics) diagnostics.push(d);
  for (const n of graph.nodes) if (!ordered.has(n.id)) for (const d of nodes[n.id]!.diagnostics) diagnostics.push(d);
  return { nodes, order, diagnostics, totals, valid: !diagnostics.some((d) => d.severity === 'error') };
}
