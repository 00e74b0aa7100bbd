import type * as tfjs from '@tensorflow/tfjs';
import { convOutputLength } from '../shape.js';
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
  return { DilatedConv: (args) => new DilatedConv(args as tfjs.serialization.ConfigDict) };
});
