// Multiply-adds per sample, layer by layer, against figures worked out by hand (the derivation is in each comment).
// Convention: one MAC per weight use; biases, activations, pooling and lookups count 0.
import { describe, expect, it } from 'vitest';
import { inferGraph } from '../../graph/infer.js';
import { chainGraph, graphOf, type ChainLayer } from './helpers/graphs.js';

type MacCase = [name: string, input: number[], layers: ChainLayer[], macs: number, dtype?: 'int32'];

const cases: MacCase[] = [
  // Recurrent: steps · gates · units · (features + units) per direction (kernel and recurrent kernel at every step).
  ['SimpleRNN 8 units over 10 steps of 4', [10, 4], [['SimpleRNN', { units: 8 }]], 960], // 10·1·8·(4+8)
  ['SimpleRNN bidirectional doubles it', [10, 4], [['SimpleRNN', { units: 8, bidirectional: true }]], 1_920],
  ['LSTM 32 units over 100 steps of 16', [100, 16], [['LSTM', { units: 32 }]], 614_400], // 100·4·32·(16+32)
  ['LSTM bidirectional, sequences returned', [5, 2], [['LSTM', { units: 3, bidirectional: true, returnSequences: true }]], 600], // 2·5·4·3·(2+3)
  ['GRU 16 units over 20 steps of 8', [20, 8], [['GRU', { units: 16 }]], 23_040], // 20·3·16·(8+16)
  ['GRU bidirectional sum', [20, 8], [['GRU', { units: 16, bidirectional: true, mergeMode: 'sum' }]], 46_080],
  // Convolutions: output positions · filters · kernel taps · input channels.
  ['Conv1D valid', [20, 3], [['Conv1D', { filters: 4, kernelSize: [3] }]], 648], // 18 steps · 4 · 3 · 3
  ['Conv1D same stride 2', [21, 3], [['Conv1D', { filters: 4, kernelSize: [5], strides: [2], padding: 'same' }]], 660], // 11 · 4 · 5 · 3
  ['Conv1D causal dilated keeps the cost of its taps', [20, 2], [['Conv1D', { filters: 3, kernelSize: [3], padding: 'causal', dilationRate: [4] }]], 360], // 20 · 3 · 3 · 2
  // Transposed: every input value is spread over kernel taps · filters.
  ['Conv2DTranspose valid', [5, 5, 3], [['Conv2DTranspose', { filters: 4, kernelSize: [3, 3] }]], 2_700], // 5·5·3 · 9 · 4
  ['Conv2DTranspose same stride 2', [5, 6, 3], [['Conv2DTranspose', { filters: 2, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }]], 1_620], // 5·6·3 · 9 · 2
  // Depthwise: output values · kernel taps (each output channel reads one input channel).
  ['DepthwiseConv2D valid', [8, 8, 3], [['DepthwiseConv2D', { kernelSize: [3, 3] }]], 972], // 6·6·3 · 9
  ['DepthwiseConv2D depth multiplier 3, stride 2', [9, 7, 2], [['DepthwiseConv2D', { kernelSize: [3, 3], depthMultiplier: 3, strides: [2, 2], padding: 'same' }]], 1_080], // 5·4·6 · 9
  ['DepthwiseConv2D dilated', [9, 8, 2], [['DepthwiseConv2D', { kernelSize: [3, 3], dilationRate: [3, 2] }]], 216], // 3·4·2 · 9
  // Free layers.
  ['MaxPooling2D', [8, 8, 3], [['MaxPooling2D']], 0],
  ['AveragePooling1D', [10, 3], [['AveragePooling1D']], 0],
  ['GlobalAveragePooling1D', [10, 3], [['GlobalAveragePooling1D']], 0],
  ['GlobalMaxPooling2D', [5, 6, 7], [['GlobalMaxPooling2D']], 0],
  ['Embedding (a lookup)', [12], [['Embedding', { inputDim: 100, outputDim: 16 }]], 0, 'int32'],
  ['PositionalEmbedding (two lookups)', [12], [['PositionalEmbedding', { vocabSize: 100, sequenceLength: 12, embedDim: 16 }]], 0, 'int32'],
  ['BatchNormalization', [6], [['BatchNormalization']], 0],
  // Encoder block, 2 heads (head size 8 / 2 = 4) over [6, 8]: attention 2,112 (see the self-attention test); feed-forward
  // 6 · (8·12 + 12·8) = 1,152. Total 3,264.
  ['TransformerEncoderBlock', [6, 8], [['TransformerEncoderBlock', { numHeads: 2, intermediateDim: 12 }]], 3_264],
  // Decoder block, 4 heads of 16 over [16, 64]: projections 4 · 16·64·64 = 262,144; scores and weighted sum
  // 4 · 16 · 16 · 32 = 32,768; feed-forward 16 · 2 · 64·32 = 65,536. Total 360,448.
  ['TransformerDecoderBlock', [16, 64], [['TransformerDecoderBlock', { numHeads: 4, intermediateDim: 32 }]], 360_448],
];

describe('multiply-adds per sample', () => {
  it.each(cases)('%s', (_name, input, layers, macs, dtype) => {
    const inference = inferGraph(chainGraph(input, layers, dtype ? { dtype } : {}));
    expect(inference.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(inference.nodes[`n${layers.length}`]!.macs).toBe(macs);
  });

  const attention = (params: Record<string, unknown>, query: number[], value?: number[]) =>
    graphOf(
      [
        { id: 'q', type: 'Input', params: { shape: query } },
        ...(value ? [{ id: 'v', type: 'Input', params: { shape: value } }] : []),
        { id: 'mha', type: 'MultiHeadAttention', params },
        { id: 'y', type: 'Output', params: { loss: 'meanSquaredError', metrics: [] } },
      ],
      [['q', 'mha', 'query'], ...(value ? [['v', 'mha', 'value'] as [string, string, string]] : []), ['mha', 'y']],
    );

  it('self-attention: projections, scores, weighted sum and output projection', () => {
    // 2 heads of 4 over [6, 8]: projections q, k, v 6·8·8 each = 1,152; scores and weighted sum 2 · 6 · 6 · (4 + 4)
    // = 576; output projection 6 · 8 · 8 = 384. Total 2,112.
    expect(inferGraph(attention({ numHeads: 2, keyDim: 4 }, [6, 8])).nodes.mha!.macs).toBe(2_112);
  });

  it('cross-attention counts query and key/value lengths separately', () => {
    // Query [4, 8], value [9, 5], 2 heads, keyDim 4, valueDim 3: query projection 4·8·8 = 256, key 9·5·8 = 360,
    // value 9·5·6 = 270, scores and weighted sum 2 · 4 · 9 · (4 + 3) = 504, output 4 · 6 · 8 = 192. Total 1,582.
    expect(inferGraph(attention({ numHeads: 2, keyDim: 4, valueDim: 3 }, [4, 8], [9, 5])).nodes.mha!.macs).toBe(1_582);
  });

  it("adds up to Keras' figure for the Simple MNIST convnet", () => {
    // conv1 26·26·32·9 = 194,688; conv2 11·11·64·(9·32) = 2,230,272; dense 1600·10 = 16,000.
    const g = chainGraph([28, 28, 1], [
      ['Conv2D', { filters: 32, kernelSize: [3, 3], activation: 'relu' }],
      ['MaxPooling2D'],
      ['Conv2D', { filters: 64, kernelSize: [3, 3], activation: 'relu' }],
      ['MaxPooling2D'],
      ['Flatten'],
      ['Dropout', { rate: 0.5 }],
      ['Dense', { units: 10, activation: 'softmax' }],
    ]);
    expect(inferGraph(g).totals.macs).toBe(2_440_960);
  });
});
