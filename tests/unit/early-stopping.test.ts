import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { EarlyStopping } from '../../main/training/trainer.js';

/** The 1-based epoch at which tfjs' own EarlyStopping callback (a port of Keras') sets stopTraining, or null. */
async function tfjsStopEpoch(monitor: string, values: number[], patience: number, minDelta: number): Promise<number | null> {
  const cb = tf.callbacks.earlyStopping({ monitor, patience, minDelta });
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  cb.setModel(model);
  await cb.onTrainBegin();
  for (let i = 0; i < values.length; i++) {
    await cb.onEpochEnd(i, { [monitor]: values[i]! });
    if (model.stopTraining) {
      model.dispose();
      return i + 1;
    }
  }
  model.dispose();
  return null;
}

function ourStopEpoch(monitor: string, values: number[], patience: number, minDelta: number): { stop: number | null; best: number | null } {
  const es = new EarlyStopping(monitor, minDelta, patience);
  for (let i = 0; i < values.length; i++) if (es.update(i + 1, values[i]!).stop) return { stop: i + 1, best: es.bestEpoch };
  return { stop: null, best: es.bestEpoch };
}

const LOSSES = [1.0, 0.8, 0.85, 0.79, 0.795, 0.9, 0.7, 0.71, 0.72, 0.73, 0.74];
const ACCS = [0.5, 0.6, 0.6, 0.65, 0.64, 0.9, 0.9, 0.9, 0.91, 0.905, 0.8];

describe('EarlyStopping matches Keras (checked against tfjs-layers, whose callback ports it)', () => {
  for (const patience of [0, 1, 2, 3]) {
    for (const minDelta of [0, 0.005, 0.02, 0.5]) {
      it(`val_loss and val_acc, patience ${patience}, minDelta ${minDelta}`, async () => {
        expect(ourStopEpoch('val_loss', LOSSES, patience, minDelta).stop).toBe(await tfjsStopEpoch('val_loss', LOSSES, patience, minDelta));
        expect(ourStopEpoch('val_acc', ACCS, patience, minDelta).stop).toBe(await tfjsStopEpoch('val_acc', ACCS, patience, minDelta));
      });
    }
  }

  it('worked example: patience 1 stops at the first epoch that is not an improvement', () => {
    expect(ourStopEpoch('val_loss', [1, 0.9, 0.95, 0.5], 1, 0)).toEqual({ stop: 3, best: 2 });
    // minDelta is measured against the best: 0.96 is 0.04 better than 1.0, not the 0.05 asked for.
    expect(ourStopEpoch('val_loss', [1, 0.96, 0.9], 1, 0.05)).toEqual({ stop: 2, best: 1 });
  });

  it('a NaN epoch is never an improvement, and no run stops after its first epoch (Keras: epoch > 0)', () => {
    expect(ourStopEpoch('val_loss', [NaN, 1, 2], 0, 0)).toEqual({ stop: 3, best: 2 });
  });
});
