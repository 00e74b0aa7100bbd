import type * as tfjs from '@tensorflow/tfjs';
import { addCustomLayerModule, type Tf } from './index.js';

// tf.layers.conv1d accepts padding 'causal' but throws "not implemented" when run. Keras' causal Conv1D
// pads (kernelSize - 1) · dilation steps on the left, then convolves with 'valid' padding; this layer does
// the same with Keras' weight layout (kernel [k, inChannels, filters], bias [filters]).
addCustomLayerModule((tf: Tf) => {
  class CausalConv1D extends tf.layers.Layer {
    static className = 'CausalConv1D';
    readonly filters: number;
    readonly kernelSize: number;
    readonly strides: number;
    readonly dilationRate: number;
    readonly activation: string;
    readonly useBias: boolean;
    private readonly act: tfjs.layers.Layer;
    private kernel: tfjs.LayerVariable | null = null;
    private bias: tfjs.LayerVariable | null = null;

    constructor(args: tfjs.serialization.ConfigDict = {}) {
      super(args);
      const one = (v: unknown): number => Number(Array.isArray(v) ? v[0] : (v ?? 1));
      this.filters = Number(args.filters);
      this.kernelSize = one(args.kernelSize);
      this.strides = one(args.strides);
      this.dilationRate = one(args.dilationRate);
      this.activation = typeof args.activation === 'string' ? args.activation : 'linear';
      this.useBias = args.useBias !== false;
      this.act = tf.layers.activation({ activation: this.activation as 'linear' });
    }

    override build(inputShape: tfjs.Shape | tfjs.Shape[]): void {
      const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfjs.Shape;
      const channels = s[s.length - 1];
      if (typeof channels !== 'number') throw new Error(`CausalConv1D '${this.name}' needs a known channel count`);
      this.kernel = this.addWeight('kernel', [this.kernelSize, channels, this.filters], 'float32', tf.initializers.glorotUniform({}));
      if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
      this.built = true;
    }

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfjs.Shape;
      const len = s[1];
      return [s[0] ?? null, typeof len === 'number' ? Math.ceil(len / this.strides) : null, this.filters];
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tfjs.Tensor3D;
        const padded = tf.pad(x, [[0, 0], [(this.kernelSize - 1) * this.dilationRate, 0], [0, 0]]);
        let y: tfjs.Tensor = tf.conv1d(padded, this.kernel!.read() as tfjs.Tensor3D, this.strides, 'valid', 'NWC', this.dilationRate);
        if (this.bias) y = tf.add(y, this.bias.read());
        return this.act.apply(y) as tfjs.Tensor;
      });
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return {
        ...super.getConfig(),
        filters: this.filters,
        kernelSize: this.kernelSize,
        strides: this.strides,
        dilationRate: this.dilationRate,
        activation: this.activation,
        useBias: this.useBias,
      };
    }
  }
  tf.serialization.registerClass(CausalConv1D);
  return { CausalConv1D: (args) => new CausalConv1D(args as tfjs.serialization.ConfigDict) };
});
