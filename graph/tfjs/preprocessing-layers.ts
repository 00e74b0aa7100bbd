import type * as tfjs from '@tensorflow/tfjs';
import { addCustomLayerModule, type Tf } from './index.js';

// tf.layers.resizing (4.22) returns [height, width, inputShape[2]] from computeOutputShape, dropping the
// batch axis, so functional models built with it get a wrong output shape. This layer resizes the same way
// with a correct shape.
addCustomLayerModule((tf: Tf) => {
  class ImageResizing extends tf.layers.Layer {
    static className = 'ImageResizing';
    readonly height: number;
    readonly width: number;
    readonly interpolation: 'bilinear' | 'nearest';

    constructor(args: tfjs.serialization.ConfigDict = {}) {
      super(args);
      this.height = Number(args.height);
      this.width = Number(args.width);
      this.interpolation = args.interpolation === 'nearest' ? 'nearest' : 'bilinear';
      if (!(this.height >= 1 && this.width >= 1)) throw new Error(`ImageResizing '${this.name}' needs a height and width of at least 1`);
    }

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfjs.Shape;
      return [s[0] ?? null, this.height, this.width, s[3] ?? null];
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tfjs.Tensor4D;
        const size: [number, number] = [this.height, this.width];
        // Half-pixel centres, as Keras' Resizing (tf.image.resize) samples.
        return this.interpolation === 'nearest' ? tf.image.resizeNearestNeighbor(x, size, false, true) : tf.image.resizeBilinear(x, size, false, true);
      });
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), height: this.height, width: this.width, interpolation: this.interpolation };
    }
  }
  tf.serialization.registerClass(ImageResizing);
  return { ImageResizing: (args) => new ImageResizing(args as tfjs.serialization.ConfigDict) };
});
