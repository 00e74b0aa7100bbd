import type * as tfjs from '@tensorflow/tfjs';
import { sizeOf, type Tf, type WasmBackend } from './util.js';

type Attrs = Record<string, unknown>;

/**
 * Identity without a copy: the output shares the input's buffer and bumps its reference count, as
 * the cpu backend does (tensors are immutable; a variable's assign swaps buffers, never writes).
 * tfjs-backend-wasm copies the data, and the engine clones every tensor a gradient will need
 * (saveTensorsForBackwardMode), so training paid for ~45 copies per batch on the MNIST convnet.
 */
export function identity(_tf: Tf, inputs: tfjs.NamedTensorInfoMap, attrs: Attrs, original?: tfjs.KernelFunc, backend?: unknown): tfjs.TensorInfo | tfjs.TensorInfo[] {
  const x = inputs.x!;
  if (x.dtype === 'string' || x.dtype === 'complex64') return original!({ inputs, attrs: attrs as tfjs.NamedAttrMap, backend: backend as never });
  (backend as WasmBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/**
 * Cast to the dtype the tensor already has (float32 -> float32: a ReLU gradient casts its step
 * mask, dropout its keep mask) shares the buffer, as the cpu backend does; tfjs-backend-wasm
 * copies it. Real conversions go to the original.
 */
export function cast(tf: Tf, inputs: tfjs.NamedTensorInfoMap, attrs: Attrs, original?: tfjs.KernelFunc, backend?: unknown): tfjs.TensorInfo | tfjs.TensorInfo[] {
  if (inputs.x!.dtype === attrs.dtype) return identity(tf, inputs, attrs, original, backend);
  return original!({ inputs, attrs: attrs as tfjs.NamedAttrMap, backend: backend as never });
}

/**
 * Gather along axis 0 (what fit does to cut a batch out of the training set) as one block copy
 * per index. tfjs-backend-wasm's Gather computes every element's source index: ~6 ms for a
 * 128-image MNIST batch, against a few microseconds here. Other axes go to the original.
 */
export function gatherV2(tf: Tf, inputs: tfjs.NamedTensorInfoMap, attrs: Attrs, original?: tfjs.KernelFunc, backend?: unknown): tfjs.TensorInfo | tfjs.TensorInfo[] {
  const { x, indices } = inputs as { x: tfjs.TensorInfo; indices: tfjs.TensorInfo };
  const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const batchDims = (attrs.batchDims as number | undefined) ?? 0;
  if (axis !== 0 || batchDims !== 0 || x.dtype === 'string' || x.dtype === 'complex64' || x.shape.length === 0) {
    return original!({ inputs, attrs: attrs as tfjs.NamedAttrMap, backend: backend as never });
  }
  const wasm = backend as WasmBackend;
  const ids = wasm.readSync(indices.dataId);
  const rows = x.shape[0]!;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id <= rows - 1)) throw new Error(`GatherV2: the index value ${id} is not in [0, ${rows - 1}]`);
  }
  const rowSize = sizeOf(x.shape.slice(1));
  const out = wasm.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
  if (rowSize === 0 || ids.length === 0) return out;
  // Views are taken after the allocation: growing the wasm heap would detach earlier ones.
  const dst = wasm.typedArrayFromHeap(out);
  const src = wasm.typedArrayFromHeap(x);
  for (let i = 0; i < ids.length; i++) {
    const from = ids[i]! * rowSize;
    dst.set(src.subarray(from, from + rowSize), i * rowSize);
  }
  return out;
}
