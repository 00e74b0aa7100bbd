import { describe, expect, it } from 'vitest';
import { getLayer } from '../../graph/layers/index.js';
import { hasMessage, runShapeCase, type ErrorCase, type ShapeCase } from './helpers/graphs.js';

const shapes: ShapeCase[] = [
  ['MaxPooling1D default halves', [10, 3], [['MaxPooling1D']], [null, 5, 3], { trainable: 0 }],
  ['MaxPooling1D odd length drops the remainder', [9, 3], [['MaxPooling1D']], [null, 4, 3]],
  ['MaxPooling1D same stride 1', [9, 3], [['MaxPooling1D', { poolSize: [3], strides: [1], padding: 'same' }]], [null, 9, 3]],
  ['MaxPooling1D overlapping', [10, 2], [['MaxPooling1D', { poolSize: [4], strides: [2] }]], [null, 4, 2]],
  ['AveragePooling1D odd', [9, 3], [['AveragePooling1D', { poolSize: [2] }]], [null, 4, 3]],
  ['AveragePooling1D same stride 2', [9, 3], [['AveragePooling1D', { poolSize: [3], strides: [2], padding: 'same' }]], [null, 5, 3]],
  ['AveragePooling1D pool equals length', [6, 3], [['AveragePooling1D', { poolSize: [6] }]], [null, 1, 3]],
  ['MaxPooling2D default halves', [28, 28, 1], [['MaxPooling2D']], [null, 14, 14, 1]],
  ['MaxPooling2D odd valid', [7, 9, 2], [['MaxPooling2D']], [null, 3, 4, 2]],
  ['MaxPooling2D odd same', [7, 9, 2], [['MaxPooling2D', { padding: 'same' }]], [null, 4, 5, 2]],
  ['MaxPooling2D overlapping 3/2', [8, 8, 2], [['MaxPooling2D', { poolSize: [3, 3], strides: [2, 2] }]], [null, 3, 3, 2]],
  ['MaxPooling2D rectangular', [6, 8, 3], [['MaxPooling2D', { poolSize: [2, 4] }]], [null, 3, 2, 3]],
  ['AveragePooling2D default', [6, 8, 3], [['AveragePooling2D']], [null, 3, 4, 3]],
  ['AveragePooling2D same stride 2', [7, 7, 1], [['AveragePooling2D', { poolSize: [3, 3], strides: [2, 2], padding: 'same' }]], [null, 4, 4, 1]],
  ['AveragePooling2D stride 1 valid', [5, 5, 4], [['AveragePooling2D', { poolSize: [2, 2], strides: [1, 1] }]], [null, 4, 4, 4]],
  ['GlobalMaxPooling1D', [10, 4], [['GlobalMaxPooling1D']], [null, 4], { trainable: 0 }],
  ['GlobalAveragePooling1D', [10, 4], [['GlobalAveragePooling1D']], [null, 4]],
  ['GlobalMaxPooling2D', [5, 6, 7], [['GlobalMaxPooling2D']], [null, 7]],
  ['GlobalAveragePooling2D', [5, 6, 7], [['GlobalAveragePooling2D']], [null, 7]],
  ['Conv then pool then global pool', [16, 16, 1], [['Conv2D', { filters: 8, kernelSize: [3, 3] }], ['MaxPooling2D'], ['GlobalAveragePooling2D']], [null, 8]],
];

const errors: ErrorCase[] = [
  ['MaxPooling2D on a vector', [10], [['MaxPooling2D', {}, 'pool']], "MaxPooling2D 'pool' expects a rank-4 input but gets [null, 10]; it works on images [batch, height, width, channels]"],
  ['MaxPooling1D on an image', [4, 4, 1], [['MaxPooling1D']], "MaxPooling1D 'l1' expects a rank-3 input but gets [null, 4, 4, 1]"],
  ['AveragePooling1D on a vector', [10], [['AveragePooling1D']], "AveragePooling1D 'l1' expects a rank-3 input"],
  ['pool window larger than input', [2, 2, 1], [['MaxPooling2D', { poolSize: [3, 3] }]], "MaxPooling2D 'l1' has a pool window of 3×3, larger than its input [null, 2, 2, 1] (size 2 on axis 1) with padding 'valid'; use padding 'same', a smaller poolSize, or a larger input"],
  ['pool window larger than a sequence', [3, 4], [['AveragePooling1D', { poolSize: [5] }]], 'has a pool window of 5, larger than its input [null, 3, 4]'],
  ['strides of zero', [8, 8, 1], [['MaxPooling2D', { strides: [0, 1] }]], "param 'strides' must hold numbers of at least 1"],
  ['strides of the wrong length', [8, 8, 1], [['MaxPooling2D', { strides: [2] }]], "param 'strides' must have exactly 2 numbers"],
  ['poolSize of the wrong length', [8, 4], [['MaxPooling1D', { poolSize: [2, 2] }]], "param 'poolSize' must have exactly 1 numbers"],
  ['causal padding', [8, 4], [['MaxPooling1D', { padding: 'causal' }]], "param 'padding' must be one of valid, same"],
  ['GlobalMaxPooling2D on a sequence', [10, 4], [['GlobalMaxPooling2D', {}, 'gp']], "GlobalMaxPooling2D 'gp' expects a rank-4 input but gets [null, 10, 4]"],
  ['GlobalAveragePooling1D on a vector', [10], [['GlobalAveragePooling1D']], "GlobalAveragePooling1D 'l1' expects a rank-3 input but gets [null, 10]"],
  ['GlobalMaxPooling1D with a param', [10, 4], [['GlobalMaxPooling1D', { keepdims: true }]], "has an unknown param 'keepdims'"],
];

describe('pooling layers: shapes', () => {
  it.each(shapes)('%s', (_name, input, layers, expected, params) => {
    const r = runShapeCase(input, layers);
    expect(r.errors).toEqual([]);
    expect(r.shape).toEqual(expected);
    if (params) expect(r.trainable + r.nonTrainable).toBe(params.trainable);
  });
});

describe('pooling layers: errors', () => {
  it.each(errors)('%s', (_name, input, layers, message) => {
    const r = runShapeCase(input, layers);
    expect(r.shape).toBeNull();
    expect(hasMessage(r.errors, message), `got: ${r.errors.join(' | ')}`).toBe(true);
  });
});

describe('pooling layers: tfjs mapping and node faces', () => {
  it('leaves strides out for tfjs when empty, so they default to poolSize', () => {
    expect(getLayer('MaxPooling2D')!.tfjs!({ poolSize: [2, 2], strides: null, padding: 'valid' }, { inputs: [[null, 4, 4, 1]] })).toEqual({
      factory: 'maxPooling2d',
      args: { poolSize: [2, 2], padding: 'valid' },
    });
    expect(getLayer('AveragePooling1D')!.tfjs!({ poolSize: [3], strides: [1], padding: 'same' }, { inputs: [[null, 4, 1]] })).toEqual({
      factory: 'averagePooling1d',
      args: { poolSize: [3], strides: [1], padding: 'same' },
    });
    expect(getLayer('GlobalAveragePooling2D')!.tfjs!({}, { inputs: [[null, 4, 4, 1]] }).factory).toBe('globalAveragePooling2d');
  });
  it('summarises the window', () => {
    expect(getLayer('MaxPooling2D')!.summary!({ poolSize: [2, 2], strides: null, padding: 'valid' })).toBe('2×2');
    expect(getLayer('MaxPooling2D')!.summary!({ poolSize: [3, 3], strides: [2, 2], padding: 'same' })).toBe('3×3 · stride 2×2 · same');
  });
});
