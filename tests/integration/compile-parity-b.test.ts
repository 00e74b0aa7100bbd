// Compile parity for the recurrent, embedding and attention kinds: tfjs' own output shapes (symbolic and
// from a real forward pass) equal the inferred ones, and model.countParams() equals the inferred totals.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../graph/compile.js';
import type { Graph } from '../../graph/document.js';
import { chainGraph, graphOf, type ChainLayer, type NodeSpec } from '../unit/helpers/graphs.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Case = [name: string, build: () => Graph];

const chain = (inputShape: number[], layers: ChainLayer[], dtype: 'float32' | 'int32' = 'float32') => (): Graph => chainGraph(inputShape, layers, { dtype });

const cases: Case[] = [
  ['SimpleRNN last step', chain([6, 3], [['SimpleRNN', { units: 4 }]])],
  ['SimpleRNN sequences relu', chain([6, 3], [['SimpleRNN', { units: 4, returnSequences: true, activation: 'relu' }]])],
  ['SimpleRNN bidirectional ave', chain([6, 3], [['SimpleRNN', { units: 4, bidirectional: true, mergeMode: 'ave' }]])],
  ['LSTM last step', chain([5, 2], [['LSTM', { units: 3 }]])],
  ['LSTM sequences with dropouts', chain([5, 2], [['LSTM', { units: 3, returnSequences: true, dropout: 0.2, recurrentDropout: 0.2 }]])],
  ['LSTM bidirectional concat sequences', chain([5, 2], [['LSTM', { units: 3, bidirectional: true, returnSequences: true }]])],
  ['LSTM bidirectional sum', chain([5, 2], [['LSTM', { units: 3, bidirectional: true, mergeMode: 'sum' }]])],
  ['GRU last step', chain([5, 2], [['GRU', { units: 3 }]])],
  ['GRU sequences', chain([5, 2], [['GRU', { units: 3, returnSequences: true }]])],
  ['GRU bidirectional mul', chain([5, 2], [['GRU', { units: 3, bidirectional: true, mergeMode: 'mul' }]])],
  ['GRU bidirectional concat', chain([5, 2], [['GRU', { units: 3, bidirectional: true }]])],
  ['stacked recurrent', chain([5, 2], [['GRU', { units: 3, returnSequences: true }], ['LSTM', { units: 2, bidirectional: true }]])],
  ['Embedding', chain([7], [['Embedding', { inputDim: 20, outputDim: 4 }]], 'int32')],
  ['Embedding maskZero into LSTM', chain([7], [['Embedding', { inputDim: 20, outputDim: 4, maskZero: true }], ['LSTM', { units: 3 }]], 'int32')],
  ['Embedding rank-3 ids', chain([3, 4], [['Embedding', { inputDim: 9, outputDim: 2 }]], 'int32')],
  ['PositionalEmbedding full', chain([8], [['PositionalEmbedding', { vocabSize: 20, sequenceLength: 8, embedDim: 6 }]], 'int32')],
  ['PositionalEmbedding shorter input', chain([5], [['PositionalEmbedding', { vocabSize: 20, sequenceLength: 8, embedDim: 6 }]], 'int32')],
  ['Encoder post-norm relu', chain([6, 8], [['TransformerEncoderBlock', { numHeads: 2, intermediateDim: 12 }]])],
  ['Encoder pre-norm gelu dropout', chain([6, 8], [['TransformerEncoderBlock', { numHeads: 4, intermediateDim: 5, normFirst: true, activation: 'gelu', dropout: 0.1 }]])],
  ['Encoder uneven heads', chain([6, 10], [['TransformerEncoderBlock', { numHeads: 3, intermediateDim: 4 }]])],
  ['Decoder post-norm', chain([6, 8], [['TransformerDecoderBlock', { numHeads: 2, intermediateDim: 12 }]])],
  ['Decoder pre-norm gelu', chain([6, 8], [['TransformerDecoderBlock', { numHeads: 1, intermediateDim: 3, normFirst: true, activation: 'gelu', layerNormEpsilon: 1e-3 }]])],
  ['Embedding maskZero into encoder', chain([7], [['Embedding', { inputDim: 20, outputDim: 4, maskZero: true }], ['TransformerEncoderBlock', { numHeads: 2, intermediateDim: 8 }], ['GlobalAveragePooling1D']], 'int32')],
  [
    'GPT-like stack',
    chain([8], [['PositionalEmbedding', { vocabSize: 12, sequenceLength: 8, embedDim: 8 }], ['TransformerDecoderBlock', { numHeads: 2, intermediateDim: 16 }], ['TransformerDecoderBlock', { numHeads: 2, intermediateDim: 16 }], ['Dense', { units: 12, activation: 'softmax' }]], 'int32'),
  ],
];

/** Query (+ value, + key) Inputs into one MultiHeadAttention. */
function attention(params: Record<string, unknown>, query: number[], value?: number[], key?: number[], queryDtype: 'float32' | 'int32' = 'float32') {
  return (): Graph => {
    const nodes: NodeSpec[] = [
      { id: 'q', type: 'Input', params: { shape: query, dtype: queryDtype } },
      { id: 'mha', type: 'MultiHeadAttention', params },
      { id: 'out', type: 'Output', params: { loss: 'meanSquaredError', metrics: [] } },
    ];
    const edges: [string, string, string?][] = [['q', 'mha', 'query'], ['mha', 'out']];
    if (value) {
      nodes.push({ id: 'v', type: 'Input', params: { shape: value } });
      edges.push(['v', 'mha', 'value']);
    }
    if (key) {
      nodes.push({ id: 'k', type: 'Input', params: { shape: key } });
      edges.push(['k', 'mha', 'key']);
    }
    return graphOf(nodes, edges);
  };
}

cases.push(
  ['MHA self', attention({ numHeads: 2, keyDim: 4 }, [6, 8])],
  ['MHA self causal no bias', attention({ numHeads: 3, keyDim: 2, causal: true, useBias: false }, [6, 8])],
  ['MHA valueDim', attention({ numHeads: 2, keyDim: 3, valueDim: 5, dropout: 0.2 }, [6, 8])],
  ['MHA cross', attention({ numHeads: 2, keyDim: 4 }, [6, 8], [9, 5])],
  ['MHA cross with key, causal', attention({ numHeads: 2, keyDim: 4, valueDim: 3, causal: true }, [4, 8], [9, 5], [9, 7])],
  [
    'MHA self after Embedding(maskZero)',
    () =>
      graphOf(
        [
          { id: 'ids', type: 'Input', params: { shape: [7], dtype: 'int32' } },
          { id: 'emb', type: 'Embedding', params: { inputDim: 20, outputDim: 6, maskZero: true } },
          { id: 'mha', type: 'MultiHeadAttention', params: { numHeads: 2, keyDim: 3 } },
          { id: 'out', type: 'Output', params: { loss: 'meanSquaredError', metrics: [] } },
        ],
        [['ids', 'emb'], ['emb', 'mha', 'query'], ['mha', 'out']],
      ),
  ],
);

function sampleInput(shape: (number | null)[], dtype: string): tf.Tensor {
  const dims = [2, ...shape.slice(1).map((d) => d!)];
  // ids include 0 so padding masks are exercised
  return dtype === 'int32' ? tf.tensor(Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => (i * 7) % 9), dims, 'int32') : tf.randomNormal(dims);
}

describe('compile parity: recurrent, embedding and attention', () => {
  it.each(cases)('%s', (_name, build) => {
    const graph = build();
    const compiled = compileGraph(graph, tf);
    const { model, inference } = compiled;
    try {
      expect(inference.valid).toBe(true);
      const nameToId = new Map(graph.nodes.map((n) => [n.name, n.id]));
      for (const layer of model.layers) {
        const info = inference.nodes[nameToId.get(layer.name)!]!;
        expect(layer.outputShape, layer.name).toEqual(info.outputShape);
        expect(layer.countParams(), layer.name).toBe(info.paramCount.trainable + info.paramCount.nonTrainable);
      }
      expect(model.countParams()).toBe(inference.totals.trainable + inference.totals.nonTrainable);
      expect(inference.totals.nonTrainable).toBe(0);

      const xs = compiled.inputs.map((i) => sampleInput(i.shape, i.dtype));
      const y = tf.tidy(() => model.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor);
      const outNode = graph.nodes.find((n) => n.type === 'Output')!;
      const expected = inference.nodes[outNode.id]!.outputShape!;
      expect(y.shape).toEqual([2, ...expected.slice(1)]);
      expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([y, ...xs]);
    } finally {
      model.dispose();
    }
  });
});
