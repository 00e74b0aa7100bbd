// Each kernel the project registers for wasm must give the cpu backend's values. Cases cover
// strides, paddings (valid/same/explicit), dilations, depth multipliers and odd sizes, where an
// off-by-one in padding or cropping shows up as a wrong border row.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmKernels, WASM_KERNEL_NOTES, WASM_KERNELS, WASM_REPLACEMENTS } from '../../main/training/kernels/index.js';
import { setSimdKernelsEnabled, simdKernels } from '../../main/training/kernels/simd.js';

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

  it('assembles its SIMD loops against this tfjs build (else the SIMD paths below would go untested)', () => {
    expect(simdKernels(tf.backend())).not.toBeNull();
  });

  it('explains every kernel it registers (the throughput bench prints these notes)', () => {
    expect(Object.keys(WASM_KERNEL_NOTES).sort()).toEqual([...Object.keys(WASM_KERNELS), ...Object.keys(WASM_REPLACEMENTS)].sort());
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
  [[3, 12, 12, 1], [3, 3], [1, 1], 'valid', 16],
  [[2, 9, 8, 1], [3, 3], [1, 1], 'same', 12],
  [[2, 9, 10, 2], [2, 3], [2, 2], 'same', 12],
  [[2, 11, 9, 1], [3, 2], [3, 2], 'valid', 8],
  [[1, 7, 8, 2], [2, 2], [2, 1], [[0, 0], [2, 1], [0, 3], [0, 0]], 8],
  [[2, 5, 5, 1], [5, 5], [1, 1], 'same', 28],
  [[2, 9, 9, 16], [3, 3], [1, 1], 'same', 12], // 144 taps
  [[2, 14, 14, 128], [3, 3], [1, 1], 'valid', 4], // one image per 1 MB chunk of patches: two passes
];

// Each case also runs with both channel counts rounded up to multiples of 4 when they are not:
// the filter gradient (outChannels % 4 == 0) then goes through im2col and the SIMD A^T B loop, the
// input gradient (inChannels % 4 == 0) through the SIMD product and col2im; and every case runs
// again with the SIMD loops off, so both paths of each kernel see every geometry.
const up4 = (n: number): number => Math.ceil(n / 4) * 4;
const convCasesBothPaths = convCases.flatMap((c) => {
  const [x, k, s, pad, outC] = c;
  if (x[3]! % 4 === 0 && outC % 4 === 0) return [c];
  return [c, [[x[0]!, x[1]!, x[2]!, up4(x[3]!)], k, s, pad, up4(outC)] as typeof c];
});

describe('Conv2DBackpropFilter and Conv2DBackpropInput on wasm match cpu', () => {
  it.each(convCasesBothPaths)('x %j kernel %j strides %j pad %j outChannels %d', async (xShape, k, strides, pad, outC) => {
    const filterShape = [k[0], k[1], xShape[3]!, outC] as [number, number, number, number];
    const x = seeded(xShape, 1);
    const probe = tf.conv2d(x as tf.Tensor4D, tf.zeros(filterShape) as tf.Tensor4D, strides, pad as 'valid');
    const dy = seeded(probe.shape, 2);
    await expectSameAsCpu('Conv2DBackpropFilter', { x, dy }, { strides, pad, dataFormat: 'NHWC', filterShape });
    const filter = seeded(filterShape, 9);
    await expectSameAsCpu('Conv2DBackpropInput', { dy, filter }, { strides, pad, dataFormat: 'NHWC', inputShape: xShape });
    // The XNNPACK convolution formulations, which stand in when SIMD is missing.
    setSimdKernelsEnabled(false);
    try {
      await expectSameAsCpu('Conv2DBackpropFilter', { x, dy }, { strides, pad, dataFormat: 'NHWC', filterShape });
      await expectSameAsCpu('Conv2DBackpropInput', { dy, filter }, { strides, pad, dataFormat: 'NHWC', inputShape: xShape });
    } finally {
      setSimdKernelsEnabled(true);
    }
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
  // channels a multiple of 4: 2x2 windows go through the SIMD loop
  [[2, 8, 6, 4], [2, 2], [2, 2], 'valid'],
  [[3, 7, 9, 8], [2, 2], [2, 2], 'valid'], // odd sizes
  [[1, 6, 6, 12], [2, 2], [2, 2], 'same'],
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

  it('follows the same rule four channels at a time, with -Infinity and NaN never winning', async () => {
    // 8 channels of 2x2 windows: ties, an all-negative window, -Infinity and NaN entries.
    const windows = [
      [0, 0, 0, 0], [1, 1, 0.5, 1], [0, 2, 2, 0], [3, 3, 3, 3],
      [-5, -2, -2, -7], [-Infinity, -Infinity, -Infinity, -Infinity], [NaN, 1, NaN, 1], [NaN, NaN, NaN, NaN],
    ];
    const values: number[] = [];
    for (let h = 0; h < 2; h++) for (let w = 0; w < 2; w++) for (const win of windows) values.push(win[h * 2 + w]!);
    const input = tf.tensor4d(values, [1, 2, 2, 8]);
    const output = tf.maxPool(input, 2, 2, 'valid');
    const dy = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 1, 8]);
    await expectSameAsCpu('MaxPoolGrad', { dy, input, output }, { filterSize: [2, 2], strides: [2, 2], pad: 'valid' }, 1e-9);
    tf.dispose([input, output, dy]);
  });
});

describe('Identity on wasm', () => {
  it('shares the buffer instead of copying, and either tensor outlives the other', async () => {
    const x = seeded([4, 5, 6], 13);
    const want = await x.data();
    const before = tf.memory().numDataBuffers;
    const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
    expect(y.dataId).toBe(x.dataId);
    expect(tf.memory().numDataBuffers).toBe(before);
    x.dispose();
    expect(await y.data()).toEqual(want);
    const z = tf.engine().runKernel('Identity', { x: y }) as tf.Tensor;
    y.dispose();
    expect(Array.from(await z.data())).toEqual(Array.from(want));
    z.dispose();
  });

  it('gives the same values as cpu for int32 and bool tensors', async () => {
    await expectSameAsCpu('Identity', { x: tf.tensor2d([[1, -2], [3, 7]], [2, 2], 'int32') }, {}, 1e-9);
    await expectSameAsCpu('Identity', { x: tf.tensor1d([1, 0, 1], 'bool') }, {}, 1e-9);
  });
});

describe('Cast on wasm', () => {
  it('shares the buffer when the dtype does not change and converts like cpu when it does', async () => {
    const x = tf.tensor1d([1.7, -2.2, 0, 3]);
    const same = tf.engine().runKernel('Cast', { x }, { dtype: 'float32' }) as tf.Tensor;
    expect(same.dataId).toBe(x.dataId);
    x.dispose();
    expect(Array.from(await same.data())).toEqual(Array.from(new Float32Array([1.7, -2.2, 0, 3])));
    await expectSameAsCpu('Cast', { x: same }, { dtype: 'int32' }, 1e-9);
    same.dispose();
  });
});

describe('GatherV2 on wasm matches cpu', () => {
  it.each([
    [[10, 3, 4], [7, 0, 7, 9], 0],
    [[6, 5], [[1, 2], [5, 0]], 0], // 2-D indices: a [2, 2, 5] result
    [[8], [3, 3, 1], 0],
    [[4, 6, 2], [5, 0, 2], 1], // other axes: the original kernel
  ] as [number[], number[] | number[][], number][])('x %j indices %j axis %d', async (shape, ids, axis) => {
    const x = seeded(shape, 14);
    const indices = tf.tensor(ids, undefined, 'int32');
    await expectSameAsCpu('GatherV2', { x, indices }, { axis, batchDims: 0 }, 1e-9);
    tf.dispose([x, indices]);
  });

  it('gathers int32 rows exactly and refuses an index past the end by name', async () => {
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32');
    await expectSameAsCpu('GatherV2', { x, indices: tf.tensor1d([2, 0], 'int32') }, { axis: 0, batchDims: 0 }, 1e-9);
    expect(() => tf.engine().runKernel('GatherV2', { x, indices: tf.tensor1d([3], 'int32') }, { axis: 0, batchDims: 0 })).toThrow(/index value 3 is not in \[0, 2\]/);
    x.dispose();
  });
});

describe('BatchMatMul and _FusedMatMul with transposed operands on wasm match cpu', () => {
  // a shape, b shape, transposeA, transposeB (shapes as stored, before the transposes)
  it.each([
    [[1, 7, 5], [1, 7, 4], true, false], // x^T dy: a Dense kernel gradient
    [[1, 6, 4], [1, 3, 4], false, true], // dy W^T: a Dense input gradient
    [[1, 5, 6], [1, 3, 5], true, true],
    [[1, 6, 5], [1, 5, 3], false, false],
    [[3, 5, 6], [3, 5, 2], true, false], // batched: the original kernel
  ] as [number[], number[], boolean, boolean][])('a %j b %j transposeA %s transposeB %s', async (aShape, bShape, transposeA, transposeB) => {
    const a = seeded(aShape, 15);
    const b = seeded(bShape, 16);
    await expectSameAsCpu('BatchMatMul', { a, b }, { transposeA, transposeB }, 1e-5);
    if (aShape[0] === 1) {
      const n = transposeB ? bShape[1]! : bShape[2]!;
      const bias = seeded([n], 17);
      await expectSameAsCpu('_FusedMatMul', { a, b, bias }, { transposeA, transposeB, activation: 'relu' }, 1e-5);
      bias.dispose();
    }
    tf.dispose([a, b]);
  });

  it('trains a Dense layer to the same weights as cpu', async () => {
    const run = async (backend: string): Promise<Float32Array> => {
      await tf.setBackend(backend);
      const x = seeded([16, 6], 18);
      const y = seeded([16, 3], 19);
      const w = tf.variable(seeded([6, 3], 20));
      const opt = tf.train.sgd(0.1);
      for (let i = 0; i < 3; i++) opt.minimize(() => tf.losses.meanSquaredError(y, tf.matMul(x, w)));
      const out = (await w.data()) as Float32Array;
      tf.dispose([x, y, w]);
      opt.dispose();
      return out;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    for (let i = 0; i < cpu.length; i++) expect(wasm[i]!).toBeCloseTo(cpu[i]!, 5);
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
