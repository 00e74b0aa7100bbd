import { formatShape, ShapeError } from '../shape.js';
import { firstInput, joinSummary, ONE_INPUT } from './common.js';
import { defineLayer, type LayerContext } from './types.js';

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

/** Layer kinds where switching the `activation` param fixes a wrong output activation (for the others the fix is a new head). */
const SETTABLE_ACTIVATION = new Set(['Dense', 'Activation', 'Conv1D', 'Conv2D', 'Conv2DTranspose', 'SeparableConv2D', 'DepthwiseConv2D']);

/**
 * Likely mistakes between an Output's loss and the activation the layer before it ends in: the graph runs, but
 * the loss sees numbers of the wrong kind (tfjs' crossentropies take probabilities, there is no from_logits).
 * Only a known activation is judged; a layer that declares none (a Reshape, an Add) is given the benefit of doubt.
 */
function lossWarnings(loss: string, metrics: readonly string[], ctx: LayerContext): { message: string; field?: string }[] {
  const src = ctx.sources?.[0];
  const shape = ctx.inputs[0];
  const act = src?.activation;
  if (!src || !shape || act === undefined) return [];
  const units = shape[shape.length - 1];
  const from = `'${src.name}'`;
  // A Dense or convolution can simply switch its activation; after any other layer (an LSTM, whose activation is
  // its cell's, or a ReLU) the fix is a head that applies the right one.
  const fix = (want: string): string => (SETTABLE_ACTIVATION.has(src.type) ? `set its activation to ${want}` : `add a Dense with activation ${want} after it`);
  const categorical = loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy';
  if (categorical && act === 'sigmoid')
    return [{ field: 'loss', message: `uses ${loss}, which expects class probabilities that sum to 1, but ${from} ends in sigmoid, which scores each unit on its own; ${fix('softmax')} (one class per sample), or use binaryCrossentropy for independent yes/no labels` }];
  if (categorical && act !== 'softmax')
    return [{ field: 'loss', message: `uses ${loss}, which expects class probabilities, but ${from} ends in ${act === 'linear' ? 'no activation (linear), so it outputs raw scores' : `${act}, whose outputs are not probabilities`}; ${fix('softmax')}` }];
  if (loss === 'binaryCrossentropy' && act === 'softmax')
    return [
      units === 1
        ? { field: 'loss', message: `uses binaryCrossentropy, but ${from} ends in softmax over a single unit, which always outputs 1, so nothing can be learned; ${fix('sigmoid')}` }
        : { field: 'loss', message: `uses binaryCrossentropy, but ${from} ends in softmax over ${units ?? 'several'} units, which makes them compete (they sum to 1); ${fix('sigmoid')} for independent yes/no labels, or use categoricalCrossentropy for one class out of ${units ?? 'several'}` },
    ];
  if (loss === 'binaryCrossentropy' && act !== 'sigmoid')
    return [{ field: 'loss', message: `uses binaryCrossentropy, which expects probabilities between 0 and 1, but ${from} ends in ${act === 'linear' ? 'no activation (linear)' : act}; ${fix('sigmoid')}` }];
  if (loss === 'binaryCrossentropy' && typeof units === 'number' && units > 1 && metrics.includes('accuracy'))
    return [
      {
        field: 'loss',
        message: `uses binaryCrossentropy on ${units} sigmoid units: right when a sample can have several labels, but if it has one class out of ${units}, use softmax with categoricalCrossentropy instead (its 'accuracy' here counts each unit separately and looks high even when the class is wrong)`,
      },
    ];
  return [];
}

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
  inputs: ONE_INPUT,
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
  warnings: (p, ctx) => lossWarnings(p.loss as string, p.metrics as string[], ctx),
  summary: (p) => joinSummary(p.loss as string),
});
