import { readFile, stat } from 'node:fs/promises';
import type * as tfjs from '@tensorflow/tfjs';
import type { Prediction } from '../../graph/api/host.js';
import type { DatasetRef } from '../../graph/document.js';
import { encodeCsvFeatures } from '../datasets/csv.js';
import { decodeImage, resizeInto } from '../datasets/images.js';
import { asReconstruction, checkCompatibility, openDataset, wantsReconstruction } from '../datasets/index.js';
import { charIndex, encodeChars, encodeWords, wordIndex } from '../datasets/text.js';
import { sizeOf, type Preprocessing } from '../datasets/types.js';
import { loadRun, type LoadedRun } from './artifacts.js';
import { lossAndMetrics } from './losses.js';
import { batchTensors, targetEncoding, type UsedBackend } from './trainer.js';

/** Loss and metrics of a trained run on data. */
export interface EvaluationResult {
  dataset: string;
  /** 'validation' for a dataset's validation split (the run's own, or a built-in one named), 'train' when it has none, 'all' for a given file. */
  split: 'validation' | 'train' | 'all';
  samples: number;
  metrics: Record<string, number>;
}

async function useBackend(preference: string): Promise<UsedBackend> {
  const { selectBackend } = await import('./backends.js');
  return selectBackend(preference as 'auto');
}

function outputSettings(run: LoadedRun): { loss: string; metrics: string[] } {
  const out = run.graph?.nodes.find((n) => n.type === 'Output');
  return { loss: String(out?.params.loss ?? 'categoricalCrossentropy'), metrics: (out?.params.metrics as string[] | undefined) ?? ['accuracy'] };
}

/**
 * Evaluates a run folder's model: on its own validation split by default, on a named built-in dataset's
 * validation split, or on all of a data file; always encoded with the run's saved preprocessing.
 */
export async function evaluateRun(dir: string, options: { data?: DatasetRef; backend?: string; batchSize?: number } = {}): Promise<EvaluationResult> {
  const { tf } = await useBackend(options.backend ?? 'auto');
  const run = await loadRun(dir, tf);
  try {
    const { training } = run.settings;
    // A built-in dataset named with --data is evaluated on its validation split, made as in training (same
    // split, seed and limit), like the run's own dataset; a file given with --data is evaluated whole.
    const whole = options.data !== undefined && options.data.kind !== 'builtin';
    const ref = options.data ?? run.settings.dataset;
    let dataset = await openDataset(ref, {
      baseDir: options.data ? process.cwd() : run.settings.baseDir,
      validationSplit: whole ? 0 : training.validationSplit,
      seed: training.seed,
      // Always the run's own encoding (vocabulary, standardisation, columns): the model knows no other.
      ...(run.preprocessing ? { preprocessing: run.preprocessing, inputShape: run.preprocessing.inputShape } : {}),
      ...(!whole && run.settings.limit !== null ? { limit: run.settings.limit } : {}),
    });
    if (run.graph && wantsReconstruction(run.graph, dataset.info)) dataset = asReconstruction(dataset);
    if (run.graph) {
      const errors = checkCompatibility(run.graph, dataset.info).filter((i) => i.severity === 'error');
      if (errors.length) throw new Error(`the run's model does not fit ${options.data ? 'this data' : 'its dataset'}: ${errors.map((e) => e.message).join('; ')}`);
    }
    const split = whole || dataset.info.validationSamples === 0 ? 'train' : 'validation';
    const { loss, metrics } = outputSettings(run);
    // The same loss and metrics as training (masked for language models), so the numbers compare.
    run.model.compile({ optimizer: 'sgd', ...(lossAndMetrics(tf, loss, metrics, dataset.info) as { loss: string; metrics: string[] }) });
    const names = run.model.metricsNames;
    const enc = targetEncoding(loss, dataset.info);
    const sums = new Array<number>(names.length).fill(0);
    let n = 0;
    for await (const batch of dataset.batches(split, { batchSize: options.batchSize ?? 256 })) {
      const { x, y } = batchTensors(tf, batch, dataset.info, enc);
      const r = run.model.evaluate(x, y, { batchSize: batch.size });
      const scalars = Array.isArray(r) ? r : [r];
      scalars.forEach((s, i) => (sums[i]! += s.dataSync()[0]! * batch.size));
      tf.dispose([x, y, ...scalars]);
      n += batch.size;
    }
    const result: Record<string, number> = {};
    names.forEach((name, i) => (result[name] = n ? sums[i]! / n : NaN));
    return { dataset: dataset.info.name, split: whole ? 'all' : split, samples: n, metrics: result };
  } finally {
    run.model.dispose();
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

function parseNumbers(input: string, size: number, what: string): number[] {
  const values = input.split(/[\s,;]+/).filter(Boolean).map(Number);
  if (values.length !== size || values.some((v) => !Number.isFinite(v))) throw new Error(`input '${input}' must be ${size} numbers separated by commas (${what})`);
  return values;
}

/** Encodes one user input (image path, CSV row or file, text) as the model's input sample(s). */
async function encodeInput(pre: Preprocessing, input: string): Promise<{ label: string; x: Float32Array | Int32Array }[]> {
  const size = sizeOf(pre.inputShape);
  if (pre.image && (await isFile(input))) {
    const x = new Float32Array(size);
    resizeInto(await decodeImage(input), pre.image.height, pre.image.width, pre.image.channels, x, 0);
    return [{ label: input, x }];
  }
  if (pre.columns) {
    const cols = pre.columns;
    if (await isFile(input)) {
      const { parse } = await import('csv-parse/sync');
      const rows = parse(await readFile(input, 'utf8'), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
      return rows.map((r, i) => ({ label: `${input}:${i + 2}`, x: encodeCsvFeatures(cols, cols.map((c) => r[c.name] ?? '')) }));
    }
    const values = input.split(',').map((v) => v.trim());
    if (values.length !== cols.length) throw new Error(`input '${input}' has ${values.length} values; give ${cols.length} in this order: ${cols.map((c) => c.name).join(', ')}`);
    return [{ label: input, x: encodeCsvFeatures(cols, values) }];
  }
  if (pre.words) {
    const text = (await isFile(input)) ? await readFile(input, 'utf8') : input;
    const x = new Int32Array(pre.words.sequenceLength);
    encodeWords(text, pre.words, x, 0, wordIndex(pre.words.tokens));
    return [{ label: input.length > 60 ? `${input.slice(0, 57)}...` : input, x }];
  }
  if (pre.image) throw new Error(`input '${input}' is not an image file; give the path of a PNG or JPEG`);
  const what = pre.standardize ? 'the raw measurements' : `shape [${pre.inputShape.join(', ')}]`;
  const encode = (values: number[]): Float32Array => {
    if (pre.standardize) values.forEach((v, i) => (values[i] = (v - pre.standardize!.mean[i]!) / pre.standardize!.std[i]!));
    return Float32Array.from(values);
  };
  if (await isFile(input)) {
    // A CSV file of feature rows, one sample per row; a first row that is not all numbers is its header.
    const { parse } = await import('csv-parse/sync');
    const rows = parse(await readFile(input, 'utf8'), { skip_empty_lines: true, trim: true, bom: true, relax_column_count: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    const header = rows.length > 0 && rows[0]!.record.some((c) => c === '' || !Number.isFinite(Number(c))) ? 1 : 0;
    if (rows.length === header) throw new Error(`CSV file '${input}' has no rows of feature values`);
    return rows.slice(header).map(({ record: r, info: { lines: line } }) => {
      const values = r.map(Number);
      if (values.length !== size || values.some((v, j) => !Number.isFinite(v) || r[j] === '')) throw new Error(`CSV file '${input}' line ${line} must hold ${size} numbers (${what}); it has '${r.join(',')}'`);
      return { label: `${input}:${line}`, x: encode(values) };
    });
  }
  return [{ label: input, x: encode(parseNumbers(input, size, what)) }];
}

function predictOne(tf: UsedBackend['tf'], model: tfjs.LayersModel, pre: Preprocessing, x: Float32Array | Int32Array): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor(x, [1, ...pre.inputShape], pre.inputDtype)) as tfjs.Tensor).dataSync() as Float32Array);
}

/** Character-level generation: greedily extends the prompt one character at a time. */
function generate(tf: UsedBackend['tf'], model: tfjs.LayersModel, pre: Preprocessing, prompt: string): Prediction {
  const chars = pre.chars!;
  const L = chars.sequenceLength;
  const V = chars.chars.length;
  const index = charIndex(chars.chars);
  const isNames = pre.source === 'builtin:names';
  let text = isNames ? `.${prompt.toLowerCase()}` : prompt;
  const start = text.length;
  let next: { char: string; probability: number }[] = [];
  for (let step = 0; step < (isNames ? L : 80); step++) {
    const window = [...text].slice(-L).join('');
    const x = new Int32Array(L);
    encodeChars(window, chars, x, 0, L, index);
    const probs = predictOne(tf, model, pre, x);
    const pos = Math.min([...window].length, L) - 1;
    const row = Array.from(probs.subarray(pos * V, (pos + 1) * V));
    row[0] = 0; // never emit padding
    const ranked = row.map((p, i) => ({ char: chars.chars[i]!, probability: p })).sort((a, b) => b.probability - a.probability);
    if (step === 0) next = ranked.slice(0, 5);
    const best = ranked[0]!;
    if (isNames && best.char === '.') break;
    text += best.char;
    if (isNames && [...text].length >= L) break;
  }
  return { input: prompt, kind: 'text', continuation: text.slice(start), next };
}

/** Predictions of a run folder's model for image paths, CSV rows or files, or text. */
export async function predictRun(dir: string, inputs: string[], options: { backend?: string } = {}): Promise<Prediction[]> {
  const { tf } = await useBackend(options.backend ?? 'auto');
  const run = await loadRun(dir, tf);
  try {
    const pre = run.preprocessing;
    if (!pre) throw new Error(`run folder '${dir}' has no preprocessing.json, so inputs cannot be encoded the way the model was trained`);
    const results: Prediction[] = [];
    for (const input of inputs) {
      if (pre.chars) {
        results.push(generate(tf, run.model, pre, input));
        continue;
      }
      for (const { label, x } of await encodeInput(pre, input)) {
        const out = Array.from(predictOne(tf, run.model, pre, x));
        if (pre.task === 'classification' && pre.classNames) {
          const probs = out.length === 1 && pre.classNames.length === 2 ? [1 - out[0]!, out[0]!] : out;
          const top = probs.map((p, i) => ({ label: pre.classNames![i] ?? String(i), probability: p })).sort((a, b) => b.probability - a.probability);
          results.push({ input: label, kind: 'class', label: top[0]!.label, probability: top[0]!.probability, top: top.slice(0, 5) });
        } else results.push({ input: label, kind: 'values', values: out });
      }
    }
    return results;
  } finally {
    run.model.dispose();
  }
}
