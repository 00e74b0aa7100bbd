// Every optimizer the training settings offer really trains through the engine (the template defaults
// are all adam, so the others were never exercised: sgd with momentum used to fail at its first batch).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EpochEvent, StartCommand, TrainingEvent } from '../../graph/api/training.js';
import type { TrainingSettings } from '../../graph/document.js';
import { getTemplate } from '../../graph/templates/index.js';
import { runTraining } from '../../main/training/trainer.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-opt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

async function train(training: Partial<TrainingSettings>) {
  const graph = getTemplate('iris-mlp')!.build();
  const id = `opt${++counter}`;
  const cmd: StartCommand = { type: 'start', runId: id, graph, training: { ...graph.training, epochs: 6, ...training }, dataset: graph.training.dataset!, baseDir: null, backend: 'cpu', outDir: join(dir, id) };
  const events: TrainingEvent[] = [];
  const finished = await runTraining(cmd, { emit: (e) => events.push(e) });
  const epochs = events.filter((e): e is EpochEvent => e.type === 'epoch');
  const firstBatch = events.find((e) => e.type === 'batch');
  return { finished, epochs, firstLoss: firstBatch?.type === 'batch' ? firstBatch.loss! : NaN };
}

// Learning rates of the usual order for each (adadelta's 1.0 is the original paper's, as the Keras docs suggest;
// it starts slowly, as it does in Keras, so it gets more epochs).
const CASES: [string, Partial<TrainingSettings>][] = [
  ['sgd', { optimizer: 'sgd', learningRate: 0.1 }],
  ['sgd with momentum 0.9', { optimizer: 'sgd', learningRate: 0.05, momentum: 0.9 }],
  ['adam', { optimizer: 'adam', learningRate: 0.01 }],
  ['rmsprop', { optimizer: 'rmsprop', learningRate: 0.01 }],
  ['adagrad', { optimizer: 'adagrad', learningRate: 0.1 }],
  ['adadelta', { optimizer: 'adadelta', learningRate: 1, epochs: 20 }],
  ['adamax', { optimizer: 'adamax', learningRate: 0.02 }],
];

describe('every optimizer trains iris-mlp and lowers its loss', () => {
  for (const [name, settings] of CASES) {
    it(name, async () => {
      const { finished, epochs, firstLoss } = await train(settings);
      expect(finished.status, finished.reason ?? '').toBe('completed');
      expect(epochs).toHaveLength(settings.epochs ?? 6);
      const last = epochs.at(-1)!;
      // Untrained, the 3-class crossentropy is about ln 3 = 1.1; each of these gets well below it.
      expect(firstLoss).toBeGreaterThan(0.8);
      expect(last.loss!).toBeLessThan(0.75 * firstLoss);
      expect(last.metrics.val_loss!).toBeLessThan(0.8 * firstLoss);
    });
  }

  it('adadelta is not sgd in disguise: the same learning rate gives a different run', async () => {
    const a = await train({ optimizer: 'adadelta', learningRate: 0.5, epochs: 2 });
    const s = await train({ optimizer: 'sgd', learningRate: 0.5, epochs: 2 });
    expect(a.finished.status).toBe('completed');
    expect(a.finished.finalMetrics!.loss).not.toBe(s.finished.finalMetrics!.loss);
  });
});
