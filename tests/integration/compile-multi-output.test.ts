// A model with two inputs and two outputs, each output with its own loss, metrics and loss weight: compileGraph
// builds it with the right shapes and counts, fit trains both heads, the loss weights are applied, and the
// exported TypeScript builds the same model with the same compile settings.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../graph/compile.js';
import { generateTypeScript } from '../../graph/codegen/typescript.js';
import { inferGraph } from '../../graph/infer.js';
import { graphOf } from '../unit/helpers/graphs.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
let work: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  work = mkdtempSync(join(tmpdir(), 'tensorloom-multi-output-'));
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An image and a feature vector in; a 3-class label (crossentropy, accuracy) and a score (MSE, mae, weight 0.5) out. */
function twoHeads() {
  return graphOf(
    [
      { id: 'image', type: 'Input', params: { shape: [8, 8, 1] } },
      { id: 'meta', type: 'Input', params: { shape: [3] } },
      { id: 'conv', type: 'Conv2D', params: { filters: 4, kernelSize: [3, 3], activation: 'relu' } },
      { id: 'flat', type: 'Flatten' },
      { id: 'meta_fc', type: 'Dense', params: { units: 8, activation: 'relu' } },
      { id: 'join', type: 'Concatenate' },
      { id: 'shared', type: 'Dense', params: { units: 16, activation: 'relu' } },
      { id: 'cls', type: 'Dense', params: { units: 3, activation: 'softmax' } },
      { id: 'reg', type: 'Dense', params: { units: 1 } },
      { id: 'label', type: 'Output', params: { loss: 'categoricalCrossentropy', metrics: ['accuracy'], lossWeight: 1 } },
      { id: 'score', type: 'Output', params: { loss: 'meanSquaredError', metrics: ['mae'], lossWeight: 0.5 } },
    ],
    [
      ['image', 'conv'],
      ['conv', 'flat'],
      ['meta', 'meta_fc'],
      ['flat', 'join', 'in0'],
      ['meta_fc', 'join', 'in1'],
      ['join', 'shared'],
      ['shared', 'cls'],
      ['shared', 'reg'],
      ['cls', 'label'],
      ['reg', 'score'],
    ],
  );
}

function data(n: number): { xs: tf.Tensor[]; ys: tf.Tensor[] } {
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 3), 'int32'), 3);
  return { xs: [tf.randomNormal([n, 8, 8, 1]), tf.randomNormal([n, 3])], ys: [labels, tf.randomNormal([n, 1])] };
}

describe('compileGraph with two inputs and two outputs', () => {
  it('builds the inputs and outputs in order, with the inferred shapes and counts', () => {
    const graph = twoHeads();
    const { model, inputs, outputs, inference } = compileGraph(graph, tf);
    try {
      expect(inference.valid).toBe(true);
      expect(inference.diagnostics).toEqual([]);
      expect(inputs.map((i) => [i.name, i.shape, i.dtype])).toEqual([
        ['image', [null, 8, 8, 1], 'float32'],
        ['meta', [null, 3], 'float32'],
      ]);
      expect(model.inputs.map((t) => t.shape)).toEqual([[null, 8, 8, 1], [null, 3]]);
      expect(model.outputs.map((t) => t.shape)).toEqual([[null, 3], [null, 1]]);
      expect(outputs).toEqual([
        { nodeId: 'label', name: 'label', layerName: 'cls', loss: 'categoricalCrossentropy', metrics: ['accuracy'], lossWeight: 1 },
        { nodeId: 'score', name: 'score', layerName: 'reg', loss: 'meanSquaredError', metrics: ['mae'], lossWeight: 0.5 },
      ]);
      for (const node of graph.nodes) {
        if (node.type === 'Input' || node.type === 'Output') continue;
        const layer = model.getLayer(node.name);
        const info = inference.nodes[node.id]!;
        expect(layer.outputShape, node.name).toEqual(info.outputShape);
        expect(layer.countParams(), node.name).toBe(info.paramCount.trainable);
      }
      // conv 3·3·1·4 + 4 = 40; meta_fc 3·8 + 8 = 32; shared (6·6·4 + 8)·16 + 16 = 2,448; cls 16·3 + 3 = 51; reg 17.
      expect(model.countParams()).toBe(2_588);
      expect(inference.totals.trainable).toBe(2_588);
      expect(model.loss).toEqual(['categoricalCrossentropy', 'meanSquaredError']);
    } finally {
      model.dispose();
    }
  });

  it('applies each output its loss and weight, and fit trains both heads in one step', async () => {
    const { model } = compileGraph(twoHeads(), tf);
    const { xs, ys } = data(12);
    try {
      const before = ['cls', 'reg', 'shared', 'conv', 'meta_fc'].map((n) => model.getLayer(n).getWeights()[0]!.dataSync().slice());
      const startPredictions = model.predict(xs) as tf.Tensor[];
      // One batch: the logged losses are those of the starting weights.
      const history = await model.fit(xs, ys, { epochs: 1, batchSize: 12, verbose: 0 });
      const h = history.history as Record<string, number[]>;
      expect(Object.keys(h).sort()).toEqual(['cls_acc', 'cls_loss', 'loss', 'reg_loss', 'reg_mae']);
      // The score's loss counts half: tfjs logs each output's weighted term, and the total is their sum.
      // (tfjs alone ignores loss weights, which would log the unweighted MSE here.)
      const startScore = tf.tidy(() => tf.losses.meanSquaredError(ys[1]!, (startPredictions as tf.Tensor[])[1]!).dataSync()[0]!);
      expect(h.reg_loss![0]).toBeCloseTo(0.5 * startScore, 4);
      expect(h.loss![0]).toBeCloseTo(h.cls_loss![0]! + h.reg_loss![0]!, 4);
      expect(h.cls_loss![0]).toBeGreaterThan(0.5); // crossentropy of 3 classes at the start, about ln 3
      tf.dispose(startPredictions);
      // One step moved every kernel, on both branches and both heads.
      ['cls', 'reg', 'shared', 'conv', 'meta_fc'].forEach((n, i) => {
        const after = model.getLayer(n).getWeights()[0]!.dataSync();
        expect(after.some((v, j) => v !== before[i]![j]), n).toBe(true);
      });
    } finally {
      tf.dispose([...xs, ...ys]);
      model.dispose();
    }
  });

  it('a weight of 0 leaves that head out of training', async () => {
    const graph = twoHeads();
    graph.nodes.find((n) => n.id === 'score')!.params.lossWeight = 0;
    const { model } = compileGraph(graph, tf);
    const { xs, ys } = data(12);
    try {
      const reg = model.getLayer('reg').getWeights()[0]!.dataSync().slice();
      const cls = model.getLayer('cls').getWeights()[0]!.dataSync().slice();
      await model.fit(xs, ys, { epochs: 1, batchSize: 12, verbose: 0 });
      expect(Array.from(model.getLayer('reg').getWeights()[0]!.dataSync())).toEqual(Array.from(reg));
      expect(Array.from(model.getLayer('cls').getWeights()[0]!.dataSync())).not.toEqual(Array.from(cls));
    } finally {
      tf.dispose([...xs, ...ys]);
      model.dispose();
    }
  });

  it('exports TypeScript that builds the same model with the same losses, metrics and weights', async () => {
    const graph = twoHeads();
    const file = join(work, 'two-heads.ts');
    writeFileSync(file, generateTypeScript(graph));
    const exported = ((await import(pathToFileURL(file).href)) as { buildModel(): tf.LayersModel }).buildModel();
    const { model } = compileGraph(graph, tf);
    const { xs, ys } = data(9);
    try {
      const inference = inferGraph(graph);
      // Symbolic tensor names carry a counter per model built; the input layers carry the node names.
      expect(exported.inputLayers.map((l) => l.name)).toEqual(['image', 'meta']);
      expect(exported.inputs.map((t) => t.shape)).toEqual(model.inputs.map((t) => t.shape));
      expect(exported.outputs.map((t) => t.shape)).toEqual([[null, 3], [null, 1]]);
      expect(exported.countParams()).toBe(inference.totals.trainable);
      for (const layer of model.layers) {
        const twin = exported.getLayer(layer.name);
        expect(twin.outputShape, layer.name).toEqual(layer.outputShape);
        expect(twin.countParams(), layer.name).toBe(layer.countParams());
      }
      expect(exported.loss).toEqual(model.loss);
      // Same weights and data in, same first-step losses and metrics out: losses, loss weights and metrics agree.
      exported.setWeights(model.getWeights());
      const ours = (await model.fit(xs, ys, { epochs: 1, batchSize: 9, shuffle: false, verbose: 0 })).history as Record<string, number[]>;
      const theirs = (await exported.fit(xs, ys, { epochs: 1, batchSize: 9, shuffle: false, verbose: 0 })).history as Record<string, number[]>;
      expect(Object.keys(theirs).sort()).toEqual(Object.keys(ours).sort());
      for (const key of Object.keys(ours)) expect(theirs[key]![0], key).toBeCloseTo(ours[key]![0]!, 5);
    } finally {
      tf.dispose([...xs, ...ys]);
      model.dispose();
      exported.dispose();
    }
  });
});
