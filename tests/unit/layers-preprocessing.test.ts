import { describe, expect, it } from 'vitest';
import { getLayer } from '../../graph/layers/index.js';
import { hasMessage, runShapeCase, type ErrorCase, type ShapeCase } from './helpers/graphs.js';

const shapes: ShapeCase[] = [
  ['Rescaling pixels', [28, 28, 1], [['Rescaling', { scale: 1 / 255 }]], [null, 28, 28, 1], { trainable: 0 }],
  ['Rescaling to [-1, 1]', [5], [['Rescaling', { scale: 2, offset: -1 }]], [null, 5]],
  ['Resizing up', [4, 6, 3], [['Resizing', { height: 8, width: 5 }]], [null, 8, 5, 3], { trainable: 0 }],
  ['Resizing down, nearest', [9, 9, 1], [['Resizing', { height: 3, width: 4, interpolation: 'nearest' }]], [null, 3, 4, 1]],
  ['Resizing default 32x32', [28, 28, 1], [['Resizing']], [null, 32, 32, 1]],
];

const errors: ErrorCase[] = [
  ['Resizing a vector', [10], [['Resizing', {}, 'resize']], "Resizing 'resize' expects a rank-4 input but gets [null, 10]; it works on images [batch, height, width, channels]"],
  ['Resizing to height 0', [8, 8, 1], [['Resizing', { height: 0 }]], "param 'height' must be at least 1"],
  ['Resizing unknown interpolation', [8, 8, 1], [['Resizing', { interpolation: 'area' }]], "param 'interpolation' must be one of bilinear, nearest"],
  ['Rescaling scale not a number', [8], [['Rescaling', { scale: '1/255' }]], "Rescaling 'l1' param 'scale' must be a number"],
];

describe('preprocessing layers', () => {
  it.each(shapes)('%s', (_name, input, layers, expected, params) => {
    const r = runShapeCase(input, layers);
    expect(r.errors).toEqual([]);
    expect(r.shape).toEqual(expected);
    if (params) expect(r.trainable).toBe(params.trainable);
  });
  it.each(errors)('error: %s', (_name, input, layers, message) => {
    const r = runShapeCase(input, layers);
    expect(r.shape).toBeNull();
    expect(hasMessage(r.errors, message), `got: ${r.errors.join(' | ')}`).toBe(true);
  });
  it('maps Resizing to the custom layer (tf.layers.resizing gets its symbolic shape wrong) and Rescaling to tf.layers', () => {
    expect(getLayer('Resizing')!.tfjs!({ height: 8, width: 5, interpolation: 'nearest' }, { inputs: [[null, 4, 4, 1]] })).toEqual({
      factory: 'custom:ImageResizing',
      args: { height: 8, width: 5, interpolation: 'nearest' },
    });
    expect(getLayer('Rescaling')!.tfjs!({ scale: 2, offset: -1 }, { inputs: [[null, 4]] })).toEqual({ factory: 'rescaling', args: { scale: 2, offset: -1 } });
    expect(getLayer('Rescaling')!.summary!({ scale: 1 / 255, offset: 0 })).toBe('×0.003922');
    expect(getLayer('Resizing')!.summary!({ height: 8, width: 5, interpolation: 'bilinear' })).toBe('8×5');
  });
});
