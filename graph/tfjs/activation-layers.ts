import type * as tfjs from '@tensorflow/tfjs';
import { addCustomLayerModule, type Tf } from './index.js';

// tf.layers.elu throws for any alpha but 1 ("not supported"); Keras' ELU takes any alpha, so the
// palette's ELU maps to this layer when alpha differs from 1.
addCustomLayerModule((tf: Tf) => {
  class AlphaELU extends tf.layers.Layer {
    static className = 'AlphaELU';
    readonly alpha: number;

    constructor(args: tfjs.serialization.ConfigDict = {}) {
      super(args);
      this.alpha = typeof args.alpha === 'number' ? args.alpha : 1;
      this.supportsMasking = true;
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        // relu(x) + alpha·(exp(min(x, 0)) − 1): every op here has a gradient (tf.where's condition does not).
        return tf.add(tf.relu(x), tf.mul(this.alpha, tf.sub(tf.exp(tf.minimum(x, 0)), 1)));
      });
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), alpha: this.alpha };
    }
  }
  tf.serialization.registerClass(AlphaELU);

  // tf.layers.reLU has maxValue only; Keras' ReLU also takes negative_slope and threshold. This follows
  // keras.activations.relu exactly: x where x > threshold (clipped to [0, maxValue] when capped), 0 elsewhere,
  // minus negativeSlope · relu(threshold − x).
  class KerasReLU extends tf.layers.Layer {
    static className = 'KerasReLU';
    readonly relu: { maxValue: number | null; negativeSlope: number; threshold: number };

    constructor(args: tfjs.serialization.ConfigDict = {}) {
      super(args);
      this.relu = {
        maxValue: typeof args.maxValue === 'number' ? args.maxValue : null,
        negativeSlope: typeof args.negativeSlope === 'number' ? args.negativeSlope : 0,
        threshold: typeof args.threshold === 'number' ? args.threshold : 0,
      };
      this.supportsMasking = true;
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        const { maxValue, negativeSlope, threshold } = this.relu;
        // The step x > threshold as relu(sign(x - threshold)): sign has a (zero) gradient, tf.greater none.
        let y: tfjs.Tensor = tf.mul(x, tf.relu(tf.sign(tf.sub(x, threshold))));
        if (maxValue !== null) y = tf.clipByValue(y, 0, maxValue);
        if (negativeSlope !== 0) y = tf.sub(y, tf.mul(negativeSlope, tf.relu(tf.sub(threshold, x))));
        return y;
      });
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), ...this.relu };
    }
  }
  tf.serialization.registerClass(KerasReLU);

  return { AlphaELU: (args) => new AlphaELU(args as tfjs.serialization.ConfigDict), KerasReLU: (args) => new KerasReLU(args as tfjs.serialization.ConfigDict) };
});
