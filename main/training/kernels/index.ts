// Kernels the wasm backend of tfjs 4.22 lacks but training needs, registered for backendName 'wasm'
// only when absent (a later tfjs release that ships its own takes precedence); plus replacements
// for wasm kernels that exist but are plain C++ loops far slower than a composition of XNNPACK
// ones (measured by bench/train-throughput.ts); and for the cpu fallback, replacements for its few kernels
// that are asymptotically slow.
import type * as tfjs from '@tensorflow/tfjs';
import { conv2DBackpropFilter, conv2DBackpropInput, depthwiseConv2dNativeBackpropFilter, depthwiseConv2dNativeBackpropInput } from './conv.js';
import { cast, gatherV2, identity } from './copy.js';
import { matMul } from './matmul.js';
import { maxPoolGrad } from './pool.js';
import { sum } from './reduce.js';
import { unsortedSegmentSum } from './segment.js';
import type { Tf } from './util.js';

type Impl = (tf: Tf, inputs: tfjs.NamedTensorInfoMap, attrs: Record<string, unknown>, original?: tfjs.KernelFunc, backend?: unknown) => tfjs.TensorInfo | tfjs.TensorInfo[];

/** Kernel name -> the project's implementation on top of existing wasm kernels. */
export const WASM_KERNELS: Readonly<Record<string, Impl>> = {
  Conv2DBackpropFilter: conv2DBackpropFilter,
  DepthwiseConv2dNativeBackpropInput: depthwiseConv2dNativeBackpropInput,
  DepthwiseConv2dNativeBackpropFilter: depthwiseConv2dNativeBackpropFilter,
  UnsortedSegmentSum: unsortedSegmentSum,
};

/** Kernel name -> a faster implementation than tfjs-backend-wasm 4.22's own. */
export const WASM_REPLACEMENTS: Readonly<Record<string, Impl>> = {
  BatchMatMul: matMul,
  Cast: cast,
  Conv2DBackpropInput: conv2DBackpropInput,
  GatherV2: gatherV2,
  Identity: identity,
  MaxPoolGrad: maxPoolGrad,
  Sum: sum,
  _FusedMatMul: matMul,
};

/** Kernel name -> what the project's version does and why: printed by bench/train-throughput.ts. */
export const WASM_KERNEL_NOTES: Readonly<Record<string, string>> = {
  Conv2DBackpropFilter: 'missing on wasm: im2col a few images at a time, then P^T dy in WebAssembly SIMD (XNNPACK would repack all of dy first); else one XNNPACK convolution',
  Conv2DBackpropInput: 'dy W^T in WebAssembly SIMD, added back tap by tap (col2im) without the zero padding; else one XNNPACK convolution; not the C++ loop, ~8x slower',
  DepthwiseConv2dNativeBackpropInput: 'missing on wasm: an XNNPACK depthwise convolution of the upsampled dy',
  DepthwiseConv2dNativeBackpropFilter: 'missing on wasm: one strided slice times dy per filter tap',
  UnsortedSegmentSum: 'missing on wasm (Embedding gradient): one ScatterNd',
  BatchMatMul: 'transposed operands made explicit, so Dense gradients reach XNNPACK instead of a scalar triple loop',
  _FusedMatMul: 'as BatchMatMul',
  Cast: 'to the dtype it already has (ReLU and dropout masks) shares the buffer instead of copying it',
  GatherV2: 'axis 0 (cutting a batch out of the data) as one block copy per row',
  Identity: 'shares the buffer instead of copying it (the engine clones every tensor a gradient keeps)',
  MaxPoolGrad: 'one pass over the windows (2x2 ones four channels at a time, WebAssembly SIMD) instead of a re-scan per input pixel',
  Sum: 'leading axes (bias gradients) as one XNNPACK average pooling instead of a transpose and a reduction',
};

/**
 * Kernel name -> a faster implementation than tfjs-backend-cpu 4.22's own. Its UnsortedSegmentSum
 * (the Embedding gradient) builds a mask and a full reduction per segment, O(vocabulary x tokens): one
 * epoch of a small spam classifier with an 8,000-word vocabulary took 11 minutes; one scatter takes a second.
 */
export const CPU_REPLACEMENTS: Readonly<Record<string, Impl>> = {
  UnsortedSegmentSum: unsortedSegmentSum,
};

const OURS = Symbol.for('tensorloom.kernel');

function registerKernels(tf: Tf, backendName: string, missing: Readonly<Record<string, Impl>>, replacements: Readonly<Record<string, Impl>>): string[] {
  const added: string[] = [];
  const entries: [string, Impl, boolean][] = [
    ...Object.entries(missing).map(([n, f]): [string, Impl, boolean] => [n, f, false]),
    ...Object.entries(replacements).map(([n, f]): [string, Impl, boolean] => [n, f, true]),
  ];
  for (const [kernelName, impl, replace] of entries) {
    const existing = tf.getKernel(kernelName, backendName);
    if (existing && (!replace || (existing.kernelFunc as unknown as Record<symbol, boolean>)[OURS])) continue;
    if (existing) tf.unregisterKernel(kernelName, backendName);
    const original = existing?.kernelFunc;
    const kernelFunc: tfjs.KernelFunc = ({ inputs, attrs, backend }) => impl(tf, inputs as tfjs.NamedTensorInfoMap, (attrs ?? {}) as Record<string, unknown>, original, backend);
    (kernelFunc as unknown as Record<symbol, boolean>)[OURS] = true;
    // The original's setupFunc (binding its C++ entry point) is kept so the fallback still works.
    tf.registerKernel({ kernelName, backendName, kernelFunc, setupFunc: existing?.setupFunc, disposeFunc: existing?.disposeFunc });
    added.push(kernelName);
  }
  return added;
}

/**
 * Registers the missing wasm kernels and the faster replacements with this tf's kernel registry;
 * safe to call repeatedly. Returns the names it registered this time.
 */
export function registerWasmKernels(tf: Tf): string[] {
  return registerKernels(tf, 'wasm', WASM_KERNELS, WASM_REPLACEMENTS);
}

/** Registers the faster cpu-backend replacements; safe to call repeatedly. Returns the names it registered this time. */
export function registerCpuKernels(tf: Tf): string[] {
  return registerKernels(tf, 'cpu', {}, CPU_REPLACEMENTS);
}
