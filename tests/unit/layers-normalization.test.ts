import { describe, expect, it } from 'vitest';
import { getLayer } from '../../graph/layers/index.js';
import { chainGraph, hasMessage, runShapeCase, type ErrorCase, type ShapeCase } from './helpers/graphs.js';
import { inferGraph } from '../../graph/infer.js';

const shapes: ShapeCase[] = [
  ['BatchNormalization on features', [6], [['BatchNormalization']], [null, 6], { trainable: 12, nonTrainable: 12 }],
  ['BatchNormalization on an image normalizes channels', [4, 4, 3], [['BatchNormalization']], [null, 4, 4, 3], { trainable: 6, nonTrainable: 6 }],
  ['BatchNormalization without center', [4, 4, 3], [['BatchNormalization', { center: false, momentum: 0.9 }]], [null, 4, 4, 3], { trainable: 3, nonTrainable: 6 }],
  ['BatchNormalization without scale', [5, 3], [['BatchNormalization', { scale: false, epsilon: 0.01 }]], [null, 5, 3], { trainable: 3, nonTrainable: 6 }],
  ['BatchNormalization without either', [8], [['BatchNormalization', { scale: false, center: false }]], [null, 8], { trainable: 0, nonTrainable: 16 }],
  ['LayerNormalization on features', [6], [['LayerNormalization']], [null, 6], { trainable: 12 }],
  ['LayerNormalization on a sequence', [5, 4], [['LayerNormalization', { epsilon: 1e-5 }]], [null, 5, 4], { trainable: 8 }],
  // axis: Keras' parameter shapes are the sizes of the normalized axes (BatchNormalization: one axis).
  ['BatchNormalization channels-first (axis 1)', [3, 4, 5], [['BatchNormalization', { axis: 1 }]], [null, 3, 4, 5], { trainable: 6, nonTrainable: 6 }],
  ['BatchNormalization axis -2 of a sequence', [7, 2], [['BatchNormalization', { axis: -2 }]], [null, 7, 2], { trainable: 14, nonTrainable: 14 }],
  ['LayerNormalization over a whole image', [4, 5, 3], [['LayerNormalization', { axis: [1, 2, 3] }]], [null, 4, 5, 3], { trainable: 120 }],
  ['LayerNormalization over the last two axes', [6, 4, 3], [['LayerNormalization', { axis: [-2, -1] }]], [null, 6, 4, 3], { trainable: 24 }],
  ['LayerNormalization over the steps axis', [6, 4], [['LayerNormalization', { axis: [1] }]], [null, 6, 4], { trainable: 12 }],
  ['SpatialDropout1D', [7, 3], [['SpatialDropout1D', { rate: 0.2 }]], [null, 7, 3], { trainable: 0 }],
  ['GaussianNoise', [5, 2], [['GaussianNoise', { stddev: 0.5 }]], [null, 5, 2], { trainable: 0 }],
  ['GaussianNoise of zero', [5], [['GaussianNoise', { stddev: 0 }]], [null, 5]],
  ['GaussianDropout', [6], [['GaussianDropout', { rate: 0.3 }]], [null, 6], { trainable: 0 }],
  ['GaussianDropout on an image', [4, 4, 2], [['GaussianDropout']], [null, 4, 4, 2]],
];

const errors: ErrorCase[] = [
  ['BatchNormalization momentum above 1', [6], [['BatchNormalization', { momentum: 1.5 }, 'bn']], "BatchNormalization 'bn' param 'momentum' must be between 0 and 1 (got 1.5)"],
  ['BatchNormalization epsilon 0', [6], [['BatchNormalization', { epsilon: 0 }]], "param 'epsilon' must be greater than 0"],
  ['BatchNormalization center not a boolean', [6], [['BatchNormalization', { center: 'yes' }]], "param 'center' must be true or false"],
  ['LayerNormalization epsilon negative', [6], [['LayerNormalization', { epsilon: -1 }]], "LayerNormalization 'l1' param 'epsilon' must be greater than 0"],
  ['BatchNormalization on the batch axis', [6], [['BatchNormalization', { axis: 0 }, 'bn']], "BatchNormalization 'bn' param 'axis' includes 0, the batch axis, which cannot be normalized within a sample; use -1 for the last axis"],
  ['BatchNormalization axis beyond the rank', [4, 4, 3], [['BatchNormalization', { axis: 4 }, 'bn']], "BatchNormalization 'bn' has axis 4, but its input [null, 4, 4, 3] has axes 1 to 3 (or -1 to -3); pick one of those"],
  ['BatchNormalization on an unknown axis', [4], [['Reshape', { targetShape: [2, 2] }], ['BatchNormalization', { axis: 1.5 }]], "param 'axis' must be a whole number"],
  ['LayerNormalization axis twice', [4, 3], [['LayerNormalization', { axis: [2, -1] }, 'ln']], "LayerNormalization 'ln' names axis [2, -1] twice for its input [null, 4, 3]; list each axis once"],
  ['LayerNormalization axis beyond the rank', [4, 3], [['LayerNormalization', { axis: [-3] }]], 'has axis -3, but its input [null, 4, 3] has axes 1 to 2 (or -1 to -2)'],
  ['LayerNormalization on the batch axis', [4, 3], [['LayerNormalization', { axis: [0, 1] }]], "param 'axis' includes 0, the batch axis"],
  ['SpatialDropout1D on a vector', [6], [['SpatialDropout1D', {}, 'sd']], "SpatialDropout1D 'sd' expects a rank-3 input but gets [null, 6]; it works on sequences [batch, steps, channels]; use Dropout for other inputs"],
  ['SpatialDropout1D on an image', [4, 4, 1], [['SpatialDropout1D']], 'expects a rank-3 input but gets [null, 4, 4, 1]'],
  ['SpatialDropout1D rate 1', [4, 2], [['SpatialDropout1D', { rate: 1 }]], "param 'rate' must be between 0 and 0.99"],
  ['GaussianNoise negative stddev', [4], [['GaussianNoise', { stddev: -0.1 }]], "param 'stddev' must be at least 0"],
  ['GaussianDropout rate above range', [4], [['GaussianDropout', { rate: 2 }]], "GaussianDropout 'l1' param 'rate' must be between 0 and 0.99"],
];

describe('normalization and noise layers: shapes and parameter counts', () => {
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

describe('normalization and noise layers: errors', () => {
  it.each(errors)('%s', (_name, input, layers, message) => {
    const r = runShapeCase(input, layers);
    expect(r.shape).toBeNull();
    expect(hasMessage(r.errors, message), `got: ${r.errors.join(' | ')}`).toBe(true);
  });
});

describe('normalization layers: totals and mapping', () => {
  it('counts the moving mean and variance as non-trainable in the graph totals', () => {
    const inf = inferGraph(chainGraph([8], [['Dense', { units: 4 }], ['BatchNormalization'], ['Dense', { units: 2 }]]));
    expect(inf.totals).toMatchObject({ trainable: 36 + 8 + 10, nonTrainable: 8 });
  });
  it('maps to tf.layers with Keras arg names', () => {
    expect(getLayer('BatchNormalization')!.tfjs!({ axis: 1, momentum: 0.9, epsilon: 0.01, center: true, scale: true }, { inputs: [[null, 3, 2]] }).args).toEqual({ axis: 1, momentum: 0.9, epsilon: 0.01, center: true, scale: true });
    expect(getLayer('LayerNormalization')!.tfjs!({ axis: [1, 2], epsilon: 0.01 }, { inputs: [[null, 3, 2]] }).args).toEqual({ axis: [1, 2], epsilon: 0.01 });
    // The default axis is left out, as Keras code leaves it out.
    expect(getLayer('LayerNormalization')!.tfjs!({ axis: [-1], epsilon: 0.01 }, { inputs: [[null, 3]] }).args).toStrictEqual({ epsilon: 0.01 });
    expect(getLayer('BatchNormalization')!.tfjs!({ axis: -1, momentum: 0.9, epsilon: 0.01, center: true, scale: true }, { inputs: [[null, 3]] })).toStrictEqual({
      factory: 'batchNormalization',
      args: { momentum: 0.9, epsilon: 0.01, center: true, scale: true },
    });
    // tfjs' own layer crashes in training without gamma or beta, so those use the custom subclass.
    expect(getLayer('BatchNormalization')!.tfjs!({ axis: -1, momentum: 0.9, epsilon: 0.01, center: false, scale: true }, { inputs: [[null, 3]] })).toEqual({
      factory: 'custom:PartialBatchNormalization',
      args: { momentum: 0.9, epsilon: 0.01, center: false, scale: true },
    });
    expect(getLayer('SpatialDropout1D')!.tfjs!({ rate: 0.2 }, { inputs: [[null, 3, 2]] }).factory).toBe('spatialDropout1d');
    expect(getLayer('GaussianNoise')!.tfjs!({ stddev: 0.2 }, { inputs: [[null, 3]] })).toEqual({ factory: 'gaussianNoise', args: { stddev: 0.2 } });
  });
});
