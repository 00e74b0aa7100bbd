import type * as tfjs from '@tensorflow/tfjs';
import { addCustomLayerModule, type Tf } from './index.js';

// tf.layers.masking (4.22) builds its mask with tf.any, which has no gradient, and multiplies the input by
// that mask; so fit throws "gradient function not found for Any" as soon as anything trainable sits before
// a Masking layer (and downstream RNNs backpropagate into the mask too). This subclass computes the same
// output and mask, but behind tf.customGrad so the mask is a constant to backpropagation, as in Keras.
addCustomLayerModule((tf: Tf) => {
  const Base = Object.getPrototypeOf(tf.layers.masking({})).constructor as new (args: tfjs.serialization.ConfigDict) => tfjs.layers.Layer;

  class TrainableMasking extends Base {
    static className = 'TrainableMasking';

    private get value(): number {
      return (this as unknown as { maskValue: number }).maskValue;
    }

    private keep(x: tfjs.Tensor): tfjs.Tensor {
      return tf.any(tf.notEqual(x, this.value), -1, true);
    }

    override computeMask(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      // tfjs types the custom-gradient function's params as a union of tensors and the save function.
      const mask = tf.customGrad((...args: (tfjs.Tensor | tfjs.GradSaveFunc)[]) => {
        const t = args[0] as tfjs.Tensor;
        return { value: tf.any(tf.notEqual(t, this.value), -1), gradFunc: () => tf.zerosLike(t) };
      });
      return mask(x);
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        const masked = tf.customGrad((...args: (tfjs.Tensor | tfjs.GradSaveFunc)[]) => {
          const t = args[0] as tfjs.Tensor;
          const save = args[1] as tfjs.GradSaveFunc;
          const keep = tf.cast(this.keep(t), t.dtype);
          save([keep]);
          return { value: tf.mul(t, keep), gradFunc: (dy: tfjs.Tensor, saved: tfjs.Tensor[]) => tf.mul(dy, saved[0]!) };
        });
        return masked(x);
      });
    }
  }
  tf.serialization.registerClass(TrainableMasking as unknown as tfjs.serialization.SerializableConstructor<tfjs.serialization.Serializable>);
  return { TrainableMasking: (args) => new TrainableMasking(args as tfjs.serialization.ConfigDict) };
});
