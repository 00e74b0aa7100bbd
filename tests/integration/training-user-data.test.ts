import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetRef } from '../../graph/document.js';
import { GraphBuilder } from '../../graph/templates/builder.js';
import { evaluateRun, predictRun } from '../../main/training/evaluate.js';
import { runTraining } from '../../main/training/trainer.js';

// The file-based dataset kinds, trained end to end and then used through evaluate and predict with
// the preprocessing saved in the run folder.
const FIX = resolve(__dirname, '../fixtures/datasets');
const dir = mkdtempSync(join(tmpdir(), 'tl-userdata-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function trainGraph(name: string, dataset: DatasetRef, layers: [string, string, Record<string, unknown>?][], training: Record<string, unknown> = {}) {
  const b = new GraphBuilder(name, '', dataset, { epochs: 30, batchSize: 8, learningRate: 0.02, validationSplit: 0.25, ...training });
  b.chain(null, layers);
  const outDir = join(dir, name);
  const finished = await runTraining({ type: 'start', runId: name, graph: b.graph, training: b.graph.training, dataset, baseDir: FIX, backend: 'cpu', outDir }, { emit: () => undefined });
  return { finished, outDir };
}

describe('training on user data', () => {
  it('an image folder (grayscale, resized to the Input) learns bright vs dark; predict takes an image file', async () => {
    const { finished, outDir } = await trainGraph('images', { kind: 'images', path: 'images', color: 'grayscale' }, [
      ['Input', 'image', { shape: [8, 8, 1] }],
      ['Flatten', 'flat'],
      ['Dense', 'classes', { units: 2, activation: 'softmax' }],
      ['Output', 'kind', { loss: 'categoricalCrossentropy', metrics: ['accuracy'] }],
    ]);
    expect(finished.reason).toBeNull();
    expect(finished.finalMetrics!.acc).toBe(1);
    const [p] = await predictRun(outDir, [join(FIX, 'images', 'dark', 'dark-6.jpg')], { backend: 'cpu' });
    expect(p).toMatchObject({ kind: 'class', label: 'dark' });
  });

  it('a text file trains a character language model; predict continues a prompt', async () => {
    const { finished, outDir } = await trainGraph('chars', { kind: 'text', path: 'corpus.txt' }, [
      ['Input', 'chars', { shape: [10], dtype: 'int32' }],
      ['Embedding', 'embed', { inputDim: 30, outputDim: 16 }],
      // 26 letters, space and '.', plus padding and unknown: a vocabulary of 30.
      ['Dense', 'next', { units: 30, activation: 'softmax' }],
      ['Output', 'next_char', { loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] }],
    ], { learningRate: 0.05 });
    expect(finished.reason).toBeNull();
    expect(finished.finalMetrics!.acc).toBeGreaterThan(0.5);
    const [p] = await predictRun(outDir, ['the quick'], { backend: 'cpu' });
    expect(p!.kind).toBe('text');
    expect(p!.kind === 'text' && p!.continuation.length).toBeGreaterThan(0);
  });

  it('a CSV text column trains a classifier; evaluate and predict reuse its vocabulary', async () => {
    const ref: DatasetRef = { kind: 'csvText', path: 'reviews.csv', textColumn: 'text', target: 'label', options: { sequenceLength: 8 } };
    const { finished, outDir } = await trainGraph('reviews', ref, [
      ['Input', 'tokens', { shape: [8], dtype: 'int32' }],
      ['Embedding', 'embed', { inputDim: 64, outputDim: 8 }],
      ['GlobalAveragePooling1D', 'pool'],
      ['Dense', 'sentiment', { units: 2, activation: 'softmax' }],
      ['Output', 'label', { loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] }],
    ]);
    expect(finished.reason).toBeNull();
    const ev = await evaluateRun(outDir, { backend: 'cpu' });
    expect(ev.metrics.acc).toBe(1);
    const [good, bad] = await predictRun(outDir, ['loved it, wonderful', 'awful and boring'], { backend: 'cpu' });
    expect(good).toMatchObject({ label: 'positive' });
    expect(bad).toMatchObject({ label: 'negative' });
  });
});
