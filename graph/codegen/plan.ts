import type { Graph, GraphNode } from '../document.js';
import { inferGraph, nodeLabel, type GraphInference } from '../infer.js';
import { getLayer } from '../layers/index.js';
import type { LayerDef, Params, TfjsSpec } from '../layers/types.js';

/** Raised when a graph cannot be exported as code; the message lists the graph's errors. */
export class CodegenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodegenError';
  }
}

/**
 * Text that stays inside a one-line source comment (`//` in TypeScript, `#` in Python) and a block comment: every
 * line terminator either language knows (\r, \n, U+2028, U+2029, NEL) and other control characters become spaces,
 * and a block comment end is broken up. Graph names, descriptions and dataset names come from files anyone can write,
 * so they must never end a comment and become code.
 */
export function commentText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\*\//g, '* /');
}

/** The lines of a multi-line text as comment-safe lines (see `commentText`). */
export function commentLines(text: string): string[] {
  return text.split(/\r\n|[\r\n\u0085\u2028\u2029]/).map(commentText);
}

/** One node of the model in build order, with everything a code generator needs. */
export type PlanStep =
  | { kind: 'input'; node: GraphNode; shape: number[]; dtype: 'float32' | 'int32' }
  | { kind: 'layer'; node: GraphNode; def: LayerDef; params: Params; spec: TfjsSpec; sources: string[] }
  | { kind: 'output'; node: GraphNode; source: string; loss: string; metrics: string[]; lossWeight: number };

/** The model a graph describes, in the order `compileGraph` builds it. */
export interface ModelPlan {
  graph: Graph;
  inference: GraphInference;
  steps: PlanStep[];
}

/**
 * Orders a valid graph's model nodes for code generation, resolving each node's input tensors the way
 * `compileGraph` does (fixed ports in port order, variadic handles by index). Throws CodegenError when the
 * graph has errors, since exported code for an invalid graph could not run.
 */
export function planModel(graph: Graph): ModelPlan {
  const inference = inferGraph(graph);
  if (!inference.valid) {
    const errors = inference.diagnostics.filter((d) => d.severity === 'error');
    const shown = errors.slice(0, 5).map((d) => d.message);
    if (errors.length > 5) shown.push(`and ${errors.length - 5} more`);
    throw new CodegenError(`the graph has ${errors.length} error${errors.length === 1 ? '' : 's'}, fix ${errors.length === 1 ? 'it' : 'them'} before exporting code: ${shown.join('; ')}`);
  }
  const byId = new Map(graph.nodes.map((n) => [n.id, n] as const));
  const incoming = new Map<string, Map<string, string>>();
  for (const e of graph.edges) (incoming.get(e.target) ?? incoming.set(e.target, new Map()).get(e.target)!).set(e.targetHandle, e.source);

  const steps: PlanStep[] = [];
  for (const id of inference.order) {
    const info = inference.nodes[id]!;
    if (!info.inModel) continue;
    const node = byId.get(id)!;
    const def = getLayer(node.type)!;
    const params = info.params;
    const handles = incoming.get(id) ?? new Map<string, string>();
    let sources: string[];
    if (def.inputs.kind === 'fixed') sources = def.inputs.ports.map((p) => handles.get(p.name)).filter((s): s is string => s !== undefined);
    else {
      const prefix = def.inputs.name;
      sources = [...handles.entries()]
        .filter(([h]) => h.startsWith(prefix))
        .sort(([a], [b]) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
        .map(([, s]) => s);
    }
    if (def.id === 'Input') steps.push({ kind: 'input', node, shape: params.shape as number[], dtype: params.dtype as 'float32' | 'int32' });
    else if (def.id === 'Output')
      steps.push({ kind: 'output', node, source: sources[0]!, loss: params.loss as string, metrics: [...(params.metrics as string[])], lossWeight: params.lossWeight as number });
    else {
      if (!def.tfjs) throw new CodegenError(`${nodeLabel(node, def)} has no TensorFlow.js mapping, so it cannot be exported`);
      steps.push({ kind: 'layer', node, def, params, spec: def.tfjs(params, { inputs: info.inputShapes }), sources });
    }
  }
  return { graph, inference, steps };
}

/**
 * Gives every node a unique variable name that is a valid identifier in the target language:
 * the node name with other characters replaced by `_`, prefixed when it starts with a digit or is reserved.
 */
export function variableNames(steps: readonly PlanStep[], reserved: ReadonlySet<string>): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const s of steps) {
    let base = s.node.name.replace(/[^A-Za-z0-9_]/g, '_');
    if (!base || /^[0-9]/.test(base) || reserved.has(base)) base = `l_${base}`;
    let name = base;
    for (let i = 2; used.has(name) || reserved.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    names.set(s.node.id, name);
  }
  return names;
}
