import { describe, expect, it } from 'vitest';
import { CATEGORIES, getLayer, LAYERS } from '../../graph/layers/index.js';
import { checkParamValue } from '../../graph/layers/params.js';

/** The kinds of issue 2's core, convolution, pooling, normalization, merge, activation and preprocessing families. */
const KINDS = [
  'Dense', 'Activation', 'Dropout', 'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Masking',
  'Conv1D', 'Conv2D', 'Conv2DTranspose', 'SeparableConv2D', 'DepthwiseConv2D', 'UpSampling2D', 'ZeroPadding2D', 'Cropping2D',
  'MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D', 'AveragePooling2D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
  'BatchNormalization', 'LayerNormalization', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout',
  'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot',
  'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax',
  'Rescaling', 'Resizing',
];

describe('layer registry entries (families A)', () => {
  it.each(KINDS)('%s is declared completely', (id) => {
    const def = getLayer(id);
    expect(def, `${id} is missing from the registry`).toBeDefined();
    expect(def!.id).toBe(id);
    expect(def!.label).toBe(id);
    expect(def!.description.length).toBeGreaterThan(10);
    expect(def!.outputs).toBe(1);
    expect(typeof def!.tfjs).toBe('function');
    for (const [name, spec] of Object.entries(def!.params)) {
      expect(spec.doc.length, `${id}.${name} has no doc`).toBeGreaterThan(5);
      expect(checkParamValue(spec, spec.default), `${id}.${name} default is invalid`).toBeNull();
      if (spec.kind === 'choice') expect(spec.choices).toContain(spec.default);
    }
    expect(def!.checkParams?.(Object.fromEntries(Object.entries(def!.params).map(([k, s]) => [k, s.default]))) ?? null).toBeNull();
    if (def!.inputs.kind === 'fixed') expect(def!.inputs.ports.map((p) => p.name)).toEqual(['in']);
    else expect(def!.inputs.name).toBe('in');
  });
});

describe('palette categories', () => {
  // Keras' layers API groups (keras.io/api/layers): Embedding and Masking are core layers, the dropouts and noise
  // are regularization, Flatten/Reshape/padding/cropping/upsampling are reshaping layers.
  const KERAS_GROUPS: Record<string, string[]> = {
    'Inputs/outputs': ['Input', 'Output'],
    Core: ['Dense', 'Activation', 'Embedding', 'Masking'],
    Convolution: ['Conv1D', 'Conv2D', 'Conv2DTranspose', 'SeparableConv2D', 'DepthwiseConv2D'],
    Pooling: ['MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D', 'AveragePooling2D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D'],
    Recurrent: ['SimpleRNN', 'LSTM', 'GRU'],
    Normalization: ['BatchNormalization', 'LayerNormalization'],
    Regularization: ['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout'],
    Attention: ['PositionalEmbedding', 'MultiHeadAttention', 'TransformerEncoderBlock', 'TransformerDecoderBlock'],
    Reshaping: ['Flatten', 'Reshape', 'Permute', 'RepeatVector', 'UpSampling2D', 'ZeroPadding2D', 'Cropping2D'],
    Merging: ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot'],
    Activation: ['ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax'],
    Preprocessing: ['Rescaling', 'Resizing'],
  };

  it('follow Keras\' grouping of its layers, in palette order', () => {
    expect(Object.keys(KERAS_GROUPS)).toEqual([...CATEGORIES]);
    for (const [category, ids] of Object.entries(KERAS_GROUPS)) expect(LAYERS.filter((l) => l.category === category).map((l) => l.id), category).toEqual(ids);
    expect(LAYERS).toHaveLength(Object.values(KERAS_GROUPS).flat().length);
  });
});
