import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchEvent, EpochEvent, StartCommand, TrainingEvent } from '../../graph/api/training.js';
import type { Graph } from '../../graph/document.js';
import { GraphBuilder } from '../../graph/templates/builder.js';
import { getTemplate } from '../../graph/templates/index.js';
import { loadRun, type RunSummary } from '../../main/training/artifacts.js';
import { evaluateRun } from '../../main/training/evaluate.js';
import { formatNumber, runTraining, type TrainingHooks } from '../../main/training/trainer.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

function command(graph: Graph, over: Partial<StartCommand> = {}, training: Partial<Graph['training']> = {}): StartCommand {
  const id = `run${++counter}`;
  return { type: 'start', runId: id, graph, training: { ...graph.training, ...training }, dataset: graph.training.dataset!, baseDir: null, backend: 'cpu', outDir: join(dir, id), ...over };
}

async function train(cmd: StartCommand, hooks: Partial<TrainingHooks> = {}) {
  const events: TrainingEvent[] = [];
  const finished = await runTraining(cmd, { emit: (e) => events.push(e), ...hooks });
  return { events, finished };
}

const iris = () => getTemplate('iris-mlp')!.build();

describe('training reaches the accuracy it should', () => {
  it('iris-mlp: validation accuracy >= 0.9 with the template settings (50 epochs)', async () => {
    const { finished, events } = await train(command(iris()));
    expect(finished.status).toBe('completed');
    expect(finished.finalMetrics!.val_acc).toBeGreaterThanOrEqual(0.9);
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(50);
    const summary = JSON.parse(readFileSync(join(finished.artifactDir!, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.confusionMatrix!.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(summary.confusionMatrix!.matrix.flat().reduce((a, b) => a + b, 0)).toBe(30);
    expect(readFileSync(join(finished.artifactDir!, 'metrics.csv'), 'utf8').split('\n')[0]).toBe('epoch,loss,acc,val_loss,val_acc,duration_ms');
  });

  it('mnist-mlp: validation accuracy >= 0.92 after 3 epochs (wasm)', async () => {
    const graph = getTemplate('mnist-mlp')!.build();
    const { finished } = await train(command(graph, { backend: 'wasm' }, { epochs: 3 }));
    expect(finished.status).toBe('completed');
    expect(finished.finalMetrics!.val_acc).toBeGreaterThanOrEqual(0.92);
  }, 120_000);
});

describe('artifacts', () => {
  it('model.json + weights reload with plain tf.loadLayersModel and predict exactly as the trained model', async () => {
    const x = tf.tensor2d([[0.1, -1, 0.5, 2], [-1, 1, -0.3, 0]]);
    let trained: number[] = [];
    const { finished } = await train(command(iris(), {}, { epochs: 3 }), { afterTraining: (model) => void (trained = Array.from((model.predict(x) as tf.Tensor).dataSync())) });
    const json = JSON.parse(readFileSync(join(finished.artifactDir!, 'model.json'), 'utf8'));
    const weights = readFileSync(join(finished.artifactDir!, json.weightsManifest[0].paths[0]));
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: new Uint8Array(weights).buffer }));
    const reloaded = Array.from((model.predict(x) as tf.Tensor).dataSync());
    expect(reloaded).toEqual(trained);
    model.dispose();
    x.dispose();
    const run = await loadRun(finished.artifactDir!, tf);
    expect(run.settings.training.epochs).toBe(3);
    expect(run.preprocessing!.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(run.graph!.name).toBe('Iris MLP');
    run.model.dispose();
  });
});

describe('failures become a failed runFinished with a reason', () => {
  it('a diverging loss names the epoch and batch and suggests a lower learning rate', async () => {
    const b = new GraphBuilder('Sine linear', '', { kind: 'builtin', name: 'sine' });
    b.chain(null, [
      ['Input', 'window', { shape: [32, 1] }],
      ['Flatten', 'flat'],
      ['Dense', 'next', { units: 1 }],
      ['Output', 'forecast', { loss: 'meanSquaredError', metrics: ['mae'] }],
    ]);
    const { finished, events } = await train(command(b.graph, {}, { optimizer: 'sgd', learningRate: 1e12, epochs: 5 }));
    expect(finished.status).toBe('failed');
    expect(finished.reason).toMatch(/^the loss became (NaN|infinite) at epoch \d+, batch \d+; training diverged\. Lower the learning rate \(now 1e\+12, try 1e\+11\)/);
    expect(events.at(-1)).toBe(finished);
  });

  it('a classifier whose weights turn NaN fails on wasm too, though its clipped loss stays finite', async () => {
    const graph = iris();
    const { finished } = await train(command(graph, { backend: 'wasm' }, { optimizer: 'sgd', learningRate: 1e30, epochs: 3 }));
    expect(finished.status).toBe('failed');
    expect(finished.reason).toMatch(/^the (weights|loss) became (NaN|infinite) at epoch 1, batch \d+.*; training diverged\. Lower the learning rate \(now 1e\+30, try 1e\+29\)/);
    // No epoch finished, so no checkpoint: a NaN model is never saved.
    expect(existsSync(join(finished.artifactDir!, 'model.json'))).toBe(false);
    expect(JSON.parse(readFileSync(join(finished.artifactDir!, 'summary.json'), 'utf8')).status).toBe('failed');
  });

  it('learning-rate hints read like numbers people write', () => {
    expect([1e30 / 10, 0.003 / 10, 0.001, 1e12, 0.5, 2.5e7, 123456].map(formatNumber)).toEqual(['1e+29', '0.0003', '0.001', '1e+12', '0.5', '2.5e+7', '123456']);
  });

  it('an error inside training names where it happened without repeating "training failed"', async () => {
    const { finished } = await train(command(iris(), {}, { epochs: 2 }), {
      afterTraining: () => {
        throw new Error('disk on fire');
      },
    });
    expect(finished.reason).toBe('unexpected error: disk on fire');
  });

  it('a bad dataset path says which file and where it looked', async () => {
    const { finished } = await train(command(iris(), { dataset: { kind: 'csv', path: 'missing/flowers.csv', target: 'species' }, baseDir: dir }));
    expect(finished.status).toBe('failed');
    expect(finished.reason).toMatch(/^dataset file 'missing\/flowers.csv' was not found/);
  });

  it('a shape mismatch is reported before training starts', async () => {
    const cmd = command(iris(), { dataset: { kind: 'builtin', name: 'mnist' } });
    const { finished, events } = await train(cmd);
    expect(finished.reason).toContain("Input 'features' expects [4] but dataset 'mnist' yields [28, 28, 1]");
    expect(finished.reason).toContain("Output 'species' has 3 units but dataset 'mnist' has 10 classes");
    expect(events.some((e) => e.type === 'runStarted')).toBe(false);
    // Refused before training: no run folder is left behind.
    expect(finished.artifactDir).toBeNull();
    expect(existsSync(cmd.outDir)).toBe(false);
  });
});

describe('run behaviour', () => {
  it('no tensors leak across consecutive runs in one process', async () => {
    await train(command(iris(), {}, { epochs: 2 }));
    const after1 = tf.memory().numTensors;
    await train(command(iris(), {}, { epochs: 2, earlyStopping: { enabled: true, monitor: 'val_loss', patience: 0, minDelta: 0, restoreBestWeights: true } }));
    await train(command(iris(), {}, { epochs: 2 }));
    expect(tf.memory().numTensors).toBe(after1);
  });

  it('the same seed gives the same run on cpu', async () => {
    const a = await train(command(iris(), {}, { epochs: 3, seed: 7 }));
    const b = await train(command(iris(), {}, { epochs: 3, seed: 7 }));
    const c = await train(command(iris(), {}, { epochs: 3, seed: 8 }));
    expect(b.finished.finalMetrics).toEqual(a.finished.finalMetrics);
    expect(c.finished.finalMetrics).not.toEqual(a.finished.finalMetrics);
  });

  it('the same seed gives the same run on wasm (dropout included)', async () => {
    const graph = getTemplate('mnist-mlp')!.build();
    const a = await train(command(graph, { backend: 'wasm', limit: 256 }, { epochs: 2 }));
    const b = await train(command(graph, { backend: 'wasm', limit: 256 }, { epochs: 2 }));
    expect(a.finished.status).toBe('completed');
    expect(b.finished.finalMetrics).toEqual(a.finished.finalMetrics);
  });

  it('early stopping as in Keras: patience 1 stops at the first epoch that does not improve by minDelta, and model.json holds the best epoch', async () => {
    const { finished, events } = await train(command(iris(), {}, { epochs: 20, earlyStopping: { enabled: true, monitor: 'val_loss', patience: 1, minDelta: 5, restoreBestWeights: true } }));
    expect(finished.status).toBe('completed');
    // Keras: epoch 1 improves on +inf; epoch 2 does not beat it by 5, wait = 1 >= patience, so training stops there.
    const epochs = events.filter((e): e is EpochEvent => e.type === 'epoch');
    expect(epochs).toHaveLength(2);
    expect(finished.bestEpoch).toBe(1);
    expect(events.some((e) => e.type === 'log' && /^early stopping at epoch 2: 'val_loss' has not improved by more than 5 for 1 epoch \(patience 1/.test(e.message))).toBe(true);
    expect(events.some((e) => e.type === 'log' && /^restored the weights of epoch 1, the best by 'val_loss'/.test(e.message))).toBe(true);
    const summary = JSON.parse(readFileSync(join(finished.artifactDir!, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.restoredBestWeights).toBe(true);
    expect(events.filter((e) => e.type === 'checkpoint').at(-1)).toMatchObject({ epoch: 1, reason: 'best weights' });
    // The saved weights really are epoch 1's: evaluated again they give epoch 1's validation loss, not epoch 2's.
    const again = await evaluateRun(finished.artifactDir!, { backend: 'cpu' });
    expect(again.metrics.loss).toBeCloseTo(epochs[0]!.metrics.val_loss!, 5);
    expect(Math.abs(again.metrics.loss! - epochs[1]!.metrics.val_loss!)).toBeGreaterThan(1e-4);
  });

  it("early stopping takes Keras' log name 'val_accuracy' for tfjs' 'val_acc'", async () => {
    const { finished, events } = await train(command(iris(), {}, { epochs: 20, earlyStopping: { enabled: true, monitor: 'val_accuracy', patience: 1, minDelta: 5, restoreBestWeights: true } }));
    // No accuracy beats another by 5, so it stops at epoch 2 as with 'val_acc'; no "does not report" warning.
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(2);
    expect(events.some((e) => e.type === 'warning')).toBe(false);
    expect(events.some((e) => e.type === 'log' && /^early stopping at epoch 2: 'val_acc' has not improved/.test(e.message))).toBe(true);
    expect(finished.bestEpoch).toBe(1);
  });

  it('without restoreBestWeights early stopping keeps the last weights, and says which epoch was best', async () => {
    const { finished, events } = await train(command(iris(), {}, { epochs: 20, earlyStopping: { enabled: true, monitor: 'val_loss', patience: 2, minDelta: 5, restoreBestWeights: false } }));
    const epochs = events.filter((e): e is EpochEvent => e.type === 'epoch');
    expect(epochs).toHaveLength(3);
    expect(finished.bestEpoch).toBe(1);
    expect(events.some((e) => e.type === 'log' && /^kept the weights of the last epoch; epoch 1 had the best 'val_loss'/.test(e.message))).toBe(true);
    const again = await evaluateRun(finished.artifactDir!, { backend: 'cpu' });
    expect(again.metrics.loss).toBeCloseTo(epochs[2]!.metrics.val_loss!, 5);
  });

  it('writes a checkpoint at every epoch end (the best so far when restoring), then the final one', async () => {
    const plain = await train(command(iris(), {}, { epochs: 3 }));
    expect(plain.events.filter((e) => e.type === 'checkpoint').map((e) => e.type === 'checkpoint' && [e.epoch, e.reason])).toEqual([[1, 'epoch end'], [2, 'epoch end'], [3, 'epoch end'], [3, 'final weights']]);
    // With restoring on, only improving epochs are saved, so a killed run keeps the best so far.
    const best = await train(command(iris(), {}, { epochs: 4, earlyStopping: { enabled: true, monitor: 'val_loss', patience: 5, minDelta: 5, restoreBestWeights: true } }));
    expect(best.events.filter((e) => e.type === 'checkpoint').map((e) => e.type === 'checkpoint' && [e.epoch, e.reason])).toEqual([[1, 'best val_loss so far'], [1, 'best weights']]);
    // Each checkpoint lands between events: the epoch event, then its checkpoint, then the next epoch's batches.
    const types = plain.events.map((e) => e.type).filter((t) => t !== 'batch' && t !== 'log');
    expect(types).toEqual(['runStarted', 'epoch', 'checkpoint', 'epoch', 'checkpoint', 'epoch', 'checkpoint', 'checkpoint', 'runFinished']);
  });

  it("epoch events carry loss in metrics too, as Keras' epoch logs do", async () => {
    const { events } = await train(command(iris(), {}, { epochs: 1 }));
    const epoch = events.find((e): e is EpochEvent => e.type === 'epoch')!;
    expect(Object.keys(epoch.metrics)).toEqual(['loss', 'acc', 'val_loss', 'val_acc']);
    expect(epoch.metrics.loss).toBe(epoch.loss);
  });

  it('batch events are throttled to ~20/s, the last batch of each epoch and every epoch always sent', async () => {
    // Batch size 1: 120 batches an epoch, far more than 20 per second.
    const { events } = await train(command(iris(), {}, { epochs: 4, batchSize: 1 }));
    const batches = events.filter((e): e is BatchEvent => e.type === 'batch');
    const started = events.find((e) => e.type === 'runStarted')!;
    const perEpoch = started.type === 'runStarted' ? started.batchesPerEpoch : 0;
    expect(perEpoch).toBe(120);
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(4);
    for (let epoch = 1; epoch <= 4; epoch++) {
      const mine = batches.filter((b) => b.epoch === epoch);
      expect(mine.at(-1)!.batch).toBe(perEpoch);
      for (let i = 1; i < mine.length - 1; i++) expect(mine[i]!.time - mine[i - 1]!.time).toBeGreaterThanOrEqual(50);
    }
    expect(batches.length).toBeLessThan(4 * perEpoch);
    const span = (batches.at(-1)!.time - batches[0]!.time) / 1000;
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(span * 20) + 4 + 1);
    expect(batches.every((b) => b.samplesPerSecond > 0 && typeof b.metrics.acc === 'number')).toBe(true);
  });
});
