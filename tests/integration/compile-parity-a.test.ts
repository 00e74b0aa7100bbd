import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../graph/compile.js';
import type { Graph } from '../../graph/document.js';
import { ACTIVATIONS } from '../../graph/layers/index.js';
import { chainGraph, graphOf, type ChainLayer, type NodeSpec } from '../unit/helpers/graphs.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Case = [name: string, inputShape: number[], layers: ChainLayer[]];

// Every kind of sections core/conv/pooling/normalization/activation/preprocessing, several param cases each.
const chains: Case[] = [
  // Core
  ['Dense rank 2', [6], [['Dense', { units: 4 }]]],
  ['Dense rank 3 no bias', [5, 6], [['Dense', { units: 3, useBias: false, activation: 'gelu' }]]],
  ['Activation swish', [6], [['Activation', { activation: 'swish' }]]],
  ['Dropout', [6], [['Dropout', { rate: 0.3 }]]],
  ['Flatten', [4, 3, 2], [['Flatten']]],
  ['Reshape explicit', [12], [['Reshape', { targetShape: [3, 4] }]]],
  ['Reshape inferred', [4, 6], [['Reshape', { targetShape: [-1, 3] }]]],
  ['Reshape to image', [784], [['Reshape', { targetShape: [28, 28, 1] }]]],
  ['Permute swap', [3, 5], [['Permute', { dims: [2, 1] }]]],
  ['Permute 3d', [2, 3, 4], [['Permute', { dims: [3, 1, 2] }]]],
  ['RepeatVector', [5], [['RepeatVector', { n: 3 }]]],
  ['Masking', [7, 3], [['Masking', { maskValue: 0 }]]],
  // Convolution
  ['Conv1D valid', [20, 3], [['Conv1D', { filters: 4, kernelSize: [3] }]]],
  ['Conv1D same stride 2', [21, 3], [['Conv1D', { filters: 4, kernelSize: [5], strides: [2], padding: 'same' }]]],
  ['Conv1D causal dilated', [20, 2], [['Conv1D', { filters: 3, kernelSize: [3], padding: 'causal', dilationRate: [2] }]]],
  ['Conv1D causal stride 2 no bias', [9, 2], [['Conv1D', { filters: 3, kernelSize: [4], strides: [2], padding: 'causal', useBias: false, activation: 'tanh' }]]],
  ['Conv1D valid dilated no bias', [20, 2], [['Conv1D', { filters: 3, kernelSize: [3], dilationRate: [3], useBias: false }]]],
  ['Conv2D valid', [10, 10, 3], [['Conv2D', { filters: 8, kernelSize: [3, 3], activation: 'relu' }]]],
  ['Conv2D same stride 2', [11, 9, 2], [['Conv2D', { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }]]],
  ['Conv2D valid stride 2 rect kernel', [11, 9, 2], [['Conv2D', { filters: 4, kernelSize: [3, 2], strides: [2, 3] }]]],
  ['Conv2D dilated', [12, 12, 1], [['Conv2D', { filters: 2, kernelSize: [3, 3], dilationRate: [2, 2] }]]],
  ['Conv2D dilated same', [12, 12, 1], [['Conv2D', { filters: 2, kernelSize: [3, 3], dilationRate: [2, 2], padding: 'same', useBias: false }]]],
  ['Conv2DTranspose valid', [5, 5, 3], [['Conv2DTranspose', { filters: 4, kernelSize: [3, 3] }]]],
  ['Conv2DTranspose same stride 2', [5, 6, 3], [['Conv2DTranspose', { filters: 2, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }]]],
  ['Conv2DTranspose valid stride 2', [5, 6, 3], [['Conv2DTranspose', { filters: 2, kernelSize: [4, 3], strides: [2, 2], useBias: false }]]],
  ['Conv2DTranspose valid stride > kernel', [4, 4, 1], [['Conv2DTranspose', { filters: 1, kernelSize: [2, 2], strides: [3, 3] }]]],
  ['SeparableConv2D valid', [8, 8, 3], [['SeparableConv2D', { filters: 5, kernelSize: [3, 3] }]]],
  ['SeparableConv2D same dm 2 stride 2', [9, 8, 3], [['SeparableConv2D', { filters: 4, kernelSize: [3, 3], depthMultiplier: 2, strides: [2, 2], padding: 'same' }]]],
  ['SeparableConv2D no bias', [8, 8, 2], [['SeparableConv2D', { filters: 4, kernelSize: [2, 2], useBias: false }]]],
  ['DepthwiseConv2D valid', [8, 8, 3], [['DepthwiseConv2D', { kernelSize: [3, 3] }]]],
  ['DepthwiseConv2D same dm 3 stride 2', [9, 7, 2], [['DepthwiseConv2D', { kernelSize: [3, 3], depthMultiplier: 3, strides: [2, 2], padding: 'same' }]]],
  ['DepthwiseConv2D no bias', [6, 6, 4], [['DepthwiseConv2D', { kernelSize: [2, 2], useBias: false }]]],
  // Dilation on the other 2-D convolutions (graph/tfjs' zero-spread stand-ins).
  ['Conv2DTranspose dilated valid', [5, 6, 3], [['Conv2DTranspose', { filters: 4, kernelSize: [3, 3], dilationRate: [2, 3] }]]],
  ['Conv2DTranspose dilated same no bias', [5, 6, 3], [['Conv2DTranspose', { filters: 2, kernelSize: [2, 3], dilationRate: [2, 2], padding: 'same', useBias: false, activation: 'relu' }]]],
  ['SeparableConv2D dilated', [10, 9, 3], [['SeparableConv2D', { filters: 5, kernelSize: [3, 3], dilationRate: [2, 3] }]]],
  ['SeparableConv2D dilated same dm 2', [10, 9, 3], [['SeparableConv2D', { filters: 5, kernelSize: [3, 3], dilationRate: [2, 2], depthMultiplier: 2, padding: 'same' }]]],
  ['DepthwiseConv2D dilated', [9, 8, 2], [['DepthwiseConv2D', { kernelSize: [3, 3], dilationRate: [3, 2] }]]],
  ['DepthwiseConv2D dilated same dm 2 no bias', [9, 8, 2], [['DepthwiseConv2D', { kernelSize: [2, 3], dilationRate: [2, 2], depthMultiplier: 2, padding: 'same', useBias: false }]]],
  ['UpSampling2D nearest', [4, 5, 2], [['UpSampling2D', { size: [2, 2] }]]],
  ['UpSampling2D bilinear rect', [4, 5, 2], [['UpSampling2D', { size: [3, 2], interpolation: 'bilinear' }]]],
  ['ZeroPadding2D symmetric', [4, 5, 2], [['ZeroPadding2D', { padding: [2] }]]],
  ['ZeroPadding2D rows/cols', [4, 5, 2], [['ZeroPadding2D', { padding: [1, 3] }]]],
  ['ZeroPadding2D four sides', [4, 5, 2], [['ZeroPadding2D', { padding: [1, 0, 2, 3] }]]],
  ['Cropping2D rows/cols', [8, 9, 2], [['Cropping2D', { cropping: [1, 2] }]]],
  ['Cropping2D four sides', [8, 9, 2], [['Cropping2D', { cropping: [0, 3, 1, 2] }]]],
  ['Cropping2D none', [8, 9, 2], [['Cropping2D', {}]]],
  // Pooling
  ['MaxPooling1D', [10, 3], [['MaxPooling1D', {}]]],
  ['MaxPooling1D same stride 1', [9, 3], [['MaxPooling1D', { poolSize: [3], strides: [1], padding: 'same' }]]],
  ['AveragePooling1D odd', [9, 3], [['AveragePooling1D', { poolSize: [2] }]]],
  ['AveragePooling1D same stride 2', [9, 3], [['AveragePooling1D', { poolSize: [3], strides: [2], padding: 'same' }]]],
  ['MaxPooling2D', [28, 28, 1], [['MaxPooling2D', {}]]],
  ['MaxPooling2D odd same', [7, 9, 2], [['MaxPooling2D', { poolSize: [2, 2], padding: 'same' }]]],
  ['MaxPooling2D overlapping', [8, 8, 2], [['MaxPooling2D', { poolSize: [3, 3], strides: [2, 2] }]]],
  ['AveragePooling2D', [6, 8, 3], [['AveragePooling2D', { poolSize: [2, 4] }]]],
  ['AveragePooling2D same', [7, 7, 1], [['AveragePooling2D', { poolSize: [3, 3], strides: [2, 2], padding: 'same' }]]],
  ['GlobalMaxPooling1D', [10, 4], [['GlobalMaxPooling1D']]],
  ['GlobalAveragePooling1D', [10, 4], [['GlobalAveragePooling1D']]],
  ['GlobalMaxPooling2D', [5, 6, 7], [['GlobalMaxPooling2D']]],
  ['GlobalAveragePooling2D', [5, 6, 7], [['GlobalAveragePooling2D']]],
  // Normalization and noise
  ['BatchNormalization dense', [6], [['BatchNormalization', {}]]],
  ['BatchNormalization image no center', [4, 4, 3], [['BatchNormalization', { center: false, momentum: 0.9 }]]],
  ['BatchNormalization no scale', [5, 3], [['BatchNormalization', { scale: false, epsilon: 0.01 }]]],
  ['LayerNormalization', [6], [['LayerNormalization', {}]]],
  ['LayerNormalization sequence', [5, 4], [['LayerNormalization', { epsilon: 1e-5 }]]],
  ['BatchNormalization channels-first (axis 1)', [3, 4, 5], [['BatchNormalization', { axis: 1 }]]],
  ['BatchNormalization axis -2 without center', [7, 2], [['BatchNormalization', { axis: -2, center: false }]]],
  ['LayerNormalization over a whole image', [4, 5, 3], [['LayerNormalization', { axis: [1, 2, 3] }]]],
  ['LayerNormalization over the last two axes', [6, 4, 3], [['LayerNormalization', { axis: [-2, -1] }]]],
  ['SpatialDropout1D', [7, 3], [['SpatialDropout1D', { rate: 0.2 }]]],
  ['GaussianNoise', [5, 2], [['GaussianNoise', { stddev: 0.5 }]]],
  ['GaussianDropout', [6], [['GaussianDropout', { rate: 0.3 }]]],
  // Activation layers
  ['ReLU', [6], [['ReLU', {}]]],
  ['ReLU max 6', [3, 2], [['ReLU', { maxValue: 6 }]]],
  ['ReLU slope, threshold and cap', [6], [['ReLU', { negativeSlope: 0.1, threshold: 0.5, maxValue: 2 }]]],
  ['ReLU negative threshold', [3, 2], [['ReLU', { threshold: -1 }]]],
  ['LeakyReLU', [6], [['LeakyReLU', { alpha: 0.1 }]]],
  ['PReLU vector', [6], [['PReLU']]],
  ['PReLU image', [3, 4, 2], [['PReLU']]],
  ['ELU alpha 1', [6], [['ELU', {}]]],
  ['ELU alpha 0.5', [6], [['ELU', { alpha: 0.5 }]]],
  ['Softmax', [6], [['Softmax', {}]]],
  ['Softmax axis 2 (last, positive)', [4, 3], [['Softmax', { axis: 2 }]]],
  // Preprocessing
  ['Rescaling', [4, 4, 1], [['Rescaling', { scale: 1 / 255 }]]],
  ['Rescaling offset', [5], [['Rescaling', { scale: 2, offset: -1 }]]],
  ['Resizing bilinear up', [4, 6, 3], [['Resizing', { height: 8, width: 5 }]]],
  ['Resizing nearest down', [9, 9, 1], [['Resizing', { height: 3, width: 4, interpolation: 'nearest' }]]],
  // More cases for single-case kinds.
  ['Activation softmax on a sequence', [3, 4], [['Activation', { activation: 'softmax' }]]],
  ['Activation selu after Dense', [4], [['Dense', { units: 5 }], ['Activation', { activation: 'selu' }]]],
  ['Dropout on an image', [4, 4, 2], [['Dropout', { rate: 0.9 }]]],
  ['Flatten a sequence before Dense', [7, 3], [['Flatten'], ['Dense', { units: 2 }]]],
  ['RepeatVector after Dense', [3], [['Dense', { units: 4 }], ['RepeatVector', { n: 5 }]]],
  ['Masking then Conv1D', [6, 4], [['Masking', { maskValue: -1 }], ['Conv1D', { filters: 2, kernelSize: [2] }]]],
  ['Masking then Dense', [6, 4], [['Masking', {}], ['Dense', { units: 3 }]]],
  ['SpatialDropout1D after Conv1D', [9, 2], [['Conv1D', { filters: 3, kernelSize: [2] }], ['SpatialDropout1D', { rate: 0.5 }]]],
  ['GaussianNoise on an image', [3, 3, 2], [['GaussianNoise', { stddev: 0.1 }]]],
  ['GaussianDropout on a sequence', [4, 3], [['GaussianDropout', { rate: 0.1 }]]],
  ['LeakyReLU on an image', [3, 3, 2], [['LeakyReLU', {}]]],
  ['GlobalMaxPooling1D after Conv1D', [12, 2], [['Conv1D', { filters: 5, kernelSize: [3], padding: 'same' }], ['GlobalMaxPooling1D']]],
  ['GlobalAveragePooling2D after SeparableConv2D', [8, 8, 3], [['SeparableConv2D', { filters: 6, kernelSize: [3, 3] }], ['GlobalAveragePooling2D']]],
  ['GlobalMaxPooling2D after DepthwiseConv2D', [8, 8, 3], [['DepthwiseConv2D', { kernelSize: [3, 3], depthMultiplier: 2 }], ['GlobalMaxPooling2D']]],
  ['GlobalAveragePooling1D then Dense', [10, 4], [['GlobalAveragePooling1D'], ['Dense', { units: 2 }]]],
  ['Permute then Reshape', [3, 4, 2], [['Permute', { dims: [2, 3, 1] }], ['Reshape', { targetShape: [8, -1] }]]],
  ['Reshape a sequence back to a vector', [3, 4], [['Reshape', { targetShape: [12] }]]],
  ['UpSampling2D then Cropping2D', [3, 3, 1], [['UpSampling2D', { size: [2, 2] }], ['Cropping2D', { cropping: [1] }]]],
  ['autoencoder-style up path', [7, 7, 4], [['Conv2DTranspose', { filters: 8, kernelSize: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' }], ['Conv2D', { filters: 1, kernelSize: [3, 3], padding: 'same', activation: 'sigmoid' }]]],
  // A realistic stack: Keras' "Simple MNIST convnet" (34,826 parameters).
  [
    'MNIST convnet',
    [28, 28, 1],
    [
      ['Conv2D', { filters: 32, kernelSize: [3, 3], activation: 'relu' }],
      ['MaxPooling2D', {}],
      ['Conv2D', { filters: 64, kernelSize: [3, 3], activation: 'relu' }],
      ['MaxPooling2D', {}],
      ['Flatten'],
      ['Dropout', { rate: 0.5 }],
      ['Dense', { units: 10, activation: 'softmax' }],
    ],
  ],
];

function twoBranches(type: string, params: Record<string, unknown>, a: [number[], ChainLayer[]], b: [number[], ChainLayer[]]): Graph {
  const nodes: NodeSpec[] = [
    { id: 'x', type: 'Input', params: { shape: a[0] } },
    { id: 'y', type: 'Input', params: { shape: b[0] } },
    { id: 'm', type, name: 'merge', params },
    { id: 'o', type: 'Output', params: { loss: 'meanSquaredError', metrics: [] } },
  ];
  const edges: [string, string, string?][] = [];
  let prevA = 'x';
  a[1].forEach(([t, p], i) => {
    nodes.push({ id: `a${i}`, type: t, params: p ?? {} });
    edges.push([prevA, `a${i}`]);
    prevA = `a${i}`;
  });
  let prevB = 'y';
  b[1].forEach(([t, p], i) => {
    nodes.push({ id: `b${i}`, type: t, params: p ?? {} });
    edges.push([prevB, `b${i}`]);
    prevB = `b${i}`;
  });
  edges.push([prevA, 'm', 'in0'], [prevB, 'm', 'in1'], ['m', 'o']);
  return graphOf(nodes, edges);
}

const merges: [string, Graph][] = [
  ['Add two', twoBranches('Add', {}, [[8], []], [[8], []])],
  [
    'Add three with Dense branch',
    graphOf(
      [
        { id: 'x', type: 'Input', params: { shape: [4] } },
        { id: 'd1', type: 'Dense', params: { units: 6 } },
        { id: 'd2', type: 'Dense', params: { units: 6 } },
        { id: 'd3', type: 'Dense', params: { units: 6 } },
        { id: 'm', type: 'Add' },
        { id: 'o', type: 'Output', params: { loss: 'meanSquaredError', metrics: [] } },
      ],
      [['x', 'd1'], ['x', 'd2'], ['x', 'd3'], ['d1', 'm', 'in0'], ['d2', 'm', 'in1'], ['d3', 'm', 'in2'], ['m', 'o']],
    ),
  ],
  ['Subtract', twoBranches('Subtract', {}, [[3, 4], []], [[3, 4], []])],
  ['Multiply', twoBranches('Multiply', {}, [[5], []], [[5], []])],
  ['Average images', twoBranches('Average', {}, [[4, 4, 2], []], [[4, 4, 2], []])],
  ['Maximum', twoBranches('Maximum', {}, [[5], []], [[5], []])],
  ['Minimum', twoBranches('Minimum', {}, [[5], []], [[5], []])],
  ['Subtract after Dense branches', twoBranches('Subtract', {}, [[4], [['Dense', { units: 3 }]]], [[6], [['Dense', { units: 3 }]]])],
  ['Subtract images', twoBranches('Subtract', {}, [[4, 4, 2], []], [[4, 4, 2], []])],
  ['Multiply gate', twoBranches('Multiply', {}, [[4], [['Dense', { units: 3, activation: 'sigmoid' }]]], [[3], []])],
  ['Maximum of sequences', twoBranches('Maximum', {}, [[3, 2], []], [[3, 2], []])],
  ['Minimum after Conv2D', twoBranches('Minimum', {}, [[5, 5, 1], [['Conv2D', { filters: 2, kernelSize: [3, 3] }]]], [[3, 3, 2], []])],
  ['Average after Dense', twoBranches('Average', {}, [[2], [['Dense', { units: 4 }]]], [[4], []])],
  ['Concatenate last', twoBranches('Concatenate', {}, [[8], []], [[4], []])],
  ['Concatenate axis 1', twoBranches('Concatenate', { axis: 1 }, [[3, 4], []], [[5, 4], []])],
  ['Concatenate axis -2 images', twoBranches('Concatenate', { axis: -2 }, [[4, 3, 2], []], [[4, 5, 2], []])],
  ['Concatenate channels after conv', twoBranches('Concatenate', {}, [[6, 6, 1], [['Conv2D', { filters: 3, kernelSize: [3, 3], padding: 'same' }]]], [[6, 6, 2], []])],
  ['Dot vectors', twoBranches('Dot', { axes: [1] }, [[6], []], [[6], []])],
  ['Dot cosine', twoBranches('Dot', { axes: [-1], normalize: true }, [[6], []], [[6], []])],
  ['Dot sequences last axes', twoBranches('Dot', { axes: [2, 2] }, [[3, 4], []], [[5, 4], []])],
  ['Dot sequences mixed axes', twoBranches('Dot', { axes: [1, 2] }, [[4, 3], []], [[5, 4], []])],
  ['Dot matrix vector', twoBranches('Dot', { axes: [-1, -1] }, [[3, 4], []], [[4], []])],
];

const cases: [string, Graph][] = [...chains.map(([n, shape, layers]) => [n, chainGraph(shape, layers)] as [string, Graph]), ...merges];

describe('compile parity (core, conv, pooling, normalization, merge, activation, preprocessing)', () => {
  it.each(cases)('%s: tfjs shapes and parameter counts equal inference', (_name, graph) => {
    const compiled = compileGraph(graph, tf);
    const { model, inference } = compiled;
    try {
      const outNode = graph.nodes.find((n) => n.type === 'Output')!;
      const inferred = inference.nodes[outNode.id]!.outputShape!;
      expect(model.outputs[0]!.shape).toEqual(inferred);
      // Every layer, not just the last: tfjs' symbolic shape equals the inferred one.
      for (const node of graph.nodes) {
        if (node.type === 'Input' || node.type === 'Output') continue;
        expect(model.getLayer(node.name).outputShape, `${node.type} '${node.name}'`).toEqual(inference.nodes[node.id]!.outputShape);
      }
      expect(model.countParams()).toBe(inference.totals.trainable + inference.totals.nonTrainable);
      const trainable = model.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
      expect(trainable).toBe(inference.totals.trainable);
      const xs = compiled.inputs.map((i) => tf.randomNormal([2, ...(i.shape.slice(1) as number[])]));
      const y = model.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor;
      expect(y.shape).toEqual([2, ...inferred.slice(1)]);
      expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
      // Training needs a gradient through every layer; tfjs lacks some (e.g. dilated conv2d), so check them all.
      const grads = tf.grads((...ins: tf.Tensor[]) => tf.sum(model.apply(ins.length === 1 ? ins[0]! : ins, { training: true }) as tf.Tensor))(xs);
      grads.forEach((g, i) => expect(g.shape).toEqual(xs[i]!.shape));
      expect(grads.every((g) => Array.from(g.dataSync()).every(Number.isFinite))).toBe(true);
      tf.dispose([...xs, y, ...grads]);
    } finally {
      model.dispose();
    }
  });
});

// The custom layers (Subtract, AlphaELU, KerasReLU, the dilated convolutions, ImageResizing, PartialBatchNormalization, TrainableMasking) must reload with tf.loadLayersModel.
describe('custom layers survive a save/load round trip', () => {
  const roundTrips: [string, Graph][] = [
    ['Subtract', twoBranches('Subtract', {}, [[4], [['Dense', { units: 3 }]]], [[3], []])],
    ['ELU alpha 0.5', chainGraph([5], [['Dense', { units: 4 }], ['ELU', { alpha: 0.5 }]])],
    ['causal Conv1D', chainGraph([8, 2], [['Conv1D', { filters: 3, kernelSize: [3], padding: 'causal', dilationRate: [2], activation: 'relu' }]])],
    ['Resizing', chainGraph([4, 4, 2], [['Resizing', { height: 6, width: 3 }], ['Resizing', { height: 2, width: 2, interpolation: 'nearest' }]])],
    ['BatchNormalization without scale', chainGraph([4], [['Dense', { units: 3 }], ['BatchNormalization', { scale: false }]])],
    ['BatchNormalization without center', chainGraph([4], [['Dense', { units: 3 }], ['BatchNormalization', { center: false }]])],
    ['UpSampling2D bilinear', chainGraph([3, 2, 1], [['UpSampling2D', { size: [2, 3], interpolation: 'bilinear' }]])],
    ['Masking', chainGraph([4, 3], [['Dense', { units: 2 }], ['Masking', { maskValue: 0.5 }]])],
    ['dilated Conv2DTranspose', chainGraph([4, 5, 2], [['Conv2DTranspose', { filters: 3, kernelSize: [3, 3], dilationRate: [2, 1], activation: 'tanh' }]])],
    ['dilated DepthwiseConv2D', chainGraph([7, 7, 2], [['DepthwiseConv2D', { kernelSize: [3, 3], dilationRate: [2, 2], depthMultiplier: 2 }]])],
    ['dilated SeparableConv2D', chainGraph([7, 7, 2], [['SeparableConv2D', { filters: 3, kernelSize: [3, 3], dilationRate: [2, 2], padding: 'same' }]])],
    ['ReLU with slope and threshold', chainGraph([5], [['Dense', { units: 4 }], ['ReLU', { negativeSlope: 0.2, threshold: 0.1, maxValue: 3 }]])],
    ['BatchNormalization on axis 1', chainGraph([3, 4], [['Dense', { units: 2 }], ['BatchNormalization', { axis: 1 }]])],
  ];
  it.each(roundTrips)('%s', async (_name, graph) => {
    const { model, inputs } = compileGraph(graph, tf, { compile: false });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const xs = inputs.map((i) => tf.randomNormal([3, ...(i.shape.slice(1) as number[])]));
    const arg = xs.length === 1 ? xs[0]! : xs;
    const a = model.predict(arg) as tf.Tensor;
    const b = loaded.predict(arg) as tf.Tensor;
    expect(b.shape).toEqual(a.shape);
    const diff = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([...xs, a, b]);
    model.dispose();
    loaded.dispose();
  });
});

describe('custom layers compute what Keras computes', () => {
  it('Subtract gives first minus second', () => {
    const { model } = compileGraph(twoBranches('Subtract', {}, [[3], []], [[3], []]), tf, { compile: false });
    const y = model.predict([tf.tensor2d([[5, 2, 1]]), tf.tensor2d([[1, 2, 3]])]) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([4, 0, -2]);
    model.dispose();
  });
  it('ELU with alpha 0.5 scales the negative part', () => {
    const { model } = compileGraph(chainGraph([2], [['ELU', { alpha: 0.5 }]]), tf, { compile: false });
    const y = Array.from((model.predict(tf.tensor2d([[2, -1]])) as tf.Tensor).dataSync());
    expect(y[0]).toBeCloseTo(2, 6);
    expect(y[1]).toBeCloseTo(0.5 * (Math.exp(-1) - 1), 6);
    model.dispose();
  });
  it('causal Conv1D never sees later steps', () => {
    const { model } = compileGraph(chainGraph([6, 1], [['Conv1D', { filters: 1, kernelSize: [3], padding: 'causal' }]]), tf, { compile: false });
    const base = tf.tensor3d([[[1], [2], [3], [4], [5], [6]]]);
    const changedLast = tf.tensor3d([[[1], [2], [3], [4], [5], [60]]]);
    const a = Array.from((model.predict(base) as tf.Tensor).dataSync());
    const b = Array.from((model.predict(changedLast) as tf.Tensor).dataSync());
    expect(b.slice(0, 5)).toEqual(a.slice(0, 5));
    expect(b[5]).not.toEqual(a[5]);
    model.dispose();
  });
});

describe('custom layers train', () => {
  it('gradients flow through Subtract, AlphaELU, causal DilatedConv, ImageResizing and PartialBatchNormalization', async () => {
    const graph = graphOf(
      [
        { id: 'x', type: 'Input', params: { shape: [8, 2] } },
        { id: 'c1', type: 'Conv1D', params: { filters: 4, kernelSize: [3], padding: 'causal' } },
        { id: 'c2', type: 'Conv1D', params: { filters: 4, kernelSize: [2], padding: 'causal', dilationRate: [2] } },
        { id: 'sub', type: 'Subtract' },
        { id: 'elu', type: 'ELU', params: { alpha: 0.3 } },
        { id: 'r', type: 'Reshape', params: { targetShape: [8, 4, 1] } },
        { id: 'rs', type: 'Resizing', params: { height: 4, width: 2 } },
        { id: 'bn', type: 'BatchNormalization', params: { center: false } },
        { id: 'up', type: 'UpSampling2D', params: { interpolation: 'bilinear', size: [1, 2] } },
        { id: 'f', type: 'Flatten' },
        { id: 'd', type: 'Dense', params: { units: 1 } },
        { id: 'o', type: 'Output', params: { loss: 'meanSquaredError', metrics: [] } },
      ],
      [['x', 'c1'], ['x', 'c2'], ['c1', 'sub', 'in0'], ['c2', 'sub', 'in1'], ['sub', 'elu'], ['elu', 'r'], ['r', 'rs'], ['rs', 'bn'], ['bn', 'up'], ['up', 'f'], ['f', 'd'], ['d', 'o']],
    );
    const { model } = compileGraph(graph, tf);
    const before = model.getLayer('c1').getWeights().map((w) => w.dataSync().slice());
    const xs = tf.randomNormal([8, 8, 2]);
    const ys = tf.randomNormal([8, 1]);
    const h = await model.fit(xs, ys, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(h.history.loss!.every((l) => Number.isFinite(l as number))).toBe(true);
    const after = model.getLayer('c1').getWeights().map((w) => w.dataSync());
    expect(after.some((w, i) => w.some((v, j) => v !== before[i]![j]))).toBe(true);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

describe('Resizing', () => {
  it.each([
    [8, 4, 4, 2],
    [4, 4, 8, 8],
    [5, 7, 3, 9],
    [6, 6, 6, 6],
  ].flatMap((c) => (['bilinear', 'nearest'] as const).map((m): [string, number, number, number, number] => [m, c[0]!, c[1]!, c[2]!, c[3]!])))('%s %i×%i -> %i×%i matches tf.image with half-pixel centres', (method, H, W, h, w) => {
    const { model } = compileGraph(chainGraph([H, W, 2], [['Resizing', { height: h, width: w, interpolation: method }]]), tf, { compile: false });
    const x = tf.randomNormal([2, H, W, 2]);
    const ours = model.predict(x) as tf.Tensor;
    const ref = method === 'bilinear' ? tf.image.resizeBilinear(x as tf.Tensor4D, [h, w], false, true) : tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [h, w], false, true);
    expect(ours.shape).toEqual(ref.shape);
    expect(tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([x, ours, ref]);
    model.dispose();
  });
});

describe('DilatedConv matches TensorFlow.js convolution with dilations', () => {
  it.each([
    ['Conv2D valid dilation 2', [9, 9, 2], { filters: 3, kernelSize: [3, 3], dilationRate: [2, 2] }],
    ['Conv2D same dilation 2x3', [9, 10, 2], { filters: 3, kernelSize: [3, 2], dilationRate: [2, 3], padding: 'same' }],
  ] as const)('%s', (_name, shape, params) => {
    const { model } = compileGraph(chainGraph([...shape], [['Conv2D', { ...params, activation: 'linear' }]]), tf, { compile: false });
    const [kernel, bias] = model.layers[1]!.getWeights();
    const x = tf.randomNormal([2, ...shape]);
    const ours = model.predict(x) as tf.Tensor;
    const ref = tf.add(tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'padding' in params ? 'same' : 'valid', 'NHWC', params.dilationRate as unknown as [number, number]), bias!);
    expect(ours.shape).toEqual(ref.shape);
    expect(tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0]).toBeLessThan(1e-4);
    tf.dispose([x, ours, ref]);
    model.dispose();
  });
  it('trains a dilated Conv2D', async () => {
    const { model } = compileGraph(chainGraph([8, 8, 1], [['Conv2D', { filters: 2, kernelSize: [3, 3], dilationRate: [2, 2], padding: 'same' }, 'dil'], ['Flatten'], ['Dense', { units: 1 }]]), tf);
    const before = model.getLayer('dil').getWeights()[0]!.dataSync().slice();
    const xs = tf.randomNormal([4, 8, 8, 1]);
    const ys = tf.randomNormal([4, 1]);
    await model.fit(xs, ys, { epochs: 1, verbose: 0 });
    const after = model.getLayer('dil').getWeights()[0]!.dataSync();
    expect(after.some((v, i) => v !== before[i])).toBe(true);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

describe('every activation the activation param offers', () => {
  it.each([...ACTIVATIONS])('%s compiles, predicts and has a gradient in tfjs', (activation) => {
    const { model } = compileGraph(chainGraph([4], [['Dense', { units: 3, activation }], ['Activation', { activation }]]), tf);
    const x = tf.randomNormal([2, 4]);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(model.apply(t) as tf.Tensor))(x);
    expect([...y.dataSync(), ...g.dataSync()].every(Number.isFinite)).toBe(true);
    tf.dispose([x, y, g]);
    model.dispose();
  });
});

describe('Masking', () => {
  it('makes an LSTM skip masked timesteps, as Keras does', () => {
    const { model } = compileGraph(chainGraph([3, 2], [['Masking', { maskValue: 0 }], ['LSTM', { units: 2 }]]), tf, { compile: false });
    const { model: plain } = compileGraph(chainGraph([2, 2], [['LSTM', { units: 2 }]]), tf, { compile: false });
    plain.setWeights(model.getWeights());
    const padded = model.predict(tf.tensor3d([[[1, 2], [3, 4], [0, 0]]])) as tf.Tensor;
    const short = plain.predict(tf.tensor3d([[[1, 2], [3, 4]]])) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(padded, short))).dataSync()[0]).toBeLessThan(1e-6);
    model.dispose();
    plain.dispose();
  });
  it('trains a layer placed before it (tf.layers.masking cannot: tf.any has no gradient)', async () => {
    const { model } = compileGraph(chainGraph([5, 3], [['Dense', { units: 4 }, 'before'], ['Masking', {}], ['LSTM', { units: 2 }]]), tf);
    const before = model.getLayer('before').getWeights()[0]!.dataSync().slice();
    const xs = tf.randomNormal([4, 5, 3]);
    const ys = tf.randomNormal([4, 2]);
    await model.fit(xs, ys, { epochs: 1, verbose: 0 });
    expect(model.getLayer('before').getWeights()[0]!.dataSync().some((v, i) => v !== before[i])).toBe(true);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

describe('dilated 2-D convolutions compute what Keras computes', () => {
  const dilations: [number, number] = [2, 3];
  it.each(['valid', 'same'] as const)('DepthwiseConv2D (%s) equals tf.depthwiseConv2d with dilations', (padding) => {
    const { model } = compileGraph(chainGraph([11, 12, 2], [['DepthwiseConv2D', { kernelSize: [3, 2], dilationRate: dilations, depthMultiplier: 2, padding }]]), tf, { compile: false });
    const [kernel, bias] = model.layers[1]!.getWeights();
    const x = tf.randomNormal([2, 11, 12, 2]);
    const ours = model.predict(x) as tf.Tensor;
    const ref = tf.add(tf.depthwiseConv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, 1, padding, 'NHWC', dilations), bias!);
    expect(ours.shape).toEqual(ref.shape);
    expect(tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0]).toBeLessThan(1e-4);
    tf.dispose([x, ours, ref]);
    model.dispose();
  });

  it.each(['valid', 'same'] as const)('SeparableConv2D (%s) equals tf.separableConv2d with dilations', (padding) => {
    const { model } = compileGraph(chainGraph([11, 12, 2], [['SeparableConv2D', { filters: 3, kernelSize: [3, 3], dilationRate: dilations, padding }]]), tf, { compile: false });
    const [depthwise, pointwise, bias] = model.layers[1]!.getWeights();
    const x = tf.randomNormal([2, 11, 12, 2]);
    const ours = model.predict(x) as tf.Tensor;
    const ref = tf.add(tf.separableConv2d(x as tf.Tensor4D, depthwise as tf.Tensor4D, pointwise as tf.Tensor4D, 1, padding, dilations), bias!);
    expect(ours.shape).toEqual(ref.shape);
    expect(tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0]).toBeLessThan(1e-4);
    tf.dispose([x, ours, ref]);
    model.dispose();
  });

  // tfjs has no dilated transposed convolution to compare with, but a transposed convolution is the adjoint of the
  // convolution with the same kernel: <conv2d(z, K, d), y> = <z, conv2dTranspose(y, K, d)> for every z and y.
  it.each(['valid', 'same'] as const)('Conv2DTranspose (%s) is the adjoint of the dilated tf.conv2d', (padding) => {
    const { model } = compileGraph(chainGraph([6, 7, 3], [['Conv2DTranspose', { filters: 2, kernelSize: [3, 2], dilationRate: dilations, padding, useBias: false }]]), tf, { compile: false });
    const [kernel] = model.layers[1]!.getWeights();
    const y = tf.randomNormal([1, 6, 7, 3]);
    const transposed = model.predict(y) as tf.Tensor;
    const z = tf.randomNormal(transposed.shape);
    const forward = tf.conv2d(z as tf.Tensor4D, kernel as tf.Tensor4D, 1, padding, 'NHWC', dilations);
    expect(forward.shape).toEqual(y.shape);
    const lhs = tf.sum(tf.mul(forward, y)).dataSync()[0]!;
    const rhs = tf.sum(tf.mul(z, transposed)).dataSync()[0]!;
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-3 * Math.max(1, Math.abs(lhs)));
    tf.dispose([y, transposed, z, forward]);
    model.dispose();
  });

  it('all three train: every kernel moves after one fit step', async () => {
    const { model } = compileGraph(
      chainGraph([9, 9, 2], [
        ['DepthwiseConv2D', { kernelSize: [3, 3], dilationRate: [2, 2], padding: 'same' }, 'dw'],
        ['SeparableConv2D', { filters: 3, kernelSize: [3, 3], dilationRate: [2, 2], padding: 'same' }, 'sep'],
        ['Conv2DTranspose', { filters: 2, kernelSize: [3, 3], dilationRate: [2, 2] }, 'up'],
        ['Flatten'],
        ['Dense', { units: 1 }],
      ]),
      tf,
    );
    const names = ['dw', 'sep', 'up'];
    const before = names.map((n) => model.getLayer(n).getWeights().map((w) => w.dataSync().slice()));
    const xs = tf.randomNormal([4, 9, 9, 2]);
    const ys = tf.randomNormal([4, 1]);
    await model.fit(xs, ys, { epochs: 1, verbose: 0 });
    names.forEach((n, i) => {
      const after = model.getLayer(n).getWeights().map((w) => w.dataSync());
      after.forEach((w, j) => expect(w.some((v, k) => v !== before[i]![j]![k]), `${n} weight ${j}`).toBe(true));
    });
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

describe("ReLU's Keras parameters", () => {
  it('follows keras.activations.relu: slope below the threshold, cap above', () => {
    const { model } = compileGraph(chainGraph([7], [['ReLU', { negativeSlope: 0.1, threshold: 0.5, maxValue: 6 }]]), tf, { compile: false });
    const y = Array.from((model.predict(tf.tensor2d([[-2, -0.5, 0, 0.5, 1, 3, 10]])) as tf.Tensor).dataSync());
    [-0.25, -0.1, -0.05, 0, 1, 3, 6].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 6));
    model.dispose();
  });
  it('with a negative threshold and no cap, keeps values above the threshold as they are', () => {
    const { model } = compileGraph(chainGraph([4], [['ReLU', { threshold: -1 }]]), tf, { compile: false });
    const y = Array.from((model.predict(tf.tensor2d([[-2, -1, -0.5, 2]])) as tf.Tensor).dataSync());
    [0, 0, -0.5, 2].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 6));
    model.dispose();
  });
  it('passes gradients: 1 above the threshold, the slope below it', () => {
    const { model } = compileGraph(chainGraph([4], [['ReLU', { negativeSlope: 0.25, threshold: 1 }]]), tf, { compile: false });
    const g = tf.grad((t: tf.Tensor) => tf.sum(model.apply(t) as tf.Tensor))(tf.tensor2d([[-3, 0.5, 2, 5]]));
    expect(Array.from(g.dataSync())).toEqual([0.25, 0.25, 1, 1]);
    model.dispose();
  });
});

describe('normalization axes', () => {
  it('BatchNormalization on axis 1 normalizes each channel of a channels-first image', async () => {
    const { model } = compileGraph(chainGraph([3, 4, 5], [['BatchNormalization', { axis: 1, epsilon: 1e-6 }]]), tf, { compile: false });
    const x = tf.add(tf.randomNormal([8, 3, 4, 5]), tf.tensor([10, -5, 2]).reshape([1, 3, 1, 1]));
    const y = model.apply(x, { training: true }) as tf.Tensor;
    const { mean, variance } = tf.moments(y, [0, 2, 3]);
    Array.from(mean.dataSync()).forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-4));
    Array.from(variance.dataSync()).forEach((v) => expect(v).toBeCloseTo(1, 3));
    tf.dispose([x, y, mean, variance]);
    model.dispose();
  });
  it('LayerNormalization over [1, 2, 3] normalizes each whole sample', () => {
    const { model } = compileGraph(chainGraph([4, 5, 3], [['LayerNormalization', { axis: [1, 2, 3], epsilon: 1e-6 }]]), tf, { compile: false });
    const x = tf.mul(tf.randomNormal([2, 4, 5, 3]), 7);
    const y = model.predict(x) as tf.Tensor;
    const { mean, variance } = tf.moments(y, [1, 2, 3]);
    Array.from(mean.dataSync()).forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-4));
    Array.from(variance.dataSync()).forEach((v) => expect(v).toBeCloseTo(1, 3));
    tf.dispose([x, y, mean, variance]);
    model.dispose();
  });
});
