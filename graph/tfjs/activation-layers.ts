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
  return { AlphaELU: (args) => new AlphaELU(args as tfjs.serialization.ConfigDict) };
});
