import { formatShape, ShapeError, type Shape } from '../shape.js';
import { floatIdsWarning, joinSummary, lastDim, ONE_INPUT, requireRank, tokenInput } from './common.js';
import { defineLayer, type LayerContext, type Params, type ParamsSpec } from './types.js';

/** keras_hub.layers.TokenAndPositionEmbedding: token plus learned position embeddings. */
export const PositionalEmbedding = defineLayer({
  id: 'PositionalEmbedding',
  category: 'Attention',
  label: 'Positional Embedding',
  description: 'Token embedding plus a learned embedding of each position (keras-hub TokenAndPositionEmbedding).',
  params: {
    vocabSize: { kind: 'int', default: 1000, min: 1, doc: 'Vocabulary size: token ids must lie in 0 … vocabSize − 1.' },
    sequenceLength: { kind: 'int', default: 128, min: 1, doc: 'Longest sequence the layer accepts (number of learned positions).' },
    embedDim: { kind: 'int', default: 64, min: 1, doc: 'Length of each embedding vector.' },
  },
  inputs: ONE_INPUT,
  outputs: 1,
  inferShape: (p, ctx) => {
    const s = requireRank(tokenInput(ctx), [2], 'it reads one sequence of token ids per sample, [batch, steps]');
    const steps = s[1] ?? null;
    const max = p.sequenceLength as number;
    if (steps !== null && steps > max)
      throw new ShapeError(`gets sequences of ${steps} tokens but learns only ${max} positions; raise sequenceLength to at least ${steps}`, 'sequenceLength');
    return [null, steps, p.embedDim as number];
  },
  paramCount: (p) => ({ trainable: ((p.vocabSize as number) + (p.sequenceLength as number)) * (p.embedDim as number), nonTrainable: 0 }),
  warnings: (_p, ctx) => floatIdsWarning(ctx),
  tfjs: (p) => ({ factory: 'custom:PositionalEmbedding', args: { vocabSize: p.vocabSize, sequenceLength: p.sequenceLength, embedDim: p.embedDim } }),
  summary: (p) => joinSummary(`${String(p.vocabSize)}→${String(p.embedDim)}`, `${String(p.sequenceLength)} pos`),
});

/** Sizes that fix a multi-head attention's weights and cost. */
export interface AttentionDims {
  heads: number;
  keyDim: number;
  valueDim: number;
  /** Last axis of query, key and value, and of the output projection. */
  queryDim: number;
  keyInDim: number;
  valueInDim: number;
  outDim: number;
  useBias: boolean;
}

/** Weights of a Keras MultiHeadAttention: query/key/value projections to heads, and the output projection. */
export function attentionParamCount(d: AttentionDims): number {
  const { heads: h, keyDim: k, valueDim: v } = d;
  const kernels = d.queryDim * h * k + d.keyInDim * h * k + d.valueInDim * h * v + h * v * d.outDim;
  const biases = d.useBias ? 2 * h * k + h * v + d.outDim : 0;
  return kernels + biases;
}

/** Multiply-adds of one attention call: projections, scores, weighted sum, output projection. */
export function attentionMacs(d: AttentionDims, queryLen: number, keyLen: number): number {
  const { heads: h, keyDim: k, valueDim: v } = d;
  return queryLen * d.queryDim * h * k + keyLen * (d.keyInDim * h * k + d.valueInDim * h * v) + h * queryLen * keyLen * (k + v) + queryLen * h * v * d.outDim;
}

/** A [batch, steps, features] input; `port` names it in messages for multi-input layers. */
function sequence(shape: Shape | undefined, port?: string): Shape {
  const which = port ? `'${port}' input` : 'input';
  if (!shape) throw new ShapeError(`needs its ${which}; connect one`);
  if (shape.length !== 3)
    throw new ShapeError(`expects a rank-3 ${which} [batch, steps, features] but gets ${formatShape(shape)}; put an Embedding or a Reshape before it`);
  lastDim(shape, `the features axis of the ${which}`);
  return shape;
}

/** Query, value and key shapes of a MultiHeadAttention: value defaults to query (self-attention), key to value. */
function attentionInputs(ctx: LayerContext): { query: Shape; value: Shape; key: Shape } {
  const [q, v, k] = ctx.inputs;
  const query = sequence(q, 'query');
  if (k && !v) throw new ShapeError("has a 'key' input but no 'value'; connect 'value' too (the key defaults to the value, not the other way round)");
  const value = v ? sequence(v, 'value') : query;
  const key = k ? sequence(k, 'key') : value;
  if (key[1] !== null && value[1] !== null && key[1] !== value[1])
    throw new ShapeError(`needs 'key' and 'value' of the same length but gets ${formatShape(key)} and ${formatShape(value)}; each key must have one value`);
  return { query, value, key };
}

function mhaDims(p: Params, ctx: LayerContext): AttentionDims & { queryLen: number; keyLen: number } {
  const { query, value, key } = attentionInputs(ctx);
  const keyDim = p.keyDim as number;
  return {
    heads: p.numHeads as number,
    keyDim,
    valueDim: (p.valueDim as number | null) ?? keyDim,
    queryDim: query[2]!,
    keyInDim: key[2]!,
    valueInDim: value[2]!,
    outDim: query[2]!,
    useBias: p.useBias as boolean,
    queryLen: query[1] ?? 1,
    keyLen: key[1] ?? 1,
  };
}

/** keras.layers.MultiHeadAttention: self- or cross-attention over several heads, optionally causal. */
export const MultiHeadAttention = defineLayer({
  id: 'MultiHeadAttention',
  category: 'Attention',
  label: 'Multi-Head Attention',
  description: 'Scaled dot-product attention over several heads; self-attention with one input, cross-attention with query and value.',
  params: {
    numHeads: { kind: 'int', default: 4, min: 1, doc: 'Number of attention heads.' },
    keyDim: { kind: 'int', default: 16, min: 1, doc: 'Size of each head for query and key.' },
    valueDim: { kind: 'int', default: null, min: 1, nullable: true, doc: 'Size of each head for value; empty means keyDim.' },
    dropout: { kind: 'float', default: 0, min: 0, max: 0.99, doc: 'Dropout rate on the attention weights during training.' },
    useBias: { kind: 'bool', default: true, doc: 'Whether the projections add biases.' },
    causal: { kind: 'bool', default: false, doc: 'Causal mask: each position attends only to itself and earlier positions (for language models).' },
  },
  inputs: {
    kind: 'fixed',
    ports: [
      { name: 'query', label: 'query [batch, steps, features]' },
      { name: 'value', label: 'value (optional: self-attention when unconnected)', optional: true },
      { name: 'key', label: 'key (optional: defaults to value)', optional: true },
    ],
  },
  outputs: 1,
  inferShape: (_p, ctx) => attentionInputs(ctx).query,
  paramCount: (p, ctx) => ({ trainable: attentionParamCount(mhaDims(p, ctx)), nonTrainable: 0 }),
  macs: (p, ctx) => {
    const d = mhaDims(p, ctx);
    return attentionMacs(d, d.queryLen, d.keyLen);
  },
  tfjs: (p) => ({
    factory: 'custom:MultiHeadAttention',
    args: { numHeads: p.numHeads, keyDim: p.keyDim, valueDim: p.valueDim, dropout: p.dropout, useBias: p.useBias, causal: p.causal },
  }),
  summary: (p) => joinSummary(`${String(p.numHeads)}×${String(p.keyDim)}`, p.causal === true && 'causal'),
});

function blockParams(): ParamsSpec {
  return {
    numHeads: { kind: 'int', default: 4, min: 1, doc: 'Number of attention heads; each head has size features / numHeads.' },
    intermediateDim: { kind: 'int', default: 128, min: 1, doc: 'Hidden size of the feed-forward network.' },
    dropout: { kind: 'float', default: 0, min: 0, max: 0.99, doc: 'Dropout rate after attention and feed-forward, and on the attention weights.' },
    activation: { kind: 'choice', default: 'relu', choices: ['relu', 'gelu'], doc: 'Activation of the feed-forward hidden layer.' },
    layerNormEpsilon: { kind: 'float', default: 1e-5, min: 0, exclusiveMin: true, doc: 'Epsilon of the layer normalizations.' },
    normFirst: { kind: 'bool', default: false, doc: 'Normalize before attention and feed-forward (pre-norm, GPT-2) instead of after (post-norm, BERT).' },
  };
}

/** Model width, sequence length and per-head size of a transformer block's [batch, steps, features] input. */
export function blockDims(p: Params, shape: Shape | undefined): { width: number; steps: number | null; headDim: number } {
  const s = sequence(shape);
  const width = s[2]!;
  const heads = p.numHeads as number;
  if (width < heads)
    throw new ShapeError(`splits ${width} features into ${heads} heads, leaving none per head; use at most ${width} heads or a wider embedding`, 'numHeads');
  return { width, steps: s[1] ?? null, headDim: Math.floor(width / heads) };
}

/**
 * Weights of a keras-hub TransformerEncoder (or TransformerDecoder without cross-attention): self-attention
 * with head size floor(width / heads), two layer norms, and a width → intermediate → width feed-forward.
 */
export function transformerBlockParamCount(p: Params, width: number, headDim: number): number {
  const h = p.numHeads as number;
  const inter = p.intermediateDim as number;
  const attention = attentionParamCount({ heads: h, keyDim: headDim, valueDim: headDim, queryDim: width, keyInDim: width, valueInDim: width, outDim: width, useBias: true });
  return attention + 2 * 2 * width + width * inter + inter + inter * width + width;
}

function transformerBlock(id: 'TransformerEncoderBlock' | 'TransformerDecoderBlock', label: string, description: string) {
  return defineLayer({
    id,
    category: 'Attention',
    label,
    description,
    params: blockParams(),
    inputs: ONE_INPUT,
    outputs: 1,
    inferShape: (p, ctx) => {
      blockDims(p, ctx.inputs[0]);
      return ctx.inputs[0]!;
    },
    paramCount: (p, ctx) => {
      const { width, headDim } = blockDims(p, ctx.inputs[0]);
      return { trainable: transformerBlockParamCount(p, width, headDim), nonTrainable: 0 };
    },
    macs: (p, ctx) => {
      const { width, steps, headDim } = blockDims(p, ctx.inputs[0]);
      const t = steps ?? 1;
      const h = p.numHeads as number;
      const attention = attentionMacs({ heads: h, keyDim: headDim, valueDim: headDim, queryDim: width, keyInDim: width, valueInDim: width, outDim: width, useBias: true }, t, t);
      return attention + 2 * t * width * (p.intermediateDim as number);
    },
    tfjs: (p) => ({
      factory: `custom:${id}`,
      args: { numHeads: p.numHeads, intermediateDim: p.intermediateDim, dropout: p.dropout, activation: p.activation, layerNormEpsilon: p.layerNormEpsilon, normFirst: p.normFirst },
    }),
    summary: (p) => joinSummary(`${String(p.numHeads)} heads`, `ff ${String(p.intermediateDim)}`, p.activation !== 'relu' && (p.activation as string), p.normFirst === true && 'pre-norm'),
  });
}

/** keras_hub.layers.TransformerEncoder: self-attention and a feed-forward network with residuals. */
export const TransformerEncoderBlock = transformerBlock(
  'TransformerEncoderBlock',
  'Transformer Encoder',
  'Self-attention and a feed-forward network, each with a residual connection and layer norm (BERT-style).',
);

/** keras_hub.layers.TransformerDecoder without cross-attention: a causal (GPT-style) block. */
export const TransformerDecoderBlock = transformerBlock(
  'TransformerDecoderBlock',
  'Transformer Decoder',
  'Causal self-attention and a feed-forward network with residuals and layer norms (GPT-style, no cross-attention).',
);
