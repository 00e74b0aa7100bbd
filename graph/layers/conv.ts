import { convOutputLength, deconvOutputLength, formatShape, sampleSize, ShapeError, type Shape } from '../shape.js';
import { activationParam, firstInput, formatTuple, joinSummary, lastDim, ONE_INPUT, product, requireRank } from './common.js';
import { defineLayer, type LayerContext, type Params, type ParamsSpec, type TupleParam } from './types.js';

/** Padding modes a convolution or pooling window can use. */
export type Padding = 'valid' | 'same' | 'causal';

/** A tuple param of `n` sizes (kernel, strides, ...). */
export function sizeTuple(n: number, def: number, doc: string, label?: string): TupleParam {
  return { kind: 'tuple', default: Array<number>(n).fill(def), length: n, min: 1, doc, ...(label ? { label } : {}) };
}

/** The rank hint for 1-D (sequence) and 2-D (image) layers. */
export function spatialHint(dims: 1 | 2): string {
  return dims === 1
    ? 'it works on sequences [batch, steps, channels]; add a Reshape before it (e.g. to [steps, 1])'
    : 'it works on images [batch, height, width, channels]; add a Reshape before it (e.g. to [28, 28, 1])';
}

/** Checks the input rank of a 1-D or 2-D spatial layer and returns the input. */
export function spatialInput(ctx: LayerContext, dims: 1 | 2): Shape {
  return requireRank(firstInput(ctx), [dims + 2], spatialHint(dims));
}

/**
 * Output sizes of the spatial axes of a sliding window (convolution or pooling). Throws when a window
 * does not fit into the input with 'valid' padding.
 */
export function windowOutput(
  input: Shape,
  window: readonly number[],
  strides: readonly number[],
  padding: Padding,
  dilation: readonly number[] | null,
  what: { noun: string; field: string },
): (number | null)[] {
  return window.map((k, i) => {
    const len = input[i + 1] ?? null;
    const d = dilation?.[i] ?? 1;
    const out = convOutputLength(len, k, padding, strides[i] ?? 1, d);
    if (out !== null && out < 1) {
      const eff = (k - 1) * d + 1;
      const dilated = d > 1 ? ` (${eff} wide with dilation ${d})` : '';
      throw new ShapeError(
        `has a ${what.noun} of ${formatTuple(window)}${dilated}, larger than its input ${formatShape(input)} (size ${String(len)} on axis ${i + 1}) with padding 'valid'; use padding 'same', a smaller ${what.field}, or a larger input`,
        what.field,
      );
    }
    return out;
  });
}

function stridesAndDilation(p: Params): { message: string; field?: string } | null {
  const s = p.strides as number[];
  const d = p.dilationRate as number[] | undefined;
  if (d && s.some((v) => v > 1) && d.some((v) => v > 1))
    return { message: `has strides ${formatShape(s)} and dilationRate ${formatShape(d)}; strides above 1 cannot be combined with a dilation above 1 (Keras and TensorFlow.js refuse it), so set one of them to 1`, field: 'dilationRate' };
  return null;
}

function convSummary(p: Params): string {
  const s = p.strides as number[];
  return joinSummary(
    p.filters as number | undefined,
    formatTuple(p.kernelSize),
    s.some((v) => v > 1) && `stride ${formatTuple(s)}`,
    (p.dilationRate as number[] | undefined)?.some((v) => v > 1) && `dilation ${formatTuple(p.dilationRate)}`,
    (p.depthMultiplier as number | undefined) !== undefined && (p.depthMultiplier as number) > 1 && `×${String(p.depthMultiplier)}`,
    p.padding !== 'valid' && String(p.padding),
    p.activation as string,
  );
}

const filtersParam = { kind: 'int', default: 32, min: 1, doc: 'Number of output channels (filters).' } as const;
const useBiasParam = { kind: 'bool', default: true, doc: 'Whether the layer adds a bias vector.' } as const;
const paddingParam = (causal = false) =>
  ({
    kind: 'choice',
    default: 'valid',
    choices: causal ? (['valid', 'same', 'causal'] as const) : (['valid', 'same'] as const),
    doc: causal
      ? "'valid' uses no padding (the output shrinks), 'same' pads so the output keeps the input length (with stride 1), 'causal' pads only on the left so step t never sees later steps."
      : "'valid' uses no padding (the output shrinks), 'same' pads so the output keeps the input size (with stride 1).",
  }) as const;
const depthMultiplierParam = { kind: 'int', default: 1, min: 1, doc: 'Number of depthwise output channels per input channel.' } as const;
const dilationParam = (dims: 1 | 2): TupleParam => sizeTuple(dims, 1, 'Spacing between kernel elements (atrous convolution); 1 is a plain convolution.');
const dilated = (p: Params): boolean => (p.dilationRate as number[]).some((d) => d > 1);

function convParams(dims: 1 | 2, causal: boolean): ParamsSpec {
  return {
    filters: filtersParam,
    kernelSize: sizeTuple(dims, 3, 'Size of the convolution window.'),
    strides: sizeTuple(dims, 1, 'Step of the window along each axis.'),
    padding: paddingParam(causal),
    dilationRate: dilationParam(dims),
    activation: activationParam(),
    useBias: useBiasParam,
  };
}

function convLayer(dims: 1 | 2) {
  const id = dims === 1 ? 'Conv1D' : 'Conv2D';
  return defineLayer({
    id,
    category: 'Convolution',
    label: id,
    description:
      dims === 1
        ? 'Slides learned filters along a sequence: [null, steps, channels] to [null, steps\', filters].'
        : 'Slides learned filters over an image: [null, height, width, channels] to [null, height\', width\', filters].',
    params: convParams(dims, dims === 1),
    inputs: ONE_INPUT,
    outputs: 1,
    checkParams: stridesAndDilation,
    inferShape: (p, ctx) => {
      const s = spatialInput(ctx, dims);
      lastDim(s, 'the channels axis');
      const out = windowOutput(s, p.kernelSize as number[], p.strides as number[], p.padding as Padding, p.dilationRate as number[], { noun: 'kernel', field: 'kernelSize' });
      return [null, ...out, p.filters as number];
    },
    paramCount: (p, ctx) => {
      const cin = lastDim(ctx.inputs[0]!);
      const f = p.filters as number;
      return { trainable: product(p.kernelSize as number[]) * cin * f + (p.useBias ? f : 0), nonTrainable: 0 };
    },
    macs: (p, ctx, out) => product(p.kernelSize as number[]) * lastDim(ctx.inputs[0]!) * (sampleSize(out) ?? 0),
    // tfjs cannot run padding 'causal' and cannot train dilated convolutions, so those use the DilatedConv
    // layer of graph/tfjs/conv-layers.ts (same weights and results).
    tfjs: (p) => ({
      factory: p.padding === 'causal' || dilated(p) ? 'custom:DilatedConv' : dims === 1 ? 'conv1d' : 'conv2d',
      args: { filters: p.filters, kernelSize: p.kernelSize, strides: p.strides, padding: p.padding, dilationRate: p.dilationRate, activation: p.activation, useBias: p.useBias },
    }),
    outputActivation: (p) => p.activation as string,
    summary: convSummary,
  });
}

/** keras.layers.Conv1D: a convolution along a sequence (causal and dilated too). */
export const Conv1D = convLayer(1);
/** keras.layers.Conv2D: a convolution over an image (dilated too). */
export const Conv2D = convLayer(2);

/** keras.layers.Conv2DTranspose: a transposed convolution that upsamples an image. */
export const Conv2DTranspose = defineLayer({
  id: 'Conv2DTranspose',
  category: 'Convolution',
  label: 'Conv2DTranspose',
  description: 'Transposed ("de-") convolution: upsamples an image with learned filters, e.g. in decoders.',
  params: {
    filters: filtersParam,
    kernelSize: sizeTuple(2, 3, 'Size of the convolution window.'),
    strides: sizeTuple(2, 1, 'Upsampling factor along height and width.'),
    padding: paddingParam(),
    dilationRate: dilationParam(2),
    activation: activationParam(),
    useBias: useBiasParam,
  },
  inputs: ONE_INPUT,
  outputs: 1,
  checkParams: stridesAndDilation,
  inferShape: (p, ctx) => {
    const s = spatialInput(ctx, 2);
    lastDim(s, 'the channels axis');
    const k = p.kernelSize as number[];
    const st = p.strides as number[];
    const d = p.dilationRate as number[];
    return [null, ...k.map((kk, i) => deconvOutputLength(s[i + 1] ?? null, kk, p.padding as 'valid' | 'same', st[i]!, d[i]!)), p.filters as number];
  },
  paramCount: (p, ctx) => {
    const cin = lastDim(ctx.inputs[0]!);
    const f = p.filters as number;
    return { trainable: product(p.kernelSize as number[]) * cin * f + (p.useBias ? f : 0), nonTrainable: 0 };
  },
  macs: (p, ctx) => {
    const s = ctx.inputs[0]!;
    return product(p.kernelSize as number[]) * (p.filters as number) * (sampleSize(s) ?? 0);
  },
  // tf.layers.conv2dTranspose ignores dilationRate (tf.conv2dTranspose has no dilations), so a dilated one is the
  // DilatedConv2DTranspose of graph/tfjs/conv-layers.ts; the plain one stays tfjs' own.
  tfjs: (p) => {
    const args = { filters: p.filters, kernelSize: p.kernelSize, strides: p.strides, padding: p.padding, activation: p.activation, useBias: p.useBias };
    return dilated(p) ? { factory: 'custom:DilatedConv2DTranspose', args: { ...args, dilationRate: p.dilationRate } } : { factory: 'conv2dTranspose', args };
  },
  outputActivation: (p) => p.activation as string,
  summary: convSummary,
});

/** keras.layers.SeparableConv2D: a depthwise convolution followed by a 1×1 pointwise one. */
export const SeparableConv2D = defineLayer({
  id: 'SeparableConv2D',
  category: 'Convolution',
  label: 'SeparableConv2D',
  description: 'Depthwise convolution per channel followed by a 1×1 pointwise convolution: fewer parameters than Conv2D.',
  params: {
    filters: filtersParam,
    kernelSize: sizeTuple(2, 3, 'Size of the depthwise convolution window.'),
    strides: sizeTuple(2, 1, 'Step of the window along height and width.'),
    padding: paddingParam(),
    dilationRate: dilationParam(2),
    depthMultiplier: depthMultiplierParam,
    activation: activationParam(),
    useBias: useBiasParam,
  },
  inputs: ONE_INPUT,
  outputs: 1,
  checkParams: stridesAndDilation,
  inferShape: (p, ctx) => {
    const s = spatialInput(ctx, 2);
    lastDim(s, 'the channels axis');
    const out = windowOutput(s, p.kernelSize as number[], p.strides as number[], p.padding as Padding, p.dilationRate as number[], { noun: 'kernel', field: 'kernelSize' });
    return [null, ...out, p.filters as number];
  },
  paramCount: (p, ctx) => {
    const cin = lastDim(ctx.inputs[0]!);
    const dm = p.depthMultiplier as number;
    const f = p.filters as number;
    return { trainable: product(p.kernelSize as number[]) * cin * dm + cin * dm * f + (p.useBias ? f : 0), nonTrainable: 0 };
  },
  macs: (p, ctx, out) => {
    const cin = lastDim(ctx.inputs[0]!);
    const dm = p.depthMultiplier as number;
    const positions = (sampleSize(out) ?? 0) / (p.filters as number);
    return positions * cin * dm * (product(p.kernelSize as number[]) + (p.filters as number));
  },
  // tfjs runs a dilated separable convolution but has no gradient for its dilated depthwise step, so a dilated one
  // is graph/tfjs' DilatedSeparableConv2D (same weights), which trains.
  tfjs: (p) => {
    const args = { filters: p.filters, kernelSize: p.kernelSize, strides: p.strides, padding: p.padding, depthMultiplier: p.depthMultiplier, activation: p.activation, useBias: p.useBias };
    return dilated(p) ? { factory: 'custom:DilatedSeparableConv2D', args: { ...args, dilationRate: p.dilationRate } } : { factory: 'separableConv2d', args };
  },
  outputActivation: (p) => p.activation as string,
  summary: convSummary,
});

/** keras.layers.DepthwiseConv2D: a convolution of each channel with its own filters. */
export const DepthwiseConv2D = defineLayer({
  id: 'DepthwiseConv2D',
  category: 'Convolution',
  label: 'DepthwiseConv2D',
  description: 'Convolves each input channel with its own filters (no mixing across channels).',
  params: {
    kernelSize: sizeTuple(2, 3, 'Size of the convolution window.'),
    strides: sizeTuple(2, 1, 'Step of the window along height and width.'),
    padding: paddingParam(),
    dilationRate: dilationParam(2),
    depthMultiplier: depthMultiplierParam,
    activation: activationParam(),
    useBias: useBiasParam,
  },
  inputs: ONE_INPUT,
  outputs: 1,
  checkParams: stridesAndDilation,
  inferShape: (p, ctx) => {
    const s = spatialInput(ctx, 2);
    const cin = lastDim(s, 'the channels axis');
    const out = windowOutput(s, p.kernelSize as number[], p.strides as number[], p.padding as Padding, p.dilationRate as number[], { noun: 'kernel', field: 'kernelSize' });
    return [null, ...out, cin * (p.depthMultiplier as number)];
  },
  paramCount: (p, ctx) => {
    const cout = lastDim(ctx.inputs[0]!) * (p.depthMultiplier as number);
    return { trainable: product(p.kernelSize as number[]) * cout + (p.useBias ? cout : 0), nonTrainable: 0 };
  },
  macs: (p, _ctx, out) => product(p.kernelSize as number[]) * (sampleSize(out) ?? 0),
  // tf.layers.depthwiseConv2d has no dilation at all (and tfjs no gradient for a dilated depthwise convolution), so
  // a dilated one is graph/tfjs' DilatedDepthwiseConv2D (same weights).
  tfjs: (p) => {
    const args = { kernelSize: p.kernelSize, strides: p.strides, padding: p.padding, depthMultiplier: p.depthMultiplier, activation: p.activation, useBias: p.useBias };
    return dilated(p) ? { factory: 'custom:DilatedDepthwiseConv2D', args: { ...args, dilationRate: p.dilationRate } } : { factory: 'depthwiseConv2d', args };
  },
  outputActivation: (p) => p.activation as string,
  summary: convSummary,
});
