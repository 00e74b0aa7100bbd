import { z } from 'zod';
import { BACKENDS, DatasetRefSchema, GraphSchema, TrainingSchema } from '../document.js';

// The training protocol: commands to the training process and the events it streams back.
// The CLI's `--json` output prints these events one per line; the host API forwards them to the UI.

/** Metric values by Keras/tfjs log name (`loss`, `acc`, `val_loss`, `val_acc`, ...). */
export const MetricsSchema = z.record(z.string(), z.number().nullable());

/** Starts a run. */
export const StartCommandSchema = z
  .object({
    type: z.literal('start'),
    runId: z.string().min(1),
    graph: GraphSchema,
    /** Settings for this run (defaults to the graph's own). */
    training: TrainingSchema,
    dataset: DatasetRefSchema,
    /** Folder the graph file lives in, to resolve relative dataset paths; null for unsaved graphs. */
    baseDir: z.string().nullable(),
    backend: z.enum(BACKENDS),
    /** Where the run writes its artifacts. */
    outDir: z.string().min(1),
    /** Use only this many training samples (tests and quick trials). */
    limit: z.number().int().positive().optional(),
  })
  .strict();

/** Commands the host sends to the training process. */
export const TrainingCommandSchema = z.discriminatedUnion('type', [
  StartCommandSchema,
  z.object({ type: z.literal('stop') }).strict(),
  z.object({ type: z.literal('pause') }).strict(),
  z.object({ type: z.literal('resume') }).strict(),
]);

const base = { runId: z.string(), time: z.number() };

/** The run has compiled its model and loaded data; training is about to begin. */
export const RunStartedEventSchema = z.object({
  type: z.literal('runStarted'),
  ...base,
  backend: z.string(),
  device: z.string(),
  /** Why faster backends were not used, one line each. */
  backendNotes: z.array(z.string()),
  paramCount: z.number().int(),
  samplesPerEpoch: z.number().int(),
  validationSamples: z.number().int(),
  batchesPerEpoch: z.number().int(),
  epochs: z.number().int(),
  batchSize: z.number().int(),
});

/** One batch finished (throttled: about 20 per second at most, the last batch of each epoch always sent). */
export const BatchEventSchema = z.object({
  type: z.literal('batch'),
  ...base,
  epoch: z.number().int(),
  batch: z.number().int(),
  /** Batches finished since the run began, across epochs; the x axis of per-batch charts. */
  step: z.number().int(),
  loss: z.number().nullable(),
  metrics: MetricsSchema,
  samplesPerSecond: z.number(),
});

/** One epoch finished; never dropped. */
export const EpochEventSchema = z.object({
  type: z.literal('epoch'),
  ...base,
  epoch: z.number().int(),
  loss: z.number().nullable(),
  /** Training and validation values as in Keras' epoch logs: `loss` (also given above), `acc`, `val_loss`, `val_acc`, ... */
  metrics: MetricsSchema,
  durationMs: z.number(),
});

/**
 * Weights were saved to `path` (model.json), atomically: at every epoch end (the latest weights, or the best so
 * far when early stopping restores best weights) and once more when the run ends. `epoch` is the epoch they are from.
 */
export const CheckpointEventSchema = z.object({ type: z.literal('checkpoint'), ...base, epoch: z.number().int(), path: z.string(), reason: z.string() });

/** Informational or warning text for the user. */
export const LogEventSchema = z.object({ type: z.enum(['log', 'warning']), ...base, message: z.string() });

/** The run ended. */
export const RunFinishedEventSchema = z.object({
  type: z.literal('runFinished'),
  ...base,
  status: z.enum(['completed', 'stopped', 'failed']),
  /** User-readable reason when failed. */
  reason: z.string().nullable(),
  bestEpoch: z.number().int().nullable(),
  bestMetrics: MetricsSchema.nullable(),
  finalMetrics: MetricsSchema.nullable(),
  /** Folder holding model.json, weights, metrics.csv and summary.json; null if nothing was written. */
  artifactDir: z.string().nullable(),
  durationMs: z.number(),
});

/** Every event the training process emits. */
export const TrainingEventSchema = z.discriminatedUnion('type', [
  RunStartedEventSchema,
  BatchEventSchema,
  EpochEventSchema,
  CheckpointEventSchema,
  LogEventSchema,
  RunFinishedEventSchema,
]);

/** A command to the training process. */
export type TrainingCommand = z.infer<typeof TrainingCommandSchema>;
/** The start command. */
export type StartCommand = z.infer<typeof StartCommandSchema>;
/** An event from the training process. */
export type TrainingEvent = z.infer<typeof TrainingEventSchema>;
/** The runStarted event. */
export type RunStartedEvent = z.infer<typeof RunStartedEventSchema>;
/** A batch event. */
export type BatchEvent = z.infer<typeof BatchEventSchema>;
/** An epoch event. */
export type EpochEvent = z.infer<typeof EpochEventSchema>;
/** The runFinished event. */
export type RunFinishedEvent = z.infer<typeof RunFinishedEventSchema>;
