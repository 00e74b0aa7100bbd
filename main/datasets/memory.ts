import { sizeOf, type Batch, type BatchOptions, type Dataset, type DatasetInfo, type Preprocessing, type Split } from './types.js';

/** A small fast seeded generator (mulberry32): same seed, same sequence, on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle in place with a seeded generator. */
export function shuffleInPlace<T>(items: T[] | Int32Array, random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}

/** How many of `n` samples go to validation. */
export function validationCount(n: number, split: number): number {
  if (split <= 0 || n < 2) return 0;
  return Math.min(n - 1, Math.max(1, Math.round(n * split)));
}

/** Options shared by every dataset opener. */
export interface SplitOptions {
  validationSplit: number;
  seed: number;
  /** Use at most this many training samples (validation shrinks in proportion). */
  limit?: number;
}

/** Splits sample indices 0..n-1 into train and validation, reproducibly for a seed. */
export function splitIndices(n: number, options: SplitOptions): { train: Int32Array; validation: Int32Array } {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleInPlace(order, seededRandom(options.seed ^ 0x5eed));
  const nVal = validationCount(n, options.validationSplit);
  let train = order.subarray(nVal);
  let validation = order.subarray(0, nVal);
  if (options.limit !== undefined && options.limit < train.length) {
    const valLimit = Math.max(nVal > 0 ? 1 : 0, Math.ceil((options.limit * options.validationSplit) / Math.max(1e-9, 1 - options.validationSplit)));
    train = train.subarray(0, options.limit);
    validation = validation.subarray(0, Math.min(validation.length, valLimit));
  }
  return { train: train.slice(), validation: validation.slice() };
}

/** Yields batches of the given sample indices; `get` copies one sample's input and target into the batch arrays. */
export async function* indexBatches(
  indices: Int32Array,
  options: BatchOptions,
  seed: number,
  inputSize: number,
  targetSize: number,
  inputDtype: 'float32' | 'int32',
  get: (index: number, x: Float32Array | Int32Array, xOffset: number, y: Float32Array, yOffset: number) => void | Promise<void>,
): AsyncIterableIterator<Batch> {
  const order = indices.slice();
  if (options.shuffle) shuffleInPlace(order, seededRandom(seed + 7919 * ((options.epoch ?? 0) + 1)));
  const bs = Math.max(1, options.batchSize);
  for (let start = 0; start < order.length; start += bs) {
    const size = Math.min(bs, order.length - start);
    const x = inputDtype === 'int32' ? new Int32Array(size * inputSize) : new Float32Array(size * inputSize);
    const y = new Float32Array(size * targetSize);
    for (let i = 0; i < size; i++) {
      // In-memory datasets copy synchronously; awaiting their undefined would cost a microtask per sample.
      const pending = get(order[start + i]!, x, i * inputSize, y, i * targetSize);
      if (pending) await pending;
    }
    yield { x, y, size };
  }
}

/** A dataset held in memory as two flat arrays. */
export function arrayDataset(
  info: Omit<DatasetInfo, 'trainSamples' | 'validationSamples'>,
  preprocessing: Preprocessing,
  x: Float32Array | Int32Array,
  y: Float32Array,
  options: SplitOptions,
): Dataset {
  const inputSize = sizeOf(info.inputShape);
  const targetSize = sizeOf(info.targetShape);
  const n = Math.floor(x.length / inputSize);
  const split = splitIndices(n, options);
  return {
    info: { ...info, trainSamples: split.train.length, validationSamples: split.validation.length },
    preprocessing,
    batches(which: Split, batchOptions: BatchOptions) {
      return indexBatches(which === 'train' ? split.train : split.validation, batchOptions, options.seed, inputSize, targetSize, info.inputDtype, (i, bx, xo, by, yo) => {
        bx.set(x.subarray(i * inputSize, (i + 1) * inputSize), xo);
        by.set(y.subarray(i * targetSize, (i + 1) * targetSize), yo);
      });
    },
  };
}
