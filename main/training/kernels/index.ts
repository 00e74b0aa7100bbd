// Kernels the wasm backend of tfjs 4.22 lacks but training needs. Registered for backendName
// 'wasm' only when absent, so a later tfjs release that ships its own takes precedence.
import type * as tfjs from '@tensorflow/tfjs';
import { conv2DBackpropFilter, depthwiseConv2dNativeBackpropFilter, depthwiseConv2dNativeBackpropInput } from './conv.js';
import { unsortedSegmentSum } from './segment.js';
import type { Tf } from './util.js';

type Impl = (tf: Tf, inputs: tfjs.NamedTensorInfoMap, attrs: Record<string, unknown>) => tfjs.Tensor;

/** Kernel name -> the project's implementation on top of existing wasm kernels. */
export const WASM_KERNELS: Readonly<Record<string, Impl>> = {
  Conv2DBackpropFilter: conv2DBackpropFilter,
  DepthwiseConv2dNativeBackpropInput: depthwiseConv2dNativeBackpropInput,
  DepthwiseConv2dNativeBackpropFilter: depthwiseConv2dNativeBackpropFilter,
  UnsortedSegmentSum: unsortedSegmentSum,
};

/** Registers the missing wasm kernels with this tf's kernel registry; safe to call repeatedly. Returns the names it added. */
export function registerWasmKernels(tf: Tf): string[] {
  const added: string[] = [];
  for (const [kernelName, impl] of Object.entries(WASM_KERNELS)) {
    if (tf.getKernel(kernelName, 'wasm')) continue;
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) => impl(tf, inputs as tfjs.NamedTensorInfoMap, (attrs ?? {}) as Record<string, unknown>),
    });
    added.push(kernelName);
  }
  return added;
}
