// evaluate and predict read a run the way it was trained: the run's own vocabulary and statistics, and the
// same (padding-masked) loss and accuracy for language models.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { StartCommand, TrainingEvent } from '../../graph/api/training.js';
import type { Graph } from '../../graph/document.js';
import { GraphBuilder } from '../../graph/templates/builder.js';
import { openDataset } from '../../main/datasets/index.js';
import { evaluateRun } from '../../main/training/evaluate.js';
import { runTraining, type TrainingHooks } from '../../main/training/trainer.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
// wasm: tfjs' cpu backend takes minutes for an Embedding's gradient over an 8,000-word vocabulary.

async function train(graph: Graph, training: Partial<Graph['training']>, limit: number, hooks: Partial<TrainingHooks> = {}) {
  const id = `ev${++counter}`;
  const cmd: StartCommand = { type: 'start', runId: id, graph, training: { ...graph.training, ...training }, dataset: graph.training.dataset!, baseDir: null, backend: 'wasm', outDir: join(dir, id), limit };
  const events: TrainingEvent[] = [];
  const finished = await runTraining(cmd, { emit: (e) => events.push(e), ...hooks });
  expect(finished.status, finished.reason ?? '').toBe('completed');
  return finished;
}

describe('evaluate reuses the run\'s preprocessing', () => {
  it('spam: evaluate, with or without --data spam, gives the validation loss the run ended with', async () => {
    const b = new GraphBuilder('Spam bag of embeddings', '', { kind: 'builtin', name: 'spam' });
    b.chain(null, [
      ['Input', 'tokens', { shape: [128], dtype: 'int32' }],
      ['Embedding', 'embedding', { inputDim: 8000, outputDim: 8 }],
      ['GlobalAveragePooling1D', 'pool'],
      ['Dense', 'spam', { units: 1, activation: 'sigmoid' }],
      ['Output', 'is_spam', { loss: 'binaryCrossentropy', metrics: ['accuracy'] }],
    ]);
    // 300 e-mails: the vocabulary learned from them differs from one learned from all 6,046.
    const finished = await train(b.graph, { epochs: 2, learningRate: 0.01 }, 300);
    const own = await evaluateRun(finished.artifactDir!, { backend: 'wasm' });
    const named = await evaluateRun(finished.artifactDir!, { backend: 'wasm', data: { kind: 'builtin', name: 'spam' } });
    for (const r of [own, named]) {
      expect(r).toMatchObject({ dataset: 'spam', split: 'validation', samples: 34 });
      expect(r.metrics.loss).toBeCloseTo(finished.finalMetrics!.val_loss!, 5);
      expect(r.metrics.acc).toBeCloseTo(finished.finalMetrics!.val_acc!, 5);
    }
  }, 60_000);
});

describe('language models leave padding out of loss and accuracy', () => {
  it('names: val_acc is the accuracy over real characters only, and evaluate reports the same', async () => {
    const b = new GraphBuilder('Names bigram', '', { kind: 'builtin', name: 'names' });
    b.chain(null, [
      ['Input', 'chars', { shape: [16], dtype: 'int32' }],
      ['Embedding', 'embedding', { inputDim: 32, outputDim: 16 }],
      ['Dense', 'next', { units: 32, activation: 'softmax' }],
      ['Output', 'next_char', { loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] }],
    ]);
    let byHand: { masked: number; padding: number; maskedLoss: number } | null = null;
    const finished = await train(b.graph, { epochs: 3, learningRate: 0.02, batchSize: 64 }, 600, {
      // The trained model's own predictions on the validation split, scored by hand.
      afterTraining: async (model: tfjs.LayersModel, tf) => {
        const data = await openDataset({ kind: 'builtin', name: 'names' }, { validationSplit: b.graph.training.validationSplit, seed: b.graph.training.seed, limit: 600 });
        let right = 0;
        let real = 0;
        let nll = 0;
        for await (const batch of data.batches('validation', { batchSize: 1024 })) {
          const probs = tf.tidy(() => (model.predict(tf.tensor(batch.x, [batch.size, 16], 'int32')) as tfjs.Tensor).dataSync());
          for (let p = 0; p < batch.size * 16; p++) {
            const row = probs.subarray(p * 32, (p + 1) * 32);
            const best = row.indexOf(Math.max(...row));
            const target = batch.y[p]!;
            if (target === 0) continue;
            real++;
            if (best === target) right++;
            nll -= Math.log(Math.min(1 - 1e-7, Math.max(1e-7, row[target]!)));
          }
          byHand = { masked: right / real, padding: 1 - real / (batch.size * 16), maskedLoss: nll / real };
        }
      },
    });
    expect(byHand).not.toBeNull();
    const { masked, padding, maskedLoss } = byHand!;
    expect(finished.finalMetrics!.val_acc).toBeCloseTo(masked, 4);
    expect(finished.finalMetrics!.val_loss).toBeCloseTo(maskedLoss, 3);
    // Over half the targets are padding, trivially predictable once a name has ended: counted, they inflated accuracy.
    expect(padding).toBeGreaterThan(0.5);
    const ev = await evaluateRun(finished.artifactDir!, { backend: 'wasm' });
    expect(ev.metrics.acc).toBeCloseTo(masked, 4);
    expect(ev.metrics.loss).toBeCloseTo(finished.finalMetrics!.val_loss!, 5);
  }, 60_000);
});
