import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { StartCommand } from '../../graph/api/training.js';
import { loadGraph, serializeGraph, type DatasetRef, type Graph, type TrainingSettings } from '../../graph/document.js';
import { registerCustomLayers, type Tf } from '../../graph/tfjs/all.js';
import type { Dataset, Preprocessing } from '../datasets/types.js';
import { writeFileAtomic } from '../host/atomic-write.js';

// A run folder:
//   model.json + weights.bin   standard tfjs layers-model format (tf.loadLayersModel)
//   graph.tlgraph              the graph as trained
//   settings.json              training settings, dataset reference, backend
//   preprocessing.json         vocabulary, class names, normalisation stats
//   metrics.csv                one row per epoch
//   summary.json               status, backend, device, durations, best/final metrics, confusion matrix

/** Validation predictions kept for the training view (sample grid, predicted vs actual); read by the host. */
export const VALIDATION_FILE = 'validation-predictions.json';

/** Contents of VALIDATION_FILE: inputs are preprocessed values, labels are class ids or target values. */
export interface ValidationPredictions {
  samples: { x: number[]; predicted: number; actual: number }[];
  regression: { predicted: number[]; actual: number[] } | null;
}

/** File names inside a run folder. */
export const RUN_FILES = { model: 'model.json', weights: 'weights.bin', graph: 'graph.tlgraph', settings: 'settings.json', preprocessing: 'preprocessing.json', metrics: 'metrics.csv', summary: 'summary.json' } as const;

/** settings.json: what the run was asked to do. */
export interface RunSettings {
  runId: string;
  training: TrainingSettings;
  dataset: DatasetRef;
  /** Folder relative dataset paths were resolved against. */
  baseDir: string | null;
  backend: string;
  limit: number | null;
}

/** summary.json: how the run went. */
export interface RunSummary {
  runId: string;
  graphName: string;
  status: 'completed' | 'stopped' | 'failed';
  reason: string | null;
  backend: string | null;
  device: string | null;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Time spent in the epoch loop (training + validation). */
  trainingMs: number;
  /** CPU time of the training process over the same span (user + system): steadier than wall time on a busy machine. */
  trainingCpuMs: number;
  epochsCompleted: number;
  /** Training batches run, across epochs (a stopped run shows how far it got). */
  batchesCompleted: number;
  paramCount: number | null;
  trainSamples: number | null;
  validationSamples: number | null;
  bestEpoch: number | null;
  bestMetrics: Record<string, number | null> | null;
  finalMetrics: Record<string, number | null> | null;
  /** Classification only: rows are true classes, columns predicted, on the validation split. */
  confusionMatrix: { classNames: string[]; matrix: number[][] } | null;
  /** True when model.json holds weights of the best epoch rather than the last. */
  restoredBestWeights: boolean;
}

/** One row of metrics.csv. */
export interface EpochRecord {
  epoch: number;
  durationMs: number;
  metrics: Record<string, number | null>;
}

/**
 * Writes model.json + weights.bin with a save handler (tfjs' file:// handler needs tfjs-node). Each file is
 * replaced atomically, weights first: model.json is the same at every checkpoint of a run (topology and weight
 * specs do not change), so a process killed at any point leaves a consistent, loadable pair.
 */
export async function saveModel(tf: Tf, model: tfjs.LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.concatenateArrayBuffers(artifacts.weightData);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        weightsManifest: [{ paths: [`./${RUN_FILES.weights}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFileAtomic(join(dir, RUN_FILES.weights), new Uint8Array(weightData));
      await writeFileAtomic(join(dir, RUN_FILES.model), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightData.byteLength } };
    }),
  );
}

/** Writes the graph as trained, settings.json and preprocessing.json: what evaluate and predict need besides the weights. */
export async function writeRunMetadata(cmd: StartCommand, dataset: Dataset): Promise<void> {
  const settings: RunSettings = { runId: cmd.runId, training: cmd.training, dataset: cmd.dataset, baseDir: cmd.baseDir, backend: cmd.backend, limit: cmd.limit ?? null };
  await writeFileAtomic(join(cmd.outDir, RUN_FILES.graph), serializeGraph({ ...cmd.graph, training: cmd.training }));
  await writeFileAtomic(join(cmd.outDir, RUN_FILES.settings), `${JSON.stringify(settings, null, 2)}\n`);
  await writeFileAtomic(join(cmd.outDir, RUN_FILES.preprocessing), `${JSON.stringify(dataset.preprocessing)}\n`);
}

/** Reads a run's model.json and weights as tfjs model artifacts (for `tf.io.fromMemory`). */
export async function readModelArtifacts(dir: string): Promise<tfjs.io.ModelArtifacts> {
  let json: { modelTopology: object; weightsManifest: { paths: string[]; weights: tfjs.io.WeightsManifestEntry[] }[] };
  try {
    json = JSON.parse(await readFile(join(dir, RUN_FILES.model), 'utf8'));
  } catch (e) {
    throw new Error(`run folder '${dir}' has no readable ${RUN_FILES.model} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); a run saves its model at the end of each epoch, so this one ended before its first epoch did`);
  }
  const buffers: Uint8Array[] = [];
  const weightSpecs: tfjs.io.WeightsManifestEntry[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths) buffers.push(await readFile(join(dir, p)));
    weightSpecs.push(...group.weights);
  }
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  return { modelTopology: json.modelTopology, weightSpecs, weightData: weightData.buffer };
}

/** Everything a run folder says about the run, without loading the model. */
export interface RunMetadata {
  dir: string;
  settings: RunSettings;
  preprocessing: Preprocessing | null;
  summary: RunSummary | null;
  graph: Graph | null;
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Reads settings, preprocessing, summary and graph of a run folder. */
export async function readRunMetadata(dir: string): Promise<RunMetadata> {
  const settings = await readJson<RunSettings>(join(dir, RUN_FILES.settings));
  if (!settings) throw new Error(`'${dir}' is not a Tensorloom run folder: it has no readable ${RUN_FILES.settings}`);
  let graph: Graph | null = null;
  try {
    const loaded = loadGraph(await readFile(join(dir, RUN_FILES.graph), 'utf8'));
    if (loaded.ok) graph = loaded.graph;
  } catch {
    graph = null;
  }
  return { dir, settings, preprocessing: await readJson<Preprocessing>(join(dir, RUN_FILES.preprocessing)), summary: await readJson<RunSummary>(join(dir, RUN_FILES.summary)), graph };
}

/** A run loaded for evaluate and predict. */
export interface LoadedRun extends RunMetadata {
  model: tfjs.LayersModel;
}

/** Loads a run's model (custom layers registered first) and metadata. The caller disposes `model`. */
export async function loadRun(dir: string, tf: Tf): Promise<LoadedRun> {
  const meta = await readRunMetadata(dir);
  registerCustomLayers(tf);
  const model = await tf.loadLayersModel(tf.io.fromMemory(await readModelArtifacts(dir)));
  return { ...meta, model };
}

/** metrics.csv text: epoch, every metric column (union over epochs, in first-seen order), duration. */
export function metricsCsv(history: EpochRecord[]): string {
  const keys: string[] = [];
  for (const h of history) for (const k of Object.keys(h.metrics)) if (!keys.includes(k)) keys.push(k);
  const lines = [['epoch', ...keys, 'duration_ms'].join(',')];
  for (const h of history) lines.push([h.epoch, ...keys.map((k) => h.metrics[k] ?? ''), Math.round(h.durationMs)].join(','));
  return `${lines.join('\n')}\n`;
}
