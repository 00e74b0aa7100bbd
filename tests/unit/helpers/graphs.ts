import { createGraph, type Graph } from '../../../graph/document.js';
import { inferGraph, type GraphInference, type NodeInference } from '../../../graph/infer.js';
import type { Shape } from '../../../graph/shape.js';

/** One layer of a chain: type, params, and optionally its node name (default `l1`, `l2`, ...). */
export type ChainLayer = [type: string, params?: Record<string, unknown>, name?: string];

/** Options for `chainGraph`. */
export interface ChainOptions {
  /** Input dtype (default float32). */
  dtype?: 'float32' | 'int32';
  /** Loss of the Output node (default meanSquaredError, which accepts any shape). */
  loss?: string;
  /** Metrics of the Output node (default none). */
  metrics?: string[];
  /** Leave the Output node out (default false). */
  noOutput?: boolean;
}

/**
 * Input(inputShape) -> layers... -> Output. Node ids are `input`, `n1`, `n2`, ..., `output`; node names
 * are `input`, the given names (default `l1`, `l2`, ...) and `output`.
 */
export function chainGraph(inputShape: number[], layers: ChainLayer[], opts: ChainOptions = {}): Graph {
  const nodes: NodeSpec[] = [{ id: 'input', type: 'Input', params: { shape: inputShape, dtype: opts.dtype ?? 'float32' } }];
  const edges: EdgeSpec[] = [];
  let prev = 'input';
  layers.forEach(([type, params, name], i) => {
    const id = `n${i + 1}`;
    nodes.push({ id, type, name: name ?? `l${i + 1}`, params: params ?? {} });
    edges.push([prev, id]);
    prev = id;
  });
  if (!opts.noOutput) {
    nodes.push({ id: 'output', type: 'Output', params: { loss: opts.loss ?? 'meanSquaredError', metrics: opts.metrics ?? [] } });
    edges.push([prev, 'output']);
  }
  return graphOf(nodes, edges);
}

/** A node for `graphOf`; the name defaults to the id. */
export interface NodeSpec {
  id: string;
  type: string;
  name?: string;
  params?: Record<string, unknown>;
}

/** An edge for `graphOf`: source id, target id, target handle (default 'in'). */
export type EdgeSpec = [source: string, target: string, targetHandle?: string];

/** A graph from nodes and edges, laid out in a row; edge ids are `e1`, `e2`, .... */
export function graphOf(nodes: NodeSpec[], edges: EdgeSpec[]): Graph {
  const g = createGraph('test');
  g.nodes = nodes.map((n, i) => ({ id: n.id, type: n.type, name: n.name ?? n.id, position: { x: i * 200, y: 0 }, params: n.params ?? {} }));
  g.edges = edges.map(([source, target, targetHandle], i) => ({ id: `e${i + 1}`, source, sourceHandle: 'out', target, targetHandle: targetHandle ?? 'in' }));
  return g;
}

/** Infers a chain and returns the whole inference plus the last layer's node (the one before Output). */
export function inferChain(inputShape: number[], layers: ChainLayer[], opts: ChainOptions = {}): { inference: GraphInference; last: NodeInference } {
  const inference = inferGraph(chainGraph(inputShape, layers, opts));
  return { inference, last: inference.nodes[`n${layers.length}`]! };
}

/** The output shape of the last layer of a chain, or the error messages when it has none. */
export function chainShape(inputShape: number[], layers: ChainLayer[], opts: ChainOptions = {}): Shape | string[] {
  const { inference, last } = inferChain(inputShape, layers, opts);
  return last.outputShape ?? inference.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
}

/** Error messages of an inference. */
export function errorsOf(inference: GraphInference): string[] {
  return inference.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
}

/** A shape case for table-driven tests: name, input shape, layers, expected output shape of the last layer, and optionally its parameter count. */
export type ShapeCase = [name: string, inputShape: number[], layers: ChainLayer[], expected: Shape, params?: { trainable: number; nonTrainable?: number }];

/** An error case: name, input shape, layers, and a substring (or pattern) of one expected error message. */
export type ErrorCase = [name: string, inputShape: number[], layers: ChainLayer[], message: string | RegExp];

/** Infers a shape case and returns what a test compares: the last layer's shape, its counts, and any errors. */
export function runShapeCase(inputShape: number[], layers: ChainLayer[]): { shape: Shape | null; trainable: number; nonTrainable: number; errors: string[] } {
  const { inference, last } = inferChain(inputShape, layers);
  return { shape: last.outputShape, trainable: last.paramCount.trainable, nonTrainable: last.paramCount.nonTrainable, errors: errorsOf(inference) };
}

/** True when one of the messages contains the substring or matches the pattern. */
export function hasMessage(messages: string[], expected: string | RegExp): boolean {
  return messages.some((m) => (typeof expected === 'string' ? m.includes(expected) : expected.test(m)));
}
