import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, getLayer } from '../../graph/layers/index.js';
import { hasMessage, runShapeCase, type ErrorCase, type ShapeCase } from './helpers/graphs.js';

const shapes: ShapeCase[] = [
  ['ReLU', [6], [['ReLU']], [null, 6], { trainable: 0 }],
  ['ReLU capped at 6', [3, 2], [['ReLU', { maxValue: 6 }]], [null, 3, 2]],
  ['ReLU with an explicit empty cap', [3], [['ReLU', { maxValue: null }]], [null, 3]],
  ['ReLU with Keras\' slope and threshold', [3, 2], [['ReLU', { negativeSlope: 0.1, threshold: 0.5, maxValue: 6 }]], [null, 3, 2], { trainable: 0 }],
  ['LeakyReLU', [6], [['LeakyReLU', { alpha: 0.1 }]], [null, 6], { trainable: 0 }],
  ['PReLU learns one slope per element of a vector', [6], [['PReLU']], [null, 6], { trainable: 6 }],
  ['PReLU on an image', [3, 4, 2], [['PReLU']], [null, 3, 4, 2], { trainable: 24 }],
  ['ELU', [6], [['ELU']], [null, 6], { trainable: 0 }],
  ['ELU alpha 0.5', [2, 3], [['ELU', { alpha: 0.5 }]], [null, 2, 3]],
  ['Softmax', [6], [['Softmax']], [null, 6]],
  ['Softmax on a sequence', [4, 3], [['Softmax']], [null, 4, 3]],
  ['Softmax last axis given positively', [4, 3], [['Softmax', { axis: 2 }]], [null, 4, 3]],
];

const errors: ErrorCase[] = [
  ['ReLU negative cap', [3], [['ReLU', { maxValue: -1 }, 'act']], "ReLU 'act' param 'maxValue' must be at least 0 (got -1)"],
  ['ReLU cap not a number', [3], [['ReLU', { maxValue: 'six' }]], "param 'maxValue' must be a number or empty"],
  ['ReLU negative slope', [3], [['ReLU', { negativeSlope: -0.1 }]], "ReLU 'l1' param 'negativeSlope' must be at least 0 (got -0.1)"],
  ['ReLU threshold not a number', [3], [['ReLU', { threshold: 'half' }]], "param 'threshold' must be a number"],
  ['LeakyReLU negative alpha', [3], [['LeakyReLU', { alpha: -0.1 }]], "param 'alpha' must be at least 0"],
  ['ELU negative alpha', [3], [['ELU', { alpha: -1 }]], "ELU 'l1' param 'alpha' must be at least 0"],
  ['Softmax on the batch axis', [3], [['Softmax', { axis: 0 }]], "param 'axis' is 0, the batch axis"],
  ['Softmax axis out of range', [4, 3], [['Softmax', { axis: 3 }, 'sm']], "Softmax 'sm' has axis 3, but its input [null, 4, 3] has axes 1 to 2 (or -1 to -2); pick one of those"],
  ['Softmax on a middle axis', [4, 3], [['Softmax', { axis: 1 }]], 'TensorFlow.js computes softmax only over the last axis (2 for [null, 4, 3]); use axis -1, or Permute the axis to the end first'],
];

describe('activation layers: shapes and parameter counts', () => {
  it.each(shapes)('%s', (_name, input, layers, expected, params) => {
    const r = runShapeCase(input, layers);
    expect(r.errors).toEqual([]);
    expect(r.shape).toEqual(expected);
    if (params) expect(r.trainable).toBe(params.trainable);
  });
});

describe('activation layers: errors', () => {
  it.each(errors)('%s', (_name, input, layers, message) => {
    const r = runShapeCase(input, layers);
    expect(r.shape).toBeNull();
    expect(hasMessage(r.errors, message), `got: ${r.errors.join(' | ')}`).toBe(true);
  });
});

describe('activation functions and mapping', () => {
  it('offers at least the activations Keras users expect', () => {
    for (const a of ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'gelu', 'swish', 'elu', 'selu', 'softplus']) expect(ACTIVATIONS).toContain(a);
  });
  it('maps ELU to tf.layers.elu only for alpha 1, which is all tfjs supports', () => {
    expect(getLayer('ELU')!.tfjs!({ alpha: 1 }, { inputs: [[null, 3]] })).toEqual({ factory: 'elu', args: {} });
    expect(getLayer('ELU')!.tfjs!({ alpha: 0.5 }, { inputs: [[null, 3]] })).toEqual({ factory: 'custom:AlphaELU', args: { alpha: 0.5 } });
  });
  it('leaves an empty ReLU cap out of the tfjs args', () => {
    const relu = getLayer('ReLU')!;
    expect(relu.tfjs!({ maxValue: null, negativeSlope: 0, threshold: 0 }, { inputs: [[null, 3]] })).toEqual({ factory: 'reLU', args: {} });
    expect(relu.tfjs!({ maxValue: 6, negativeSlope: 0, threshold: 0 }, { inputs: [[null, 3]] })).toEqual({ factory: 'reLU', args: { maxValue: 6 } });
    expect(relu.summary!({ maxValue: 6, negativeSlope: 0, threshold: 0 })).toBe('max 6');
  });
  it("maps ReLU's slope and threshold, which tf.layers.reLU lacks, to the custom KerasReLU", () => {
    const relu = getLayer('ReLU')!;
    expect(relu.tfjs!({ maxValue: null, negativeSlope: 0.2, threshold: 0 }, { inputs: [[null, 3]] })).toEqual({ factory: 'custom:KerasReLU', args: { negativeSlope: 0.2, threshold: 0 } });
    expect(relu.tfjs!({ maxValue: 6, negativeSlope: 0, threshold: 1 }, { inputs: [[null, 3]] })).toEqual({ factory: 'custom:KerasReLU', args: { maxValue: 6, negativeSlope: 0, threshold: 1 } });
    expect(relu.summary!({ maxValue: 6, negativeSlope: 0.2, threshold: 1 })).toBe('max 6 · slope 0.2 · > 1');
  });
});
