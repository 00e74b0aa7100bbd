import { describe, expect, it } from 'vitest';
import { loadGraph, serializeGraph, type Graph } from '../../graph/document.js';
import { inferGraph } from '../../graph/infer.js';
import { getTemplate, TEMPLATES } from '../../graph/templates/index.js';

/** What each built-in dataset feeds and expects (the dataset conventions the trainer follows). */
const DATASETS: Record<string, { input: number[]; dtype: 'float32' | 'int32'; outputs: { shape: (number | null)[]; losses: string[] }[] }> = {
  mnist: {
    input: [28, 28, 1],
    dtype: 'float32',
    outputs: [
      { shape: [null, 10], losses: ['categoricalCrossentropy', 'sparseCategoricalCrossentropy'] },
      // Output shape equal to the input shape: the trainer uses the image itself as the target.
      { shape: [null, 28, 28, 1], losses: ['meanSquaredError', 'meanAbsoluteError', 'binaryCrossentropy'] },
    ],
  },
  iris: { input: [4], dtype: 'float32', outputs: [{ shape: [null, 3], losses: ['categoricalCrossentropy', 'sparseCategoricalCrossentropy'] }] },
  spiral: { input: [2], dtype: 'float32', outputs: [{ shape: [null, 3], losses: ['categoricalCrossentropy', 'sparseCategoricalCrossentropy'] }] },
  spam: {
    input: [128],
    dtype: 'int32',
    outputs: [
      { shape: [null, 1], losses: ['binaryCrossentropy'] },
      { shape: [null, 2], losses: ['categoricalCrossentropy', 'sparseCategoricalCrossentropy'] },
    ],
  },
  names: { input: [16], dtype: 'int32', outputs: [{ shape: [null, 16, 32], losses: ['sparseCategoricalCrossentropy'] }] },
  sine: { input: [32, 1], dtype: 'float32', outputs: [{ shape: [null, 1], losses: ['meanSquaredError', 'meanAbsoluteError', 'huber'] }] },
};

/**
 * Parameter counts worked out by hand from the layer formulas (tfjs conventions: GRU without
 * reset_after; transformer blocks with keyDim = embedDim / numHeads), independent of the registry.
 */
const PARAMS: Record<string, number> = {
  'iris-mlp': 4 * 16 + 16 + 16 * 3 + 3,
  'mnist-mlp': 784 * 128 + 128 + 128 * 10 + 10,
  'mnist-convnet': 34_826,
  'mnist-resnet': 160 + 2320 + 2320 + 4640 + 9248 + 544 + 330,
  'mnist-autoencoder': 160 + 1160 + 584 + 1168 + 145,
  'spam-lstm': 8000 * 32 + 4 * (32 * (32 + 32) + 32) + 33,
  'spam-transformer': 8000 * 32 + 128 * 32 + 2 * (4 * (32 * 32 + 32) + 2 * 64 + (32 * 64 + 64) + (64 * 32 + 32)) + 33,
  'names-gpt': 32 * 64 + 16 * 64 + 2 * (4 * (64 * 64 + 64) + 2 * 128 + (64 * 128 + 128) + (128 * 64 + 64)) + 64 * 32 + 32,
  'sine-gru': 3 * (32 * (1 + 32) + 32) + 33,
  'spiral-mlp': 2 * 32 + 32 + 32 * 32 + 32 + 32 * 3 + 3,
};

const built = (name: string): Graph => getTemplate(name)!.build();

describe('templates', () => {
  it('offers the documented set, with unique names', () => {
    expect(TEMPLATES.map((t) => t.name)).toEqual([
      'iris-mlp',
      'mnist-mlp',
      'mnist-convnet',
      'mnist-resnet',
      'mnist-autoencoder',
      'spam-lstm',
      'spam-transformer',
      'names-gpt',
      'sine-gru',
      'spiral-mlp',
    ]);
    expect(getTemplate('nope')).toBeUndefined();
  });

  describe.each(TEMPLATES.map((t) => t.name))('%s', (name) => {
    it('is valid: no errors and no warnings', () => {
      const r = inferGraph(built(name));
      expect(r.diagnostics).toEqual([]);
      expect(r.valid).toBe(true);
      expect(Object.values(r.nodes).every((n) => n.inModel && n.outputShape !== null)).toBe(true);
    });

    it('has the expected parameter count', () => {
      const r = inferGraph(built(name));
      expect(r.totals.trainable + r.totals.nonTrainable).toBe(PARAMS[name]);
      expect(r.totals.macs).toBeGreaterThan(0);
    });

    it('matches its dataset: input shape and dtype, output shape and loss', () => {
      const g = built(name);
      expect(g.training.dataset?.kind).toBe('builtin');
      const ds = DATASETS[g.training.dataset?.kind === 'builtin' ? g.training.dataset.name : '']!;
      expect(ds).toBeDefined();
      const r = inferGraph(g);
      const inputs = g.nodes.filter((n) => n.type === 'Input');
      const outputs = g.nodes.filter((n) => n.type === 'Output');
      expect(inputs).toHaveLength(1);
      expect(outputs).toHaveLength(1);
      expect(r.nodes[inputs[0]!.id]!.params).toMatchObject({ shape: ds.input, dtype: ds.dtype });
      const out = r.nodes[outputs[0]!.id]!;
      const match = ds.outputs.find((o) => JSON.stringify(o.shape) === JSON.stringify(out.outputShape));
      expect(match, `output shape ${JSON.stringify(out.outputShape)}`).toBeDefined();
      expect(match!.losses).toContain(out.params.loss);
    });

    it('has sensible training settings and survives a save/load round trip', () => {
      const g = built(name);
      const t = g.training;
      expect(t.epochs).toBeGreaterThanOrEqual(1);
      expect(t.epochs).toBeLessThanOrEqual(200);
      expect(t.batchSize).toBeGreaterThanOrEqual(8);
      expect(t.batchSize).toBeLessThanOrEqual(256);
      expect(t.learningRate).toBeGreaterThan(0);
      expect(t.learningRate).toBeLessThanOrEqual(0.05);
      expect(t.validationSplit).toBeGreaterThan(0);
      const loaded = loadGraph(serializeGraph(g));
      expect(loaded).toMatchObject({ ok: true });
      if (loaded.ok) expect(loaded.graph).toEqual(g);
      // build() returns a fresh document each time, so editing one never changes the template.
      expect(built(name)).not.toBe(g);
    });
  });

  it('mnist-convnet is exactly Keras\' Simple MNIST convnet', () => {
    const g = built('mnist-convnet');
    const r = inferGraph(g);
    const rows = r.order.map((id) => {
      const n = g.nodes.find((x) => x.id === id)!;
      const info = r.nodes[id]!;
      return [n.type, info.outputShape, info.paramCount.trainable + info.paramCount.nonTrainable];
    });
    expect(rows).toEqual([
      ['Input', [null, 28, 28, 1], 0],
      ['Conv2D', [null, 26, 26, 32], 320],
      ['MaxPooling2D', [null, 13, 13, 32], 0],
      ['Conv2D', [null, 11, 11, 64], 18_496],
      ['MaxPooling2D', [null, 5, 5, 64], 0],
      ['Flatten', [null, 1600], 0],
      ['Dropout', [null, 1600], 0],
      ['Dense', [null, 10], 16_010],
      ['Output', [null, 10], 0],
    ]);
    expect(g.training).toMatchObject({ batchSize: 128, epochs: 15, validationSplit: 0.1, optimizer: 'adam' });
  });

  it('mnist-resnet has skip connections through Add', () => {
    const g = built('mnist-resnet');
    const adds = g.nodes.filter((n) => n.type === 'Add');
    expect(adds.length).toBeGreaterThanOrEqual(2);
    for (const a of adds) expect(g.edges.filter((e) => e.target === a.id).map((e) => e.targetHandle).sort()).toEqual(['in0', 'in1']);
  });
});
