import type * as tfjs from '@tensorflow/tfjs';
import { addCustomLayerModule, type Tf } from './index.js';

// tf.layers has no `subtract` (Keras does); this one matches Keras' Subtract: exactly two inputs of one shape.
addCustomLayerModule((tf: Tf) => {
  class Subtract extends tf.layers.Layer {
    static className = 'Subtract';

    constructor(args: tfjs.serialization.ConfigDict = {}) {
      super(args);
      this.supportsMasking = true;
    }

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      const shapes = inputShape as tfjs.Shape[];
      if (shapes.length !== 2 || !Array.isArray(shapes[0]) || !Array.isArray(shapes[1]))
        throw new Error(`Subtract '${this.name}' needs exactly 2 inputs`);
      const [a, b] = shapes as [tfjs.Shape, tfjs.Shape];
      return a.map((d, i) => d ?? b[i] ?? null);
    }

    // Like tfjs' own merge layers, the result carries no mask; tfjs' typings omit the null it allows.
    override computeMask(): tfjs.Tensor {
      return null as unknown as tfjs.Tensor;
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const [a, b] = inputs as tfjs.Tensor[];
        if (!a || !b) throw new Error(`Subtract '${this.name}' needs exactly 2 inputs`);
        return tf.sub(a, b);
      });
    }
  }
  tf.serialization.registerClass(Subtract);
  return { Subtract: (args) => new Subtract(args as tfjs.serialization.ConfigDict) };
});
