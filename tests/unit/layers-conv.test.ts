import { describe, expect, it } from 'vitest';
import { getLayer } from '../../graph/layers/index.js';
import { hasMessage, inferChain, runShapeCase, type ErrorCase, type ShapeCase } from './helpers/graphs.js';

const shapes: ShapeCase[] = [
  // Conv1D: Keras conv_output_length per padding, strides and dilation.
  ['Conv1D valid', [20, 3], [['Conv1D', { filters: 4, kernelSize: [3] }]], [null, 18, 4], { trainable: 40 }],
  ['Conv1D same', [20, 3], [['Conv1D', { filters: 4, kernelSize: [5], padding: 'same' }]], [null, 20, 4], { trainable: 64 }],
  ['Conv1D same stride 2 odd length', [21, 3], [['Conv1D', { filters: 4, kernelSize: [5], strides: [2], padding: 'same' }]], [null, 11, 4], { trainable: 64 }],
  ['Conv1D valid stride 3', [20, 1], [['Conv1D', { filters: 2, kernelSize: [4], strides: [3] }]], [null, 6, 2], { trainable: 10 }],
  ['Conv1D causal keeps the length', [20, 2], [['Conv1D', { filters: 3, kernelSize: [3], padding: 'causal' }]], [null, 20, 3], { trainable: 21 }],
  ['Conv1D causal dilated', [20, 2], [['Conv1D', { filters: 3, kernelSize: [3], padding: 'causal', dilationRate: [4] }]], [null, 20, 3], { trainable: 21 }],
  ['Conv1D causal stride 2', [9, 2], [['Conv1D', { filters: 3, kernelSize: [4], strides: [2], padding: 'causal' }]], [null, 5, 3], { trainable: 27 }],
  ['Conv1D valid dilated', [20, 2], [['Conv1D', { filters: 3, kernelSize: [3], dilationRate: [3], useBias: false }]], [null, 14, 3], { trainable: 18 }],
  ['Conv1D kernel equals length', [5, 2], [['Conv1D', { filters: 1, kernelSize: [5] }]], [null, 1, 1], { trainable: 11 }],
  // Conv2D
  ['Conv2D Keras MNIST first layer', [28, 28, 1], [['Conv2D', { filters: 32, kernelSize: [3, 3], activation: 'relu' }]], [null, 26, 26, 32], { trainable: 320 }],
  ['Conv2D defaults', [10, 10, 3], [['Conv2D']], [null, 8, 8, 32], { trainable: 896 }],
  ['Conv2D same stride 2', [11, 9, 2], [['Conv2D', { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }]], [null, 6, 5, 4], { trainable: 76 }],
  ['Conv2D valid rectangular kernel and strides', [11, 9, 2], [['Conv2D', { filters: 4, kernelSize: [3, 2], strides: [2, 3] }]], [null, 5, 3, 4], { trainable: 52 }],
  ['Conv2D dilated', [12, 12, 1], [['Conv2D', { filters: 2, kernelSize: [3, 3], dilationRate: [2, 2] }]], [null, 8, 8, 2], { trainable: 20 }],
  ['Conv2D dilated same no bias', [12, 12, 1], [['Conv2D', { filters: 2, kernelSize: [3, 3], dilationRate: [2, 2], padding: 'same', useBias: false }]], [null, 12, 12, 2], { trainable: 18 }],
  ['Conv2D 1x1', [7, 7, 16], [['Conv2D', { filters: 8, kernelSize: [1, 1] }]], [null, 7, 7, 8], { trainable: 136 }],
  ['Conv2D kernel larger than input with same padding', [3, 3, 1], [['Conv2D', { filters: 2, kernelSize: [5, 5], padding: 'same' }]], [null, 3, 3, 2], { trainable: 52 }],
  // Conv2DTranspose: Keras deconv_output_length.
  ['Conv2DTranspose valid', [5, 5, 3], [['Conv2DTranspose', { filters: 4, kernelSize: [3, 3] }]], [null, 7, 7, 4], { trainable: 112 }],
  ['Conv2DTranspose same stride 2 doubles', [5, 6, 3], [['Conv2DTranspose', { filters: 2, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }]], [null, 10, 12, 2], { trainable: 56 }],
  ['Conv2DTranspose valid stride 2', [5, 6, 3], [['Conv2DTranspose', { filters: 2, kernelSize: [4, 3], strides: [2, 2], useBias: false }]], [null, 12, 13, 2], { trainable: 72 }],
  ['Conv2DTranspose stride above kernel', [4, 4, 1], [['Conv2DTranspose', { filters: 1, kernelSize: [2, 2], strides: [3, 3] }]], [null, 12, 12, 1], { trainable: 5 }],
  // Dilation widens the kernel to (k - 1)·d + 1 without adding weights (Keras' deconv_output_length with dilation).
  ['Conv2DTranspose valid dilated', [5, 6, 3], [['Conv2DTranspose', { filters: 4, kernelSize: [3, 3], dilationRate: [2, 3] }]], [null, 9, 12, 4], { trainable: 112 }],
  ['Conv2DTranspose same dilated keeps the size', [5, 6, 3], [['Conv2DTranspose', { filters: 4, kernelSize: [3, 3], dilationRate: [2, 2], padding: 'same' }]], [null, 5, 6, 4], { trainable: 112 }],
  // SeparableConv2D: depthwise k·k·C·dm + pointwise C·dm·filters + bias.
  ['SeparableConv2D valid', [8, 8, 3], [['SeparableConv2D', { filters: 5, kernelSize: [3, 3] }]], [null, 6, 6, 5], { trainable: 47 }],
  ['SeparableConv2D depth multiplier 2 same stride 2', [9, 8, 3], [['SeparableConv2D', { filters: 4, kernelSize: [3, 3], depthMultiplier: 2, strides: [2, 2], padding: 'same' }]], [null, 5, 4, 4], { trainable: 82 }],
  ['SeparableConv2D no bias', [8, 8, 2], [['SeparableConv2D', { filters: 4, kernelSize: [2, 2], useBias: false }]], [null, 7, 7, 4], { trainable: 16 }],
  ['SeparableConv2D dilated', [10, 9, 3], [['SeparableConv2D', { filters: 5, kernelSize: [3, 3], dilationRate: [2, 3] }]], [null, 6, 3, 5], { trainable: 47 }],
  ['SeparableConv2D dilated same dm 2', [10, 9, 3], [['SeparableConv2D', { filters: 5, kernelSize: [3, 3], dilationRate: [2, 2], depthMultiplier: 2, padding: 'same' }]], [null, 10, 9, 5], { trainable: 89 }],
  // DepthwiseConv2D: channels × depthMultiplier outputs.
  ['DepthwiseConv2D valid', [8, 8, 3], [['DepthwiseConv2D', { kernelSize: [3, 3] }]], [null, 6, 6, 3], { trainable: 30 }],
  ['DepthwiseConv2D depth multiplier 3 same stride 2', [9, 7, 2], [['DepthwiseConv2D', { kernelSize: [3, 3], depthMultiplier: 3, strides: [2, 2], padding: 'same' }]], [null, 5, 4, 6], { trainable: 60 }],
  ['DepthwiseConv2D no bias', [6, 6, 4], [['DepthwiseConv2D', { kernelSize: [2, 2], useBias: false }]], [null, 5, 5, 4], { trainable: 16 }],
  ['DepthwiseConv2D dilated', [9, 8, 2], [['DepthwiseConv2D', { kernelSize: [3, 3], dilationRate: [3, 2] }]], [null, 3, 4, 2], { trainable: 20 }],
  ['DepthwiseConv2D dilated same dm 2', [9, 8, 2], [['DepthwiseConv2D', { kernelSize: [3, 3], dilationRate: [2, 2], depthMultiplier: 2, padding: 'same' }]], [null, 9, 8, 4], { trainable: 40 }],
  // Shape-only layers.
  ['UpSampling2D default 2x2', [4, 5, 2], [['UpSampling2D']], [null, 8, 10, 2], { trainable: 0 }],
  ['UpSampling2D rectangular bilinear', [4, 5, 2], [['UpSampling2D', { size: [3, 2], interpolation: 'bilinear' }]], [null, 12, 10, 2]],
  ['ZeroPadding2D default 1', [4, 5, 2], [['ZeroPadding2D']], [null, 6, 7, 2]],
  ['ZeroPadding2D one number', [4, 5, 2], [['ZeroPadding2D', { padding: [2] }]], [null, 8, 9, 2]],
  ['ZeroPadding2D rows and columns', [4, 5, 2], [['ZeroPadding2D', { padding: [1, 3] }]], [null, 6, 11, 2]],
  ['ZeroPadding2D four sides', [4, 5, 2], [['ZeroPadding2D', { padding: [1, 0, 2, 3] }]], [null, 5, 10, 2]],
  ['ZeroPadding2D zero', [4, 5, 2], [['ZeroPadding2D', { padding: [0] }]], [null, 4, 5, 2]],
  ['Cropping2D default crops nothing', [8, 9, 2], [['Cropping2D']], [null, 8, 9, 2]],
  ['Cropping2D rows and columns', [8, 9, 2], [['Cropping2D', { cropping: [1, 2] }]], [null, 6, 5, 2]],
  ['Cropping2D four sides', [8, 9, 2], [['Cropping2D', { cropping: [0, 3, 1, 2] }]], [null, 5, 6, 2]],
  ['Cropping2D undoes ZeroPadding2D', [8, 9, 2], [['ZeroPadding2D', { padding: [2, 1] }], ['Cropping2D', { cropping: [2, 1] }]], [null, 8, 9, 2]],
  ['Conv stack', [28, 28, 1], [['Conv2D', { filters: 8, kernelSize: [3, 3], padding: 'same' }], ['Conv2D', { filters: 16, kernelSize: [3, 3], strides: [2, 2] }]], [null, 13, 13, 16], { trainable: 1168 }],
];

const errors: ErrorCase[] = [
  ['Conv2D on a vector', [784], [['Conv2D', {}, 'conv1']], "Conv2D 'conv1' expects a rank-4 input but gets [null, 784]; it works on images [batch, height, width, channels]; add a Reshape before it"],
  ['Conv2D on rank 3 without channels', [28, 28], [['Conv2D']], 'expects a rank-4 input but gets [null, 28, 28]'],
  ['Conv1D on an image', [28, 28, 1], [['Conv1D']], "Conv1D 'l1' expects a rank-3 input but gets [null, 28, 28, 1]; it works on sequences"],
  ['Conv2D kernel larger than input, valid', [3, 3, 1], [['Conv2D', { kernelSize: [5, 5] }, 'c']], "Conv2D 'c' has a kernel of 5×5, larger than its input [null, 3, 3, 1] (size 3 on axis 1) with padding 'valid'; use padding 'same', a smaller kernelSize, or a larger input"],
  ['Conv2D kernel larger on width only', [8, 3, 1], [['Conv2D', { kernelSize: [3, 4] }]], '(size 3 on axis 2)'],
  ['Conv1D dilated kernel larger than input', [8, 1], [['Conv1D', { kernelSize: [3], dilationRate: [4] }]], 'has a kernel of 3 (9 wide with dilation 4), larger than its input [null, 8, 1]'],
  ['SeparableConv2D kernel too large', [2, 2, 3], [['SeparableConv2D', { kernelSize: [3, 3] }]], "SeparableConv2D 'l1' has a kernel of 3×3, larger than its input"],
  ['DepthwiseConv2D kernel too large', [2, 9, 3], [['DepthwiseConv2D', { kernelSize: [3, 3] }]], "DepthwiseConv2D 'l1' has a kernel of 3×3"],
  ['Conv2D shrinking to nothing after two layers', [5, 5, 1], [['Conv2D', { kernelSize: [3, 3] }], ['Conv2D', { kernelSize: [3, 3] }], ['Conv2D', { kernelSize: [3, 3] }, 'third']], "Conv2D 'third' has a kernel of 3×3, larger than its input [null, 1, 1, 32]"],
  ['strides with dilation', [20, 20, 1], [['Conv2D', { strides: [2, 2], dilationRate: [2, 2] }]], 'strides above 1 cannot be combined with a dilation above 1'],
  ['Conv1D strides with dilation', [20, 1], [['Conv1D', { strides: [2], dilationRate: [2] }]], "set one of them to 1"],
  ['Conv2DTranspose strides with dilation', [5, 5, 1], [['Conv2DTranspose', { strides: [2, 2], dilationRate: [2, 1] }, 'up']], "Conv2DTranspose 'up' has strides [2, 2] and dilationRate [2, 1]; strides above 1 cannot be combined with a dilation above 1"],
  ['SeparableConv2D strides with dilation', [9, 9, 1], [['SeparableConv2D', { strides: [1, 2], dilationRate: [2, 2] }]], 'strides above 1 cannot be combined with a dilation above 1'],
  ['DepthwiseConv2D strides with dilation', [9, 9, 1], [['DepthwiseConv2D', { strides: [2, 2], dilationRate: [2, 2] }]], 'strides above 1 cannot be combined with a dilation above 1'],
  ['DepthwiseConv2D dilated kernel larger than input', [6, 6, 1], [['DepthwiseConv2D', { kernelSize: [3, 3], dilationRate: [3, 1] }, 'dw']], "DepthwiseConv2D 'dw' has a kernel of 3×3 (7 wide with dilation 3), larger than its input [null, 6, 6, 1] (size 6 on axis 1)"],
  ['SeparableConv2D dilation 0', [9, 9, 1], [['SeparableConv2D', { dilationRate: [0, 1] }]], "param 'dilationRate' must hold numbers of at least 1"],
  ['Conv2D kernelSize of one number', [8, 8, 1], [['Conv2D', { kernelSize: [3] }]], "param 'kernelSize' must have exactly 2 numbers (got [3])"],
  ['Conv2D causal padding', [8, 8, 1], [['Conv2D', { padding: 'causal' }]], "param 'padding' must be one of valid, same"],
  ['Conv2D zero filters', [8, 8, 1], [['Conv2D', { filters: 0 }]], "param 'filters' must be at least 1"],
  ['Conv2D zero stride', [8, 8, 1], [['Conv2D', { strides: [0, 1] }]], "param 'strides' must hold numbers of at least 1"],
  ['Conv2DTranspose on a sequence', [8, 3], [['Conv2DTranspose']], "Conv2DTranspose 'l1' expects a rank-4 input"],
  ['DepthwiseConv2D depth multiplier 0', [8, 8, 1], [['DepthwiseConv2D', { depthMultiplier: 0 }]], "param 'depthMultiplier' must be at least 1"],
  ['UpSampling2D on a sequence', [8, 3], [['UpSampling2D']], "UpSampling2D 'l1' expects a rank-4 input"],
  ['UpSampling2D unknown interpolation', [8, 8, 3], [['UpSampling2D', { interpolation: 'bicubic' }]], "param 'interpolation' must be one of nearest, bilinear"],
  ['ZeroPadding2D with three numbers', [8, 8, 1], [['ZeroPadding2D', { padding: [1, 2, 3] }]], "param 'padding' has 3 numbers; give 1 (all sides), 2 ([rows, columns], both sides each) or 4 ([top, bottom, left, right])"],
  ['ZeroPadding2D negative', [8, 8, 1], [['ZeroPadding2D', { padding: [-1] }]], "param 'padding' must hold numbers of at least 0"],
  ['Cropping2D crops everything', [8, 9, 2], [['Cropping2D', { cropping: [4] }, 'crop']], "Cropping2D 'crop' crops 8 rows and 8 columns from an input [null, 8, 9, 2], which leaves nothing; reduce cropping"],
  ['Cropping2D five numbers', [8, 9, 2], [['Cropping2D', { cropping: [1, 1, 1, 1, 1] }]], "param 'cropping' must have at most 4 numbers"],
];

describe('convolution layers: shapes and parameter counts', () => {
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

describe('convolution layers: errors', () => {
  it.each(errors)('%s', (_name, input, layers, message) => {
    const r = runShapeCase(input, layers);
    expect(r.shape).toBeNull();
    expect(hasMessage(r.errors, message), `got: ${r.errors.join(' | ')}`).toBe(true);
  });

  it('points the kernel error at the kernelSize field', () => {
    const { inference } = inferChain([3, 3, 1], [['Conv2D', { kernelSize: [5, 5] }]]);
    expect(inference.diagnostics.find((d) => d.severity === 'error')?.field).toBe('kernelSize');
  });
});

describe('convolution layers: multiply-adds, tfjs mapping, node faces', () => {
  it('estimates multiply-adds as kernel · in-channels · output size', () => {
    const { last } = inferChain([28, 28, 1], [['Conv2D', { filters: 32, kernelSize: [3, 3] }]]);
    expect(last.macs).toBe(9 * 1 * 26 * 26 * 32);
    const sep = inferChain([8, 8, 3], [['SeparableConv2D', { filters: 5, kernelSize: [3, 3] }]]).last;
    expect(sep.macs).toBe(36 * 3 * (9 + 5));
  });
  it('maps causal and dilated convolutions to the custom layer (tfjs cannot run or train them) and the rest to tf.layers', () => {
    const conv2d = getLayer('Conv2D')!;
    const args2d = { filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'valid', activation: 'linear', useBias: true };
    expect(conv2d.tfjs!({ ...args2d, dilationRate: [1, 2] }, { inputs: [[null, 8, 8, 1]] }).factory).toBe('custom:DilatedConv');
    expect(conv2d.tfjs!({ ...args2d, dilationRate: [1, 1] }, { inputs: [[null, 8, 8, 1]] }).factory).toBe('conv2d');
    const conv1d = getLayer('Conv1D')!;
    const base = { filters: 4, kernelSize: [3], strides: [1], dilationRate: [1], activation: 'relu', useBias: true };
    expect(conv1d.tfjs!({ ...base, padding: 'causal' }, { inputs: [[null, 8, 1]] }).factory).toBe('custom:DilatedConv');
    expect(conv1d.tfjs!({ ...base, padding: 'same' }, { inputs: [[null, 8, 1]] })).toEqual({ factory: 'conv1d', args: { ...base, padding: 'same' } });
    expect(getLayer('UpSampling2D')!.tfjs!({ size: [2, 3], interpolation: 'bilinear' }, { inputs: [[null, 4, 5, 1]] })).toEqual({
      factory: 'custom:ImageResizing',
      args: { height: 8, width: 15, interpolation: 'bilinear' },
    });
    expect(getLayer('UpSampling2D')!.tfjs!({ size: [2, 3], interpolation: 'nearest' }, { inputs: [[null, 4, 5, 1]] })).toEqual({ factory: 'upSampling2d', args: { size: [2, 3], interpolation: 'nearest' } });
    expect(getLayer('ZeroPadding2D')!.tfjs!({ padding: [1, 2] }, { inputs: [[null, 4, 4, 1]] })).toEqual({ factory: 'zeroPadding2d', args: { padding: [[1, 1], [2, 2]] } });
    expect(getLayer('Cropping2D')!.tfjs!({ cropping: [1, 2, 3, 4] }, { inputs: [[null, 9, 9, 1]] })).toEqual({ factory: 'cropping2D', args: { cropping: [[1, 2], [3, 4]] } });
  });
  it('summarises key params for the node face', () => {
    const conv = getLayer('Conv2D')!;
    expect(conv.summary!({ filters: 32, kernelSize: [3, 3], strides: [1, 1], padding: 'valid', dilationRate: [1, 1], activation: 'relu', useBias: true })).toBe('32 · 3×3 · relu');
    expect(conv.summary!({ filters: 64, kernelSize: [5, 5], strides: [2, 2], padding: 'same', dilationRate: [1, 1], activation: 'linear', useBias: true })).toBe('64 · 5×5 · stride 2×2 · same');
    expect(getLayer('DepthwiseConv2D')!.summary!({ kernelSize: [3, 3], strides: [1, 1], padding: 'valid', depthMultiplier: 2, activation: 'linear', useBias: true })).toBe('3×3 · ×2');
  });
});
