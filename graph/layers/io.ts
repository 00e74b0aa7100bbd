import { formatShape, ShapeError } from '../shape.js';
import { firstInput, joinSummary } from './common.js';
import { defineLayer } from './types.js';

/** Losses an Output can carry (tfjs names; `huber` is Keras' Huber). */
export const LOSSES = [
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'binaryCrossentropy',
  'meanSquaredError',
  'meanAbsoluteError',
  'huber',
] as const;

/** Metrics an Output can report (tfjs metric names). */
export const METRICS = ['accuracy', 'mse', 'mae', 'mape', 'precision', 'recall'] as const;

/** keras.Input: a model input of a fixed per-sample shape and dtype. */
export const Input = defineLayer({
  id: 'Input',
  category: 'Inputs/outputs',
  label: 'Input',
  description: 'A model input: the shape of one sample, without the batch axis.',
  params: {
    shape: { kind: 'tuple', default: [28, 28, 1], minLength: 1, maxLength: 4, doc: 'Shape of one sample, without the batch axis, e.g. [28, 28, 1] or [64].' },
    dtype: { kind: 'choice', default: 'float32', choices: ['float32', 'int32'], doc: 'Element type; int32 for token ids fed to an Embedding.' },
  },
  inputs: { kind: 'fixed', ports: [] },
  outputs: 1,
  inferShape: (p) => [null, ...(p.shape as number[])],
  summary: (p) => joinSummary(formatShape(p.shape as number[]).replace(/^\[|\]$/g, ''), p.dtype === 'int32' && 'int32'),
});

/** A model output (Keras' `outputs=` plus its `compile` loss, metrics and loss weight). */
export const Output = defineLayer({
  id: 'Output',
  category: 'Inputs/outputs',
  label: 'Output',
  description: 'Marks a model output and the loss and metrics it is trained with.',
  params: {
    loss: { kind: 'choice', default: 'categoricalCrossentropy', choices: LOSSES, doc: 'Loss minimised for this output.' },
    metrics: { kind: 'multi', default: ['accuracy'], choices: METRICS, doc: 'Metrics reported for this output during training.' },
    lossWeight: { kind: 'float', default: 1, min: 0, doc: 'Weight of this output\'s loss in the total, for multi-output models.' },
  },
  inputs: { kind: 'fixed', ports: [{ name: 'in' }] },
  outputs: 0,
  inferShape: (p, ctx) => {
    const s = firstInput(ctx);
    const last = s[s.length - 1];
    const loss = p.loss as string;
    if ((loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy') && last === 1)
      throw new ShapeError(`uses ${loss}, which needs one unit per class, but gets ${formatShape(s)}; use binaryCrossentropy for one sigmoid unit, or give the layer before it as many units as classes`, 'loss');
    if ((loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy') && s.length < 2)
      throw new ShapeError(`uses ${loss} but gets ${formatShape(s)}; it needs class scores on the last axis`, 'loss');
    return s;
  },
  summary: (p) => joinSummary(p.loss as string),
});
