import { formatShape, sampleSize, ShapeError } from '../shape.js';
import { activationParam, firstInput, formatTuple, joinSummary, lastDim, requireRank } from './common.js';
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

export const Reshape = defineLayer({
  id: 'Reshape',
  category: 'Core',
  label: 'Reshape',
  description: 'Reshapes each sample to a target shape with the same number of elements; one axis may be -1 (inferred).',
  params: {
    targetShape: { kind: 'tuple', default: [-1], minLength: 1, maxLength: 5, min: -1, doc: 'Shape of one sample after reshaping, without the batch axis; at most one entry may be -1, meaning "whatever fits".' },
  },
  inputs: { kind: 'fixed', ports: [{ name: 'in' }] },
  outputs: 1,
  checkParams: (p) => {
    const t = p.targetShape as number[];
    if (t.includes(0)) return { message: `param 'targetShape' has a 0 in ${formatShape(t)}; every axis needs a size of at least 1 (or -1 for one inferred axis)`, field: 'targetShape' };
    if (t.filter((d) => d === -1).length > 1) return { message: `param 'targetShape' has more than one -1 in ${formatShape(t)}; only one axis can be inferred`, field: 'targetShape' };
    return null;
  },
  inferShape: (p, ctx) => {
    const s = firstInput(ctx);
    const t = p.targetShape as number[];
    const n = sampleSize(s);
    if (n === null) throw new ShapeError(`needs every axis of its input known but gets ${formatShape(s)}`);
    const known = t.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if (t.includes(-1)) {
      if (n % known !== 0)
        throw new ShapeError(`cannot reshape ${formatShape(s)} (${n} values per sample) to ${formatShape(t)}: ${n} is not divisible by ${known}; change targetShape`, 'targetShape');
      return [null, ...t.map((d) => (d === -1 ? n / known : d))];
    }
    if (known !== n)
      throw new ShapeError(`cannot reshape ${formatShape(s)} (${n} values per sample) to ${formatShape(t)} (${known} values); the sizes must multiply to ${n}, or use -1 for one axis`, 'targetShape');
    return [null, ...t];
  },
  // A -1 is resolved here: tfjs' Reshape leaves an inferred axis unknown (null) in the symbolic shape.
  tfjs: (p, ctx) => {
    const t = p.targetShape as number[];
    const n = ctx.inputs[0] ? sampleSize(ctx.inputs[0]) : null;
    const known = t.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    return { factory: 'reshape', args: { targetShape: n === null ? t : t.map((d) => (d === -1 ? n / known : d)) } };
  },
  summary: (p) => formatTuple(p.targetShape),
});

export const Permute = defineLayer({
  id: 'Permute',
  category: 'Core',
  label: 'Permute',
  description: 'Reorders the axes of each sample, e.g. dims [2, 1] swaps the first two axes after the batch.',
  params: {
    dims: { kind: 'tuple', default: [2, 1], minLength: 1, maxLength: 5, min: 1, doc: 'New order of the axes, numbered from 1 (the batch axis is not included), e.g. [2, 1].' },
  },
  inputs: { kind: 'fixed', ports: [{ name: 'in' }] },
  outputs: 1,
  checkParams: (p) => {
    const d = p.dims as number[];
    const sorted = [...d].sort((a, b) => a - b);
    if (!sorted.every((v, i) => v === i + 1))
      return { message: `param 'dims' ${formatShape(d)} is not a permutation of 1..${d.length}; list each axis number from 1 to ${d.length} once`, field: 'dims' };
    return null;
  },
  inferShape: (p, ctx) => {
    const s = firstInput(ctx);
    const d = p.dims as number[];
    if (d.length !== s.length - 1)
      throw new ShapeError(`has dims ${formatShape(d)} for ${d.length} axes but its input ${formatShape(s)} has ${s.length - 1} axes besides the batch; give one number per axis`, 'dims');
    return [null, ...d.map((i) => s[i]!)];
  },
  tfjs: (p) => ({ factory: 'permute', args: { dims: p.dims } }),
  summary: (p) => formatShape(p.dims as number[]),
});

export const RepeatVector = defineLayer({
  id: 'RepeatVector',
  category: 'Core',
  label: 'RepeatVector',
  description: 'Repeats a vector n times: [null, d] becomes [null, n, d].',
  params: { n: { kind: 'int', default: 2, min: 1, doc: 'Number of repetitions.' } },
  inputs: { kind: 'fixed', ports: [{ name: 'in' }] },
  outputs: 1,
  inferShape: (p, ctx) => {
    const s = requireRank(firstInput(ctx), [2], 'add a Flatten before it');
    return [null, p.n as number, s[1]!];
  },
  tfjs: (p) => ({ factory: 'repeatVector', args: { n: p.n } }),
  summary: (p) => `×${String(p.n)}`,
});

export const Masking = defineLayer({
  id: 'Masking',
  category: 'Core',
  label: 'Masking',
  description: 'Masks timesteps whose features all equal maskValue, so recurrent layers after it skip them.',
  params: { maskValue: { kind: 'float', default: 0, doc: 'Timesteps where every feature equals this value are skipped.' } },
  inputs: { kind: 'fixed', ports: [{ name: 'in' }] },
  outputs: 1,
  inferShape: (_p, ctx) => firstInput(ctx),
  // tf.layers.masking cannot train anything before it (its mask op has no gradient); graph/tfjs' TrainableMasking can.
  tfjs: (p) => ({ factory: 'custom:TrainableMasking', args: { maskValue: p.maskValue } }),
  summary: (p) => `mask ${String(p.maskValue)}`,
});
