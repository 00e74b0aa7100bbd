import { formatShape, sampleSize, ShapeError } from '../shape.js';
import { activationParam, firstInput, floatIdsWarning, joinSummary, lastDim, ONE_INPUT, tokenInput } from './common.js';
import { defineLayer } from './types.js';

/** keras.layers.Dense: a fully connected layer on the last axis. */
export const Dense = defineLayer({
  id: 'Dense',
  category: 'Core',
  label: 'Dense',
  description: 'Fully connected layer: output = activation(input · kernel + bias), on the last axis.',
  params: {
    units: { kind: 'int', default: 64, min: 1, doc: 'Number of output units.' },
    activation: activationParam(),
    useBias: { kind: 'bool', default: true, doc: 'Whether the layer adds a bias vector.' },
  },
  inputs: ONE_INPUT,
  outputs: 1,
  inferShape: (p, ctx) => {
    const s = firstInput(ctx);
    if (s.length < 2 || s.length > 3)
      throw new ShapeError(`expects a rank-2 input (or rank-3 for sequences) but gets ${formatShape(s)}; add a Flatten before it`);
    lastDim(s);
    return [...s.slice(0, -1), p.units as number];
  },
  paramCount: (p, ctx) => {
    const inDim = lastDim(ctx.inputs[0]!);
    const units = p.units as number;
    return { trainable: inDim * units + (p.useBias ? units : 0), nonTrainable: 0 };
  },
  macs: (p, ctx, out) => lastDim(ctx.inputs[0]!) * (sampleSize(out) ?? 0),
  outputActivation: (p) => p.activation as string,
  tfjs: (p) => ({ factory: 'dense', args: { units: p.units, activation: p.activation, useBias: p.useBias } }),
  summary: (p) => joinSummary(p.units as number, p.activation as string),
});

/** keras.layers.Activation: an activation function applied element-wise. */
export const Activation = defineLayer({
  id: 'Activation',
  category: 'Core',
  label: 'Activation',
  description: 'Applies an activation function element-wise.',
  params: { activation: activationParam('relu') },
  inputs: ONE_INPUT,
  outputs: 1,
  inferShape: (_p, ctx) => firstInput(ctx),
  outputActivation: (p) => p.activation as string,
  tfjs: (p) => ({ factory: 'activation', args: { activation: p.activation } }),
  summary: (p) => String(p.activation),
});

/** keras.layers.Embedding: integer token ids to learned dense vectors. */
export const Embedding = defineLayer({
  id: 'Embedding',
  category: 'Core',
  label: 'Embedding',
  description: 'Turns integer token ids into learned dense vectors: [batch, steps] ids to [batch, steps, outputDim].',
  params: {
    inputDim: { kind: 'int', default: 1000, min: 1, doc: 'Vocabulary size: token ids must lie in 0 … inputDim − 1.' },
    outputDim: { kind: 'int', default: 64, min: 1, doc: 'Length of each embedding vector.' },
    maskZero: { kind: 'bool', default: false, doc: 'Treat id 0 as padding: recurrent layers skip it and self-attention and transformer blocks ignore it as a key.' },
  },
  inputs: ONE_INPUT,
  outputs: 1,
  inferShape: (p, ctx) => [...tokenInput(ctx), p.outputDim as number],
  paramCount: (p) => ({ trainable: (p.inputDim as number) * (p.outputDim as number), nonTrainable: 0 }),
  warnings: (_p, ctx) => floatIdsWarning(ctx),
  tfjs: (p) => ({ factory: 'embedding', args: { inputDim: p.inputDim, outputDim: p.outputDim, maskZero: p.maskZero } }),
  summary: (p) => joinSummary(`${String(p.inputDim)}→${String(p.outputDim)}`, p.maskZero === true && 'mask 0'),
});

/** keras.layers.Masking: skips timesteps whose features all equal maskValue. */
export const Masking = defineLayer({
  id: 'Masking',
  category: 'Core',
  label: 'Masking',
  description: 'Masks timesteps whose features all equal maskValue, so recurrent layers after it skip them.',
  params: { maskValue: { kind: 'float', default: 0, doc: 'Timesteps where every feature equals this value are skipped.' } },
  inputs: ONE_INPUT,
  outputs: 1,
  inferShape: (_p, ctx) => firstInput(ctx),
  // tf.layers.masking cannot train anything before it (its mask op has no gradient); graph/tfjs' TrainableMasking can.
  tfjs: (p) => ({ factory: 'custom:TrainableMasking', args: { maskValue: p.maskValue } }),
  summary: (p) => `mask ${String(p.maskValue)}`,
});
