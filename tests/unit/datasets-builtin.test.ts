import { describe, expect, it } from 'vitest';
import { openDataset, DatasetError, type Batch, type Dataset } from '../../main/datasets/index.js';

async function collect(d: Dataset, split: 'train' | 'validation', batchSize = 256, shuffle = false, epoch = 0): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of d.batches(split, { batchSize, shuffle, epoch })) out.push(b);
  return out;
}

describe('built-in datasets follow the shared conventions', () => {
  it('mnist: 10,000 digits of [28, 28, 1] in [0, 1], 10 classes, 10% validation', async () => {
    const d = await openDataset({ kind: 'builtin', name: 'mnist' }, { validationSplit: 0.1, seed: 1 });
    expect(d.info).toMatchObject({ task: 'classification', inputShape: [28, 28, 1], inputDtype: 'float32', targetShape: [], trainSamples: 9000, validationSamples: 1000 });
    expect(d.info.classNames).toHaveLength(10);
    const [b] = await collect(d, 'validation', 100);
    expect(b!.x).toHaveLength(100 * 784);
    expect(Math.max(...b!.x)).toBeLessThanOrEqual(1);
    expect(Math.min(...b!.x)).toBeGreaterThanOrEqual(0);
    expect(new Set(b!.y).size).toBeGreaterThan(5);
  });

  it('iris: [4] standardised on the training split, 3 classes', async () => {
    const d = await openDataset({ kind: 'builtin', name: 'iris' }, { validationSplit: 0.2, seed: 3 });
    expect(d.info).toMatchObject({ inputShape: [4], trainSamples: 120, validationSamples: 30, classNames: ['setosa', 'versicolor', 'virginica'] });
    const [b] = await collect(d, 'train', 1000);
    for (let f = 0; f < 4; f++) {
      let mean = 0;
      for (let i = 0; i < b!.size; i++) mean += b!.x[i * 4 + f]! / b!.size;
      expect(Math.abs(mean)).toBeLessThan(1e-4);
    }
    expect(d.preprocessing.standardize?.mean).toHaveLength(4);
  });

  it('spam: int32 ids [128], vocabulary 8000 (0 padding, 1 unknown), ham=0 spam=1, vocabulary saved', async () => {
    const d = await openDataset({ kind: 'builtin', name: 'spam' });
    expect(d.info).toMatchObject({ inputShape: [128], inputDtype: 'int32', vocabSize: 8000, classNames: ['ham', 'spam'] });
    expect(d.preprocessing.words?.tokens).toHaveLength(7998);
    const [b] = await collect(d, 'train', 64);
    expect(b!.x).toBeInstanceOf(Int32Array);
    expect(Math.max(...b!.x)).toBeLessThan(8000);
    expect([...b!.y].every((v) => v === 0 || v === 1)).toBe(true);
  }, 60_000);

  it("saved preprocessing is reused (evaluate, predict): spam's vocabulary and iris' statistics are not learned again", async () => {
    // A run trained on 200 spam e-mails learned its vocabulary from those; opened again for all 6,046 (another
    // split), the same words must keep the same ids, or the model reads noise.
    const trained = await openDataset({ kind: 'builtin', name: 'spam' }, { validationSplit: 0.1, seed: 5, limit: 200 });
    const fresh = await openDataset({ kind: 'builtin', name: 'spam' }, { validationSplit: 0 });
    const reused = await openDataset({ kind: 'builtin', name: 'spam' }, { validationSplit: 0, preprocessing: trained.preprocessing });
    expect(reused.preprocessing.words).toEqual(trained.preprocessing.words);
    expect(fresh.preprocessing.words!.tokens.slice(0, 50)).not.toEqual(trained.preprocessing.words!.tokens.slice(0, 50));
    const rows = (batches: Batch[]): string[] => batches.flatMap((b) => Array.from({ length: b.size }, (_, i) => b.x.subarray(i * 128, (i + 1) * 128).join(',')));
    const all = new Set(rows(await collect(reused, 'train', 1024)));
    const trainedRows = rows(await collect(trained, 'train', 1024));
    expect(trainedRows).toHaveLength(200);
    // Every message the run trained on reads exactly the same with the reused vocabulary; with a fresh one almost none do.
    expect(trainedRows.every((r) => all.has(r))).toBe(true);
    const freshRows = new Set(rows(await collect(fresh, 'train', 1024)));
    expect(trainedRows.filter((r) => freshRows.has(r)).length).toBeLessThan(20);

    const iris = await openDataset({ kind: 'builtin', name: 'iris' }, { validationSplit: 0.2, seed: 3 });
    const allIris = await openDataset({ kind: 'builtin', name: 'iris' }, { validationSplit: 0, preprocessing: iris.preprocessing });
    expect(allIris.preprocessing.standardize).toEqual(iris.preprocessing.standardize);
    const own = await openDataset({ kind: 'builtin', name: 'iris' }, { validationSplit: 0 });
    expect(own.preprocessing.standardize!.mean).not.toEqual(iris.preprocessing.standardize!.mean);
    // Preprocessing of another source is ignored rather than misapplied.
    const other = await openDataset({ kind: 'builtin', name: 'iris' }, { validationSplit: 0, preprocessing: trained.preprocessing });
    expect(other.preprocessing.standardize).toEqual(own.preprocessing.standardize);
  }, 60_000);

  it('names: [16] char ids in, the next character at each position out, vocabulary 32', async () => {
    const d = await openDataset({ kind: 'builtin', name: 'names' });
    expect(d.info).toMatchObject({ task: 'languageModel', inputShape: [16], inputDtype: 'int32', targetShape: [16], vocabSize: 32 });
    const [b] = await collect(d, 'train', 8);
    // Target is the input shifted left by one: y[i] == x[i + 1] wherever the input continues.
    for (let i = 0; i < 15; i++) if (b!.x[i + 1] !== 0) expect(b!.y[i]).toBe(b!.x[i + 1]);
    expect(b!.x[0]).toBe(1); // the start mark '.'
  });

  it.each([
    ['spiral', [2], 3],
    ['xor', [2], 2],
    ['circles', [2], 2],
  ] as const)('%s: %j inputs, %i classes, same data for the same seed', async (name, shape, classes) => {
    const a = await openDataset({ kind: 'builtin', name });
    const b = await openDataset({ kind: 'builtin', name });
    expect(a.info.inputShape).toEqual(shape);
    expect(a.info.classNames).toHaveLength(classes);
    expect((await collect(a, 'train', 50, true, 2))[0]!.x).toEqual((await collect(b, 'train', 50, true, 2))[0]!.x);
  });

  it('sine: windows of [32, 1] and the next value as a regression target', async () => {
    const d = await openDataset({ kind: 'builtin', name: 'sine' });
    expect(d.info).toMatchObject({ task: 'regression', inputShape: [32, 1], targetShape: [1], classNames: null });
  });

  it('splits are disjoint and shuffling depends on the epoch', async () => {
    const d = await openDataset({ kind: 'builtin', name: 'xor' }, { validationSplit: 0.25, seed: 9 });
    expect(d.info.trainSamples + d.info.validationSamples).toBe(1000);
    const e1 = (await collect(d, 'train', 1000, true, 1))[0]!;
    const e2 = (await collect(d, 'train', 1000, true, 2))[0]!;
    expect(e1.x).not.toEqual(e2.x);
    expect([...e1.x].sort()).toEqual([...e2.x].sort());
  });

  it('limit caps the training samples and shrinks validation in proportion', async () => {
    const d = await openDataset({ kind: 'builtin', name: 'mnist' }, { validationSplit: 0.2, limit: 40 });
    expect(d.info.trainSamples).toBe(40);
    expect(d.info.validationSamples).toBe(10);
  });

  it('an unknown name lists the built-ins', async () => {
    await expect(openDataset({ kind: 'builtin', name: 'cifar' })).rejects.toThrow(DatasetError);
    await expect(openDataset({ kind: 'builtin', name: 'cifar' })).rejects.toThrow(/no built-in dataset 'cifar'; choose one of mnist, iris/);
  });
});
