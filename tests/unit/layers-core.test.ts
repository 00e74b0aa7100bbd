import { describe, expect, it } from 'vitest';
import { getLayer } from '../../graph/layers/index.js';
import { hasMessage, runShapeCase, type ErrorCase, type ShapeCase } from './helpers/graphs.js';

const shapes: ShapeCase[] = [
  ['Dense on a vector', [6], [['Dense', { units: 4 }]], [null, 4], { trainable: 28 }],
  ['Dense without bias', [6], [['Dense', { units: 4, useBias: false }]], [null, 4], { trainable: 24 }],
  ['Dense on a sequence (rank 3)', [5, 6], [['Dense', { units: 3 }]], [null, 5, 3], { trainable: 21 }],
  ['Dense defaults to 64 units', [10], [['Dense']], [null, 64], { trainable: 704 }],
  ['Activation keeps the shape', [4, 3], [['Activation', { activation: 'gelu' }]], [null, 4, 3], { trainable: 0 }],
  ['Dropout keeps the shape', [7], [['Dropout', { rate: 0.2 }]], [null, 7]],
  ['Flatten an image', [5, 5, 64], [['Flatten']], [null, 1600]],
  ['Flatten a vector is a no-op', [9], [['Flatten']], [null, 9]],
  ['Reshape to explicit shape', [12], [['Reshape', { targetShape: [3, 4] }]], [null, 3, 4]],
  ['Reshape with an inferred axis', [4, 6], [['Reshape', { targetShape: [-1, 3] }]], [null, 8, 3]],
  ['Reshape inferred leading axis of an image', [784], [['Reshape', { targetShape: [28, -1, 1] }]], [null, 28, 28, 1]],
  ['Reshape default flattens', [2, 3, 4], [['Reshape']], [null, 24]],
  ['Permute swaps two axes', [3, 5], [['Permute', { dims: [2, 1] }]], [null, 5, 3]],
  ['Permute three axes', [2, 3, 4], [['Permute', { dims: [3, 1, 2] }]], [null, 4, 2, 3]],
  ['Permute identity', [2, 3], [['Permute', { dims: [1, 2] }]], [null, 2, 3]],
  ['RepeatVector', [5], [['RepeatVector', { n: 3 }]], [null, 3, 5]],
  ['RepeatVector after Flatten', [2, 2], [['Flatten'], ['RepeatVector', { n: 7 }]], [null, 7, 4]],
  ['Masking keeps the shape', [7, 3], [['Masking', { maskValue: -1 }]], [null, 7, 3]],
  ['Dense after Flatten after Reshape', [16], [['Reshape', { targetShape: [4, 4] }], ['Flatten'], ['Dense', { units: 2 }]], [null, 2], { trainable: 34 }],
];

const errors: ErrorCase[] = [
  ['Dense on an image', [26, 26, 32], [['Dense', { units: 10 }, 'fc1']], "Dense 'fc1' expects a rank-2 input (or rank-3 for sequences) but gets [null, 26, 26, 32]; add a Flatten before it"],
  ['Dense with zero units', [4], [['Dense', { units: 0 }]], "Dense 'l1' param 'units' must be at least 1 (got 0)"],
  ['Dense with fractional units', [4], [['Dense', { units: 2.5 }]], "param 'units' must be a whole number"],
  ['Dense with an unknown activation', [4], [['Dense', { activation: 'rleu' }]], "param 'activation' must be one of linear, relu, sigmoid"],
  ['misspelt param', [4], [['Dense', { unit: 3 }]], "Dense 'l1' has an unknown param 'unit'; remove it"],
  ['Dropout rate 1', [4], [['Dropout', { rate: 1 }]], "param 'rate' must be between 0 and 0.99 (got 1)"],
  ['Reshape size mismatch', [10], [['Reshape', { targetShape: [3, 4] }]], "Reshape 'l1' cannot reshape [null, 10] (10 values per sample) to [3, 4] (12 values); the sizes must multiply to 10, or use -1 for one axis"],
  ['Reshape not divisible', [10], [['Reshape', { targetShape: [-1, 3] }]], '10 is not divisible by 3; change targetShape'],
  ['Reshape two inferred axes', [12], [['Reshape', { targetShape: [-1, -1] }]], "param 'targetShape' has more than one -1 in [-1, -1]; only one axis can be inferred"],
  ['Reshape zero axis', [12], [['Reshape', { targetShape: [0, 12] }]], "param 'targetShape' has a 0 in [0, 12]"],
  ['Reshape below -1', [12], [['Reshape', { targetShape: [-2, 6] }]], "param 'targetShape' must hold numbers of at least -1"],
  ['Permute not a permutation', [2, 3], [['Permute', { dims: [1, 3] }]], "param 'dims' [1, 3] is not a permutation of 1..2"],
  ['Permute repeated axis', [2, 3], [['Permute', { dims: [1, 1] }]], 'is not a permutation of 1..2'],
  ['Permute wrong length', [2, 3, 4], [['Permute', { dims: [2, 1] }]], "Permute 'l1' has dims [2, 1] for 2 axes but its input [null, 2, 3, 4] has 3 axes besides the batch"],
  ['RepeatVector on a sequence', [2, 5], [['RepeatVector', { n: 2 }]], "RepeatVector 'l1' expects a rank-2 input but gets [null, 2, 5]; add a Flatten before it"],
  ['RepeatVector n 0', [5], [['RepeatVector', { n: 0 }]], "param 'n' must be at least 1"],
  ['Masking with a non-number', [5, 2], [['Masking', { maskValue: 'zero' }]], "param 'maskValue' must be a number"],
];

describe('core layers: shapes and parameter counts', () => {
  it.each(shapes)('%s', (_name, input, layers, expected, params) => {
    const r = runShapeCase(input, layers);
    expect(r.errors).toEqual([]);
    expect(r.shape).toEqual(expected);
    if (params) {
      expect(r.trainable).toBe(params.trainable);
      expect(r.nonTrainable).toBe(params.nonTrainable ?? 0);
    }
  });
});

describe('core layers: errors name the node and say how to fix it', () => {
  it.each(errors)('%s', (_name, input, layers, message) => {
    const r = runShapeCase(input, layers);
    expect(r.shape).toBeNull();
    expect(hasMessage(r.errors, message), `got: ${r.errors.join(' | ')}`).toBe(true);
  });
});

describe('core layers: tfjs mapping and node faces', () => {
  it('resolves a Reshape -1 for tfjs, whose symbolic shape would stay unknown', () => {
    expect(getLayer('Reshape')!.tfjs!({ targetShape: [-1, 3] }, { inputs: [[null, 4, 6]] })).toEqual({ factory: 'reshape', args: { targetShape: [8, 3] } });
  });
  it('maps Permute and RepeatVector to tf.layers, Masking to the trainable custom layer, with Keras arg names', () => {
    expect(getLayer('Permute')!.tfjs!({ dims: [2, 1] }, { inputs: [[null, 2, 3]] })).toEqual({ factory: 'permute', args: { dims: [2, 1] } });
    expect(getLayer('RepeatVector')!.tfjs!({ n: 4 }, { inputs: [[null, 3]] })).toEqual({ factory: 'repeatVector', args: { n: 4 } });
    expect(getLayer('Masking')!.tfjs!({ maskValue: 0 }, { inputs: [[null, 3, 2]] })).toEqual({ factory: 'custom:TrainableMasking', args: { maskValue: 0 } });
  });
  it('summarises key params for the node face', () => {
    expect(getLayer('Dense')!.summary!({ units: 10, activation: 'softmax', useBias: true })).toBe('10 · softmax');
    expect(getLayer('Dense')!.summary!({ units: 10, activation: 'linear', useBias: true })).toBe('10');
    expect(getLayer('Reshape')!.summary!({ targetShape: [28, 28, 1] })).toBe('28×28×1');
    expect(getLayer('RepeatVector')!.summary!({ n: 3 })).toBe('×3');
    expect(getLayer('ZeroPadding2D')!.summary!({ padding: [1, 2] })).toBe('pad 1, 2');
  });
});
