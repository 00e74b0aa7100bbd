import type * as tfjs from '@tensorflow/tfjs';
import { asTensor, sizeOf, type Tf } from './util.js';

type Attrs = Record<string, unknown>;

function swapLastTwo(tf: Tf, info: tfjs.TensorInfo): tfjs.Tensor {
  const r = info.shape.length;
  const perm = [...Array(r).keys()];
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return tf.tidy(() => asTensor(tf, info).transpose(perm));
}

/**
 * Matrix products with a transposed operand, as an explicit transpose and the untransposed
 * product. tfjs-backend-wasm sends only untransposed, unbatched products to XNNPACK; the rest
 * (every Dense gradient: x^T dy and dy W^T) go through a scalar triple loop, ~60x slower here.
 * The transpose costs one pass over the operand. Batched products are left to the original.
 * Serves BatchMatMul and _FusedMatMul (same attributes; bias and activation pass through).
 */
export function matMul(tf: Tf, inputs: tfjs.NamedTensorInfoMap, attrs: Attrs, original?: tfjs.KernelFunc, backend?: unknown): tfjs.TensorInfo | tfjs.TensorInfo[] {
  const call = (ins: tfjs.NamedTensorInfoMap, at: Attrs) => original!({ inputs: ins, attrs: at as tfjs.NamedAttrMap, backend: backend as never });
  const { a, b } = inputs as { a: tfjs.TensorInfo; b: tfjs.TensorInfo };
  const ta = attrs.transposeA === true;
  const tb = attrs.transposeB === true;
  const unbatched = sizeOf(a.shape.slice(0, -2)) === 1 && sizeOf(b.shape.slice(0, -2)) === 1;
  if ((!ta && !tb) || !unbatched || a.dtype !== 'float32' || b.dtype !== 'float32') return call(inputs, attrs);
  const temps: tfjs.Tensor[] = [];
  const a2 = ta ? temps[temps.push(swapLastTwo(tf, a)) - 1]! : a;
  const b2 = tb ? temps[temps.push(swapLastTwo(tf, b)) - 1]! : b;
  try {
    return call({ ...inputs, a: a2, b: b2 }, { ...attrs, transposeA: false, transposeB: false });
  } finally {
    tf.dispose(temps);
  }
}
