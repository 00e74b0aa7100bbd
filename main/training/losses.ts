import type * as tfjs from '@tensorflow/tfjs';
import { makeLoss } from '../../graph/compile.js';
import type { Tf } from '../../graph/tfjs/all.js';
import type { DatasetInfo } from '../datasets/types.js';

type LossFn = (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tfjs.Tensor;

// Language-model targets are padded with id 0 after the text ends ('.emma' + 11 pads for a 16-character
// window of names). Counted like any other position, the padding, which is trivial to predict, makes up over
// half of the names targets: accuracy read about 0.7 while the model got far fewer real characters right,
// and the loss was diluted alike. Keras leaves such positions out when the Embedding has mask_zero (the mask
// reaches the loss and the metrics) or with temporal sample weights; tfjs 4.22 applies no masks to losses or
// metrics and has no sample weights in trainOnBatch, so the loss and accuracy here do it themselves: the mean
// over the positions whose target is not padding, per batch, as Keras does.

// Targets arrive one-hot (see targetEncoding in trainer.ts); the padding id 0 is [1, 0, 0, ...].
function targetIds(tf: Tf, yTrue: tfjs.Tensor): tfjs.Tensor {
  return tf.argMax(yTrue, -1);
}

/** `values` (one per target position) scaled so that their plain mean is the mean over non-padding positions. */
function maskedMean(tf: Tf, values: tfjs.Tensor, ids: tfjs.Tensor): tfjs.Tensor {
  const mask = tf.cast(tf.notEqual(ids, 0), 'float32');
  return tf.mul(tf.mul(values, mask), tf.div(mask.size, tf.maximum(tf.sum(mask), 1)));
}

function named(fn: LossFn, name: string): LossFn {
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

/**
 * The loss and metrics to compile an Output with for this dataset: the Output's own for most, and for
 * language models crossentropy and accuracy that leave padding targets (id 0) out. Metric log names stay
 * Keras' (`loss`, `acc`). Both training and `evaluate` use this, so their numbers agree.
 */
export function lossAndMetrics(tf: Tf, loss: string, metrics: readonly string[], info: DatasetInfo): { loss: string | LossFn; metrics: (string | LossFn)[] } {
  if (info.task !== 'languageModel' || (loss !== 'sparseCategoricalCrossentropy' && loss !== 'categoricalCrossentropy')) return { loss: makeLoss(tf, loss), metrics: [...metrics] };
  // The same numbers for both names, as in Keras: sparse only says how targets are given, and here they are one-hot.
  const crossentropy = (yTrue: tfjs.Tensor, yPred: tfjs.Tensor): tfjs.Tensor => tf.tidy(() => maskedMean(tf, tf.metrics.categoricalCrossentropy(yTrue, yPred), targetIds(tf, yTrue)));
  const accuracy = (yTrue: tfjs.Tensor, yPred: tfjs.Tensor): tfjs.Tensor =>
    tf.tidy(() => {
      const ids = targetIds(tf, yTrue);
      return maskedMean(tf, tf.cast(tf.equal(ids, tf.argMax(yPred, -1)), 'float32'), ids);
    });
  return {
    loss: named(crossentropy, loss),
    // A loss given as a function also stops tfjs from choosing the accuracy that fits it, so every
    // accuracy or crossentropy metric has to be the masked one.
    metrics: metrics.map((m) => (m === 'accuracy' || m === 'acc' ? named(accuracy, 'acc') : m === 'crossentropy' || m === 'ce' ? named(crossentropy, 'ce') : m)),
  };
}
