import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainingEvent } from '../../graph/api/training.js';
import { TEMPLATES } from '../../graph/templates/index.js';
import { runTraining } from '../../main/training/trainer.js';

// Every template must train on wasm: the backend that lacks some gradient kernels until the project
// registers its own. One short epoch on a small slice of each template's own dataset.
const dir = mkdtempSync(join(tmpdir(), 'tl-templates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('every template trains one short epoch on wasm, leaving no tensors behind', () => {
  it.each(TEMPLATES.map((t) => [t.name, t] as const))('%s', async (name, template) => {
    const graph = template.build();
    const events: TrainingEvent[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const finished = await runTraining(
      { type: 'start', runId: name, graph, training: { ...graph.training, epochs: 1, batchSize: 16 }, dataset: graph.training.dataset!, baseDir: null, backend: 'wasm', outDir: join(dir, name), limit: 48 },
      { emit: (e) => events.push(e) },
    );
    expect(finished.reason).toBeNull();
    expect(finished.status).toBe('completed');
    const started = events.find((e) => e.type === 'runStarted');
    expect(started?.type === 'runStarted' && started.backend).toBe('wasm');
    const epoch = events.find((e) => e.type === 'epoch');
    expect(epoch && epoch.type === 'epoch' && Number.isFinite(epoch.loss)).toBe(true);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 120_000);
});
