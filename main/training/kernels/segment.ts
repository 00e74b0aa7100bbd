import type * as tfjs from '@tensorflow/tfjs';
import { asTensor, type Tf } from './util.js';

/**
 * The gradient of Gather (Embedding lookups): sums rows of x into numSegments buckets. The wasm
 * ScatterNd kernel accumulates duplicate indices, so this is one scatter; ids outside
 * [0, numSegments) are dropped as TensorFlow does (and must never reach native memory).
 */
export function unsortedSegmentSum(tf: Tf, inputs: tfjs.NamedTensorInfoMap, attrs: Record<string, unknown>): tfjs.Tensor {
  const numSegments = attrs.numSegments as number;
  return tf.tidy(() => {
    const x = asTensor(tf, inputs.x!);
    const ids = asTensor(tf, inputs.segmentIds!).toInt().flatten();
    const n = ids.shape[0];
    const rest = x.shape.slice(inputs.segmentIds!.shape.length);
    const valid = tf.logicalAnd(ids.greaterEqual(0), ids.less(numSegments));
    const safeIds = tf.where(valid, ids, tf.zerosLike(ids)).reshape([n, 1]);
    const mask = valid.cast(x.dtype).reshape([n, ...rest.map(() => 1)]);
    const updates = x.reshape([n, ...rest]).mul(mask);
    return tf.scatterND(safeIds, updates, [numSegments, ...rest]);
  });
}
