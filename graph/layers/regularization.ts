import { firstInput, ONE_INPUT, requireRank } from './common.js';
import { defineLayer } from './types.js';

/** keras.layers.Dropout: zeroes a random fraction of inputs while training. */
export const Dropout = defineLayer({
  id: 'Dropout',
  category: 'Regularization',
  label: 'Dropout',
  description: 'Randomly zeroes a fraction of inputs during training to reduce overfitting.',
  params: { rate: { kind: 'float', default: 0.5, min: 0, max: 0.99, doc: 'Fraction of the inputs to drop.' } },
  inputs: ONE_INPUT,
  outputs: 1,
  // Noise and dropout act only while training, so what comes out is what came in.
  passesActivation: true,
  inferShape: (_p, ctx) => firstInput(ctx),
  tfjs: (p) => ({ factory: 'dropout', args: { rate: p.rate } }),
  summary: (p) => String(p.rate),
});

const rateParam = (doc: string) => ({ kind: 'float', default: 0.1, min: 0, max: 0.99, doc }) as const;

/** keras.layers.SpatialDropout1D: drops whole channels of a sequence while training. */
export const SpatialDropout1D = defineLayer({
  id: 'SpatialDropout1D',
  category: 'Regularization',
  label: 'SpatialDropout1D',
  description: 'Dropout that drops whole channels of a sequence instead of single values.',
  params: { rate: rateParam('Fraction of the channels to drop during training.') },
  inputs: ONE_INPUT,
  outputs: 1,
  passesActivation: true,
  inferShape: (_p, ctx) => requireRank(firstInput(ctx), [3], 'it works on sequences [batch, steps, channels]; use Dropout for other inputs'),
  tfjs: (p) => ({ factory: 'spatialDropout1d', args: { rate: p.rate } }),
  summary: (p) => String(p.rate),
});

/** keras.layers.GaussianNoise: adds zero-centred Gaussian noise while training. */
export const GaussianNoise = defineLayer({
  id: 'GaussianNoise',
  category: 'Regularization',
  label: 'GaussianNoise',
  description: 'Adds zero-centred Gaussian noise during training (a regularizer); does nothing at inference.',
  params: { stddev: { kind: 'float', default: 0.1, min: 0, doc: 'Standard deviation of the noise.' } },
  inputs: ONE_INPUT,
  outputs: 1,
  passesActivation: true,
  inferShape: (_p, ctx) => firstInput(ctx),
  tfjs: (p) => ({ factory: 'gaussianNoise', args: { stddev: p.stddev } }),
  summary: (p) => `σ ${String(p.stddev)}`,
});

/** keras.layers.GaussianDropout: multiplies by Gaussian noise centred on 1 while training. */
export const GaussianDropout = defineLayer({
  id: 'GaussianDropout',
  category: 'Regularization',
  label: 'GaussianDropout',
  description: 'Multiplies inputs by Gaussian noise centred on 1 during training; does nothing at inference.',
  params: { rate: rateParam('Drop probability, as in Dropout; the noise has standard deviation sqrt(rate / (1 - rate)).') },
  inputs: ONE_INPUT,
  outputs: 1,
  passesActivation: true,
  inferShape: (_p, ctx) => firstInput(ctx),
  tfjs: (p) => ({ factory: 'gaussianDropout', args: { rate: p.rate } }),
  summary: (p) => String(p.rate),
});
