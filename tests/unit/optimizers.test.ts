import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeOptimizer } from '../../graph/compile.js';
import { TrainingSchema } from '../../graph/document.js';
import { adadelta } from '../../graph/tfjs/optimizers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// loss(w) = sum(c * w) + sum(w²), so the gradient is c + 2w: every step sees a different gradient.
const C = [0.5, 2, -1];
const W0 = [1, -2, 3];

function steps(opt: tf.Optimizer, n: number): number[][] {
  const w = tf.variable(tf.tensor1d(W0));
  const c = tf.tensor1d(C);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    opt.minimize(() => tf.add(tf.sum(tf.mul(w, c)), tf.sum(tf.square(w))) as tf.Scalar);
    out.push(Array.from(w.dataSync()));
  }
  tf.dispose([w, c]);
  opt.dispose();
  return out;
}

/** Keras' Adadelta update (keras/src/optimizers/adadelta.py, TF's ApplyAdadelta) in float64. */
function kerasAdadelta(lr: number, n: number, rho = 0.95, eps = 1e-7): number[][] {
  const w = [...W0];
  const accGrad = [0, 0, 0];
  const accDelta = [0, 0, 0];
  const out: number[][] = [];
  for (let step = 0; step < n; step++) {
    for (let i = 0; i < w.length; i++) {
      const g = C[i]! + 2 * w[i]!;
      accGrad[i] = rho * accGrad[i]! + (1 - rho) * g * g;
      const delta = (Math.sqrt(accDelta[i]! + eps) / Math.sqrt(accGrad[i]! + eps)) * g;
      accDelta[i] = rho * accDelta[i]! + (1 - rho) * delta * delta;
      w[i] = w[i]! - lr * delta;
    }
    out.push([...w]);
  }
  return out;
}

describe('adadelta', () => {
  it("tfjs 4.22's own adadelta steps exactly like sgd at the same learning rate (the upstream bug this works around)", () => {
    // If this starts failing, tfjs fixed its AdadeltaOptimizer and graph/tfjs/optimizers.ts can go.
    expect(steps(tf.train.adadelta(1), 3)).toEqual(steps(tf.train.sgd(1), 3));
  });

  it('ours follows the Keras/TensorFlow update rule over several steps', () => {
    for (const lr of [1, 0.1]) {
      const ours = steps(adadelta(tf, lr), 4);
      const want = kerasAdadelta(lr, 4);
      ours.forEach((row, s) => row.forEach((v, i) => expect(v).toBeCloseTo(want[s]![i]!, 5)));
      // And it is not sgd: the first step is lr * sqrt(eps / (1 - rho)) per weight, about 0.0014 * lr,
      // where sgd would move the first weight by lr * 2.5.
      expect(Math.abs(ours[0]![0]! - W0[0]!)).toBeCloseTo(lr * Math.sqrt(1e-7 / 0.05), 6);
    }
  });

  it('the training settings give ours, registered under the Keras class name so configs round-trip to it', () => {
    const opt = makeOptimizer(tf, TrainingSchema.parse({ optimizer: 'adadelta', learningRate: 0.5 }));
    expect(opt.getClassName()).toBe('Adadelta');
    const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap['Adadelta']!;
    expect(opt).toBeInstanceOf(cls);
    const copy = fromConfig(cls, opt.getConfig()) as tf.Optimizer;
    expect(copy.constructor).toBe(opt.constructor);
    expect(copy.getConfig()).toEqual({ learningRate: 0.5, rho: 0.95, epsilon: 1e-7 });
    expect(steps(copy, 2)).toEqual(steps(adadelta(tf, 0.5), 2));
    opt.dispose();
  });

  it('keeps tfjs slot variables: getWeights lists accum_grad and accum_var, and dispose frees them', async () => {
    const before = tf.memory().numTensors;
    const opt = adadelta(tf, 1);
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2]), true, 'ada_w'));
    opt.minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
    const slots = await opt.getWeights();
    expect(slots.map((n) => n.name)).toEqual(['iter', 'ada_w/accum_grad', 'ada_w/accum_var']);
    slots[0]!.tensor.dispose(); // the iteration count, made fresh by getWeights
    opt.dispose();
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('sgd with momentum', () => {
  it('follows v = m v - lr g; w += v (tfjs/Keras without Nesterov)', () => {
    const got = steps(makeOptimizer(tf, TrainingSchema.parse({ optimizer: 'sgd', learningRate: 0.1, momentum: 0.9 })), 3);
    const w = [...W0];
    const v = [0, 0, 0];
    const want: number[][] = [];
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < 3; i++) {
        const g = C[i]! + 2 * w[i]!;
        v[i] = 0.9 * v[i]! + g;
        w[i] = w[i]! - 0.1 * v[i]!;
      }
      want.push([...w]);
    }
    got.forEach((row, s) => row.forEach((x, i) => expect(x).toBeCloseTo(want[s]![i]!, 5)));
  });
});
