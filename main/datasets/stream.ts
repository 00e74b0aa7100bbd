import { seededRandom, type SplitOptions } from './memory.js';
import { sizeOf, type Batch, type BatchOptions, type Dataset, type DatasetInfo, type Preprocessing, type Split } from './types.js';

/** One encoded sample. */
export interface Sample {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** Whether sample number `index` of a file belongs to the validation split: a seeded coin per row, so files are never held whole. */
export function isValidationRow(index: number, options: SplitOptions): boolean {
  if (options.validationSplit <= 0) return false;
  const r = seededRandom((options.seed * 2654435761) ^ Math.imul(index + 1, 0x9e3779b1))();
  return r < options.validationSplit;
}

/** Training and validation counts after applying the `limit` option. */
export function limitedCounts(train: number, validation: number, options: SplitOptions): { train: number; validation: number } {
  if (options.limit === undefined || options.limit >= train) return { train, validation };
  const v = Math.ceil((options.limit * options.validationSplit) / Math.max(1e-9, 1 - options.validationSplit));
  return { train: options.limit, validation: Math.min(validation, validation > 0 ? Math.max(1, v) : 0) };
}

// The shuffle buffer is bounded by memory rather than count: small rows (most CSVs) then shuffle
// across the whole file up to millions of rows, while big samples still keep memory flat.
const SHUFFLE_BUFFER_BYTES = 64 * 1024 * 1024;

/**
 * A dataset read from files on every pass: `samples(split)` yields that split's encoded samples in
 * file order; training passes are shuffled through a buffer bounded to 64 MB so memory stays flat.
 */
export function streamingDataset(info: DatasetInfo, preprocessing: Preprocessing, seed: number, samples: (split: Split) => AsyncIterable<Sample>): Dataset {
  const inputSize = sizeOf(info.inputShape);
  const targetSize = sizeOf(info.targetShape);
  const bufferSamples = Math.max(1024, Math.floor(SHUFFLE_BUFFER_BYTES / ((inputSize + targetSize) * 8)));
  return {
    info,
    preprocessing,
    async *batches(split: Split, options: BatchOptions): AsyncIterableIterator<Batch> {
      const max = split === 'train' ? info.trainSamples : info.validationSamples;
      const bs = Math.max(1, options.batchSize);
      const random = seededRandom(seed + 104729 * ((options.epoch ?? 0) + 1));
      const buffer: Sample[] = [];
      let pending: Sample[] = [];
      const flush = (): Batch => {
        const size = pending.length;
        const x = info.inputDtype === 'int32' ? new Int32Array(size * inputSize) : new Float32Array(size * inputSize);
        const y = new Float32Array(size * targetSize);
        pending.forEach((s, i) => {
          x.set(s.x, i * inputSize);
          y.set(s.y, i * targetSize);
        });
        pending = [];
        return { x, y, size };
      };
      let taken = 0;
      for await (const s of samples(split)) {
        if (taken++ >= max) break;
        if (!options.shuffle) pending.push(s);
        else if (buffer.length < bufferSamples) buffer.push(s);
        else {
          const j = Math.floor(random() * buffer.length);
          pending.push(buffer[j]!);
          buffer[j] = s;
        }
        if (pending.length === bs) yield flush();
      }
      while (buffer.length) {
        const j = Math.floor(random() * buffer.length);
        pending.push(buffer[j]!);
        buffer[j] = buffer[buffer.length - 1]!;
        buffer.pop();
        if (pending.length === bs) yield flush();
      }
      if (pending.length) yield flush();
    },
  };
}
