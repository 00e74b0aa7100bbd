import type * as tfjs from '@tensorflow/tfjs';
import { simdKernels, type SimdKernels } from './simd.js';
import { offsetOf, type Tf, type WasmBackend } from './util.js';

/**
 * The gradient of max pooling: each dy element goes to its window's first maximum (the cpu
 * backend's rule, so both backends train alike), summed where windows overlap.
 *
 * A JS loop over the wasm heap, against the preference for composing wasm kernels, because
 * nothing composes well here: tfjs-backend-wasm's own MaxPoolGrad re-scans the windows for every
 * input pixel (about 100 ms per call on the MNIST convnet's first pooling layer, the largest
 * single cost of a training step), and its MaxPoolWithArgmax picks the last maximum and starts
 * from FLT_MIN, so an all-negative window yields a wrong index. One pass over the windows here
 * is a few milliseconds.
 */
export function maxPoolGrad(tf: Tf, inputs: tfjs.NamedTensorInfoMap, attrs: Record<string, unknown>, _original?: tfjs.KernelFunc, backend?: unknown): tfjs.TensorInfo {
  const wasm = backend as WasmBackend;
  const dyInfo = inputs.dy!;
  const xInfo = inputs.input!;
  const info = tf.backend_util.computePool2DInfo(
    xInfo.shape as [number, number, number, number],
    attrs.filterSize as [number, number] | number,
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw, effectiveFilterHeight: kh, effectiveFilterWidth: kw } = info;
  const { top, left } = info.padInfo;
  if (dyInfo.shape.join() !== [B, OH, OW, C].join()) throw new Error(`MaxPoolGrad: dy has shape [${dyInfo.shape.join(', ')}], expected [${[B, OH, OW, C].join(', ')}]`);
  const out = wasm.makeOutput(xInfo.shape, 'float32');
  // Views are taken after the allocation: growing the wasm heap would detach earlier ones.
  const dx = wasm.typedArrayFromHeap(out) as Float32Array;
  const x = wasm.typedArrayFromHeap(xInfo) as Float32Array;
  const dy = wasm.typedArrayFromHeap(dyInfo) as Float32Array;
  if (kh === 2 && kw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0 && 2 * OH <= H && 2 * OW <= W) {
    const simd = C % 4 === 0 ? simdKernels(wasm) : null;
    if (simd) maxPoolGrad2x2Simd(simd, offsetOf(wasm, xInfo), offsetOf(wasm, dyInfo), offsetOf(wasm, out), dx, B, H, W, C, OH, OW);
    else maxPoolGrad2x2(x, dy, dx, B, H, W, C, OH, OW);
    return out;
  }
  dx.fill(0);
  const best = new Float32Array(C);
  const bestAt = new Int32Array(C);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < OH; i++) {
      const h0 = i * sh - top;
      for (let j = 0; j < OW; j++) {
        const w0 = j * sw - left;
        best.fill(-Infinity);
        bestAt.fill(-1);
        for (let p = 0; p < kh; p++) {
          const h = h0 + p;
          if (h < 0 || h >= H) continue;
          for (let r = 0; r < kw; r++) {
            const w = w0 + r;
            if (w < 0 || w >= W) continue;
            const base = ((b * H + h) * W + w) * C;
            for (let c = 0; c < C; c++) {
              const v = x[base + c]!;
              if (v > best[c]!) {
                best[c] = v;
                bestAt[c] = base + c;
              }
            }
          }
        }
        const o = ((b * OH + i) * OW + j) * C;
        for (let c = 0; c < C; c++) {
          const at = bestAt[c]!;
          if (at >= 0) dx[at]! += dy[o + c]!;
        }
      }
    }
  }
  return out;
}

/** The 2x2 case four channels at a time (./simd.ts), one call per output row. */
function maxPoolGrad2x2Simd(simd: SimdKernels, xAt: number, dyAt: number, dxAt: number, dx: Float32Array, B: number, H: number, W: number, C: number, OH: number, OW: number): void {
  if (2 * OH !== H || 2 * OW !== W) dx.fill(0);
  const row = 4 * W * C;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < OH; i++) {
      const at = (b * H + 2 * i) * row;
      simd.maxPoolGrad2x2Row(xAt + at, xAt + at + row, dyAt + 4 * (b * OH + i) * OW * C, dxAt + at, dxAt + at + row, OW, C / 4);
    }
  }
}

/**
 * The common 2x2 / stride 2 / valid case with the four candidates in registers: every dx element
 * of a window is written (the maximum gets dy, the rest 0), so no separate clearing pass except
 * for an odd last row or column.
 */
function maxPoolGrad2x2(x: Float32Array, dy: Float32Array, dx: Float32Array, B: number, H: number, W: number, C: number, OH: number, OW: number): void {
  if (2 * OH !== H || 2 * OW !== W) dx.fill(0);
  const row = W * C;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < OH; i++) {
      for (let j = 0; j < OW; j++) {
        const p00 = ((b * H + 2 * i) * W + 2 * j) * C;
        const p01 = p00 + C;
        const p10 = p00 + row;
        const p11 = p10 + C;
        const o = ((b * OH + i) * OW + j) * C;
        for (let c = 0; c < C; c++) {
          const a = x[p00 + c]!, bb = x[p01 + c]!, cc = x[p10 + c]!, d = x[p11 + c]!;
          const g = dy[o + c]!;
          // First maximum in row-major window order, as the cpu backend (strict > keeps the earlier one).
          // Starting below every number also keeps NaNs out, like the cpu backend.
          let k = -1;
          let m = -Infinity;
          if (a > m) { m = a; k = 0; }
          if (bb > m) { m = bb; k = 1; }
          if (cc > m) { m = cc; k = 2; }
          if (d > m) k = 3;
          dx[p00 + c] = k === 0 ? g : 0;
          dx[p01 + c] = k === 1 ? g : 0;
          dx[p10 + c] = k === 2 ? g : 0;
          dx[p11 + c] = k === 3 ? g : 0;
        }
      }
    }
  }
}
