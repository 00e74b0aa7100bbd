import type * as tfjs from '@tensorflow/tfjs';
import { convOutputLength, deconvOutputLength } from '../shape.js';
import { addCustomLayerModule, type Tf } from './index.js';

/** Args of the DilatedConv layer (Keras names; tuples have one entry per spatial axis). */
interface DilatedConvArgs {
  filters: number;
  kernelSize: number[];
  strides: number[];
  padding: 'valid' | 'same' | 'causal';
  dilationRate: number[];
  activation: string;
  useBias: boolean;
}

// Two gaps in tfjs 4.22 that Keras users hit with Conv1D/Conv2D:
// - padding 'causal' is accepted by tf.layers.conv1d but throws "not implemented" when run;
// - the conv2d gradient refuses dilation rates above 1, so dilated convolutions cannot train.
// This layer covers both with Keras' semantics and weight layout (kernel [...kernelSize, inChannels, filters],
// bias [filters]): causal padding pads (kernel - 1) · dilation steps on the left and convolves 'valid', and a
// dilation is applied by spreading the kernel with zeros (every op used has a gradient). Keras forbids
// strides above 1 together with dilation above 1, so spreading the kernel gives the same result.
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

  class DilatedConv extends tf.layers.Layer {
    static className = 'DilatedConv';
    readonly conv: DilatedConvArgs;
    private readonly act: tfjs.layers.Layer;
    private kernel: tfjs.LayerVariable | null = null;
    private bias: tfjs.LayerVariable | null = null;

    constructor(args: tfjs.serialization.ConfigDict = {}) {
      super(args);
      const tuple = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : [Number(v ?? 1)]);
      const kernelSize = tuple(args.kernelSize);
      const rank = kernelSize.length;
      const fill = (v: unknown): number[] => {
        const t = tuple(v);
        return t.length === rank ? t : Array<number>(rank).fill(t[0] ?? 1);
      };
      this.conv = {
        filters: Number(args.filters),
        kernelSize,
        strides: fill(args.strides),
        padding: args.padding === 'same' || args.padding === 'causal' ? args.padding : 'valid',
        dilationRate: fill(args.dilationRate),
        activation: typeof args.activation === 'string' ? args.activation : 'linear',
        useBias: args.useBias !== false,
      };
      if (rank !== 1 && rank !== 2) throw new Error(`DilatedConv '${this.name}' supports 1-D and 2-D kernels, got kernelSize [${kernelSize.join(', ')}]`);
      if (this.conv.padding === 'causal' && rank !== 1) throw new Error(`DilatedConv '${this.name}': padding 'causal' is only for 1-D convolutions`);
      this.act = tf.layers.activation({ activation: this.conv.activation as 'linear' });
    }

    override build(inputShape: tfjs.Shape | tfjs.Shape[]): void {
      const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfjs.Shape;
      const channels = s[s.length - 1];
      if (typeof channels !== 'number') throw new Error(`DilatedConv '${this.name}' needs a known channel count`);
      this.kernel = this.addWeight('kernel', [...this.conv.kernelSize, channels, this.conv.filters], 'float32', tf.initializers.glorotUniform({}));
      if (this.conv.useBias) this.bias = this.addWeight('bias', [this.conv.filters], 'float32', tf.initializers.zeros());
      this.built = true;
    }

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfjs.Shape;
      const { kernelSize, padding, strides, dilationRate } = this.conv;
      const spatial = kernelSize.map((k, i) => convOutputLength(s[i + 1] ?? null, k, padding, strides[i]!, dilationRate[i]!));
      return [s[0] ?? null, ...spatial, this.conv.filters];
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const { kernelSize, padding, strides, dilationRate } = this.conv;
        let x = Array.isArray(inputs) ? inputs[0]! : inputs;
        let kernel = this.kernel!.read() as tfjs.Tensor;
        for (let i = 0; i < kernelSize.length; i++) kernel = dilateAxis(kernel, i, dilationRate[i]!);
        if (padding === 'causal') x = tf.pad(x, [[0, 0], [(kernelSize[0]! - 1) * dilationRate[0]!, 0], [0, 0]]);
        const pad = padding === 'same' ? 'same' : 'valid';
        let y: tfjs.Tensor =
          kernelSize.length === 1
            ? tf.conv1d(x as tfjs.Tensor3D, kernel as tfjs.Tensor3D, strides[0]!, pad)
            : tf.conv2d(x as tfjs.Tensor4D, kernel as tfjs.Tensor4D, strides as [number, number], pad);
        if (this.bias) y = tf.add(y, this.bias.read());
        return this.act.apply(y) as tfjs.Tensor;
      });
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), ...this.conv };
    }
  }
  tf.serialization.registerClass(DilatedConv);

  /** Args shared by the dilated 2-D stand-ins below (Keras names). */
  interface Dilated2DArgs {
    kernelSize: [number, number];
    strides: [number, number];
    padding: 'valid' | 'same';
    dilationRate: [number, number];
    activation: string;
    useBias: boolean;
  }

  const pair = (v: unknown, fallback: number): [number, number] => {
    const t = Array.isArray(v) ? v.map(Number) : [Number(v ?? fallback)];
    return [t[0] ?? fallback, t[1] ?? t[0] ?? fallback];
  };
  const dilated2DArgs = (args: tfjs.serialization.ConfigDict): Dilated2DArgs => ({
    kernelSize: pair(args.kernelSize, 3),
    strides: pair(args.strides, 1),
    padding: args.padding === 'same' ? 'same' : 'valid',
    dilationRate: pair(args.dilationRate, 1),
    activation: typeof args.activation === 'string' ? args.activation : 'linear',
    useBias: args.useBias !== false,
  });
  const channelsOf = (inputShape: tfjs.Shape | tfjs.Shape[], name: string): number => {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfjs.Shape;
    const c = s[s.length - 1];
    if (typeof c !== 'number') throw new Error(`'${name}' needs a known channel count`);
    return c;
  };
  /** A [kh, kw, ...] kernel spread with zeros to its dilated size, so plain (undilated) ops apply it. */
  const spread = (kernel: tfjs.Tensor, d: [number, number]): tfjs.Tensor => dilateAxis(dilateAxis(kernel, 0, d[0]), 1, d[1]);
  const firstTensor = (inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor => (Array.isArray(inputs) ? inputs[0]! : inputs);

  // The same zero-spreading serves the other 2-D convolutions whose dilation tfjs cannot train (or run):
  // Conv2DTranspose (tf.conv2dTranspose has no dilations), DepthwiseConv2D (the tfjs layer has no dilation and the
  // op no dilated gradient) and SeparableConv2D (its dilated depthwise step has no gradient). Weights keep the
  // names and layouts of tfjs' and Keras' own layers.
  class DilatedConv2DTranspose extends tf.layers.Layer {
    static className = 'DilatedConv2DTranspose';
    readonly conv: Dilated2DArgs & { filters: number };
    private readonly act: tfjs.layers.Layer;
    private kernel: tfjs.LayerVariable | null = null;
    private bias: tfjs.LayerVariable | null = null;

    constructor(args: tfjs.serialization.ConfigDict = {}) {
      super(args);
      this.conv = { ...dilated2DArgs(args), filters: Number(args.filters) };
      this.act = tf.layers.activation({ activation: this.conv.activation as 'linear' });
    }

    override build(inputShape: tfjs.Shape | tfjs.Shape[]): void {
      const channels = channelsOf(inputShape, this.name);
      // tfjs' (and Keras') transposed kernel layout: [kh, kw, filters, inChannels].
      this.kernel = this.addWeight('kernel', [...this.conv.kernelSize, this.conv.filters, channels], 'float32', tf.initializers.glorotUniform({}));
      if (this.conv.useBias) this.bias = this.addWeight('bias', [this.conv.filters], 'float32', tf.initializers.zeros());
      this.built = true;
    }

    private outSize(length: number | null, i: 0 | 1): number | null {
      const { kernelSize, strides, padding, dilationRate } = this.conv;
      return deconvOutputLength(length, kernelSize[i], padding, strides[i], dilationRate[i]);
    }

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfjs.Shape;
      return [s[0] ?? null, this.outSize(s[1] ?? null, 0), this.outSize(s[2] ?? null, 1), this.conv.filters];
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const x = firstTensor(inputs) as tfjs.Tensor4D;
        const [n, h, w] = x.shape;
        const out: [number, number, number, number] = [n, this.outSize(h, 0)!, this.outSize(w, 1)!, this.conv.filters];
        const kernel = spread(this.kernel!.read() as tfjs.Tensor, this.conv.dilationRate) as tfjs.Tensor4D;
        let y: tfjs.Tensor = tf.conv2dTranspose(x, kernel, out, this.conv.strides, this.conv.padding);
        if (this.bias) y = tf.add(y, this.bias.read());
        return this.act.apply(y) as tfjs.Tensor;
      });
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), ...this.conv };
    }
  }
  tf.serialization.registerClass(DilatedConv2DTranspose);

  class DilatedDepthwiseConv2D extends tf.layers.Layer {
    static className = 'DilatedDepthwiseConv2D';
    readonly conv: Dilated2DArgs & { depthMultiplier: number; filters?: number };
    private readonly act: tfjs.layers.Layer;
    private depthwiseKernel: tfjs.LayerVariable | null = null;
    private pointwiseKernel: tfjs.LayerVariable | null = null;
    private bias: tfjs.LayerVariable | null = null;

    /** With `filters` it is a separable convolution: the depthwise step, then a 1×1 convolution to `filters` channels. */
    constructor(args: tfjs.serialization.ConfigDict = {}) {
      super(args);
      this.conv = { ...dilated2DArgs(args), depthMultiplier: Number(args.depthMultiplier ?? 1), ...(args.filters !== undefined ? { filters: Number(args.filters) } : {}) };
      this.act = tf.layers.activation({ activation: this.conv.activation as 'linear' });
    }

    private channelsOut(channels: number): number {
      return this.conv.filters ?? channels * this.conv.depthMultiplier;
    }

    override build(inputShape: tfjs.Shape | tfjs.Shape[]): void {
      const channels = channelsOf(inputShape, this.name);
      const { kernelSize, depthMultiplier, filters } = this.conv;
      const glorot = tf.initializers.glorotUniform({});
      this.depthwiseKernel = this.addWeight('depthwise_kernel', [...kernelSize, channels, depthMultiplier], 'float32', glorot);
      if (filters !== undefined) this.pointwiseKernel = this.addWeight('pointwise_kernel', [1, 1, channels * depthMultiplier, filters], 'float32', glorot);
      if (this.conv.useBias) this.bias = this.addWeight('bias', [this.channelsOut(channels)], 'float32', tf.initializers.zeros());
      this.built = true;
    }

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfjs.Shape;
      const { kernelSize, padding, strides, dilationRate } = this.conv;
      const spatial = [0, 1].map((i) => convOutputLength(s[i + 1] ?? null, kernelSize[i]!, padding, strides[i]!, dilationRate[i]!));
      return [s[0] ?? null, ...spatial, this.channelsOut(channelsOf(inputShape, this.name))];
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const x = firstTensor(inputs) as tfjs.Tensor4D;
        const kernel = spread(this.depthwiseKernel!.read() as tfjs.Tensor, this.conv.dilationRate) as tfjs.Tensor4D;
        let y: tfjs.Tensor = this.pointwiseKernel
          ? tf.separableConv2d(x, kernel, this.pointwiseKernel.read() as tfjs.Tensor4D, this.conv.strides, this.conv.padding)
          : tf.depthwiseConv2d(x, kernel, this.conv.strides, this.conv.padding);
        if (this.bias) y = tf.add(y, this.bias.read());
        return this.act.apply(y) as tfjs.Tensor;
      });
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), ...this.conv };
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
