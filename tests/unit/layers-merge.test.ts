import { describe, expect, it } from 'vitest';
import { inferGraph } from '../../graph/infer.js';
import { getLayer } from '../../graph/layers/index.js';
import type { Shape } from '../../graph/shape.js';
import { errorsOf, graphOf, hasMessage, type NodeSpec } from './helpers/graphs.js';

/** Inputs of the given shapes -> merge layer `type` named 'merge' -> Output. */
function mergeGraph(type: string, params: Record<string, unknown>, shapes: number[][]) {
  const nodes: NodeSpec[] = shapes.map((shape, i) => ({ id: `x${i}`, type: 'Input', params: { shape } }));
  nodes.push({ id: 'm', type, name: 'merge', params }, { id: 'o', type: 'Output', params: { loss: 'meanSquaredError', metrics: [] } });
  return graphOf(nodes, [...shapes.map((_, i) => [`x${i}`, 'm', `in${i}`] as [string, string, string]), ['m', 'o']]);
}

function mergeResult(type: string, params: Record<string, unknown>, shapes: number[][]) {
  const inf = inferGraph(mergeGraph(type, params, shapes));
  return { shape: inf.nodes.m!.outputShape, errors: errorsOf(inf), node: inf.nodes.m! };
}

const shapes: [name: string, type: string, params: Record<string, unknown>, inputs: number[][], expected: Shape][] = [
  ['Add two vectors', 'Add', {}, [[8], [8]], [null, 8]],
  ['Add three images', 'Add', {}, [[4, 4, 2], [4, 4, 2], [4, 4, 2]], [null, 4, 4, 2]],
  ['Subtract', 'Subtract', {}, [[3, 4], [3, 4]], [null, 3, 4]],
  ['Multiply', 'Multiply', {}, [[5], [5]], [null, 5]],
  ['Average four', 'Average', {}, [[5], [5], [5], [5]], [null, 5]],
  ['Maximum', 'Maximum', {}, [[2, 3], [2, 3]], [null, 2, 3]],
  ['Minimum', 'Minimum', {}, [[2, 3], [2, 3]], [null, 2, 3]],
  ['Concatenate last axis', 'Concatenate', {}, [[8], [4]], [null, 12]],
  ['Concatenate three', 'Concatenate', {}, [[8], [4], [1]], [null, 13]],
  ['Concatenate axis 1 of sequences', 'Concatenate', { axis: 1 }, [[3, 4], [5, 4]], [null, 8, 4]],
  ['Concatenate axis -2 of images', 'Concatenate', { axis: -2 }, [[4, 3, 2], [4, 5, 2]], [null, 4, 8, 2]],
  ['Concatenate channels', 'Concatenate', { axis: 3 }, [[6, 6, 1], [6, 6, 2]], [null, 6, 6, 3]],
  ['Dot of vectors', 'Dot', { axes: [1] }, [[6], [6]], [null, 1]],
  ['Dot cosine of vectors', 'Dot', { axes: [-1], normalize: true }, [[6], [6]], [null, 1]],
  ['Dot of sequences on the feature axis', 'Dot', { axes: [2, 2] }, [[3, 4], [5, 4]], [null, 3, 5]],
  ['Dot of sequences on mixed axes', 'Dot', { axes: [1, 2] }, [[4, 3], [5, 4]], [null, 3, 5]],
  ['Dot of a matrix and a vector', 'Dot', { axes: [-1, -1] }, [[3, 4], [4]], [null, 3]],
];

const errors: [name: string, type: string, params: Record<string, unknown>, inputs: number[][], message: string][] = [
  ['Add of different shapes', 'Add', {}, [[8], [4]], "Add 'merge' gets inputs of different shapes [null, 8] and [null, 4]; all inputs must have the same shape"],
  ['Add of different ranks', 'Add', {}, [[8], [8, 1]], 'gets inputs of different shapes [null, 8] and [null, 8, 1]'],
  ['Multiply third input differs', 'Multiply', {}, [[3], [3], [2]], "Multiply 'merge' gets inputs of different shapes [null, 3] and [null, 2]"],
  ['Subtract of different shapes', 'Subtract', {}, [[2, 3], [3, 2]], "Subtract 'merge' gets inputs of different shapes"],
  ['Subtract with three inputs', 'Subtract', {}, [[3], [3], [3]], "Subtract 'merge' takes at most 2 inputs but has 3; remove 1"],
  ['Dot with three inputs', 'Dot', {}, [[3], [3], [3]], "Dot 'merge' takes at most 2 inputs but has 3"],
  ['Add with one input', 'Add', {}, [[3]], "Add 'merge' needs at least 2 inputs but has 1; connect 1 more"],
  ['Concatenate of mismatched axes', 'Concatenate', {}, [[8], [4, 2]], "Concatenate 'merge' gets inputs whose shapes differ off the concatenation axis: [null, 8] and [null, 4, 2]"],
  ['Concatenate of mismatched images', 'Concatenate', {}, [[6, 6, 1], [5, 6, 1]], 'gets inputs whose shapes differ off the concatenation axis: [null, 6, 6, 1] and [null, 5, 6, 1]'],
  ['Concatenate axis out of range', 'Concatenate', { axis: 3 }, [[8], [4]], "Concatenate 'merge' has axis 3, but its inputs [null, 8] have axes 1 to 1 (or -1 to -1); pick one of those"],
  ['Concatenate on the batch axis', 'Concatenate', { axis: 0 }, [[8], [4]], "param 'axis' is 0, the batch axis, which cannot be concatenated"],
  ['Concatenate axis not a whole number', 'Concatenate', { axis: 1.5 }, [[8], [4]], "param 'axis' must be a whole number"],
  ['Dot with different sizes', 'Dot', { axes: [1] }, [[6], [5]], "Dot 'merge' contracts axis 1 of [null, 6] (size 6) with axis 1 of [null, 5] (size 5); those sizes must be equal"],
  ['Dot of images', 'Dot', { axes: [-1] }, [[2, 2, 3], [2, 2, 3]], "Dot 'merge' supports inputs of rank 2 or 3 (TensorFlow.js has no Dot for higher ranks) but gets [null, 2, 2, 3]"],
  ['Dot on the batch axis', 'Dot', { axes: [0] }, [[3], [3]], "param 'axes' includes 0, the batch axis"],
  ['Dot axis out of range', 'Dot', { axes: [2] }, [[3], [3]], "Dot 'merge' has axes [2], which do not fit its inputs [null, 3] and [null, 3]"],
  ['Dot with three axes', 'Dot', { axes: [1, 1, 1] }, [[3], [3]], "param 'axes' must have at most 2 numbers"],
];

describe('merge layers: shapes', () => {
  it.each(shapes)('%s', (_name, type, params, inputs, expected) => {
    const r = mergeResult(type, params, inputs);
    expect(r.errors).toEqual([]);
    expect(r.shape).toEqual(expected);
    expect(r.node.paramCount).toEqual({ trainable: 0, nonTrainable: 0 });
  });
});

describe('merge layers: errors', () => {
  it.each(errors)('%s', (_name, type, params, inputs, message) => {
    const r = mergeResult(type, params, inputs);
    expect(r.shape).toBeNull();
    expect(hasMessage(r.errors, message), `got: ${r.errors.join(' | ')}`).toBe(true);
  });
});

describe('merge layers: ports and tfjs mapping', () => {
  it('declares a variadic input named in; Subtract and Dot take exactly two', () => {
    for (const id of ['Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate']) expect(getLayer(id)!.inputs).toEqual({ kind: 'variadic', name: 'in', min: 2 });
    for (const id of ['Subtract', 'Dot']) expect(getLayer(id)!.inputs).toEqual({ kind: 'variadic', name: 'in', min: 2, max: 2 });
  });
  it('orders inputs by handle number, not by edge order', () => {
    const g = mergeGraph('Concatenate', { axis: 1 }, [[3, 4], [5, 4]]);
    g.edges.reverse();
    const inf = inferGraph(g);
    expect(inf.nodes.m!.inputShapes).toEqual([[null, 3, 4], [null, 5, 4]]);
  });
  it('uses the custom Subtract layer and passes resolved axes to tfjs', () => {
    expect(getLayer('Subtract')!.tfjs!({}, { inputs: [[null, 3], [null, 3]] })).toEqual({ factory: 'custom:Subtract', args: {} });
    expect(getLayer('Add')!.tfjs!({}, { inputs: [[null, 3], [null, 3]] })).toEqual({ factory: 'add', args: {} });
    expect(getLayer('Concatenate')!.tfjs!({ axis: -2 }, { inputs: [[null, 4, 3, 2], [null, 4, 5, 2]] })).toEqual({ factory: 'concatenate', args: { axis: 2 } });
    expect(getLayer('Dot')!.tfjs!({ axes: [-1], normalize: true }, { inputs: [[null, 3, 4], [null, 4]] })).toEqual({ factory: 'dot', args: { axes: [2, 1], normalize: true } });
  });
});
