import type * as tfjs from '@tensorflow/tfjs';

export type Tf = typeof tfjs;
export type Explicit = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Kernel inputs arrive as TensorInfo; the op-level gradients pass real Tensors, but a direct
 * `runKernel` may not. Wrapping inside a `tidy` keeps the reference counts balanced.
 */
export function asTensor<R extends tfjs.Rank>(tf: Tf, info: tfjs.TensorInfo): tfjs.Tensor<R> {
  return (info instanceof tf.Tensor ? info : tf.engine().makeTensorFromTensorInfo(info)) as tfjs.Tensor<R>;
}

export function pair(v: [number, number] | number | undefined, dflt = 1): [number, number] {
  if (v === undefined || v === null) return [dflt, dflt];
  return typeof v === 'number' ? [v, v] : v;
}

/** Crops (negative amounts) or zero-pads (positive) the two spatial axes of an NHWC tensor. */
export function padOrCrop(tf: Tf, x: tfjs.Tensor4D, top: number, bottom: number, left: number, right: number): tfjs.Tensor4D {
  let t = x;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [b, h, w, c] = t.shape;
    const ct = Math.max(0, -top), cb = Math.max(0, -bottom), cl = Math.max(0, -left), cr = Math.max(0, -right);
    t = t.slice([0, ct, cl, 0], [b, h - ct - cb, w - cl - cr, c]);
  }
  const pt = Math.max(0, top), pb = Math.max(0, bottom), pl = Math.max(0, left), pr = Math.max(0, right);
  if (pt || pb || pl || pr) t = t.pad([[0, 0], [pt, pb], [pl, pr], [0, 0]]);
  return t;
}

/** The parts of tfjs-backend-wasm's BackendWasm used here (its class is not exported in the typings we import). */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: tfjs.DataType): tfjs.TensorInfo;
  typedArrayFromHeap(info: tfjs.TensorInfo): Float32Array | Int32Array | Uint8Array;
  readSync(dataId: tfjs.DataId): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: tfjs.DataId): void;
  dataIdMap: { get(dataId: tfjs.DataId): { memoryOffset: number } | undefined };
}

/** Byte offset of a tensor's buffer in the wasm heap (for ./simd.ts). */
export function offsetOf(wasm: WasmBackend, t: tfjs.TensorInfo): number {
  const at = wasm.dataIdMap.get(t.dataId)?.memoryOffset;
  if (typeof at !== 'number') throw new Error('tensor is not on the wasm backend');
  return at;
}

/** Product of a shape's sizes. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
