import type * as tfjs from '@tensorflow/tfjs';
import { addCustomLayerModule, type Tf } from './index.js';

/**
 * Weights of 1-D linear interpolation from `inSize` to `outSize` samples with half-pixel centres (as
 * TensorFlow's resize_bilinear with half_pixel_centers): row i holds the weights of the input samples.
 */
export function bilinearWeights(inSize: number, outSize: number): number[][] {
  const scale = inSize / outSize;
  const rows: number[][] = [];
  for (let i = 0; i < outSize; i++) {
    const row = new Array<number>(inSize).fill(0);
    const src = (i + 0.5) * scale - 0.5;
    const floor = Math.floor(src);
    const lower = Math.max(floor, 0);
    const upper = Math.min(Math.ceil(src), inSize - 1);
    const lerp = src - floor;
    row[lower]! += 1 - lerp;
    row[upper]! += lerp;
    rows.push(row);
  }
  return rows;
}

/**
 * Weights of nearest-neighbour sampling from `inSize` to `outSize` with half-pixel centres (as
 * tf.image.resizeNearestNeighbor with halfPixelCenters): row i is one-hot on the sampled input index.
 */
export function nearestWeights(inSize: number, outSize: number): number[][] {
  const scale = inSize / outSize;
  return Array.from({ length: outSize }, (_, i) => {
    const row = new Array<number>(inSize).fill(0);
    row[Math.min(Math.floor((i + 0.5) * scale), inSize - 1)] = 1;
    return row;
  });
}

// tf.layers.resizing (4.22) returns [height, width, inputShape[2]] from computeOutputShape, dropping the
// batch axis, so functional models built with it get a wrong output shape. This layer resizes the same way
// with a correct shape. Resizing is written as two matrix products with constant interpolation weights
// because the CPU backend's gradients are wrong: ResizeBilinear's swaps height and width on non-square
// images, and ResizeNearestNeighbor's gives NaN when shrinking a batch of more than one image.
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
        // Half-pixel centres, as Keras' Resizing (tf.image.resize) samples.
        const weights = this.interpolation === 'nearest' ? nearestWeights : bilinearWeights;
        const [b, h, w, c] = x.shape;
        const ah = tf.tensor2d(weights(h, this.height)); // [height, h]
        const aw = tf.tensor2d(weights(w, this.width)); // [width, w]
        const cols = tf.matMul(tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [b * c * h, w]), aw, false, true); // [b·c·h, width]
        const byRow = tf.reshape(tf.transpose(tf.reshape(cols, [b * c, h, this.width]), [0, 2, 1]), [b * c * this.width, h]);
        const rows = tf.matMul(byRow, ah, false, true); // [b·c·width, height]
        return tf.transpose(tf.reshape(rows, [b, c, this.width, this.height]), [0, 3, 2, 1]);
      });
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), height: this.height, width: this.width, interpolation: this.interpolation };
    }
  }
  tf.serialization.registerClass(ImageResizing);
  return { ImageResizing: (args) => new ImageResizing(args as tfjs.serialization.ConfigDict) };
});
