// Gradient kernels for 2-D and depthwise convolution on the wasm backend, built from the wasm
// backend's own fast kernels (XNNPACK convolutions, pad, slice, transpose) rather than JS loops.
import type * as tfjs from '@tensorflow/tfjs';
import { simdKernels, type SimdKernels } from './simd.js';
import { asTensor, offsetOf, pair, padOrCrop, type Explicit, type Tf, type WasmBackend } from './util.js';

type Attrs = Record<string, unknown>;
type Pad = 'valid' | 'same' | number | Explicit;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

function checkNhwc(kernel: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') throw new Error(`${kernel} on wasm supports only NHWC (channelsLast) data, got ${String(dataFormat)}`);
}

/**
 * dW[p, r, ci, co] = sum over b, i, j of x[b, i*sh + p - top, j*sw + r - left, ci] * dy[b, i, j, co].
 *
 * With WebAssembly SIMD and co a multiple of 4: im2col, a few images at a time into a buffer that
 * stays in cache, then dW += P^T dy summed by the SIMD loops of ./simd.ts. XNNPACK as tfjs 4.22
 * exposes it cannot take P^T dy as it stands; the convolution below is what it can do, and on the
 * MNIST convnet it spends more in repacking dy (transposed twice, then packed as a filter) than in
 * arithmetic: 33 ms against 6 ms on the first layer (a 9 x 32 result over 2.8M values of dy),
 * 42 ms against 24 ms on the second (the cost of its forward convolution).
 *
 * Otherwise, with batch and channel axes swapped it is itself a convolution: input x^T
 * [ci, H, W, b], filter dy^T [oh, ow, b, co], the forward strides becoming dilations; its output
 * [ci, kh, kw, co] transposes into the filter gradient.
 */
export function conv2DBackpropFilter(tf: Tf, inputs: tfjs.NamedTensorInfoMap, attrs: Attrs, _original?: tfjs.KernelFunc, backend?: unknown): tfjs.Tensor {
  checkNhwc('Conv2DBackpropFilter', attrs.dataFormat);
  const filterShape = attrs.filterShape as [number, number, number, number];
  return tf.tidy(() => {
    const x = asTensor<tfjs.Rank.R4>(tf, inputs.x!);
    const dy = asTensor<tfjs.Rank.R4>(tf, inputs.dy!);
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, pair(attrs.strides as [number, number]), 1, attrs.pad as Pad, attrs.dimRoundingMode as Rounding);
    const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow, outChannels: co } = info;
    const { top, left } = info.padInfo;
    const simd = simdKernels(backend);
    if (simd && co % 4 === 0 && x.dtype === 'float32' && dy.dtype === 'float32') return filterGradByPatches(tf, backend as WasmBackend, simd, x, dy, info);
    // Rows of padded input the forward pass read; rows beyond them (valid padding, stride > 1) are cropped.
    const bottom = kh + (oh - 1) * sh - top - x.shape[1];
    const right = kw + (ow - 1) * sw - left - x.shape[2];
    const xc = padOrCrop(tf, x, 0, Math.min(0, bottom), 0, Math.min(0, right));
    const xt = xc.transpose<tfjs.Tensor4D>([3, 1, 2, 0]);
    const dyt = dy.transpose<tfjs.Tensor4D>([1, 2, 0, 3]);
    const pads: Explicit = [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]];
    const out = tf.conv2d(xt, dyt, 1, pads, 'NHWC', [sh, sw]);
    return out.transpose([1, 2, 0, 3]);
  });
}

/** Floats of patch matrix written per pass: about 1 MB, so it is still in cache when summed. */
const PATCH_CHUNK = 1 << 18;

function filterGradByPatches(tf: Tf, wasm: WasmBackend, simd: SimdKernels, x: tfjs.Tensor4D, dy: tfjs.Tensor4D, info: tfjs.backend_util.Conv2DInfo): tfjs.Tensor {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { top, left } = info.padInfo;
  const taps = kh * kw * C;
  const pixels = oh * ow;
  if (dy.size !== B * pixels * co || x.size !== B * H * W * C) throw new Error(`Conv2DBackpropFilter: x [${x.shape.join(', ')}] and dy [${dy.shape.join(', ')}] do not match the filter [${kh}, ${kw}, ${C}, ${co}]`);
  const images = Math.max(1, Math.min(B, Math.floor(PATCH_CHUNK / (pixels * taps))));
  const p = tf.engine().makeTensorFromTensorInfo(wasm.makeOutput([images * pixels, taps], 'float32'));
  const out = wasm.makeOutput([kh, kw, C, co], 'float32');
  (wasm.typedArrayFromHeap(out) as Float32Array).fill(0);
  const pAt = offsetOf(wasm, p);
  const xAt = offsetOf(wasm, x);
  const dyAt = offsetOf(wasm, dy);
  const outAt = offsetOf(wasm, out);
  for (let b0 = 0; b0 < B; b0 += images) {
    const n = Math.min(images, B - b0);
    simd.im2col(xAt + 4 * b0 * H * W * C, pAt, n, H, W, C, oh, ow, kh, kw, sh, sw, top, left);
    simd.atb(pAt, dyAt + 4 * b0 * pixels * co, outAt, n * pixels, taps, co, 4 * taps, 4 * co, 4 * co);
  }
  return tf.engine().makeTensorFromTensorInfo(out);
}

/** Inserts (s - 1) zeros after every row/column of an NHWC tensor (the transpose of striding). */
function zeroUpsample(tf: Tf, dy: tfjs.Tensor4D, sh: number, sw: number): tfjs.Tensor4D {
  let t = dy;
  const [b, h, w, c] = t.shape;
  if (sh > 1) t = t.reshape([b, h, 1, w, c]).pad([[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, 0]]).reshape([b, h * sh, w, c]);
  if (sw > 1) t = t.reshape([b, h * sh, w, 1, c]).pad([[0, 0], [0, 0], [0, 0], [0, sw - 1], [0, 0]]).reshape([b, h * sh, w * sw, c]);
  return t;
}

/**
 * dx[b, h, w, ci] = sum over i, j, p, r, co of dy[b, i, j, co] * W[p, r, ci, co] with h = i*sh + p - top:
 * a stride-1 convolution of the zero-upsampled, padded dy with the filter flipped in space and
 * with its channel axes swapped. Replaces tfjs-backend-wasm's own Conv2DBackpropInput, a plain
 * C++ loop about 8x slower than this one XNNPACK convolution on the MNIST convnet.
 */
export function conv2DBackpropInput(tf: Tf, inputs: tfjs.NamedTensorInfoMap, attrs: Attrs, _original?: tfjs.KernelFunc, backend?: unknown): tfjs.Tensor {
  checkNhwc('Conv2DBackpropInput', attrs.dataFormat);
  const inputShape = attrs.inputShape as [number, number, number, number];
  return tf.tidy(() => {
    const dy = asTensor<tfjs.Rank.R4>(tf, inputs.dy!);
    const filter = asTensor<tfjs.Rank.R4>(tf, inputs.filter!);
    const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, pair(attrs.strides as [number, number]), 1, attrs.pad as Pad, attrs.dimRoundingMode as Rounding);
    const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow } = info;
    const simd = simdKernels(backend);
    if (simd && info.inChannels % 4 === 0 && dy.dtype === 'float32' && filter.dtype === 'float32') return inputGradByColumns(tf, backend as WasmBackend, simd, dy, filter, info);
    const [, h, w] = inputShape;
    const up = zeroUpsample(tf, dy, sh, sw); // oh*sh rows: (oh-1)*sh+1 real ones plus sh-1 zero rows
    const pt = kh - 1 - info.padInfo.top;
    const pl = kw - 1 - info.padInfo.left;
    const pb = h + kh - 1 - oh * sh - pt;
    const pr = w + kw - 1 - ow * sw - pl;
    // Negative amounts are cropped first; the rest is padding the convolution does for free.
    const cropped = padOrCrop(tf, up, Math.min(0, pt), Math.min(0, pb), Math.min(0, pl), Math.min(0, pr));
    const pads: Explicit = [[0, 0], [Math.max(0, pt), Math.max(0, pb)], [Math.max(0, pl), Math.max(0, pr)], [0, 0]];
    const flipped = filter.reverse([0, 1]).transpose<tfjs.Tensor4D>([0, 1, 3, 2]);
    return tf.conv2d(cropped, flipped, 1, pads, 'NHWC');
  });
}

/**
 * The column matrix dy W^T [B*oh*ow, kh*kw*ci] (one SIMD product per few images, in a buffer that
 * stays in cache), added back into dx tap by tap (col2im). Only the real taps are computed, where
 * the convolution above also multiplies its zero padding (28% of the work on the MNIST convnet's
 * second layer): ~20 ms against ~31 ms there.
 */
function inputGradByColumns(tf: Tf, wasm: WasmBackend, simd: SimdKernels, dy: tfjs.Tensor4D, filter: tfjs.Tensor4D, info: tfjs.backend_util.Conv2DInfo): tfjs.Tensor {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { top, left } = info.padInfo;
  const taps = kh * kw * C;
  const pixels = oh * ow;
  if (dy.size !== B * pixels * co || filter.size !== taps * co) throw new Error(`Conv2DBackpropInput: dy [${dy.shape.join(', ')}] and filter [${filter.shape.join(', ')}] do not match the input [${B}, ${H}, ${W}, ${C}]`);
  const wt = filter.reshape<tfjs.Tensor2D>([taps, co]).transpose<tfjs.Tensor2D>();
  const images = Math.max(1, Math.min(B, Math.floor(PATCH_CHUNK / (pixels * taps))));
  const cols = tf.engine().makeTensorFromTensorInfo(wasm.makeOutput([images * pixels, taps], 'float32'));
  const out = wasm.makeOutput([B, H, W, C], 'float32');
  (wasm.typedArrayFromHeap(out) as Float32Array).fill(0);
  const colsAt = offsetOf(wasm, cols);
  const dyAt = offsetOf(wasm, dy);
  const wtAt = offsetOf(wasm, wt);
  const outAt = offsetOf(wasm, out);
  for (let b0 = 0; b0 < B; b0 += images) {
    const n = Math.min(images, B - b0);
    simd.ab(dyAt + 4 * b0 * pixels * co, wtAt, colsAt, n * pixels, co, taps, 4 * co, 4 * taps, 4 * taps);
    simd.col2im(colsAt, outAt + 4 * b0 * H * W * C, n, H, W, C, oh, ow, kh, kw, sh, sw, top, left);
  }
  return tf.engine().makeTensorFromTensorInfo(out);
}

/**
 * dx[b, h, w, c] = sum over q, p, r of dy[b, i, j, c*m + q] * W[p, r, c, q] where
 * h = i*sh + p*dh - top: a stride-1 depthwise correlation of the zero-upsampled, padded dy with
 * the spatially flipped filter over c*m channels, then summed over the m multiplier channels.
 */
export function depthwiseConv2dNativeBackpropInput(tf: Tf, inputs: tfjs.NamedTensorInfoMap, attrs: Attrs): tfjs.Tensor {
  const inputShape = attrs.inputShape as [number, number, number, number];
  return tf.tidy(() => {
    const dy = asTensor<tfjs.Rank.R4>(tf, inputs.dy!);
    const filter = asTensor<tfjs.Rank.R4>(tf, inputs.filter!);
    const [dh, dw] = pair(attrs.dilations as [number, number]);
    const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, pair(attrs.strides as [number, number]), [dh, dw], attrs.pad as Pad, attrs.dimRoundingMode as Rounding, true);
    const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow } = info;
    const [b, h, w, c] = inputShape;
    const m = filter.shape[3];
    const ekh = (kh - 1) * dh + 1;
    const ekw = (kw - 1) * dw + 1;
    const up = zeroUpsample(tf, dy, sh, sw); // oh*sh rows: (oh-1)*sh+1 real ones plus sh-1 zero rows
    const pt = ekh - 1 - info.padInfo.top;
    const pl = ekw - 1 - info.padInfo.left;
    const pb = h + ekh - 1 - oh * sh - pt;
    const pr = w + ekw - 1 - ow * sw - pl;
    const padded = padOrCrop(tf, up, pt, pb, pl, pr);
    const flipped = filter.reverse([0, 1]).reshape<tfjs.Tensor4D>([kh, kw, c * m, 1]);
    const out = tf.depthwiseConv2d(padded, flipped, 1, 'valid', 'NHWC', [dh, dw]);
    return m === 1 ? out : out.reshape([b, h, w, c, m]).sum(-1);
  });
}

/**
 * dW[p, r, c, q] = sum over b, i, j of x[b, i*sh + p*dh - top, j*sw + r*dw - left, c] * dy[b, i, j, c*m + q]:
 * for each filter tap a strided slice of the padded input times dy, reduced over batch and space.
 */
export function depthwiseConv2dNativeBackpropFilter(tf: Tf, inputs: tfjs.NamedTensorInfoMap, attrs: Attrs): tfjs.Tensor {
  const filterShape = attrs.filterShape as [number, number, number, number];
  return tf.tidy(() => {
    const x = asTensor<tfjs.Rank.R4>(tf, inputs.x!);
    const dy = asTensor<tfjs.Rank.R4>(tf, inputs.dy!);
    const [dh, dw] = pair(attrs.dilations as [number, number]);
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, pair(attrs.strides as [number, number]), [dh, dw], attrs.pad as Pad, attrs.dimRoundingMode as Rounding, true);
    const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow } = info;
    const { top, left } = info.padInfo;
    const [b, h, w, c] = x.shape;
    const m = filterShape[3];
    const rows = (kh - 1) * dh + (oh - 1) * sh + 1;
    const cols = (kw - 1) * dw + (ow - 1) * sw + 1;
    const xp = padOrCrop(tf, x, top, rows - top - h, left, cols - left - w);
    const dy5 = m === 1 ? dy : dy.reshape([b, oh, ow, c, m]);
    const taps: tfjs.Tensor[] = [];
    for (let p = 0; p < kh; p++) {
      for (let r = 0; r < kw; r++) {
        const xs = tf.stridedSlice(xp, [0, p * dh, r * dw, 0], [b, p * dh + (oh - 1) * sh + 1, r * dw + (ow - 1) * sw + 1, c], [1, sh, sw, 1]);
        const prod = m === 1 ? xs.mul(dy5) : xs.reshape([b, oh, ow, c, 1]).mul(dy5);
        taps.push(prod.sum([0, 1, 2]));
      }
    }
    return tf.stack(taps).reshape(filterShape);
  });
}
