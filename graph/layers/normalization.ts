import { firstInput, joinSummary, lastDim } from './common.js';
import { defineLayer } from './types.js';

const IN = { kind: 'fixed', ports: [{ name: 'in' }] } as const;

/** keras.layers.BatchNormalization: normalizes one axis with batch statistics and moving averages. */
export const BatchNormalization = defineLayer({
  id: 'BatchNormalization',
  category: 'Normalization',
  label: 'BatchNormalization',
  description: 'Normalizes each channel (last axis) with batch statistics while training and moving averages at inference.',
  params: {
    momentum: { kind: 'float', default: 0.99, min: 0, max: 1, doc: 'Momentum of the moving mean and variance used at inference.' },
    epsilon: { kind: 'float', default: 0.001, min: 0, exclusiveMin: true, doc: 'Small number added to the variance to avoid dividing by zero.' },
    center: { kind: 'bool', default: true, doc: 'Learn an offset (beta) added after normalizing.' },
    scale: { kind: 'bool', default: true, doc: 'Learn a factor (gamma) multiplied after normalizing.' },
  },
  inputs: IN,
  outputs: 1,
  inferShape: (_p, ctx) => {
    const s = firstInput(ctx);
    lastDim(s, 'the channels (last) axis');
    return s;
  },
  paramCount: (p, ctx) => {
    const c = lastDim(ctx.inputs[0]!);
    // gamma and beta train; the moving mean and variance are updated by statistics, not gradients.
    return { trainable: (p.center ? c : 0) + (p.scale ? c : 0), nonTrainable: 2 * c };
  },
  // tf.layers.batchNormalization reads gamma and beta unconditionally while training, so it crashes with
  // center or scale off; graph/tfjs' PartialBatchNormalization fills in the missing one.
  tfjs: (p) => ({
    factory: p.center && p.scale ? 'batchNormalization' : 'custom:PartialBatchNormalization',
    args: { momentum: p.momentum, epsilon: p.epsilon, center: p.center, scale: p.scale },
  }),
  summary: (p) => joinSummary(!p.center && 'no center', !p.scale && 'no scale'),
});

/** keras.layers.LayerNormalization: normalizes each sample over the given axes. */
export const LayerNormalization = defineLayer({
  id: 'LayerNormalization',
  category: 'Normalization',
  label: 'LayerNormalization',
  description: 'Normalizes each sample over its last axis, then applies a learned scale and offset.',
  params: {
    epsilon: { kind: 'float', default: 0.001, min: 0, exclusiveMin: true, doc: 'Small number added to the variance to avoid dividing by zero.' },
  },
  inputs: IN,
  outputs: 1,
  inferShape: (_p, ctx) => {
    const s = firstInput(ctx);
    lastDim(s, 'the last axis');
    return s;
  },
  paramCount: (_p, ctx) => ({ trainable: 2 * lastDim(ctx.inputs[0]!), nonTrainable: 0 }),
  tfjs: (p) => ({ factory: 'layerNormalization', args: { epsilon: p.epsilon } }),
});

