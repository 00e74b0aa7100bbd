// Every palette layer kind must train on wasm: a missing gradient kernel throws "Kernel 'X' not
// registered for backend 'wasm'". The full per-kernel report (cpu profile vs wasm registry) is
// `npx tsx main/training/kernels/coverage.ts`.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAYERS } from '../../graph/layers/index.js';
import { coverageCases, trainOneBatch } from '../../main/training/kernels/coverage.js';
import { registerWasmKernels } from '../../main/training/kernels/index.js';

const cases = coverageCases().filter((c) => !c.name.startsWith('template '));

beforeAll(async () => {
  registerWasmKernels(tf);
  await tf.setBackend('wasm');
});

describe('every palette layer kind trains one batch on wasm', () => {
  it('the cases cover every layer kind in the registry', () => {
    const covered = new Set(cases.flatMap((c) => c.kinds));
    expect(LAYERS.map((l) => l.id).filter((id) => id !== 'Input' && id !== 'Output' && !covered.has(id))).toEqual([]);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await tf.setBackend('wasm');
    await expect(trainOneBatch(tf, c)).resolves.toBeUndefined();
  });
});
