import { formatShape, sampleSize, ShapeError } from '../shape.js';
import { firstInput, joinSummary, ONE_INPUT } from './common.js';
import { defineLayer } from './types.js';

/** keras.layers.ReLU: max(x, 0) with an optional cap, negative slope and threshold. */
export const ReLU = defineLayer({
  id: 'ReLU',
  category: 'Activation',
  label: 'ReLU',
  description: 'Rectified linear unit: x above threshold (capped at maxValue), negativeSlope · (x − threshold) below it.',
  params: {
    maxValue: { kind: 'float', default: null, nullable: true, min: 0, doc: 'Upper bound of the output; empty for no bound (6 gives ReLU6).' },
    negativeSlope: { kind: 'float', default: 0, min: 0, doc: 'Slope below the threshold; 0 is a plain ReLU.' },
    threshold: { kind: 'float', default: 0, doc: 'Inputs at or below this value are cut (or scaled by negativeSlope).' },
  },
  inputs: ONE_INPUT,
  outputs: 1,
  outputActivation: () => 'relu',
  inferShape: (_p, ctx) => firstInput(ctx),
  // tf.layers.reLU knows only maxValue; the Keras slope and threshold use graph/tfjs' KerasReLU.
  tfjs: (p) => {
    const max = p.maxValue === null ? {} : { maxValue: p.maxValue };
    if (p.negativeSlope === 0 && p.threshold === 0) return { factory: 'reLU', args: max };
    return { factory: 'custom:KerasReLU', args: { ...max, negativeSlope: p.negativeSlope, threshold: p.threshold } };
  },
  summary: (p) => joinSummary(p.maxValue !== null && `max ${String(p.maxValue)}`, p.negativeSlope !== 0 && `slope ${String(p.negativeSlope)}`, p.threshold !== 0 && `> ${String(p.threshold)}`),
});

/** keras.layers.LeakyReLU: ReLU with a small fixed slope for negative inputs. */
export const LeakyReLU = defineLayer({
  id: 'LeakyReLU',
  category: 'Activation',
  label: 'LeakyReLU',
  description: 'ReLU that lets a small slope through for negative inputs: x if x > 0, else alpha · x.',
  params: { alpha: { kind: 'float', default: 0.3, min: 0, doc: 'Slope for negative inputs.' } },
  inputs: ONE_INPUT,
  outputs: 1,
  outputActivation: () => 'leakyReLU',
  inferShape: (_p, ctx) => firstInput(ctx),
  tfjs: (p) => ({ factory: 'leakyReLU', args: { alpha: p.alpha } }),
  summary: (p) => `α ${String(p.alpha)}`,
});

/** keras.layers.PReLU: ReLU with a learned slope for negative inputs. */
export const PReLU = defineLayer({
  id: 'PReLU',
  category: 'Activation',
  label: 'PReLU',
  description: 'Leaky ReLU whose negative slope is learned, one per input element.',
  params: {},
  inputs: ONE_INPUT,
  outputs: 1,
  outputActivation: () => 'prelu',
  inferShape: (_p, ctx) => {
    const s = firstInput(ctx);
    if (sampleSize(s) === null) throw new ShapeError(`learns one slope per input element, so it needs every axis of its input known but gets ${formatShape(s)}`);
    return s;
  },
  paramCount: (_p, ctx) => ({ trainable: sampleSize(ctx.inputs[0]!) ?? 0, nonTrainable: 0 }),
  tfjs: () => ({ factory: 'prelu', args: {} }),
});

/** keras.layers.ELU: the exponential linear unit. */
export const ELU = defineLayer({
  id: 'ELU',
  category: 'Activation',
  label: 'ELU',
  description: 'Exponential linear unit: x if x > 0, else alpha · (exp(x) − 1).',
  params: { alpha: { kind: 'float', default: 1, min: 0, doc: 'Scale of the negative part.' } },
  inputs: ONE_INPUT,
  outputs: 1,
  outputActivation: () => 'elu',
  inferShape: (_p, ctx) => firstInput(ctx),
  // tf.layers.elu refuses any alpha but 1, so other values use the custom layer in graph/tfjs/activation-layers.ts.
  tfjs: (p) => (p.alpha === 1 ? { factory: 'elu', args: {} } : { factory: 'custom:AlphaELU', args: { alpha: p.alpha } }),
  summary: (p) => (p.alpha === 1 ? '' : `α ${String(p.alpha)}`),
});

/** keras.layers.Softmax: scores to probabilities along the last axis. */
export const Softmax = defineLayer({
  id: 'Softmax',
  category: 'Activation',
  label: 'Softmax',
  description: 'Turns scores into probabilities that sum to 1 along the last axis.',
  params: { axis: { kind: 'int', default: -1, doc: 'Axis to normalize over, counting the batch as axis 0; -1 is the last axis (the only one TensorFlow.js supports).' } },
  inputs: ONE_INPUT,
  outputs: 1,
  outputActivation: () => 'softmax',
  checkParams: (p) => (p.axis === 0 ? { message: "param 'axis' is 0, the batch axis; softmax runs within a sample, so use -1 for the last axis", field: 'axis' } : null),
  inferShape: (p, ctx) => {
    const s = firstInput(ctx);
    const axis = p.axis as number;
    const a = axis < 0 ? s.length + axis : axis;
    if (a < 1 || a >= s.length)
      throw new ShapeError(`has axis ${axis}, but its input ${formatShape(s)} has axes 1 to ${s.length - 1} (or -1 to -${s.length - 1}); pick one of those`, 'axis');
    if (a !== s.length - 1)
      throw new ShapeError(`has axis ${axis}, but TensorFlow.js computes softmax only over the last axis (${s.length - 1} for ${formatShape(s)}); use axis -1, or Permute the axis to the end first`, 'axis');
    return s;
  },
  tfjs: () => ({ factory: 'softmax', args: { axis: -1 } }),
  summary: (p) => (p.axis === -1 ? '' : `axis ${String(p.axis)}`),
});
