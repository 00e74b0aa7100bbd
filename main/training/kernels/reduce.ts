import type * as tfjs from '@tensorflow/tfjs';
import { asTensor, type Tf } from './util.js';

/**
 * Sum over leading axes (a bias gradient: [batch, h, w, c] summed to [c]) as an XNNPACK average
 * pooling of [1, n, 1, m] over an n x 1 window, times n: one streaming pass. tfjs-backend-wasm's
 * Sum transposes the reduced axes to the end first (about 8 ms for the MNIST convnet's
 * [128, 26, 26, 32] bias gradient, vs 0.6 ms); a [1, n] x [n, m] matrix product with ones was
 * fast in isolation but repacks its n x m operand on every new tensor (12 ms per batch in training).
 * Other reductions go to the original kernel.
 */
export function sum(tf: Tf, inputs: tfjs.NamedTensorInfoMap, attrs: Record<string, unknown>, original?: tfjs.KernelFunc, backend?: unknown): tfjs.TensorInfo | tfjs.TensorInfo[] {
  const xInfo = inputs.x!;
  const rank = xInfo.shape.length;
  const axes = tf.util.parseAxisParam(attrs.axis as number | number[], xInfo.shape).sort((a, b) => a - b);
  const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  const n = xInfo.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
  if (!leading || xInfo.dtype !== 'float32' || n < 64 || !original) return original!({ inputs, attrs: attrs as tfjs.NamedAttrMap, backend: backend as never });
  return tf.tidy(() => {
    const rest = xInfo.shape.slice(axes.length);
    const m = rest.reduce((a, b) => a * b, 1);
    const total = tf.avgPool(asTensor(tf, xInfo).reshape<tfjs.Tensor4D>([1, n, 1, m]), [n, 1], 1, 'valid').mul(n);
    return total.reshape(attrs.keepDims ? [...axes.map(() => 1), ...rest] : rest);
  });
}
