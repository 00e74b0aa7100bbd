import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/document.js';
import { inferGraph } from '../../graph/infer.js';
import { LAYERS } from '../../graph/layers/index.js';
import { generatePython } from '../../graph/codegen/python.js';
import { generateTypeScript } from '../../graph/codegen/typescript.js';
import { chainGraph, graphOf, type ChainLayer } from '../unit/helpers/graphs.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
let work: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  work = mkdtempSync(join(tmpdir(), 'tensorloom-codegen-layers-'));
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const chain = (shape: number[], layers: ChainLayer[], dtype: 'float32' | 'int32' = 'float32'): Graph => chainGraph(shape, layers, { dtype });
const merge = (type: string, a: number[], b: number[], params: Record<string, unknown> = {}): Graph =>
  graphOf(
    [
      { id: 'a', type: 'Input', params: { shape: a } },
      { id: 'b', type: 'Input', params: { shape: b } },
      { id: 'm', type, params },
      { id: 'y', type: 'Output', params: { loss: 'meanSquaredError', metrics: [] } },
    ],
    [['a', 'm', type === 'MultiHeadAttention' ? 'query' : 'in0'], ['b', 'm', type === 'MultiHeadAttention' ? 'value' : 'in1'], ['m', 'y']],
  );

/** One small graph per layer kind (several for kinds whose export differs by params), with the Keras call expected in Python. */
const CASES: [name: string, graph: Graph, python: string][] = [
  ['Dense', chain([6], [['Dense', { units: 4, activation: 'gelu' }]]), 'layers.Dense(units=4, activation="gelu"'],
  ['Activation', chain([6], [['Activation', { activation: 'hardSigmoid' }]]), 'layers.Activation(activation="hard_sigmoid"'],
  ['Dropout', chain([6], [['Dropout', { rate: 0.3 }]]), 'layers.Dropout(rate=0.3'],
  ['Flatten', chain([4, 3, 2], [['Flatten']]), 'layers.Flatten('],
  ['Reshape', chain([4, 6], [['Reshape', { targetShape: [-1, 3] }]]), 'layers.Reshape(target_shape=(8, 3)'],
  ['Permute', chain([3, 5], [['Permute', { dims: [2, 1] }]]), 'layers.Permute(dims=(2, 1)'],
  ['RepeatVector', chain([5], [['RepeatVector', { n: 3 }]]), 'layers.RepeatVector(n=3'],
  ['Masking', chain([7, 3], [['Masking', { maskValue: 0 }]]), 'layers.Masking(mask_value=0'],
  ['Conv1D', chain([20, 3], [['Conv1D', { filters: 4, kernelSize: [3], strides: [2] }]]), 'layers.Conv1D(filters=4, kernel_size=(3,), strides=(2,)'],
  ['Conv1D causal dilated', chain([20, 2], [['Conv1D', { filters: 3, kernelSize: [3], padding: 'causal', dilationRate: [2] }]]), 'padding="causal", dilation_rate=(2,)'],
  ['Conv2D', chain([10, 10, 3], [['Conv2D', { filters: 8, kernelSize: [3, 3], padding: 'same' }]]), 'layers.Conv2D(filters=8, kernel_size=(3, 3)'],
  ['Conv2D dilated', chain([12, 12, 1], [['Conv2D', { filters: 2, kernelSize: [3, 3], dilationRate: [2, 2] }]]), 'layers.Conv2D(filters=2, kernel_size=(3, 3), strides=(1, 1), padding="valid", dilation_rate=(2, 2)'],
  ['Conv2DTranspose', chain([5, 5, 3], [['Conv2DTranspose', { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }]]), 'layers.Conv2DTranspose(filters=4'],
  ['Conv2DTranspose dilated', chain([5, 6, 3], [['Conv2DTranspose', { filters: 4, kernelSize: [3, 3], dilationRate: [2, 2] }]]), 'layers.Conv2DTranspose(filters=4, kernel_size=(3, 3), strides=(1, 1), padding="valid", activation="linear", use_bias=True, dilation_rate=(2, 2), name="l1")'],
  ['SeparableConv2D dilated', chain([9, 9, 3], [['SeparableConv2D', { filters: 4, kernelSize: [3, 3], dilationRate: [2, 2] }]]), 'layers.SeparableConv2D(filters=4, kernel_size=(3, 3), strides=(1, 1), padding="valid", depth_multiplier=1, activation="linear", use_bias=True, dilation_rate=(2, 2), name="l1")'],
  ['DepthwiseConv2D dilated', chain([9, 9, 3], [['DepthwiseConv2D', { kernelSize: [3, 3], dilationRate: [2, 2], padding: 'same' }]]), 'layers.DepthwiseConv2D(kernel_size=(3, 3), strides=(1, 1), padding="same", depth_multiplier=1, activation="linear", use_bias=True, dilation_rate=(2, 2), name="l1")'],
  ['SeparableConv2D', chain([8, 8, 3], [['SeparableConv2D', { filters: 5, kernelSize: [3, 3], depthMultiplier: 2 }]]), 'layers.SeparableConv2D(filters=5'],
  ['DepthwiseConv2D', chain([8, 8, 3], [['DepthwiseConv2D', { kernelSize: [3, 3] }]]), 'layers.DepthwiseConv2D(kernel_size=(3, 3)'],
  ['UpSampling2D', chain([4, 5, 2], [['UpSampling2D', { size: [2, 2] }]]), 'UpSampling2D'],
  ['ZeroPadding2D', chain([4, 5, 2], [['ZeroPadding2D', { padding: [1, 3] }]]), 'layers.ZeroPadding2D(padding=((1, 1), (3, 3))'],
  ['Cropping2D', chain([8, 9, 2], [['Cropping2D', { cropping: [1, 2] }]]), 'layers.Cropping2D(cropping=((1, 1), (2, 2))'],
  ['MaxPooling1D', chain([10, 3], [['MaxPooling1D', {}]]), 'layers.MaxPooling1D(pool_size=(2,)'],
  ['AveragePooling1D', chain([10, 3], [['AveragePooling1D', { strides: [1] }]]), 'layers.AveragePooling1D(pool_size=(2,), strides=(1,)'],
  ['MaxPooling2D', chain([8, 8, 2], [['MaxPooling2D', { padding: 'same' }]]), 'layers.MaxPooling2D(pool_size=(2, 2), padding="same"'],
  ['AveragePooling2D', chain([8, 8, 2], [['AveragePooling2D', {}]]), 'layers.AveragePooling2D('],
  ['GlobalMaxPooling1D', chain([10, 3], [['GlobalMaxPooling1D']]), 'layers.GlobalMaxPooling1D('],
  ['GlobalAveragePooling1D', chain([10, 3], [['GlobalAveragePooling1D']]), 'layers.GlobalAveragePooling1D('],
  ['GlobalMaxPooling2D', chain([8, 8, 2], [['GlobalMaxPooling2D']]), 'layers.GlobalMaxPooling2D('],
  ['GlobalAveragePooling2D', chain([8, 8, 2], [['GlobalAveragePooling2D']]), 'layers.GlobalAveragePooling2D('],
  ['BatchNormalization', chain([6, 4], [['BatchNormalization', { momentum: 0.9 }]]), 'layers.BatchNormalization(momentum=0.9'],
  ['BatchNormalization without scale', chain([6, 4], [['BatchNormalization', { scale: false }]]), 'layers.BatchNormalization(momentum=0.99, epsilon=0.001, center=True, scale=False'],
  ['LayerNormalization', chain([6, 4], [['LayerNormalization', {}]]), 'layers.LayerNormalization(epsilon=0.001'],
  ['BatchNormalization channels-first', chain([3, 4, 5], [['BatchNormalization', { axis: 1 }]]), 'layers.BatchNormalization(axis=1, momentum=0.99, epsilon=0.001, center=True, scale=True, name="l1")'],
  ['LayerNormalization over two axes', chain([3, 4, 5], [['LayerNormalization', { axis: [1, 2] }]]), 'layers.LayerNormalization(axis=(1, 2), epsilon=0.001, name="l1")'],
  ['SpatialDropout1D', chain([6, 4], [['SpatialDropout1D', { rate: 0.2 }]]), 'layers.SpatialDropout1D(rate=0.2'],
  ['GaussianNoise', chain([6], [['GaussianNoise', { stddev: 0.1 }]]), 'layers.GaussianNoise(stddev=0.1'],
  ['GaussianDropout', chain([6], [['GaussianDropout', { rate: 0.2 }]]), 'layers.GaussianDropout(rate=0.2'],
  ['SimpleRNN', chain([5, 3], [['SimpleRNN', { units: 4 }]]), 'layers.SimpleRNN(units=4'],
  ['LSTM bidirectional', chain([5, 3], [['LSTM', { units: 4, returnSequences: true, bidirectional: true }]]), 'layers.Bidirectional(layers.LSTM(units=4'],
  ['GRU bidirectional sum', chain([5, 3], [['GRU', { units: 4, bidirectional: true, mergeMode: 'sum' }]]), 'reset_after=False), merge_mode="sum"'],
  ['Embedding', chain([7], [['Embedding', { inputDim: 20, outputDim: 4 }]], 'int32'), 'layers.Embedding(input_dim=20, output_dim=4'],
  ['PositionalEmbedding', chain([7], [['PositionalEmbedding', { vocabSize: 20, sequenceLength: 7, embedDim: 8 }]], 'int32'), 'PositionalEmbedding(vocab_size=20'],
  [
    'MultiHeadAttention self',
    graphOf(
      [
        { id: 'x', type: 'Input', params: { shape: [6, 8] } },
        { id: 'att', type: 'MultiHeadAttention', params: { numHeads: 2, keyDim: 4, causal: true } },
        { id: 'y', type: 'Output', params: { loss: 'meanSquaredError', metrics: [] } },
      ],
      [['x', 'att', 'query'], ['att', 'y']],
    ),
    'TensorloomMultiHeadAttention(num_heads=2, key_dim=4, value_dim=None, dropout=0, use_bias=True, causal=True, name="att")(x)',
  ],
  ['MultiHeadAttention cross', merge('MultiHeadAttention', [6, 8], [9, 8], { numHeads: 2, keyDim: 4 }), 'causal=False, name="m")([a, b])'],
  ['TransformerEncoderBlock', chain([6, 8], [['TransformerEncoderBlock', { numHeads: 2, intermediateDim: 16 }]]), 'TransformerEncoderBlock(num_heads=2'],
  ['TransformerDecoderBlock', chain([6, 8], [['TransformerDecoderBlock', { numHeads: 2, intermediateDim: 16, normFirst: true }]]), 'TransformerDecoderBlock(num_heads=2'],
  ['Add', merge('Add', [4, 3], [4, 3]), 'layers.Add(name="m")([a, b])'],
  ['Subtract', merge('Subtract', [4, 3], [4, 3]), 'layers.Subtract(name="m")([a, b])'],
  ['Multiply', merge('Multiply', [4, 3], [4, 3]), 'layers.Multiply(name="m")'],
  ['Average', merge('Average', [4, 3], [4, 3]), 'layers.Average(name="m")'],
  ['Maximum', merge('Maximum', [4, 3], [4, 3]), 'layers.Maximum(name="m")'],
  ['Minimum', merge('Minimum', [4, 3], [4, 3]), 'layers.Minimum(name="m")'],
  ['Concatenate', merge('Concatenate', [4, 3], [4, 5]), 'layers.Concatenate(axis='],
  ['Dot', merge('Dot', [5], [5], { normalize: true }), 'layers.Dot(axes=('],
  ['ReLU', chain([6], [['ReLU', { maxValue: 6 }]]), 'layers.ReLU(max_value=6'],
  ['ReLU slope and threshold', chain([6], [['ReLU', { maxValue: 6, negativeSlope: 0.1, threshold: 0.5 }]]), 'layers.ReLU(max_value=6, negative_slope=0.1, threshold=0.5, name="l1")'],
  ['LeakyReLU', chain([6], [['LeakyReLU', { alpha: 0.2 }]]), 'layers.LeakyReLU(negative_slope=0.2'],
  ['PReLU', chain([6], [['PReLU']]), 'layers.PReLU('],
  ['ELU', chain([6], [['ELU', {}]]), 'layers.ELU('],
  ['ELU alpha', chain([6], [['ELU', { alpha: 0.5 }]]), 'layers.ELU(alpha=0.5'],
  ['Softmax', chain([6], [['Softmax']]), 'layers.Softmax(axis=-1'],
  ['Rescaling', chain([6], [['Rescaling', { scale: 0.5, offset: 1 }]]), 'layers.Rescaling(scale=0.5, offset=1'],
  ['Resizing', chain([8, 8, 3], [['Resizing', { height: 4, width: 6 }]]), 'layers.Resizing(height=4, width=6'],
];

describe('code export covers every layer kind', () => {
  it('has a case for every kind in the registry', () => {
    const covered = new Set(CASES.flatMap(([, g]) => g.nodes.map((n) => n.type)));
    expect(LAYERS.map((l) => l.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(CASES)('%s: valid, and the exported TypeScript builds the same model', async (name, graph) => {
    const inference = inferGraph(graph);
    expect(inference.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const file = join(work, `${name.replace(/\W+/g, '_')}.ts`);
    writeFileSync(file, generateTypeScript(graph, { customLayersImport: join(root, 'graph/tfjs/all.ts') }));
    const model = ((await import(pathToFileURL(file).href)) as { buildModel(): tf.LayersModel }).buildModel();
    try {
      expect(model.countParams()).toBe(inference.totals.trainable + inference.totals.nonTrainable);
      for (const node of graph.nodes) {
        if (node.type === 'Output') continue;
        expect(model.getLayer(node.name).outputShape, node.name).toEqual(inference.nodes[node.id]!.outputShape);
      }
    } finally {
      model.dispose();
    }
  });

  it('the exported Python uses the Keras layer and compiles', async () => {
    const files = CASES.map(([name, graph, expected]) => {
      const code = generatePython(graph);
      expect(code, name).toContain(expected);
      const file = join(work, `${name.replace(/\W+/g, '_')}.py`);
      writeFileSync(file, code);
      return file;
    });
    await expect(promisify(execFile)('python3', ['-m', 'py_compile', ...files])).resolves.toBeDefined();
  });
});
