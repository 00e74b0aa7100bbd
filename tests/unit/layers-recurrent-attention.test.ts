// Symbolic tests of the recurrent, embedding and attention kinds: shapes, exact parameter counts (the
// formulas tfjs' countParams uses), diagnostics with their messages, node-face summaries and the tfjs mapping.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERAS_CUSTOM_LAYERS } from '../../graph/codegen/keras-custom.js';
import { inferGraph } from '../../graph/infer.js';
import { defaultParams, getLayer } from '../../graph/layers/index.js';
import type { Shape } from '../../graph/shape.js';
import { chainGraph, errorsOf, graphOf, hasMessage, inferChain, runShapeCase, type ChainLayer, type NodeSpec } from './helpers/graphs.js';

type ShapeCase = [name: string, inputShape: number[], layers: ChainLayer[], shape: Shape, params: number];

// Recurrent counts: directions · gates · (features·units + units² + units), gates 1 / 4 / 3.
const recurrentCases: ShapeCase[] = [
  ['SimpleRNN last step', [10, 8], [['SimpleRNN', { units: 6 }]], [null, 6], 6 * 8 + 36 + 6],
  ['SimpleRNN sequences', [10, 8], [['SimpleRNN', { units: 6, returnSequences: true }]], [null, 10, 6], 90],
  ['LSTM last step', [7, 3], [['LSTM', { units: 5 }]], [null, 5], 4 * (15 + 25 + 5)],
  ['LSTM sequences', [7, 3], [['LSTM', { units: 5, returnSequences: true }]], [null, 7, 5], 180],
  ['GRU (tfjs, reset_after=False)', [7, 3], [['GRU', { units: 5 }]], [null, 5], 3 * (15 + 25 + 5)],
  ['GRU sequences relu', [12, 1], [['GRU', { units: 4, returnSequences: true, activation: 'relu' }]], [null, 12, 4], 3 * (4 + 16 + 4)],
  ['Bidirectional LSTM concat', [7, 3], [['LSTM', { units: 5, bidirectional: true }]], [null, 10], 360],
  ['Bidirectional LSTM concat sequences', [7, 3], [['LSTM', { units: 5, bidirectional: true, returnSequences: true }]], [null, 7, 10], 360],
  ['Bidirectional GRU sum', [7, 3], [['GRU', { units: 5, bidirectional: true, mergeMode: 'sum' }]], [null, 5], 270],
  ['Bidirectional GRU mul sequences', [7, 3], [['GRU', { units: 5, bidirectional: true, mergeMode: 'mul', returnSequences: true }]], [null, 7, 5], 270],
  ['Bidirectional SimpleRNN ave', [7, 3], [['SimpleRNN', { units: 2, bidirectional: true, mergeMode: 'ave' }]], [null, 2], 2 * (6 + 4 + 2)],
  ['mergeMode ignored when not bidirectional', [7, 3], [['SimpleRNN', { units: 2, mergeMode: 'concat' }]], [null, 2], 12],
  ['stacked LSTMs', [7, 3], [['LSTM', { units: 5, returnSequences: true }], ['LSTM', { units: 2 }]], [null, 2], 4 * (10 + 4 + 2)],
  ['LSTM with dropouts', [7, 3], [['LSTM', { units: 5, dropout: 0.2, recurrentDropout: 0.3 }]], [null, 5], 180],
];

const embeddingCases: ShapeCase[] = [
  ['Embedding', [12], [['Embedding', { inputDim: 50, outputDim: 8 }]], [null, 12, 8], 400],
  ['Embedding maskZero', [12], [['Embedding', { inputDim: 50, outputDim: 8, maskZero: true }]], [null, 12, 8], 400],
  ['Embedding rank 3 ids', [4, 5], [['Embedding', { inputDim: 10, outputDim: 3 }]], [null, 4, 5, 3], 30],
  ['Embedding then LSTM', [12], [['Embedding', { inputDim: 50, outputDim: 8 }], ['LSTM', { units: 4 }]], [null, 4], 4 * (32 + 16 + 4)],
  ['PositionalEmbedding full length', [16], [['PositionalEmbedding', { vocabSize: 50, sequenceLength: 16, embedDim: 8 }]], [null, 16, 8], (50 + 16) * 8],
  ['PositionalEmbedding shorter input', [10], [['PositionalEmbedding', { vocabSize: 50, sequenceLength: 16, embedDim: 8 }]], [null, 10, 8], (50 + 16) * 8],
  // keras-hub TransformerEncoder count: attention 4·(w·h·d + h·d) with d = floor(w/h) (output bias w), 2 norms 4w, ffn 2·w·i + i + w.
  ['Encoder post-norm', [12], [['PositionalEmbedding', { vocabSize: 50, sequenceLength: 12, embedDim: 8 }], ['TransformerEncoderBlock', { numHeads: 2, intermediateDim: 16 }]], [null, 12, 8], 3 * (8 * 8 + 8) + 8 * 8 + 8 + 4 * 8 + 2 * 8 * 16 + 16 + 8],
  ['Encoder pre-norm gelu', [12], [['PositionalEmbedding', { vocabSize: 50, sequenceLength: 12, embedDim: 8 }], ['TransformerEncoderBlock', { numHeads: 4, intermediateDim: 5, normFirst: true, activation: 'gelu' }]], [null, 12, 8], 288 + 32 + 2 * 8 * 5 + 5 + 8],
  // 10 features over 3 heads: head size floor(10/3) = 3, so projections are 10·9 and 9·10 (Keras does the same).
  ['Decoder with uneven heads', [6, 10], [['TransformerDecoderBlock', { numHeads: 3, intermediateDim: 4 }]], [null, 6, 10], 3 * (90 + 9) + 90 + 10 + 40 + 2 * 40 + 4 + 10],
];

describe('recurrent, embedding and transformer shapes and parameter counts', () => {
  it.each([...recurrentCases, ...embeddingCases])('%s', (_name, inputShape, layers, shape, params) => {
    const dtype = layers[0]![0].includes('Embedding') ? 'int32' : 'float32';
    const { inference, last } = inferChain(inputShape, layers, { dtype });
    expect(errorsOf(inference)).toEqual([]);
    expect(last.outputShape).toEqual(shape);
    expect(last.paramCount.trainable).toBe(params);
    expect(inference.totals.nonTrainable).toBe(0);
  });
});

/** Query (and optional value/key) inputs into one MultiHeadAttention named 'mha'. */
function attentionGraph(query: number[], params: Record<string, unknown>, value?: number[], key?: number[]): ReturnType<typeof graphOf> {
  const nodes: NodeSpec[] = [
    { id: 'q', type: 'Input', params: { shape: query } },
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
}

type AttentionCase = [name: string, query: number[], params: Record<string, unknown>, value: number[] | undefined, key: number[] | undefined, shape: Shape, count: number];

// Keras MultiHeadAttention: q/k kernels D·h·k, v kernel Dv·h·v, output h·v·Dq; biases 2·h·k + h·v + Dq.
const attentionCases: AttentionCase[] = [
  ['self-attention', [6, 8], { numHeads: 2, keyDim: 4 }, undefined, undefined, [null, 6, 8], 4 * (8 * 8 + 8) - 8 + 8],
  ['self-attention causal', [6, 8], { numHeads: 2, keyDim: 4, causal: true }, undefined, undefined, [null, 6, 8], 288],
  ['self-attention no bias', [6, 8], { numHeads: 2, keyDim: 4, useBias: false }, undefined, undefined, [null, 6, 8], 4 * 64],
  ['valueDim differs from keyDim', [6, 8], { numHeads: 2, keyDim: 3, valueDim: 5 }, undefined, undefined, [null, 6, 8], 54 + 54 + 90 + 88],
  ['cross-attention (key = value)', [6, 8], { numHeads: 2, keyDim: 4 }, [9, 5], undefined, [null, 6, 8], 72 + (5 * 8 + 8) * 2 + 72],
  ['cross-attention with key', [6, 8], { numHeads: 3, keyDim: 2, valueDim: 4 }, [9, 5], [9, 7], [null, 6, 8], 8 * 6 + 6 + 7 * 6 + 6 + 5 * 12 + 12 + 12 * 8 + 8],
  ['cross-attention causal, shorter query', [3, 4], { numHeads: 1, keyDim: 4, causal: true, dropout: 0.1 }, [5, 4], undefined, [null, 3, 4], 4 * 20],
];

describe('MultiHeadAttention', () => {
  it.each(attentionCases)('%s', (_name, query, params, value, key, shape, count) => {
    const inference = inferGraph(attentionGraph(query, params, value, key));
    expect(errorsOf(inference)).toEqual([]);
    expect(inference.nodes.mha!.outputShape).toEqual(shape);
    expect(inference.nodes.mha!.paramCount.trainable).toBe(count);
    expect(inference.nodes.mha!.macs).toBeGreaterThan(0);
  });

  it('counts cost quadratic in sequence length', () => {
    const short = inferGraph(attentionGraph([8, 8], { numHeads: 2, keyDim: 4 })).nodes.mha!.macs;
    const long = inferGraph(attentionGraph([16, 8], { numHeads: 2, keyDim: 4 })).nodes.mha!.macs;
    // projections double, the score and weighted-sum terms (2 heads · T² · (4 + 4)) quadruple
    expect(long - 2 * short).toBe(2 * 2 * 8 * 8 * 8);
  });

  it('maps to the custom tfjs layer with every param', () => {
    const def = getLayer('MultiHeadAttention')!;
    const p = { ...defaultParams(def.params), numHeads: 3, valueDim: 7, causal: true };
    expect(def.tfjs!(p, { inputs: [] })).toEqual({ factory: 'custom:MultiHeadAttention', args: { numHeads: 3, keyDim: 16, valueDim: 7, dropout: 0, useBias: true, causal: true } });
    expect(def.summary!(p)).toBe('3×16 · causal');
  });
});

type ErrorGraphCase = [name: string, build: () => ReturnType<typeof graphOf>, message: string | RegExp];

const errorCases: ErrorGraphCase[] = [
  ['LSTM on a flat vector', () => chainGraph([16], [['LSTM', { units: 4 }]], {}), "LSTM 'l1' expects a rank-3 input but gets [null, 16]; recurrent layers read [batch, timesteps, features]: put an Embedding before it for token ids, or a Reshape to [timesteps, features]"],
  ['GRU on images', () => chainGraph([8, 8, 1], [['GRU', {}]], {}), "GRU 'l1' expects a rank-3 input but gets [null, 8, 8, 1]"],
  ['SimpleRNN after a last-step LSTM', () => chainGraph([5, 2], [['LSTM', { units: 3 }], ['SimpleRNN', { units: 2 }]], {}), "SimpleRNN 'l2' expects a rank-3 input but gets [null, 3]"],
  ['unknown merge mode', () => chainGraph([5, 2], [['LSTM', { bidirectional: true, mergeMode: 'max' }]], {}), "LSTM 'l1' param 'mergeMode' must be one of concat, sum, mul, ave"],
  ['zero units', () => chainGraph([5, 2], [['GRU', { units: 0 }]], {}), "GRU 'l1' param 'units' must be at least 1"],
  ['PositionalEmbedding too short', () => chainGraph([20], [['PositionalEmbedding', { vocabSize: 10, sequenceLength: 16, embedDim: 4 }]], { dtype: 'int32' }), "PositionalEmbedding 'l1' gets sequences of 20 tokens but learns only 16 positions; raise sequenceLength to at least 20"],
  ['PositionalEmbedding on rank-3 ids', () => chainGraph([4, 5], [['PositionalEmbedding', {}]], { dtype: 'int32' }), "PositionalEmbedding 'l1' expects a rank-2 input but gets [null, 4, 5]; it reads one sequence of token ids per sample, [batch, steps]"],
  ['attention on vectors', () => attentionGraph([8], { numHeads: 2, keyDim: 4 }), "MultiHeadAttention 'mha' expects a rank-3 'query' input [batch, steps, features] but gets [null, 8]; put an Embedding or a Reshape before it"],
  ['attention value of wrong rank', () => attentionGraph([4, 8], { numHeads: 2, keyDim: 4 }, [8]), "expects a rank-3 'value' input [batch, steps, features] but gets [null, 8]"],
  ['attention key without value', () => graphOf([{ id: 'q', type: 'Input', params: { shape: [4, 8] } }, { id: 'k', type: 'Input', params: { shape: [4, 8] } }, { id: 'mha', type: 'MultiHeadAttention' }, { id: 'o', type: 'Output', params: { loss: 'meanSquaredError', metrics: [] } }], [['q', 'mha', 'query'], ['k', 'mha', 'key'], ['mha', 'o']]), "MultiHeadAttention 'mha' has a 'key' input but no 'value'; connect 'value' too (the key defaults to the value, not the other way round)"],
  ['attention key and value lengths differ', () => attentionGraph([4, 8], { numHeads: 2, keyDim: 4 }, [6, 8], [5, 8]), "needs 'key' and 'value' of the same length but gets [null, 5, 8] and [null, 6, 8]; each key must have one value"],
  ['attention without query', () => graphOf([{ id: 'v', type: 'Input', params: { shape: [4, 8] } }, { id: 'mha', type: 'MultiHeadAttention' }, { id: 'o', type: 'Output', params: { loss: 'meanSquaredError', metrics: [] } }], [['v', 'mha', 'value'], ['mha', 'o']]), "MultiHeadAttention 'mha' has nothing connected to its input 'query'"],
  ['attention wired to "in"', () => chainGraph([4, 8], [['MultiHeadAttention', {}]], {}), "has no input 'in' (its inputs: 'query', 'value', 'key')"],
  ['attention valueDim 0', () => attentionGraph([4, 8], { valueDim: 0 }), "param 'valueDim' must be at least 1"],
  ['encoder on token ids', () => chainGraph([12], [['TransformerEncoderBlock', {}]], { dtype: 'int32' }), "TransformerEncoderBlock 'l1' expects a rank-3 input [batch, steps, features] but gets [null, 12]; put an Embedding or a Reshape before it"],
  ['decoder with more heads than features', () => chainGraph([6, 3], [['TransformerDecoderBlock', { numHeads: 4 }]], {}), "TransformerDecoderBlock 'l1' splits 3 features into 4 heads, leaving none per head; use at most 3 heads or a wider embedding"],
  ['decoder bad activation', () => chainGraph([6, 8], [['TransformerDecoderBlock', { activation: 'tanh' }]], {}), "param 'activation' must be one of relu, gelu"],
  ['encoder zero epsilon', () => chainGraph([6, 8], [['TransformerEncoderBlock', { layerNormEpsilon: 0 }]], {}), "param 'layerNormEpsilon' must be greater than 0"],
];

describe('diagnostics', () => {
  it.each(errorCases)('%s', (_name, build, message) => {
    const errors = errorsOf(inferGraph(build()));
    expect(errors.length).toBeGreaterThan(0);
    expect(hasMessage(errors, message), `got: ${errors.join(' | ')}`).toBe(true);
  });

  it('the numHeads error points at the numHeads field', () => {
    const inference = inferGraph(chainGraph([6, 3], [['TransformerEncoderBlock', { numHeads: 4 }]], {}));
    expect(inference.diagnostics.find((d) => d.severity === 'error')?.field).toBe('numHeads');
    const pos = inferGraph(chainGraph([20], [['PositionalEmbedding', { sequenceLength: 16 }]], { dtype: 'int32' }));
    expect(pos.diagnostics.find((d) => d.severity === 'error')?.field).toBe('sequenceLength');
  });
});

// A warning, not an error: tfjs and Keras cast float ids to int32, so the model compiles and trains when the
// floats hold whole numbers (e.g. ids read from a CSV); a float Input is still most often a forgotten dtype.
describe('embeddings on float inputs', () => {
  it.each([
    ['Embedding', { inputDim: 20, outputDim: 4 }],
    ['PositionalEmbedding', { vocabSize: 20, sequenceLength: 12, embedDim: 4 }],
  ])('%s warns on a float32 Input and stays valid', (type, params) => {
    const inference = inferGraph(chainGraph([12], [[type, params]], { dtype: 'float32' }));
    expect(inference.valid).toBe(true);
    const warnings = inference.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message);
    expect(warnings).toContainEqual(expect.stringContaining("reads token ids from a float32 Input; ids are truncated to whole numbers, so set that Input's dtype to int32"));
  });

  it('stays quiet on an int32 Input', () => {
    const inference = inferGraph(chainGraph([12], [['Embedding', {}]], { dtype: 'int32' }));
    expect(inference.diagnostics).toEqual([]);
  });
});

describe('tfjs mapping and node faces', () => {
  it('recurrent layers keep Keras defaults and wrap in Bidirectional', () => {
    const lstm = getLayer('LSTM')!;
    const p = { ...defaultParams(lstm.params), units: 8, bidirectional: true, mergeMode: 'ave', returnSequences: true };
    expect(lstm.tfjs!(p, { inputs: [] })).toEqual({
      factory: 'lstm',
      args: { units: 8, activation: 'tanh', returnSequences: true, dropout: 0, recurrentDropout: 0, recurrentActivation: 'sigmoid', unitForgetBias: true },
      wrapper: { factory: 'bidirectional', args: { mergeMode: 'ave' } },
    });
    expect(lstm.summary!(p)).toBe('8 · seq · bi-ave');
    const gru = getLayer('GRU')!;
    const g = defaultParams(gru.params);
    expect(gru.tfjs!(g, { inputs: [] }).args).toMatchObject({ recurrentActivation: 'sigmoid', resetAfter: false });
    expect(gru.tfjs!(g, { inputs: [] }).wrapper).toBeUndefined();
    expect(gru.summary!({ ...g, activation: 'relu' })).toBe('32 · relu');
  });

  it('every kind has a one-line description and a summary', () => {
    for (const id of ['SimpleRNN', 'LSTM', 'GRU', 'Embedding', 'PositionalEmbedding', 'MultiHeadAttention', 'TransformerEncoderBlock', 'TransformerDecoderBlock']) {
      const def = getLayer(id)!;
      expect(def.description).not.toContain('\n');
      expect(def.summary!(defaultParams(def.params)).length).toBeGreaterThan(0);
    }
    expect(getLayer('TransformerEncoderBlock')!.summary!({ ...defaultParams(getLayer('TransformerEncoderBlock')!.params), activation: 'gelu', normFirst: true })).toBe('4 heads · ff 128 · gelu · pre-norm');
    expect(getLayer('Embedding')!.summary!({ inputDim: 8000, outputDim: 32, maskZero: true })).toBe('8000→32 · mask 0');
  });

  it('macs of an LSTM scale with steps, gates and directions', () => {
    const one = runShapeCase([10, 3], [['LSTM', { units: 4 }]]);
    expect(one.errors).toEqual([]);
    const { last } = inferChain([10, 3], [['LSTM', { units: 4, bidirectional: true }]]);
    expect(last.macs).toBe(2 * 10 * 4 * 4 * (3 + 4));
  });
});

describe('Keras equivalents for the Python exporter', () => {
  it('covers every custom factory the attention kinds use, with snake_case args', () => {
    for (const id of ['PositionalEmbedding', 'MultiHeadAttention', 'TransformerEncoderBlock', 'TransformerDecoderBlock']) {
      const def = getLayer(id)!;
      const spec = def.tfjs!(defaultParams(def.params), { inputs: [] });
      const name = spec.factory.replace(/^custom:/, '');
      const keras = KERAS_CUSTOM_LAYERS[name]!;
      expect(keras, id).toBeDefined();
      expect(keras.pythonSource).toContain(`class ${keras.className}(`);
      const args = keras.pythonArgs(defaultParams(def.params));
      // one Python argument per registry param, none lost
      expect(Object.keys(args)).toHaveLength(Object.keys(def.params).length);
      for (const k of Object.keys(args)) expect(k).toMatch(/^[a-z_]+$/);
    }
    expect(KERAS_CUSTOM_LAYERS.MultiHeadAttention!.pythonArgs({ numHeads: 2, keyDim: 8, valueDim: null, dropout: 0.1, useBias: false, causal: true })).toEqual({
      num_heads: 2,
      key_dim: 8,
      value_dim: null,
      dropout: 0.1,
      use_bias: false,
      causal: true,
    });
  });

  it('the Python sources compile', () => {
    const sources = [...new Set(Object.values(KERAS_CUSTOM_LAYERS).map((l) => l.pythonSource))];
    const dir = mkdtempSync(join(tmpdir(), 'tl-keras-'));
    const file = join(dir, 'custom_layers.py');
    writeFileSync(file, `import keras\n\n\n${sources.join('\n\n')}`);
    expect(() => execFileSync('python3', ['-m', 'py_compile', file], { stdio: 'pipe' })).not.toThrow();
  });
});
