import type * as tfjs from '@tensorflow/tfjs';
import { addCustomLayerModule, type Tf } from './index.js';

interface BatchNormInternals {
  center: boolean;
  scale: boolean;
  gamma: { read(): tfjs.Tensor } | null;
  beta: { read(): tfjs.Tensor } | null;
  movingMean: { shape: number[] };
  axis: number;
}

// Two gaps of tf.layers.batchNormalization (4.22) that Keras users hit:
// - its training branch calls this.gamma.read() and this.beta.read() even when scale or center is off, so fit
//   crashes ("Cannot read properties of undefined");
// - with an axis other than the last (channels-first images, axis 1) training fails: the gradient of its
//   broadcast batch normalization cannot be computed.
// This subclass keeps tfjs' weights, moving statistics and serialization. It stands in constant ones (gamma) or
// zeros (beta) for a missing weight during a call, and moves a non-last axis to the end (and back) around tfjs'
// own last-axis code, so the parameter count and weight shapes stay Keras'.
addCustomLayerModule((tf: Tf) => {
  const Base = Object.getPrototypeOf(tf.layers.batchNormalization({})).constructor as new (args: tfjs.serialization.ConfigDict) => tfjs.layers.Layer;

  class PartialBatchNormalization extends Base {
    static className = 'PartialBatchNormalization';
    private constants: { ones: tfjs.Tensor; zeros: tfjs.Tensor } | null = null;

    override call(inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: tfjs.serialization.ConfigDict): tfjs.Tensor | tfjs.Tensor[] {
      const self = this as unknown as BatchNormInternals;
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const rank = x.shape.length;
      const axis = self.axis < 0 ? self.axis + rank : self.axis;
      if (axis !== rank - 1) {
        const perm = [...Array(rank).keys()].filter((i) => i !== axis).concat(axis);
        const inverse = perm.map((_, i) => perm.indexOf(i));
        self.axis = -1;
        try {
          return tf.tidy(() => tf.transpose(this.callLastAxis(tf.transpose(x, perm), kwargs), inverse));
        } finally {
          self.axis = axis;
        }
      }
      return this.callLastAxis(x, kwargs);
    }

    private callLastAxis(x: tfjs.Tensor, kwargs: tfjs.serialization.ConfigDict): tfjs.Tensor {
      const self = this as unknown as BatchNormInternals;
      if (self.center && self.scale) return super.call(x, kwargs) as tfjs.Tensor;
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
        return super.call(x, kwargs) as tfjs.Tensor;
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
