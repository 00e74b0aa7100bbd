// Value tests of the custom attention layers: analytic gradients against finite differences, the causal
// mask, a save/load round trip through tfjs IO handlers, and a short training run.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../graph/compile.js';
import type { Graph } from '../../graph/document.js';
import { registerCustomLayers } from '../../graph/tfjs/all.js';
import { ATTENTION_CLASS_NAMES } from '../../graph/tfjs/attention-layers.js';
import { registerWasmKernels } from '../../main/training/kernels/index.js';
import { chainGraph, graphOf } from '../unit/helpers/graphs.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function seeded(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.randomNormal(shape, 0, scale, 'float32', seed);
}

/** Builds a custom layer on concrete inputs and gives its weights seeded values (biases and norms included, so every path carries signal). */
function buildLayer(factory: string, args: Record<string, unknown>, inputs: tf.Tensor[]): tf.layers.Layer {
  const layer = registerCustomLayers(tf)[factory]!({ ...args, name: `${factory.toLowerCase()}_${Math.random().toString(36).slice(2, 8)}` });
  tf.dispose(layer.apply(inputs.length === 1 ? inputs[0]! : inputs) as tf.Tensor);
  layer.setWeights(layer.getWeights().map((w, i) => seeded(w.shape, 100 + i, 0.5)));
  return layer;
}

interface GradCase {
  name: string;
  factory: string;
  args: Record<string, unknown>;
  inputs: () => tf.Tensor[];
  /** Also check gradients with respect to the (float) inputs. */
  inputGrads: boolean;
}

const gradCases: GradCase[] = [
  { name: 'MultiHeadAttention self, causal', factory: 'MultiHeadAttention', args: { numHeads: 2, keyDim: 2, causal: true }, inputs: () => [seeded([2, 3, 4], 1)], inputGrads: true },
  {
    name: 'MultiHeadAttention cross with key, valueDim',
    factory: 'MultiHeadAttention',
    args: { numHeads: 2, keyDim: 2, valueDim: 3 },
    inputs: () => [seeded([2, 3, 4], 2), seeded([2, 4, 3], 3), seeded([2, 4, 5], 4)],
    inputGrads: true,
  },
  { name: 'TransformerEncoderBlock post-norm gelu', factory: 'TransformerEncoderBlock', args: { numHeads: 2, intermediateDim: 5, activation: 'gelu' }, inputs: () => [seeded([2, 3, 4], 5)], inputGrads: true },
  { name: 'TransformerDecoderBlock pre-norm gelu', factory: 'TransformerDecoderBlock', args: { numHeads: 2, intermediateDim: 5, activation: 'gelu', normFirst: true }, inputs: () => [seeded([2, 3, 4], 6)], inputGrads: true },
  {
    name: 'PositionalEmbedding',
    factory: 'PositionalEmbedding',
    args: { vocabSize: 5, sequenceLength: 4, embedDim: 3 },
    inputs: () => [tf.tensor2d([[1, 4, 1], [0, 2, 1]], [2, 3], 'int32')],
    inputGrads: false,
  },
];

/**
 * Central differences on float32: eps 1e-2 keeps rounding noise (~1e-6 / 2e-2) well below the tolerance while
 * the O(eps²) truncation error stays small on these smooth functions. The tolerance (2% of the largest gradient)
 * still catches a wrong gradient: a missing transpose, scale or mask term moves entries by their own size.
 */
const EPS = 1e-2;
const REL_TOL = 0.02;

function expectClose(numeric: number[], analytic: number[], what: string): void {
  const scale = Math.max(1e-3, ...analytic.map(Math.abs));
  const worst = Math.max(...numeric.map((n, i) => Math.abs(n - analytic[i]!)));
  expect(worst / scale, `${what}: numeric ${numeric.map((v) => v.toFixed(4)).join(',')} vs analytic ${analytic.map((v) => v.toFixed(4)).join(',')}`).toBeLessThan(REL_TOL);
}

describe('gradients match finite differences', () => {
  it.each(gradCases)('$name', ({ factory, args, inputs: makeInputs, inputGrads }) => {
    const inputs = makeInputs();
    const layer = buildLayer(factory, args, inputs);
    const outShape = (layer.apply(inputs.length === 1 ? inputs[0]! : inputs) as tf.Tensor).shape;
    const probe = seeded(outShape, 7); // a random projection of the output, so every output entry matters
    const loss = (xs: tf.Tensor[]): tf.Scalar => tf.tidy(() => tf.sum(tf.mul(layer.apply(xs.length === 1 ? xs[0]! : xs) as tf.Tensor, probe)) as tf.Scalar);

    // Weights: analytic gradients from tf.variableGrads, numeric ones by nudging a few entries of each variable.
    const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => loss(inputs), variables);
    expect(Object.keys(grads)).toHaveLength(variables.length);
    for (const v of variables) {
      const analyticAll = grads[v.name]!.dataSync();
      const base = v.dataSync().slice();
      const picks = [...new Set([0, base.length - 1, Math.floor(base.length / 2), Math.floor(base.length / 3), Math.floor((2 * base.length) / 3)])];
      const numeric: number[] = [];
      for (const i of picks) {
        const at = (delta: number): number => {
          const nudged = base.slice();
          nudged[i] = nudged[i]! + delta;
          v.assign(tf.tensor(nudged, v.shape));
          return loss(inputs).dataSync()[0]!;
        };
        numeric.push((at(EPS) - at(-EPS)) / (2 * EPS));
      }
      v.assign(tf.tensor(base, v.shape));
      expectClose(numeric, picks.map((i) => analyticAll[i]!), v.name);
    }

    // Inputs: the gradient flowing back into the layers before this one.
    if (inputGrads) {
      const inputGradients = tf.grads((...xs: tf.Tensor[]) => loss(xs))(inputs);
      inputs.forEach((x, k) => {
        const base = x.dataSync().slice();
        const picks = [0, 1, base.length - 1, Math.floor(base.length / 2)];
        const numeric = picks.map((i) => {
          const at = (delta: number): number => {
            const nudged = base.slice();
            nudged[i] = nudged[i]! + delta;
            const xs = inputs.map((t, j) => (j === k ? tf.tensor(nudged, x.shape) : t));
            return loss(xs).dataSync()[0]!;
          };
          return (at(EPS) - at(-EPS)) / (2 * EPS);
        });
        const analytic = inputGradients[k]!.dataSync();
        expectClose(numeric, picks.map((i) => analytic[i]!), `input ${k}`);
      });
    }
  });
});

/** Largest absolute difference per time step between two [batch, steps, features] outputs. */
function stepDiffs(a: tf.Tensor, b: tf.Tensor): number[] {
  const d = tf.max(tf.abs(tf.sub(a, b)), [0, 2]).arraySync() as number[];
  return d;
}

describe('causal mask', () => {
  const x = (): tf.Tensor => seeded([2, 5, 4], 11);
  /** x with time step `t` changed (not by a constant shift, which a layer norm would cancel). */
  const changedAt = (t: number): tf.Tensor => {
    const base = x().arraySync() as number[][][];
    for (const sample of base) sample[t] = sample[t]!.map((v, j) => v + (j % 2 ? 3 : -2) * (j + 1));
    return tf.tensor(base);
  };

  it.each([
    ['MultiHeadAttention', { numHeads: 2, keyDim: 3, causal: true }],
    ['TransformerDecoderBlock', { numHeads: 2, intermediateDim: 6 }],
    ['TransformerDecoderBlock', { numHeads: 2, intermediateDim: 6, normFirst: true }],
  ])('%s: changing step 3 leaves steps 0-2 unchanged and changes 3-4', (factory, args) => {
    const layer = buildLayer(factory, args, [x()]);
    const diffs = stepDiffs(layer.apply(x()) as tf.Tensor, layer.apply(changedAt(3)) as tf.Tensor);
    expect(diffs.slice(0, 3)).toEqual([0, 0, 0]);
    expect(Math.min(...diffs.slice(3))).toBeGreaterThan(1e-3);
  });

  it.each([
    ['MultiHeadAttention', { numHeads: 2, keyDim: 3 }],
    ['TransformerEncoderBlock', { numHeads: 2, intermediateDim: 6 }],
  ])('%s without the mask: a later step does change earlier outputs (the check above can fail)', (factory, args) => {
    const layer = buildLayer(factory, args, [x()]);
    const diffs = stepDiffs(layer.apply(x()) as tf.Tensor, layer.apply(changedAt(3)) as tf.Tensor);
    expect(Math.min(...diffs)).toBeGreaterThan(1e-3);
  });

  it('a compiled GPT-style model: the next-token scores of a prefix ignore later tokens', () => {
    const graph = chainGraph(
      [6],
      [
        ['PositionalEmbedding', { vocabSize: 10, sequenceLength: 6, embedDim: 8 }],
        ['TransformerDecoderBlock', { numHeads: 2, intermediateDim: 16 }],
        ['Dense', { units: 10, activation: 'softmax' }],
      ],
      { dtype: 'int32', loss: 'sparseCategoricalCrossentropy' },
    );
    const { model } = compileGraph(graph, tf);
    const a = model.predict(tf.tensor2d([[1, 2, 3, 4, 5, 6]], [1, 6], 'int32')) as tf.Tensor;
    const b = model.predict(tf.tensor2d([[1, 2, 3, 4, 9, 0]], [1, 6], 'int32')) as tf.Tensor;
    const diffs = stepDiffs(a, b);
    expect(diffs.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(diffs[4]).toBeGreaterThan(0);
    model.dispose();
  });
});

describe('padding mask', () => {
  // Embedding(maskZero) marks id 0 as padding; self-attention then ignores padded keys, so the non-padded
  // outputs do not depend on the embedding of id 0. Without the mask they do (so the check can fail).
  it.each([
    ['MultiHeadAttention', { numHeads: 2, keyDim: 3 }, true],
    ['TransformerEncoderBlock', { numHeads: 2, intermediateDim: 6 }, true],
    ['MultiHeadAttention', { numHeads: 2, keyDim: 3 }, false],
  ] as const)('%s after Embedding(maskZero: %s)', (type, params, maskZero) => {
    const graph = graphOf(
      [
        { id: 'ids', type: 'Input', params: { shape: [5], dtype: 'int32' } },
        { id: 'emb', type: 'Embedding', params: { inputDim: 8, outputDim: 4, maskZero } },
        { id: 'att', type, params },
        { id: 'out', type: 'Output', params: { loss: 'meanSquaredError', metrics: [] } },
      ],
      [['ids', 'emb'], ['emb', 'att', type === 'MultiHeadAttention' ? 'query' : 'in'], ['att', 'out']],
    );
    const { model } = compileGraph(graph, tf);
    const ids = tf.tensor2d([[3, 1, 4, 0, 0], [2, 0, 5, 6, 0]], [2, 5], 'int32');
    const before = model.predict(ids) as tf.Tensor;
    const emb = model.getLayer('emb');
    const table = emb.getWeights()[0]!.arraySync() as number[][];
    table[0] = table[0]!.map((v) => v + 5);
    emb.setWeights([tf.tensor2d(table)]);
    const after = model.predict(ids) as tf.Tensor;
    const a = before.arraySync() as number[][][];
    const b = after.arraySync() as number[][][];
    const keptDiff = Math.max(...[[0, 0], [0, 1], [0, 2], [1, 0], [1, 2], [1, 3]].map(([i, t]) => Math.max(...a[i!]![t!]!.map((v, k) => Math.abs(v - b[i!]![t!]![k]!)))));
    if (maskZero) expect(keptDiff).toBeLessThan(1e-5);
    else expect(keptDiff).toBeGreaterThan(1e-3);
    model.dispose();
  });
});

/** A graph using every custom layer: token ids → PositionalEmbedding → causal self-attention → cross-attention to a second input → encoder → decoder → Dense. */
function everyLayerGraph(): Graph {
  return graphOf(
    [
      { id: 'ids', type: 'Input', params: { shape: [6], dtype: 'int32' } },
      { id: 'memory', type: 'Input', params: { shape: [4, 5] } },
      { id: 'pe', type: 'PositionalEmbedding', params: { vocabSize: 12, sequenceLength: 8, embedDim: 8 } },
      { id: 'self', type: 'MultiHeadAttention', params: { numHeads: 2, keyDim: 3, valueDim: 5, causal: true, dropout: 0.1 } },
      { id: 'cross', type: 'MultiHeadAttention', params: { numHeads: 2, keyDim: 4, useBias: false } },
      { id: 'enc', type: 'TransformerEncoderBlock', params: { numHeads: 2, intermediateDim: 12, activation: 'gelu', layerNormEpsilon: 1e-3, dropout: 0.2 } },
      { id: 'dec', type: 'TransformerDecoderBlock', params: { numHeads: 4, intermediateDim: 6, normFirst: true } },
      { id: 'head', type: 'Dense', params: { units: 3, activation: 'softmax' } },
      { id: 'out', type: 'Output', params: { loss: 'categoricalCrossentropy', metrics: ['accuracy'] } },
    ],
    [
      ['ids', 'pe'],
      ['pe', 'self', 'query'],
      ['self', 'cross', 'query'],
      ['memory', 'cross', 'value'],
      ['cross', 'enc'],
      ['enc', 'dec'],
      ['dec', 'head'],
      ['head', 'out'],
    ],
  );
}

describe('save and reload', () => {
  it('reloads through tf.io handlers with identical predictions and every param in the config', async () => {
    const { model } = compileGraph(everyLayerGraph(), tf);
    const ids = tf.tensor2d([[1, 5, 0, 11, 3, 3], [2, 2, 7, 0, 0, 1]], [2, 6], 'int32');
    const memory = seeded([2, 4, 5], 21);
    const before = (model.predict([ids, memory]) as tf.Tensor).arraySync();

    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(saved).not.toBeNull();
    const topology = JSON.stringify(saved!.modelTopology);
    for (const className of Object.values(ATTENTION_CLASS_NAMES)) expect(topology).toContain(`"${className}"`);

    registerCustomLayers(tf);
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const after = (reloaded.predict([ids, memory]) as tf.Tensor).arraySync();
    expect(after).toEqual(before);
    expect(reloaded.countParams()).toBe(model.countParams());

    for (const name of ['pe', 'self', 'cross', 'enc', 'dec']) {
      const { name: _a, ...original } = model.getLayer(name).getConfig();
      const { name: _b, ...restored } = reloaded.getLayer(name).getConfig();
      expect(restored, name).toEqual(original);
    }
    expect(reloaded.getLayer('self').getConfig()).toMatchObject({ numHeads: 2, keyDim: 3, valueDim: 5, causal: true, dropout: 0.1, useBias: true });
    expect(reloaded.getLayer('enc').getConfig()).toMatchObject({ numHeads: 2, intermediateDim: 12, activation: 'gelu', layerNormEpsilon: 1e-3, dropout: 0.2, normFirst: false });
    expect(reloaded.getLayer('dec').getConfig()).toMatchObject({ numHeads: 4, intermediateDim: 6, activation: 'relu', normFirst: true });
    expect(reloaded.getLayer('pe').getConfig()).toMatchObject({ vocabSize: 12, sequenceLength: 8, embedDim: 8 });
    model.dispose();
    reloaded.dispose();
  });
});

describe('training', () => {
  it('a tiny encoder classifier reduces its loss in a few epochs', async () => {
    // Label: does token 3 occur in the sequence? Needs attention across positions, not one token.
    const n = 64;
    const rows: number[][] = [];
    const labels: number[] = [];
    let s = 1;
    const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < n; i++) {
      const row = Array.from({ length: 6 }, () => 4 + Math.floor(rand() * 6));
      if (i % 2 === 0) row[Math.floor(rand() * 6)] = 3;
      rows.push(row);
      labels.push(row.includes(3) ? 1 : 0);
    }
    const graph = chainGraph(
      [6],
      [
        ['PositionalEmbedding', { vocabSize: 10, sequenceLength: 6, embedDim: 8 }],
        ['TransformerEncoderBlock', { numHeads: 2, intermediateDim: 16, dropout: 0.1 }],
        ['GlobalAveragePooling1D'],
        ['Dense', { units: 2, activation: 'softmax' }],
      ],
      { dtype: 'int32', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] },
    );
    const { model } = compileGraph(graph, tf, { training: { ...graph.training, optimizer: 'adam', learningRate: 0.01 } });
    const xs = tf.tensor2d(rows, [n, 6], 'int32');
    const ys = tf.tensor1d(labels, 'float32');
    const history = await model.fit(xs, ys, { epochs: 8, batchSize: 16, shuffle: false, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.8);
    model.dispose();
  });
});

// The trainer's wasm backend must have every kernel these layers' gradients use (UnsortedSegmentSum for the
// embedding gathers comes from the trainer's own kernels); the gradients must be the cpu backend's.
describe('wasm backend', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    [
      'PositionalEmbedding, causal attention, encoder and decoder blocks',
      (): Graph => {
        const g = chainGraph(
          [6],
          [
            ['PositionalEmbedding', { vocabSize: 10, sequenceLength: 6, embedDim: 8 }],
            ['MultiHeadAttention', { numHeads: 2, keyDim: 3, causal: true }],
            ['TransformerEncoderBlock', { numHeads: 2, intermediateDim: 8, activation: 'gelu' }],
            ['TransformerDecoderBlock', { numHeads: 2, intermediateDim: 8, normFirst: true }],
            ['Dense', { units: 10, activation: 'softmax' }],
          ],
          { dtype: 'int32' },
        );
        g.edges.find((e) => e.target === 'n2')!.targetHandle = 'query';
        return g;
      },
    ],
    [
      'Embedding(maskZero), bidirectional GRU and LSTM',
      (): Graph =>
        chainGraph([6], [['Embedding', { inputDim: 10, outputDim: 4, maskZero: true }], ['GRU', { units: 3, bidirectional: true, returnSequences: true }], ['LSTM', { units: 3, bidirectional: true, mergeMode: 'ave' }]], {
          dtype: 'int32',
        }),
    ],
  ])('%s: same gradients as cpu', async (_name, build) => {
    registerWasmKernels(tf);
    await tf.setBackend('cpu');
    const { model } = compileGraph(build(), tf, { compile: false });
    const x = tf.tensor2d([[1, 2, 3, 0, 5, 6], [7, 0, 0, 4, 1, 2]], [2, 6], 'int32');
    const gradients = async (backend: string): Promise<Record<string, number[]>> => {
      expect(await tf.setBackend(backend)).toBe(true);
      expect(tf.getBackend()).toBe(backend);
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x) as tf.Tensor)) as tf.Scalar);
      return Object.fromEntries(Object.entries(grads).map(([k, v]) => [k, Array.from(v.dataSync())]));
    };
    const cpu = await gradients('cpu');
    const wasm = await gradients('wasm');
    expect(Object.keys(wasm).sort()).toEqual(Object.keys(cpu).sort());
    // One scale for the whole model: some gradients are zero in exact arithmetic (a key bias shifts every
    // score of a row equally, which softmax ignores), so their float noise is no measure of a wrong kernel.
    const scale = Math.max(...Object.values(cpu).flat().map(Math.abs));
    let worst = 0;
    for (const [k, values] of Object.entries(cpu)) values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - wasm[k]![i]!))));
    expect(worst / scale).toBeLessThan(1e-4);
    await tf.setBackend('cpu');
    model.dispose();
  });
});
