import { describe, expect, it } from 'vitest';
import { getLayer, LAYERS, OTHER_NAMES } from '../../graph/layers/index.js';
import type { ParamSpec } from '../../graph/layers/index.js';
import { parseParam, formatParam } from '../../renderer/panels/inspector.js';
import { searchLayers } from '../../renderer/panels/palette.js';
import { inputHandles } from '../../renderer/canvas/layer-node.js';
import { edgeShapeText, formatCount } from '../../renderer/app/format.js';

describe('inspector fields', () => {
  const conv = getLayer('Conv2D')!;
  const input = getLayer('Input')!;

  it('parses what users type into param values, or says what is wrong', () => {
    expect(parseParam(conv.params.filters!, '16')).toEqual({ value: 16 });
    expect(parseParam(conv.params.filters!, '0')).toEqual({ error: expect.stringContaining('at least 1') });
    expect(parseParam(conv.params.filters!, '2.5')).toEqual({ error: expect.stringContaining('whole number') });
    expect(parseParam(conv.params.filters!, 'abc')).toEqual({ error: expect.stringContaining('must be a number') });
    expect(parseParam(conv.params.kernelSize!, '5, 5')).toEqual({ value: [5, 5] });
    expect(parseParam(conv.params.kernelSize!, '[3×3]')).toEqual({ value: [3, 3] });
    expect(parseParam(conv.params.kernelSize!, '3')).toEqual({ error: expect.stringContaining('exactly 2') });
    expect(parseParam(input.params.shape!, '28, 28, 1')).toEqual({ value: [28, 28, 1] });
    const nullable: ParamSpec = { kind: 'float', default: null, nullable: true, doc: '' };
    expect(parseParam(nullable, '')).toEqual({ value: null });
  });

  it('formats values back into the text a user would type', () => {
    expect(formatParam(conv.params.kernelSize!, [3, 3])).toBe('3, 3');
    expect(formatParam(conv.params.filters!, 32)).toBe('32');
    expect(formatParam({ kind: 'int', default: null, nullable: true, doc: '' }, null)).toBe('');
  });
});

describe('palette search', () => {
  it('finds layers by name first, then by category and description', () => {
    const conv = searchLayers('conv').map((d) => d.id);
    expect(conv[0]).toMatch(/^Conv/);
    expect(conv).toContain('Conv2D');
    expect(searchLayers('dense')[0]!.id).toBe('Dense');
    expect(searchLayers('pooling').length).toBeGreaterThan(3);
    expect(searchLayers('').length).toBe(LAYERS.length);
    expect(searchLayers('zzzz-no-such')).toEqual([]);
  });

  it('puts the kind most networks use first among equal matches', () => {
    expect(searchLayers('conv')[0]!.id).toBe('Conv2D');
    expect(searchLayers('pool')[0]!.id).toBe('MaxPooling2D');
    expect(searchLayers('norm')[0]!.id).toBe('BatchNormalization');
    // An exact name still wins over a common kind.
    expect(searchLayers('conv1d')[0]!.id).toBe('Conv1D');
  });

  it("finds Keras kinds by PyTorch's names", () => {
    const first = (q: string) => searchLayers(q)[0]?.id;
    expect(first('Linear')).toBe('Dense');
    expect(first('fc')).toBe('Dense');
    expect(first('MaxPool2d')).toBe('MaxPooling2D');
    expect(first('AvgPool2d')).toBe('AveragePooling2D');
    expect(first('BatchNorm2d')).toBe('BatchNormalization');
    expect(first('ConvTranspose2d')).toBe('Conv2DTranspose');
    expect(first('LayerNorm')).toBe('LayerNormalization');
    expect(first('AdaptiveAvgPool2d')).toBe('GlobalAveragePooling2D');
    expect(first('cat')).toBe('Concatenate');
  });

  it('names only registered layer kinds in the other-names table', () => {
    for (const id of Object.keys(OTHER_NAMES)) expect(getLayer(id)?.id, id).toBe(id);
  });
});

describe('node faces', () => {
  it('draws fixed ports, and variadic ports as the connected ones plus one free handle', () => {
    expect(inputHandles(getLayer('Dense'), '').map((h) => h.id)).toEqual(['in']);
    expect(inputHandles(getLayer('Input'), '').map((h) => h.id)).toEqual([]);
    expect(inputHandles(getLayer('Add'), '').map((h) => h.id)).toEqual(['in0', 'in1']);
    expect(inputHandles(getLayer('Add'), 'in0,in1').map((h) => h.id)).toEqual(['in0', 'in1', 'in2']);
    expect(inputHandles(getLayer('Subtract'), 'in0,in1').map((h) => h.id)).toEqual(['in0', 'in1']);
    expect(inputHandles(getLayer('Concatenate'), 'in0,in2').map((h) => h.id)).toEqual(['in0', 'in1', 'in2']);
  });

  it('labels edges compactly and counts in K/M', () => {
    expect(edgeShapeText([null, 26, 26, 32])).toBe('26×26×32');
    expect(edgeShapeText([null, null, 8])).toBe('?×8');
    expect(edgeShapeText(null)).toBe('?');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(34826)).toBe('34.8K');
    expect(formatCount(1_200_000)).toBe('1.20M');
  });
});
