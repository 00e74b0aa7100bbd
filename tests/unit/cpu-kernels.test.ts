// The cpu backend's replacement kernels must give tfjs-backend-cpu's own values: the originals are run first,
// then the project's versions registered and run on the same inputs.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CPU_REPLACEMENTS, registerCpuKernels } from '../../main/training/kernels/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function run(kernel: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): { shape: number[]; values: number[] } {
  const out = tf.engine().runKernel(kernel, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  const result = { shape: out.shape, values: Array.from(out.dataSync()) };
  out.dispose();
  return result;
}

describe('cpu replacement kernels match tfjs-backend-cpu', () => {
  it('UnsortedSegmentSum: duplicate ids accumulate, out-of-range ids are dropped, rows of any rank', () => {
    const cases = [
      { x: tf.randomUniform([12, 5], -1, 1, 'float32', 1), ids: tf.tensor1d([0, 3, 3, 1, 0, 6, 2, 2, 2, 5, 6, 0], 'int32'), numSegments: 7 },
      { x: tf.randomUniform([6, 3, 2], -1, 1, 'float32', 2), ids: tf.tensor1d([0, 1, 9, -1, 3, 1], 'int32'), numSegments: 4 },
    ];
    const expected = cases.map((c) => run('UnsortedSegmentSum', { x: c.x, segmentIds: c.ids }, { numSegments: c.numSegments }));
    expect(registerCpuKernels(tf)).toEqual(Object.keys(CPU_REPLACEMENTS));
    expect(registerCpuKernels(tf)).toEqual([]);
    cases.forEach((c, i) => {
      const got = run('UnsortedSegmentSum', { x: c.x, segmentIds: c.ids }, { numSegments: c.numSegments });
      expect(got.shape).toEqual(expected[i]!.shape);
      got.values.forEach((v, j) => expect(v).toBeCloseTo(expected[i]!.values[j]!, 5));
    });
    tf.dispose(cases.flatMap((c) => [c.x, c.ids]));
  });

  it('an Embedding layer trains on cpu with the replacement, leaving no tensors behind', async () => {
    registerCpuKernels(tf);
    const model = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 50, outputDim: 4, inputLength: 6 }), tf.layers.flatten(), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const x = tf.tensor2d([[1, 2, 3, 1, 1, 0], [49, 48, 2, 2, 0, 0]], [2, 6], 'int32');
    const y = tf.tensor2d([[1], [-1]]);
    const before = tf.memory().numTensors;
    const h = await model.fit(x, y, { epochs: 20, batchSize: 2, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    const losses = h.history.loss as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 10);
    tf.dispose([x, y]);
    model.dispose();
  });
});
