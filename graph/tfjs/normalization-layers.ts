import type * as tfjs from '@tensorflow/tfjs';
import { addCustomLayerModule, type Tf } from './index.js';

interface BatchNormInternals {
  center: boolean;
  scale: boolean;
  gamma: { read(): tfjs.Tensor } | null;
  beta: { read(): tfjs.Tensor } | null;
  movingMean: { shape: number[] };
}

// tf.layers.batchNormalization (4.22) calls this.gamma.read() and this.beta.read() in its training branch even
// when scale or center is off, so fit crashes ("Cannot read properties of undefined"). This subclass keeps
// tfjs' weights, moving statistics and serialization, and stands in constant ones (gamma) or zeros (beta)
// for the missing weight during a call; the parameter count is unchanged since nothing is added as a weight.
addCustomLayerModule((tf: Tf) => {
  const Base = Object.getPrototypeOf(tf.layers.batchNormalization({})).constructor as new (args: tfjs.serialization.ConfigDict) => tfjs.layers.Layer;

  class PartialBatchNormalization extends Base {
    static className = 'PartialBatchNormalization';
    private constants: { ones: tfjs.Tensor; zeros: tfjs.Tensor } | null = null;

    override call(inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: tfjs.serialization.ConfigDict): tfjs.Tensor | tfjs.Tensor[] {
      const self = this as unknown as BatchNormInternals;
      if (self.center && self.scale) return super.call(inputs, kwargs);
      if (!this.constants) {
        const n = self.movingMean.shape[0]!;
        // Kept outside any tidy scope: the tensors live as long as the layer, like weights.
        this.constants = { ones: tf.keep(tf.ones([n])), zeros: tf.keep(tf.zeros([n])) };
      }
      const { ones, zeros } = this.constants;
      const saved = { gamma: self.gamma, beta: self.beta };
      if (!self.scale) self.gamma = { read: () => ones };
      if (!self.center) self.beta = { read: () => zeros };
      try {
        return super.call(inputs, kwargs);
      } finally {
        self.gamma = saved.gamma;
        self.beta = saved.beta;
      }
    }

    override dispose(): ReturnType<tfjs.layers.Layer['dispose']> {
      if (this.constants) tf.dispose([this.constants.ones, this.constants.zeros]);
      this.constants = null;
      return super.dispose();
    }
  }
  tf.serialization.registerClass(PartialBatchNormalization as unknown as tfjs.serialization.SerializableConstructor<tfjs.serialization.Serializable>);
  return { PartialBatchNormalization: (args) => new PartialBatchNormalization(args as tfjs.serialization.ConfigDict) };
});
