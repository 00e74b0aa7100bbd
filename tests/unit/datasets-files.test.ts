import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetRefFromArg, openDataset, type Batch, type Dataset } from '../../main/datasets/index.js';

const FIX = resolve(__dirname, '../fixtures/datasets');
const tmp = mkdtempSync(join(tmpdir(), 'tl-ds-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function all(d: Dataset, split: 'train' | 'validation', batchSize = 1000): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of d.batches(split, { batchSize, shuffle: split === 'train', epoch: 1 })) out.push(b);
  return out;
}

describe('CSV files', () => {
  it('standardises numeric columns, one-hot encodes text columns and takes classes from the target', async () => {
    const d = await openDataset({ kind: 'csv', path: 'table.csv', target: 'kind' }, { baseDir: FIX, validationSplit: 0.25, seed: 5 });
    expect(d.info).toMatchObject({ name: 'table.csv', task: 'classification', inputShape: [5], classNames: ['large', 'small'] });
    expect(d.info.trainSamples + d.info.validationSamples).toBe(60);
    const cols = d.preprocessing.columns!;
    expect(cols.map((c) => c.kind)).toEqual(['numeric', 'numeric', 'categorical']);
    expect(cols[2]).toMatchObject({ name: 'colour', values: ['blue', 'green', 'red'] });
    const batches = await all(d, 'train', 7);
    expect(batches.reduce((a, b) => a + b.size, 0)).toBe(d.info.trainSamples);
    const b = batches[0]!;
    for (let i = 0; i < b.size; i++) expect(b.x[i * 5 + 2]! + b.x[i * 5 + 3]! + b.x[i * 5 + 4]!).toBe(1);
    // Standardised with training statistics: the mean of the training rows is ~0.
    const xs = batches.flatMap((bb) => Array.from({ length: bb.size }, (_, i) => bb.x[i * 5]!));
    expect(Math.abs(xs.reduce((a, v) => a + v, 0) / xs.length)).toBeLessThan(1e-4);
  });

  it('reads a one-hot target (one 0/1 column per class) as one class label, not as features', async () => {
    const rows = ['length,colour,species_setosa,species_versicolor,species_virginica'];
    for (let i = 0; i < 30; i++) rows.push(`${i % 3}.5,${i % 2 ? 'red' : 'blue'},${['1,0,0', '0,1,0', '0,0,1'][i % 3]}`);
    const path = join(tmp, 'onehot.csv');
    writeFileSync(path, `${rows.join('\n')}\n`);
    // The default target is the last column; the group around it is found by its shared prefix.
    const ref = await datasetRefFromArg(path);
    const d = await openDataset(ref, { validationSplit: 0 });
    expect(d.info).toMatchObject({ task: 'classification', classNames: ['setosa', 'versicolor', 'virginica'], inputShape: [3] });
    expect(d.preprocessing.columns!.map((c) => c.name)).toEqual(['length', 'colour']);
    expect(d.preprocessing.target).toMatchObject({ kind: 'categorical', oneHotColumns: ['species_setosa', 'species_versicolor', 'species_virginica'] });
    const [b] = await all(d, 'train');
    const byLength = new Map<number, number>();
    for (let i = 0; i < b!.size; i++) byLength.set(Math.round(b!.x[i * 3]! * 1000), b!.y[i]!);
    expect(new Set(byLength.values())).toEqual(new Set([0, 1, 2]));
    // Reopened with the saved preprocessing (evaluate), the same encoding.
    const again = await openDataset(ref, { validationSplit: 0, preprocessing: d.preprocessing });
    expect((await all(again, 'train'))[0]!.y).toEqual((await all(d, 'train'))[0]!.y);
    // 0/1 columns that are not one-hot (a row with two 1s) stay as they are: a binary target, the others features.
    writeFileSync(path, `${[rows[0], '1.5,red,1,1,0', ...rows.slice(2)].join('\n')}\n`);
    const binary = await openDataset(ref, { validationSplit: 0 });
    expect(binary.info.classNames).toEqual(['0', '1']);
    expect(binary.preprocessing.columns!.map((c) => c.name)).toEqual(['length', 'colour', 'species_setosa', 'species_versicolor']);
  });

  it('treats a real-valued target as regression', async () => {
    const d = await openDataset({ kind: 'csv', path: join(FIX, 'regression.csv'), target: 'y' }, { validationSplit: 0.2 });
    expect(d.info).toMatchObject({ task: 'regression', inputShape: [2], targetShape: [1] });
  });

  it('names the missing column and lists the real ones', async () => {
    await expect(openDataset({ kind: 'csv', path: join(FIX, 'table.csv'), target: 'species' })).rejects.toThrow("CSV file 'table.csv' has no target column 'species'; its columns are 'length', 'width', 'colour', 'kind'");
  });

  it('a column of free text says how to use it as the text column', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => `${i % 7},message number ${i} about something,${i % 2 ? 'spam' : 'ham'}`);
    writeFileSync(join(tmp, 'mail.csv'), ['hour,body,label', ...rows].join('\n'));
    await expect(openDataset({ kind: 'csv', path: 'mail.csv', target: 'label' }, { baseDir: tmp, validationSplit: 0.2, seed: 1 })).rejects.toThrow(
      /column 'body' in 'mail.csv' holds text with more than 100 distinct values.*--text-column body on the command line, or 'CSV with a text column' in the Data tab/,
    );
  });

  it('names the line with the wrong number of values', async () => {
    const p = join(tmp, 'ragged.csv');
    writeFileSync(p, 'a,b,c\n1,2,x\n3,4\n');
    await expect(openDataset({ kind: 'csv', path: p, target: 'c' })).rejects.toThrow("line 3 has 2 values but the header has 3 columns");
  });

  it('a missing file gives the path it looked at and how paths are resolved', async () => {
    await expect(openDataset({ kind: 'csv', path: 'nope/data.csv', target: 'y' }, { baseDir: FIX })).rejects.toThrow(/dataset file 'nope\/data.csv' was not found \(looked at .*nope\/data.csv\); check the path, which is relative to the graph file's folder/);
  });

  it('--data picks the last column as the default target', async () => {
    expect(await datasetRefFromArg(join(FIX, 'table.csv'))).toMatchObject({ kind: 'csv', target: 'kind' });
    expect(await datasetRefFromArg('iris')).toEqual({ kind: 'builtin', name: 'iris' });
    expect(await datasetRefFromArg(join(FIX, 'images'))).toMatchObject({ kind: 'images' });
  });

  it('--target and --text-column are refused where they would be ignored (not a CSV)', async () => {
    await expect(datasetRefFromArg('iris', { target: 'species' })).rejects.toThrow("--target names a CSV column, but 'iris' is a built-in dataset; leave it out or give a .csv file");
    await expect(datasetRefFromArg(join(FIX, 'images'), { target: 'y', textColumn: 't' })).rejects.toThrow(/^--target and --text-column name CSV columns, but '.*images' is an image folder; leave them out/);
    await expect(datasetRefFromArg(join(FIX, 'corpus.txt'), { textColumn: 't' })).rejects.toThrow(/^--text-column names a CSV column, but '.*corpus\.txt' is a text file/);
    expect(await datasetRefFromArg(join(FIX, 'reviews.csv'), { textColumn: 'text' })).toMatchObject({ kind: 'csvText', textColumn: 'text', target: 'label' });
  });
});

describe('streaming', () => {
  it('a CSV larger than the shuffle buffer yields every training row exactly once per epoch, in a seeded order', async () => {
    const p = join(tmp, 'big.csv');
    const lines = ['id,noise,label'];
    for (let i = 0; i < 12_000; i++) lines.push(`${i},${(i * 7919) % 13},${i % 3 === 0 ? 'a' : 'b'}`);
    writeFileSync(p, `${lines.join('\n')}\n`);
    const d = await openDataset({ kind: 'csv', path: p, target: 'label' }, { validationSplit: 0.1, seed: 3 });
    expect(d.info.trainSamples + d.info.validationSamples).toBe(12_000);
    const { mean, std } = d.preprocessing.columns![0] as { mean: number; std: number };
    const ids = async (epoch: number): Promise<number[]> => {
      const out: number[] = [];
      for await (const b of d.batches('train', { batchSize: 500, shuffle: true, epoch })) for (let i = 0; i < b.size; i++) out.push(Math.round(b.x[i * 2]! * std + mean));
      return out;
    };
    const e1 = await ids(1);
    expect(e1).toHaveLength(d.info.trainSamples);
    expect(new Set(e1).size).toBe(e1.length);
    // Shuffled across the whole file, not just within the buffer: early batches reach far into it.
    expect(Math.max(...e1.slice(0, 500))).toBeGreaterThan(6000);
    expect(await ids(1)).toEqual(e1);
    expect(await ids(2)).not.toEqual(e1);
    const val: number[] = [];
    for await (const b of d.batches('validation', { batchSize: 500 })) for (let i = 0; i < b.size; i++) val.push(Math.round(b.x[i * 2]! * std + mean));
    expect(val.filter((v) => e1.includes(v))).toEqual([]);
  });
});

describe('CSV text column', () => {
  it('builds a word vocabulary from the training rows and yields int32 ids', async () => {
    const d = await openDataset({ kind: 'csvText', path: join(FIX, 'reviews.csv'), textColumn: 'text', target: 'label', options: { sequenceLength: 8 } }, { validationSplit: 0.25 });
    expect(d.info).toMatchObject({ task: 'classification', inputShape: [8], inputDtype: 'int32', classNames: ['negative', 'positive'] });
    expect(d.info.vocabSize).toBe(d.preprocessing.words!.tokens.length + 2);
    const [b] = await all(d, 'train');
    expect(b!.x).toBeInstanceOf(Int32Array);
    expect(Math.max(...b!.x)).toBeLessThan(d.info.vocabSize!);
  });
});

describe('image folders', () => {
  it('one class per subfolder, PNG and JPEG, resized to the Input shape, grayscale', async () => {
    const d = await openDataset({ kind: 'images', path: join(FIX, 'images'), color: 'grayscale' }, { inputShape: [8, 8, 1], validationSplit: 0.25 });
    expect(d.info).toMatchObject({ task: 'classification', inputShape: [8, 8, 1], classNames: ['bright', 'dark'] });
    expect(d.info.trainSamples + d.info.validationSamples).toBe(16);
    const batches = await all(d, 'train');
    const b = batches[0]!;
    expect(b.x).toHaveLength(b.size * 64);
    for (let i = 0; i < b.size; i++) {
      const v = b.x[i * 64 + 10]!;
      // 'bright' pixels are ~220/255, 'dark' ~30/255 (JPEG adds a little noise).
      if (b.y[i] === 0) expect(v).toBeGreaterThan(0.8);
      else expect(v).toBeLessThan(0.2);
    }
  });

  it('RGB keeps three channels', async () => {
    const d = await openDataset({ kind: 'images', path: join(FIX, 'images'), color: 'rgb' }, { inputShape: [4, 5, 3] });
    expect(d.info.inputShape).toEqual([4, 5, 3]);
  });

  it('a folder without class subfolders says what it needs', async () => {
    await expect(openDataset({ kind: 'images', path: join(FIX, 'images', 'dark'), color: 'rgb' })).rejects.toThrow(/has 0 class subfolders; it needs one subfolder per class/);
  });
});

describe('text files', () => {
  it('character windows with the next character as target, vocabulary by frequency', async () => {
    const d = await openDataset({ kind: 'text', path: join(FIX, 'corpus.txt') }, { inputShape: [10], validationSplit: 0.2 });
    expect(d.info).toMatchObject({ task: 'languageModel', inputShape: [10], targetShape: [10], inputDtype: 'int32' });
    const chars = d.preprocessing.chars!.chars;
    expect(chars[0]).toBe('');
    expect(chars[1]).toBe(' ');
    expect(d.info.trainSamples + d.info.validationSamples).toBe(Math.floor((45 * 12 - 1) / 10));
    const b = (await all(d, 'train'))[0]!;
    for (let i = 0; i < 9; i++) expect(b.y[i]).toBe(b.x[i + 1]);
  });
});
