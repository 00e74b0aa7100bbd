import { formatShape, sampleSize, ShapeError } from '../shape.js';
import { activationParam, firstInput, joinSummary, lastDim } from './common.js';
import { defineLayer } from './types.js';

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
  inputs: { kind: 'fixed', ports: [{ name: 'in' }] },
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
  tfjs: (p) => ({ factory: 'dense', args: { units: p.units, activation: p.activation, useBias: p.useBias } }),
  summary: (p) => joinSummary(p.units as number, p.activation as string),
});

export const Activation = defineLayer({
  id: 'Activation',
  category: 'Core',
  label: 'Activation',
  description: 'Applies an activation function element-wise.',
  params: { activation: activationParam('relu') },
  inputs: { kind: 'fixed', ports: [{ name: 'in' }] },
  outputs: 1,
  inferShape: (_p, ctx) => firstInput(ctx),
  tfjs: (p) => ({ factory: 'activation', args: { activation: p.activation } }),
  summary: (p) => String(p.activation),
});

export const Dropout = defineLayer({
  id: 'Dropout',
  category: 'Core',
  label: 'Dropout',
  description: 'Randomly zeroes a fraction of inputs during training to reduce overfitting.',
  params: { rate: { kind: 'float', default: 0.5, min: 0, max: 0.99, doc: 'Fraction of the inputs to drop.' } },
  inputs: { kind: 'fixed', ports: [{ name: 'in' }] },
  outputs: 1,
  inferShape: (_p, ctx) => firstInput(ctx),
  tfjs: (p) => ({ factory: 'dropout', args: { rate: p.rate } }),
  summary: (p) => String(p.rate),
});

export const Flatten = defineLayer({
  id: 'Flatten',
  category: 'Core',
  label: 'Flatten',
  description: 'Flattens each sample to one axis, e.g. [null, 5, 5, 64] to [null, 1600].',
  params: {},
  inputs: { kind: 'fixed', ports: [{ name: 'in' }] },
  outputs: 1,
  inferShape: (_p, ctx) => {
    const s = firstInput(ctx);
    if (s.length < 2) throw new ShapeError(`expects an input with at least one axis besides the batch but gets ${formatShape(s)}`);
    const n = sampleSize(s);
    if (n === null) throw new ShapeError(`needs every axis of its input known but gets ${formatShape(s)}`);
    return [null, n];
  },
  tfjs: () => ({ factory: 'flatten', args: {} }),
});
