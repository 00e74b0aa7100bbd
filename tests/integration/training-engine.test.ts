import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchEvent, StartCommand, TrainingEvent } from '../../graph/api/training.js';
import type { Graph } from '../../graph/document.js';
import { GraphBuilder } from '../../graph/templates/builder.js';
import { getTemplate } from '../../graph/templates/index.js';
import { loadRun, type RunSummary } from '../../main/training/artifacts.js';
import { runTraining, type TrainingHooks } from '../../main/training/trainer.js';

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
    expect(finished.reason).toMatch(/^the loss became (NaN|infinite) at epoch \d+, batch \d+; training diverged\. Lower the learning rate \(now 1000000000000/);
    expect(events.at(-1)).toBe(finished);
  });

  it('a bad dataset path says which file and where it looked', async () => {
    const { finished } = await train(command(iris(), { dataset: { kind: 'csv', path: 'missing/flowers.csv', target: 'species' }, baseDir: dir }));
    expect(finished.status).toBe('failed');
    expect(finished.reason).toMatch(/^dataset file 'missing\/flowers.csv' was not found/);
  });

  it('a shape mismatch is reported before training starts', async () => {
    const { finished, events } = await train(command(iris(), { dataset: { kind: 'builtin', name: 'mnist' } }));
    expect(finished.reason).toContain("Input 'features' expects [4] but dataset 'mnist' yields [28, 28, 1]");
    expect(finished.reason).toContain("Output 'species' has 3 units but dataset 'mnist' has 10 classes");
    expect(events.some((e) => e.type === 'runStarted')).toBe(false);
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

  it('early stopping stops when val_loss stops improving by minDelta and restores the best weights', async () => {
    const { finished, events } = await train(command(iris(), {}, { epochs: 20, earlyStopping: { enabled: true, monitor: 'val_loss', patience: 1, minDelta: 5, restoreBestWeights: true } }));
    expect(finished.status).toBe('completed');
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(3);
    expect(finished.bestEpoch).toBe(1);
    expect(events.some((e) => e.type === 'log' && /^early stopping at epoch 3/.test(e.message))).toBe(true);
    const summary = JSON.parse(readFileSync(join(finished.artifactDir!, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.restoredBestWeights).toBe(true);
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
