// Each kernel the project registers for wasm must give the cpu backend's values. Cases cover
// strides, paddings (valid/same/explicit), dilations, depth multipliers and odd sizes, where an
// off-by-one in padding or cropping shows up as a wrong border row.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmKernels, WASM_KERNELS, WASM_REPLACEMENTS } from '../../main/training/kernels/index.js';

type Attrs = Record<string, unknown>;

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

async function onBackend(backend: string, kernel: string, inputs: Record<string, tf.Tensor>, attrs: Attrs): Promise<{ shape: number[]; values: Float32Array | Int32Array }> {
  await tf.setBackend(backend);
  const out = tf.engine().runKernel(kernel, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  const values = (await out.data()) as Float32Array | Int32Array;
  const shape = out.shape;
  out.dispose();
  return { shape, values };
}

async function expectSameAsCpu(kernel: string, inputs: Record<string, tf.Tensor>, attrs: Attrs, tol = 1e-4): Promise<void> {
  const cpu = await onBackend('cpu', kernel, inputs, attrs);
  const before = tf.memory().numTensors;
  const wasm = await onBackend('wasm', kernel, inputs, attrs);
  expect(tf.memory().numTensors).toBe(before);
  expect(wasm.shape).toEqual(cpu.shape);
  let maxErr = 0;
  let scale = 1;
  for (let i = 0; i < cpu.values.length; i++) {
    maxErr = Math.max(maxErr, Math.abs(cpu.values[i]! - wasm.values[i]!));
    scale = Math.max(scale, Math.abs(cpu.values[i]!));
  }
  expect(maxErr / scale).toBeLessThan(tol);
}

beforeAll(async () => {
  registerWasmKernels(tf);
  await tf.setBackend('wasm');
});

describe('registerWasmKernels', () => {
  it('adds the missing kernels once and is idempotent', () => {
    for (const name of [...Object.keys(WASM_KERNELS), ...Object.keys(WASM_REPLACEMENTS)]) expect(tf.getKernel(name, 'wasm')).toBeDefined();
    expect(registerWasmKernels(tf)).toEqual([]);
  });
});

// [batch, height, width, inChannels], [kh, kw], strides, pad, outChannels
const convCases: [number[], [number, number], [number, number], unknown, number][] = [
  [[2, 7, 7, 3], [3, 3], [1, 1], 'valid', 4],
  [[2, 7, 7, 3], [3, 3], [1, 1], 'same', 4],
  [[2, 8, 8, 2], [3, 3], [2, 2], 'valid', 3],
  [[2, 8, 8, 2], [3, 3], [2, 2], 'same', 3],
  [[1, 9, 6, 2], [2, 3], [2, 1], 'same', 2],
  [[3, 10, 11, 1], [5, 4], [3, 2], 'valid', 5],
  [[2, 6, 7, 3], [3, 2], [1, 2], [[0, 0], [1, 2], [0, 1], [0, 0]], 2],
  [[4, 28, 28, 1], [3, 3], [1, 1], 'valid', 8],
];

describe('Conv2DBackpropFilter and Conv2DBackpropInput on wasm match cpu', () => {
  it.each(convCases)('x %j kernel %j strides %j pad %j', async (xShape, k, strides, pad, outC) => {
    const filterShape = [k[0], k[1], xShape[3]!, outC] as [number, number, number, number];
    const x = seeded(xShape, 1);
    const probe = tf.conv2d(x as tf.Tensor4D, tf.zeros(filterShape) as tf.Tensor4D, strides, pad as 'valid');
    const dy = seeded(probe.shape, 2);
    await expectSameAsCpu('Conv2DBackpropFilter', { x, dy }, { strides, pad, dataFormat: 'NHWC', filterShape });
    const filter = seeded(filterShape, 9);
    await expectSameAsCpu('Conv2DBackpropInput', { dy, filter }, { strides, pad, dataFormat: 'NHWC', inputShape: xShape });
    tf.dispose([x, probe, dy, filter]);
  });
});

// [batch, height, width, channels], [kh, kw], strides, pad, dilations, depthMultiplier
const dwCases: [number[], [number, number], [number, number], unknown, [number, number], number][] = [
  [[2, 7, 7, 3], [3, 3], [1, 1], 'valid', [1, 1], 1],
  [[2, 7, 7, 3], [3, 3], [1, 1], 'same', [1, 1], 2],
  [[2, 8, 8, 2], [3, 3], [2, 2], 'valid', [1, 1], 1],
  [[2, 8, 9, 2], [3, 3], [2, 2], 'same', [1, 1], 3],
  [[1, 9, 6, 4], [2, 3], [2, 1], 'same', [1, 1], 1],
  [[2, 10, 10, 2], [3, 3], [1, 1], 'valid', [2, 2], 2],
  [[2, 9, 10, 2], [3, 2], [1, 1], 'same', [2, 3], 1],
  [[3, 11, 10, 1], [5, 4], [3, 2], 'valid', [1, 1], 2],
];

async function values(kernel: string, backend: string, inputs: Record<string, tf.Tensor>, attrs: Attrs): Promise<tf.Tensor> {
  const r = await onBackend(backend, kernel, inputs, attrs);
  return tf.tensor(r.values, r.shape);
}

/** A dilated filter written out with zeros between the taps: what a dilation-1 kernel sees. */
function dilateFilter(filter: tf.Tensor4D, [dh, dw]: [number, number]): tf.Tensor4D {
  const [kh, kw, c, m] = filter.shape;
  const buf = tf.buffer([(kh - 1) * dh + 1, (kw - 1) * dw + 1, c, m]);
  const src = filter.arraySync();
  for (let p = 0; p < kh; p++) for (let r = 0; r < kw; r++) for (let i = 0; i < c; i++) for (let q = 0; q < m; q++) buf.set(src[p]![r]![i]![q]!, p * dh, r * dw, i, q);
  return buf.toTensor() as tf.Tensor4D;
}

function expectClose(a: tf.Tensor, b: tf.Tensor, tol = 1e-4): void {
  expect(a.shape).toEqual(b.shape);
  const scale = Math.max(1, b.abs().max().dataSync()[0]!);
  expect(a.sub(b).abs().max().dataSync()[0]! / scale).toBeLessThan(tol);
}

describe('DepthwiseConv2dNative gradients on wasm match cpu', () => {
  it.each(dwCases)('x %j kernel %j strides %j pad %j dilations %j multiplier %d', async (xShape, k, strides, pad, dilations, m) => {
    const filterShape = [k[0], k[1], xShape[3]!, m] as [number, number, number, number];
    const x = seeded(xShape, 3);
    const filter = seeded(filterShape, 4) as tf.Tensor4D;
    const probe = tf.depthwiseConv2d(x as tf.Tensor4D, filter, strides, pad as 'valid', 'NHWC', dilations);
    const dy = seeded(probe.shape, 5);
    if (dilations[0] === 1 && dilations[1] === 1) {
      await expectSameAsCpu('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { strides, pad, dilations, filterShape });
      await expectSameAsCpu('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { strides, pad, dilations, inputShape: xShape });
    } else {
      // The cpu kernels ignore dilations (tfjs never asks for them), so the reference is the
      // cpu kernel on the equivalent zero-filled dilated filter.
      const big = dilateFilter(filter, dilations);
      const dwRef = await values('DepthwiseConv2dNativeBackpropFilter', 'cpu', { x, dy }, { strides, pad, dilations: 1, filterShape: big.shape });
      const dw = await values('DepthwiseConv2dNativeBackpropFilter', 'wasm', { x, dy }, { strides, pad, dilations, filterShape });
      expectClose(dw, tf.stridedSlice(dwRef, [0, 0, 0, 0], dwRef.shape, [dilations[0], dilations[1], 1, 1]));
      const dxRef = await values('DepthwiseConv2dNativeBackpropInput', 'cpu', { dy, filter: big }, { strides, pad, dilations: 1, inputShape: xShape });
      const dx = await values('DepthwiseConv2dNativeBackpropInput', 'wasm', { dy, filter }, { strides, pad, dilations, inputShape: xShape });
      expectClose(dx, dxRef);
    }
    tf.dispose([x, filter, probe, dy]);
  });
});

describe('UnsortedSegmentSum on wasm matches cpu', () => {
  it.each([
    [[6, 4], [0, 2, 2, 5, 0, 1], 6],
    [[5, 3, 2], [4, 4, 4, 0, 1], 5],
    [[4, 3], [0, -1, 7, 1], 3], // out-of-range ids are dropped
  ] as [number[], number[], number][])('x %j ids %j segments %d', async (xShape, ids, numSegments) => {
    const x = seeded(xShape, 6);
    const segmentIds = tf.tensor1d(ids, 'int32');
    await expectSameAsCpu('UnsortedSegmentSum', { x, segmentIds }, { numSegments }, 1e-6);
    tf.dispose([x, segmentIds]);
  });

  it('sums int32 values with repeated ids', async () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [3, 2, 2], 'int32');
    const segmentIds = tf.tensor1d([3, 0, 3], 'int32');
    await expectSameAsCpu('UnsortedSegmentSum', { x, segmentIds }, { numSegments: 4 }, 1e-9);
    tf.dispose([x, segmentIds]);
  });
});

// [batch, height, width, channels], pool, strides, pad: non-overlapping, overlapping (summed) and padded windows
const poolCases: [number[], [number, number], [number, number], unknown][] = [
  [[2, 8, 8, 3], [2, 2], [2, 2], 'valid'],
  [[2, 7, 9, 2], [2, 2], [2, 2], 'valid'], // odd sizes: the last row and column get no gradient
  [[2, 7, 9, 2], [2, 2], [2, 2], 'same'],
  [[1, 9, 9, 2], [3, 3], [2, 2], 'valid'],
  [[2, 6, 5, 1], [3, 2], [1, 1], 'same'],
];

describe('MaxPoolGrad on wasm matches cpu', () => {
  it.each(poolCases)('x %j pool %j strides %j pad %j', async (xShape, filterSize, strides, pad) => {
    const input = seeded(xShape, 10);
    const output = tf.maxPool(input as tf.Tensor4D, filterSize, strides, pad as 'valid');
    const dy = seeded(output.shape, 11);
    await expectSameAsCpu('MaxPoolGrad', { dy, input, output }, { filterSize, strides, pad });
    tf.dispose([input, output, dy]);
  });

  it('sends a tied window\'s gradient to its first maximum only, like cpu (relu zeros, saturated pixels)', async () => {
    const input = tf.tensor4d([0, 0, 0, 0, 1, 1, 0.5, 1, 0, 2, 2, 0, 3, 3, 3, 3], [1, 4, 4, 1]);
    const output = tf.maxPool(input, 2, 2, 'valid');
    const dy = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    await expectSameAsCpu('MaxPoolGrad', { dy, input, output }, { filterSize: [2, 2], strides: [2, 2], pad: 'valid' }, 1e-9);
    tf.dispose([input, output, dy]);
  });
});

describe('Sum on wasm matches cpu (leading axes go through a matrix product)', () => {
  it.each([
    [[128, 6, 6, 5], [0, 1, 2], false],
    [[40, 7], [0], true],
    [[3, 4, 5], [0, 1], false],
    [[3, 4, 5], [1, 2], false], // trailing axes: the original kernel
    [[70, 3], [1], false],
    [[9, 300], [0], false], // fewer than 64 rows: the original kernel
  ] as [number[], number[], boolean][])('x %j axes %j keepDims %s', async (shape, axis, keepDims) => {
    const x = seeded(shape, 12);
    await expectSameAsCpu('Sum', { x }, { axis, keepDims }, 1e-5);
    x.dispose();
  });

  it('leaves int32 sums exact', async () => {
    const x = tf.range(0, 400, 1, 'int32').reshape([100, 4]);
    await expectSameAsCpu('Sum', { x }, { axis: [0], keepDims: false }, 1e-9);
    x.dispose();
  });
});
