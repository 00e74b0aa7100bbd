import type * as tfjs from '@tensorflow/tfjs';
import { convOutputLength, deconvOutputLength } from '../shape.js';
import { addCustomLayerModule, type Tf } from './index.js';

/** The args every convolution stand-in here takes (Keras names; tuples have one entry per spatial axis). */
interface WindowArgs {
  kernelSize: number[];
  strides: number[];
  padding: 'valid' | 'same';
  dilationRate: number[];
  activation: string;
  useBias: boolean;
}

/** Args of the DilatedConv layer: a plain convolution's, with 'causal' padding for 1-D kernels. */
interface DilatedConvArgs extends Omit<WindowArgs, 'padding'> {
  filters: number;
  padding: 'valid' | 'same' | 'causal';
}

/** A tuple arg with `rank` entries; a single number (Keras accepts `3` for `(3, 3)`) is repeated. */
function tupleArg(v: unknown, rank: number, fallback: number): number[] {
  const t = Array.isArray(v) ? v.map(Number) : [Number(v ?? fallback)];
  return t.length === rank ? t : Array<number>(rank).fill(t[0] ?? fallback);
}

/** The `WindowArgs` of a config, for a kernel of `rank` spatial axes. */
function windowArgs(args: tfjs.serialization.ConfigDict, rank: number, kernelFallback: number): WindowArgs {
  return {
    kernelSize: tupleArg(args.kernelSize, rank, kernelFallback),
    strides: tupleArg(args.strides, rank, 1),
    padding: args.padding === 'same' ? 'same' : 'valid',
    dilationRate: tupleArg(args.dilationRate, rank, 1),
    activation: typeof args.activation === 'string' ? args.activation : 'linear',
    useBias: args.useBias !== false,
  };
}

/** The shape of a layer's (first) input. */
const firstShape = (inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape => (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfjs.Shape;

/** The tensor of a layer's (first) input. */
const firstTensor = (inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor => (Array.isArray(inputs) ? inputs[0]! : inputs);

// Gaps in tfjs 4.22 that Keras users hit with dilated or causal convolutions:
// - padding 'causal' is accepted by tf.layers.conv1d but throws "not implemented" when run;
// - the conv2d gradient refuses dilation rates above 1, so dilated convolutions cannot train;
// - tf.conv2dTranspose has no dilations, tf.layers.depthwiseConv2d no dilation at all (and the op no dilated
//   gradient), and a dilated separable convolution's depthwise step has no gradient either.
// The layers here cover them with Keras' semantics and weight names and layouts: a dilation is applied by spreading
// the kernel with zeros (every op used has a gradient), and causal padding pads (kernel - 1) · dilation steps on the
// left and convolves 'valid'. Keras forbids strides above 1 together with dilation above 1, so spreading the kernel
// gives the same result.
addCustomLayerModule((tf: Tf) => {
  /** Inserts d - 1 zeros between the taps of `t` along `axis`. */
  const dilateAxis = (t: tfjs.Tensor, axis: number, d: number): tfjs.Tensor => {
    if (d === 1) return t;
    const shape = t.shape;
    const k = shape[axis]!;
    const padding = shape.map(() => [0, 0] as [number, number]);
    padding.splice(axis + 1, 0, [0, d - 1]);
    const spread = tf.pad(tf.expandDims(t, axis + 1), padding);
    const merged = tf.reshape(spread, [...shape.slice(0, axis), k * d, ...shape.slice(axis + 1)]);
    const size = shape.map((s) => s);
    size[axis] = (k - 1) * d + 1;
    return tf.slice(merged, shape.map(() => 0), size);
  };

  /**
   * What the stand-ins share: their args (which are also their config), the zero-spreading of a kernel by
   * `dilationRate`, and the bias and activation after the op. Subclasses add their weights and the op itself.
   */
  abstract class SpreadKernelConv<A extends Omit<WindowArgs, 'padding'>> extends tf.layers.Layer {
    readonly conv: A;
    private readonly act: tfjs.layers.Layer;
    protected bias: tfjs.LayerVariable | null = null;

    constructor(args: tfjs.serialization.ConfigDict, conv: A) {
      super(args);
      this.conv = conv;
      this.act = tf.layers.activation({ activation: conv.activation as 'linear' });
    }

    /** The input's channel count (last axis), which the weights' shapes need. */
    protected channels(inputShape: tfjs.Shape | tfjs.Shape[]): number {
      const s = firstShape(inputShape);
      const c = s[s.length - 1];
      if (typeof c !== 'number') throw new Error(`${this.getClassName()} '${this.name}' needs a known channel count`);
      return c;
    }

    /** A [...kernelSize, ...] kernel spread with zeros to its dilated size, so plain (undilated) ops apply it. */
    protected spread(kernel: tfjs.LayerVariable): tfjs.Tensor {
      return this.conv.dilationRate.reduce((k, d, axis) => dilateAxis(k, axis, d), kernel.read() as tfjs.Tensor);
    }

    /** The op's result plus the bias, through the activation. */
    protected finish(y: tfjs.Tensor): tfjs.Tensor {
      return this.act.apply(this.bias ? tf.add(y, this.bias.read()) : y) as tfjs.Tensor;
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), ...this.conv };
    }
  }

  /** Conv1D and Conv2D, causal or dilated: kernel [...kernelSize, inChannels, filters], bias [filters]. */
  class DilatedConv extends SpreadKernelConv<DilatedConvArgs> {
    static className = 'DilatedConv';
    private kernel: tfjs.LayerVariable | null = null;

    constructor(args: tfjs.serialization.ConfigDict = {}) {
      const rank = Array.isArray(args.kernelSize) ? args.kernelSize.length : 1;
      super(args, { filters: Number(args.filters), ...windowArgs(args, rank, 1), padding: args.padding === 'same' || args.padding === 'causal' ? args.padding : 'valid' });
      if (rank !== 1 && rank !== 2) throw new Error(`DilatedConv '${this.name}' supports 1-D and 2-D kernels, got kernelSize [${this.conv.kernelSize.join(', ')}]`);
      if (this.conv.padding === 'causal' && rank !== 1) throw new Error(`DilatedConv '${this.name}': padding 'causal' is only for 1-D convolutions`);
    }

    override build(inputShape: tfjs.Shape | tfjs.Shape[]): void {
      this.kernel = this.addWeight('kernel', [...this.conv.kernelSize, this.channels(inputShape), this.conv.filters], 'float32', tf.initializers.glorotUniform({}));
      if (this.conv.useBias) this.bias = this.addWeight('bias', [this.conv.filters], 'float32', tf.initializers.zeros());
      this.built = true;
    }

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      const s = firstShape(inputShape);
      const { kernelSize, padding, strides, dilationRate } = this.conv;
      const spatial = kernelSize.map((k, i) => convOutputLength(s[i + 1] ?? null, k, padding, strides[i]!, dilationRate[i]!));
      return [s[0] ?? null, ...spatial, this.conv.filters];
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const { kernelSize, padding, strides, dilationRate } = this.conv;
        let x = firstTensor(inputs);
        const kernel = this.spread(this.kernel!);
        if (padding === 'causal') x = tf.pad(x, [[0, 0], [(kernelSize[0]! - 1) * dilationRate[0]!, 0], [0, 0]]);
        const pad = padding === 'same' ? 'same' : 'valid';
        return this.finish(
          kernelSize.length === 1
            ? tf.conv1d(x as tfjs.Tensor3D, kernel as tfjs.Tensor3D, strides[0]!, pad)
            : tf.conv2d(x as tfjs.Tensor4D, kernel as tfjs.Tensor4D, strides as [number, number], pad),
        );
      });
    }
  }
  tf.serialization.registerClass(DilatedConv);

  /** Conv2DTranspose with a dilation: kernel [kh, kw, filters, inChannels] (tfjs' and Keras' transposed layout). */
  class DilatedConv2DTranspose extends SpreadKernelConv<WindowArgs & { filters: number }> {
    static className = 'DilatedConv2DTranspose';
    private kernel: tfjs.LayerVariable | null = null;

    constructor(args: tfjs.serialization.ConfigDict = {}) {
      super(args, { ...windowArgs(args, 2, 3), filters: Number(args.filters) });
    }

    override build(inputShape: tfjs.Shape | tfjs.Shape[]): void {
      this.kernel = this.addWeight('kernel', [...this.conv.kernelSize, this.conv.filters, this.channels(inputShape)], 'float32', tf.initializers.glorotUniform({}));
      if (this.conv.useBias) this.bias = this.addWeight('bias', [this.conv.filters], 'float32', tf.initializers.zeros());
      this.built = true;
    }

    private outSize(length: number | null, i: 0 | 1): number | null {
      const { kernelSize, strides, padding, dilationRate } = this.conv;
      return deconvOutputLength(length, kernelSize[i]!, padding, strides[i]!, dilationRate[i]!);
    }

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      const s = firstShape(inputShape);
      return [s[0] ?? null, this.outSize(s[1] ?? null, 0), this.outSize(s[2] ?? null, 1), this.conv.filters];
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const x = firstTensor(inputs) as tfjs.Tensor4D;
        const [n, h, w] = x.shape;
        const out: [number, number, number, number] = [n, this.outSize(h, 0)!, this.outSize(w, 1)!, this.conv.filters];
        return this.finish(tf.conv2dTranspose(x, this.spread(this.kernel!) as tfjs.Tensor4D, out, this.conv.strides as [number, number], this.conv.padding));
      });
    }
  }
  tf.serialization.registerClass(DilatedConv2DTranspose);

  /** DepthwiseConv2D with a dilation: depthwise_kernel [kh, kw, inChannels, depthMultiplier]. */
  class DilatedDepthwiseConv2D extends SpreadKernelConv<WindowArgs & { depthMultiplier: number; filters?: number }> {
    static className = 'DilatedDepthwiseConv2D';
    private depthwiseKernel: tfjs.LayerVariable | null = null;
    private pointwiseKernel: tfjs.LayerVariable | null = null;

    /** With `filters` it is a separable convolution: the depthwise step, then a 1×1 convolution to `filters` channels. */
    constructor(args: tfjs.serialization.ConfigDict = {}) {
      super(args, { ...windowArgs(args, 2, 3), depthMultiplier: Number(args.depthMultiplier ?? 1), ...(args.filters !== undefined ? { filters: Number(args.filters) } : {}) });
    }

    private channelsOut(channels: number): number {
      return this.conv.filters ?? channels * this.conv.depthMultiplier;
    }

    override build(inputShape: tfjs.Shape | tfjs.Shape[]): void {
      const channels = this.channels(inputShape);
      const { kernelSize, depthMultiplier, filters } = this.conv;
      const glorot = tf.initializers.glorotUniform({});
      this.depthwiseKernel = this.addWeight('depthwise_kernel', [...kernelSize, channels, depthMultiplier], 'float32', glorot);
      if (filters !== undefined) this.pointwiseKernel = this.addWeight('pointwise_kernel', [1, 1, channels * depthMultiplier, filters], 'float32', glorot);
      if (this.conv.useBias) this.bias = this.addWeight('bias', [this.channelsOut(channels)], 'float32', tf.initializers.zeros());
      this.built = true;
    }

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      const s = firstShape(inputShape);
      const { kernelSize, padding, strides, dilationRate } = this.conv;
      const spatial = [0, 1].map((i) => convOutputLength(s[i + 1] ?? null, kernelSize[i]!, padding, strides[i]!, dilationRate[i]!));
      return [s[0] ?? null, ...spatial, this.channelsOut(this.channels(inputShape))];
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const x = firstTensor(inputs) as tfjs.Tensor4D;
        const kernel = this.spread(this.depthwiseKernel!) as tfjs.Tensor4D;
        const strides = this.conv.strides as [number, number];
        return this.finish(
          this.pointwiseKernel
            ? tf.separableConv2d(x, kernel, this.pointwiseKernel.read() as tfjs.Tensor4D, strides, this.conv.padding)
            : tf.depthwiseConv2d(x, kernel, strides, this.conv.padding),
        );
      });
    }
  }
  tf.serialization.registerClass(DilatedDepthwiseConv2D);

  /** The separable variant under its own class name, so saved models and exported code say what it is. */
  class DilatedSeparableConv2D extends DilatedDepthwiseConv2D {
    static override className = 'DilatedSeparableConv2D';
  }
  tf.serialization.registerClass(DilatedSeparableConv2D);

  return {
    DilatedConv: (args) => new DilatedConv(args as tfjs.serialization.ConfigDict),
    DilatedConv2DTranspose: (args) => new DilatedConv2DTranspose(args as tfjs.serialization.ConfigDict),
    DilatedDepthwiseConv2D: (args) => new DilatedDepthwiseConv2D(args as tfjs.serialization.ConfigDict),
    DilatedSeparableConv2D: (args) => new DilatedSeparableConv2D(args as tfjs.serialization.ConfigDict),
  };
});
