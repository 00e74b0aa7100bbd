// Datasets are plain data (typed arrays), never tensors: only main/training touches TensorFlow.js,
// so the host can describe and check datasets without loading it.

/** What a dataset's targets mean, which decides the losses that fit it. */
export type TaskKind = 'classification' | 'regression' | 'languageModel' | 'reconstruction';

/** Which part of the data a batch stream walks. */
export type Split = 'train' | 'validation';

/** A dataset describing itself, enough to check it against a graph before training. */
export interface DatasetInfo {
  /** Short name used in messages: 'iris', 'data.csv', 'photos/'. */
  name: string;
  task: TaskKind;
  /** Shape of one input sample, without the batch axis. */
  inputShape: number[];
  inputDtype: 'float32' | 'int32';
  /** Shape of one target before label encoding: [] for one class id or [16] for a sequence of ids; real values otherwise. */
  targetShape: number[];
  /** Class names (classification) or null. */
  classNames: string[] | null;
  /** Vocabulary size for token inputs and language-model targets, else null. */
  vocabSize: number | null;
  trainSamples: number;
  validationSamples: number;
}

/** One batch: row-major samples laid end to end. */
export interface Batch {
  /** `size × product(inputShape)` values. */
  x: Float32Array | Int32Array;
  /** `size × product(targetShape)` values; class ids for classification and language models. */
  y: Float32Array;
  size: number;
}

/** Options for one pass over a split. */
export interface BatchOptions {
  batchSize: number;
  /** Shuffle the order (training); seeded by the dataset seed and the epoch so runs repeat. */
  shuffle?: boolean;
  epoch?: number;
}

/** Everything needed to encode new inputs the way the model was trained: saved with each run as preprocessing.json. */
export interface Preprocessing {
  /** The dataset kind this came from ('builtin:iris', 'csv', 'images', 'text', 'csvText', ...). */
  source: string;
  task: TaskKind;
  inputShape: number[];
  inputDtype: 'float32' | 'int32';
  targetShape: number[];
  classNames: string[] | null;
  /** Feature columns of a CSV: numeric ones standardised with mean/std, categorical ones one-hot over `values`. */
  columns?: ({ name: string; kind: 'numeric'; mean: number; std: number } | { name: string; kind: 'categorical'; values: string[] })[];
  /** Target column of a CSV, and its kind; `oneHotColumns` when the class was given as one 0/1 column per class. */
  target?: { name: string; kind: 'categorical' | 'numeric'; mean?: number; std?: number; oneHotColumns?: string[] };
  /** Word tokenizer: `tokens[i]` has id i + 2 (0 = padding, 1 = out of vocabulary). */
  words?: { tokens: string[]; sequenceLength: number; lowercase: boolean };
  /** Character vocabulary: `chars[i]` has id i (id 0 is padding, its entry is ''). */
  chars?: { chars: string[]; sequenceLength: number; unknownId: number };
  /** Images: resized to height × width with this many channels, scaled to [0, 1]. */
  image?: { height: number; width: number; channels: 1 | 3 };
  /** Scaled values: x' = (x - mean) / std per feature (iris). */
  standardize?: { mean: number[]; std: number[] };
}

/** A dataset ready to stream: describes itself and yields batches. */
export interface Dataset {
  info: DatasetInfo;
  preprocessing: Preprocessing;
  batches(split: Split, options: BatchOptions): AsyncIterableIterator<Batch>;
}

/** A problem with a dataset reference or its files, worded for the user. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

/** Number of values in one sample of this shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
