import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { StartCommand, TrainingEvent, RunFinishedEvent } from '../../graph/api/training.js';
import { applyLossWeights, compileArgs, compileGraph, CompileError, type CompiledGraph } from '../../graph/compile.js';
import type { Tf } from '../../graph/tfjs/all.js';
import { asReconstruction, checkCompatibility, wantsReconstruction } from '../datasets/compat.js';
import { openDataset } from '../datasets/index.js';
import { seededRandom } from '../datasets/memory.js';
import { DatasetError, type Batch, type Dataset, type DatasetInfo } from '../datasets/types.js';
import { writeFileAtomic } from '../host/atomic-write.js';
import { metricsCsv, RUN_FILES, saveModel, VALIDATION_FILE, writeRunMetadata, type EpochRecord, type RunSummary, type ValidationPredictions } from './artifacts.js';
import { lossAndMetrics } from './losses.js';

/** The backend a run trains on. */
export interface UsedBackend {
  tf: Tf;
  backend: string;
  device: string;
  notes: string[];
}

/** Stop and pause requests, set by the worker from commands; read by the loop between batches. */
export class RunControl {
  stopRequested = false;
  private pausedWith: { promise: Promise<void>; resolve: () => void } | null = null;

  stop(): void {
    this.stopRequested = true;
    this.resume();
  }

  pause(): void {
    if (this.pausedWith || this.stopRequested) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.pausedWith = { promise, resolve };
  }

  resume(): void {
    const p = this.pausedWith;
    this.pausedWith = null;
    p?.resolve();
  }

  get paused(): boolean {
    return this.pausedWith !== null;
  }

  /** Resolves at once when running, or when resumed or stopped. */
  async waitWhilePaused(): Promise<void> {
    while (this.pausedWith) await this.pausedWith.promise;
  }
}

/** What the training loop needs from its host process. */
export interface TrainingHooks {
  emit(event: TrainingEvent): void;
  control?: RunControl;
  /** Chooses and activates the backend; defaults to main/training/backends.ts. */
  selectBackend?: (preference: StartCommand['backend']) => Promise<UsedBackend>;
  /** Called with the trained model just before it is saved and disposed (tests compare its predictions with the saved one). */
  afterTraining?: (model: tfjs.LayersModel, tf: Tf) => void | Promise<void>;
  /** Minimum time between batch events (default 50 ms: at most about 20 per second). */
  batchEventIntervalMs?: number;
}

/** A run that stopped itself with a message for the user (NaN loss, bad data). */
class RunFailure extends Error {}

async function defaultSelectBackend(preference: StartCommand['backend']): Promise<UsedBackend> {
  const { selectBackend } = await import('./backends.js');
  return selectBackend(preference);
}

/** An event without the fields every event shares. */
type EventBody = TrainingEvent extends infer E ? (E extends TrainingEvent ? Omit<E, 'runId' | 'time'> : never) : never;

/** How integer class labels become the tensors a loss expects. */
export type TargetEncoding = { kind: 'oneHot'; depth: number } | { kind: 'sparse' } | { kind: 'binary' } | { kind: 'real' };

export function targetEncoding(loss: string, info: DatasetInfo): TargetEncoding {
  // Language models train with the padding-masked loss of losses.ts, a function: tfjs then checks targets against
  // the full output shape (its sparse shortcut applies to its own sparse loss only), so they go one-hot.
  if (info.task === 'languageModel' && (loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy')) return { kind: 'oneHot', depth: info.vocabSize ?? 0 };
  if (info.task === 'classification' || info.task === 'languageModel') {
    if (loss === 'categoricalCrossentropy') return { kind: 'oneHot', depth: info.task === 'languageModel' ? (info.vocabSize ?? 0) : (info.classNames?.length ?? 0) };
    if (loss === 'sparseCategoricalCrossentropy') return { kind: 'sparse' };
    if (loss === 'binaryCrossentropy') return { kind: 'binary' };
  }
  return { kind: 'real' };
}

export function batchTensors(tf: Tf, batch: Batch, info: DatasetInfo, enc: TargetEncoding): { x: tfjs.Tensor; y: tfjs.Tensor } {
  const x = tf.tensor(batch.x, [batch.size, ...info.inputShape], info.inputDtype);
  const t = info.targetShape;
  let y: tfjs.Tensor;
  switch (enc.kind) {
    case 'oneHot':
      y = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(batch.y), 'int32'), enc.depth).reshape([batch.size, ...t, enc.depth]).toFloat());
      break;
    case 'sparse':
      // tfjs checks sparse targets against the output shape with its last axis set to 1.
      y = tf.tensor(batch.y, [batch.size, ...t, 1]);
      break;
    case 'binary':
      y = tf.tensor(batch.y, [batch.size, 1]);
      break;
    case 'real':
      y = tf.tensor(batch.y, [batch.size, ...t]);
  }
  return { x, y };
}

const asArray = (v: number | number[] | tfjs.Scalar | tfjs.Scalar[]): (number | tfjs.Scalar)[] => (Array.isArray(v) ? v : [v]);
const nextTick = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * The tfjs log name for a monitor written the Keras way: Keras logs metric 'accuracy' as 'accuracy' /
 * 'val_accuracy' (and '<output>_accuracy'), tfjs as 'acc' / 'val_acc'. None of our metrics logs a name
 * ending in 'accuracy', so the rewrite cannot hide a real log.
 */
export function tfjsMonitorName(monitor: string): string {
  return monitor.replace(/(^|_)accuracy$/, '$1acc');
}

/** Whether a bigger value of this metric is better (accuracy and friends) or smaller (losses, errors). */
function higherIsBetter(monitor: string): boolean {
  return /acc|precision|recall/i.test(monitor);
}

/**
 * A number as people write it: 1e+29 rather than 1.0000000000000001e+29, 1e+12 rather than 1000000000000,
 * 0.0003 rather than 0.00030000000000000003.
 */
export function formatNumber(x: number): string {
  const rounded = Number(x.toPrecision(6));
  return Math.abs(rounded) >= 1e6 ? rounded.toExponential().replace(/\.?0+e/, 'e') : String(rounded);
}

/**
 * Sum of every trainable weight, a non-finite number when any weight is NaN or infinite. One small reduction
 * with every batch event: a diverged classifier can report a finite loss (crossentropy clips NaN predictions on wasm) while
 * its weights are already NaN, so the loss alone does not catch it.
 */
function weightChecksum(tf: Tf, model: tfjs.LayersModel): number {
  const weights = model.trainableWeights;
  if (weights.length === 0) return 0;
  const sum = tf.tidy(() => tf.addN(weights.map((w) => tf.sum(w.read()))));
  const v = sum.dataSync()[0]!;
  sum.dispose();
  return v;
}

function divergedMessage(what: string, value: number, epoch: number, batch: number, lr: number, detail = ''): string {
  return `${what} became ${Number.isNaN(value) ? 'NaN' : 'infinite'} at epoch ${epoch}, batch ${batch}${detail}; training diverged. Lower the learning rate (now ${formatNumber(lr)}, try ${formatNumber(lr / 10)}), check the data for missing or huge values, or use a loss that matches the output activation`;
}

/**
 * Keras' EarlyStopping (keras/src/callbacks/early_stopping.py) on our logs: an epoch improves when it beats the
 * best by more than minDelta; every other epoch adds one to `wait`, and training stops once `wait` reaches
 * `patience` (never after the first epoch). The best epoch is tracked whether or not stopping is enabled.
 */
export class EarlyStopping {
  best: number | null = null;
  bestEpoch: number | null = null;
  wait = 0;

  constructor(
    readonly monitor: string,
    private readonly minDelta: number,
    private readonly patience: number,
    private readonly higher = higherIsBetter(monitor),
  ) {}

  /** Folds in one epoch's monitored value; returns whether it improved and whether training should stop. */
  update(epoch: number, value: number): { improved: boolean; stop: boolean } {
    this.wait++;
    // NaN compares false both ways, so a NaN epoch is never an improvement, as in Keras.
    const improved = this.best === null ? !Number.isNaN(value) : this.higher ? value - this.minDelta > this.best : value + this.minDelta < this.best;
    if (improved) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      return { improved, stop: false };
    }
    return { improved, stop: this.wait >= this.patience && epoch > 1 };
  }
}

/**
 * Runs one training run start to finish in this process: opens and checks the dataset, compiles the
 * graph, trains with events, writes the artifacts. Never throws: every failure becomes a
 * `runFinished` event with status 'failed' and a reason, which is also the return value.
 *
 * The run folder is created once training starts (a run refused by its data check leaves nothing behind);
 * from then on it always holds a loadable model: a checkpoint is written at every epoch end, atomically.
 */
export async function runTraining(cmd: StartCommand, hooks: TrainingHooks): Promise<RunFinishedEvent> {
  const started = Date.now();
  const control = hooks.control ?? new RunControl();
  const interval = hooks.batchEventIntervalMs ?? 50;
  const training = cmd.training;
  const send = (e: EventBody): void => hooks.emit({ ...e, runId: cmd.runId, time: Date.now() } as TrainingEvent);
  const history: EpochRecord[] = [];
  let info: DatasetInfo | null = null;
  let dataset: Dataset | null = null;
  let used: UsedBackend | null = null;
  let model: tfjs.LayersModel | null = null;
  let bestWeights: tfjs.Tensor[] | null = null;
  let bestEpoch: number | null = null;
  let bestMetrics: Record<string, number | null> | null = null;
  let paramCount: number | null = null;
  let status: RunFinishedEvent['status'] = 'completed';
  let reason: string | null = null;
  let trainingMs = 0;
  let trainingCpuMs = 0;
  let batchesCompleted = 0;
  let restoredBest = false;
  let folder: string | null = null;
  let where = '';
  let confusion: RunSummary['confusionMatrix'] = null;
  const validationSamples: ValidationPredictions['samples'] = [];
  let regression: ValidationPredictions['regression'] = null;
  const realRandom = Math.random;

  try {
    // 1. Data, and its fit with the graph, before anything slow.
    try {
      const input = cmd.graph.nodes.find((n) => n.type === 'Input');
      const inputShape = Array.isArray(input?.params.shape) ? (input.params.shape as number[]) : undefined;
      dataset = await openDataset(cmd.dataset, { baseDir: cmd.baseDir, validationSplit: training.validationSplit, seed: training.seed, ...(inputShape ? { inputShape } : {}), ...(cmd.limit !== undefined ? { limit: cmd.limit } : {}) });
    } catch (e) {
      throw new RunFailure(e instanceof DatasetError ? e.message : `could not read the dataset: ${(e as Error).message}`);
    }
    if (wantsReconstruction(cmd.graph, dataset.info)) {
      dataset = asReconstruction(dataset);
      send({ type: 'log', message: `the Output has the Input's shape and a regression loss, so each sample is its own target (autoencoder)` });
    }
    info = dataset.info;
    const oneHot = dataset.preprocessing.target?.oneHotColumns;
    if (oneHot) send({ type: 'log', message: `the target columns ${oneHot.join(', ')} are one-hot: read as one class label (${info.classNames!.join(', ')}), and not used as features` });
    const issues = checkCompatibility(cmd.graph, info);
    const errors = issues.filter((i) => i.severity === 'error');
    for (const w of issues.filter((i) => i.severity === 'warning')) send({ type: 'warning', message: w.message });
    if (errors.length) throw new RunFailure(errors.map((e) => e.message).join('\n'));
    if (info.trainSamples === 0) throw new RunFailure(`dataset '${info.name}' has no training samples`);

    // 2. Backend and model. A seeded Math.random makes tfjs' initialisers and dropout repeatable.
    used = await (hooks.selectBackend ?? defaultSelectBackend)(cmd.backend);
    const tf = used.tf;
    Math.random = seededRandom(training.seed);
    // tfjs' LSTM unitForgetBias initializer leaves its intermediate tensors behind at build time; weights are
    // variables, which a tidy keeps. The optimizer is made outside it: momentum keeps a plain scalar tensor.
    let built: CompiledGraph | null = null;
    tf.tidy(() => void (built = compileGraph(cmd.graph, tf, { training, compile: false })));
    const compiled = built as unknown as CompiledGraph;
    model = compiled.model;
    const output = compiled.outputs[0]!;
    model.compile({ ...compileArgs(tf, compiled.outputs, training), ...lossAndMetrics(tf, output.loss, output.metrics, info) });
    applyLossWeights(tf, model, compiled.outputs);
    paramCount = model.countParams();
    const enc = targetEncoding(output.loss, info);
    const names = model.metricsNames;
    const batchSize = training.batchSize;
    const batchesPerEpoch = Math.ceil(info.trainSamples / batchSize);
    send({
      type: 'runStarted',
      backend: used.backend,
      device: used.device,
      backendNotes: used.notes,
      paramCount,
      samplesPerEpoch: info.trainSamples,
      validationSamples: info.validationSamples,
      batchesPerEpoch,
      epochs: training.epochs,
      batchSize,
    });

    // 3. The run folder, with what evaluate and predict need besides the weights, so a killed run is usable.
    await mkdir(cmd.outDir, { recursive: true });
    folder = cmd.outDir;
    await writeRunMetadata(cmd, dataset);

    const es = training.earlyStopping;
    let monitor = tfjsMonitorName(es.monitor);
    if (info.validationSamples === 0 && monitor.startsWith('val_')) {
      if (es.enabled) send({ type: 'warning', message: `early stopping monitors '${monitor}' but there is no validation split (validationSplit is 0); monitoring '${monitor.slice(4)}' instead` });
      monitor = monitor.slice(4);
    }
    const stopping = new EarlyStopping(monitor, es.minDelta, es.patience);
    const restoreBest = es.enabled && es.restoreBestWeights;
    let step = 0;
    let midEpoch = false;
    // Shared across epochs: only the last batch of an epoch may bypass the interval, so tiny epochs cannot flood the host.
    let lastSent = 0;
    const loopStart = Date.now();
    const cpuStart = process.cpuUsage();
    const checkpoint = async (epoch: number, why: string): Promise<void> => {
      await saveModel(tf, model!, cmd.outDir);
      send({ type: 'checkpoint', epoch, path: join(cmd.outDir, RUN_FILES.model), reason: why });
    };

    // 4. The epoch loop.
    epochs: for (let epoch = 1; epoch <= training.epochs; epoch++) {
      const epochStart = Date.now();
      // Time paused in this epoch trained nothing, so samples/s leaves it out (it read 186 for 2,575 after a 10 s pause).
      let pausedMs = 0;
      const sums = new Array<number>(names.length).fill(0);
      let seen = 0;
      let batchIndex = 0;
      for await (const batch of dataset.batches('train', { batchSize, shuffle: training.shuffle, epoch })) {
        // Commands arrive as macrotasks; yield once per batch so stop and pause take effect within one batch.
        await nextTick();
        if (control.paused) {
          send({ type: 'log', message: `paused in epoch ${epoch} before batch ${batchIndex + 1}` });
          const pausedAt = Date.now();
          await control.waitWhilePaused();
          pausedMs += Date.now() - pausedAt;
          if (!control.stopRequested) send({ type: 'log', message: `resumed after ${((Date.now() - pausedAt) / 1000).toFixed(1)} s` });
        }
        if (control.stopRequested) {
          status = 'stopped';
          break epochs;
        }
        where = ` in epoch ${epoch}, batch ${batchIndex + 1}`;
        const { x, y } = batchTensors(tf, batch, info, enc);
        let values: (number | tfjs.Scalar)[];
        try {
          values = asArray(await model.trainOnBatch(x, y));
        } finally {
          x.dispose();
          y.dispose();
        }
        batchIndex++;
        step++;
        batchesCompleted = step;
        midEpoch = true;
        seen += batch.size;
        const nums = values.map((v) => (typeof v === 'number' ? v : v.dataSync()[0]!));
        if (!Number.isFinite(nums[0]!)) throw new RunFailure(divergedMessage('the loss', nums[0]!, epoch, batchIndex, training.learningRate));
        nums.forEach((v, i) => (sums[i]! += v * batch.size));
        const now = Date.now();
        if (now - lastSent >= interval || batchIndex === batchesPerEpoch) {
          // The weights are checked as often as the UI hears of progress (and at every epoch's end), not every
          // batch: the reduction and read-back cost a few percent of a small model's training time.
          const checksum = weightChecksum(tf, model);
          if (!Number.isFinite(checksum)) throw new RunFailure(divergedMessage('the weights', checksum, epoch, batchIndex, training.learningRate, ` (or a few batches before) although the loss still reads ${nums[0]!.toFixed(4)}`));
          const metrics: Record<string, number> = {};
          names.forEach((n, i) => (metrics[n] = sums[i]! / seen));
          send({ type: 'batch', epoch, batch: batchIndex, step, loss: metrics.loss ?? null, metrics, samplesPerSecond: seen / Math.max(1e-3, (now - epochStart - pausedMs) / 1000) });
          lastSent = Date.now();
        }
      }
      where = ` after epoch ${epoch}`;
      if (seen === 0) break;

      // Validation, batch by batch so it also streams.
      const logs: Record<string, number | null> = {};
      names.forEach((n, i) => (logs[n] = sums[i]! / seen));
      if (info.validationSamples > 0) {
        const vsums = new Array<number>(names.length).fill(0);
        let vseen = 0;
        for await (const batch of dataset.batches('validation', { batchSize: Math.max(batchSize, 256) })) {
          const { x, y } = batchTensors(tf, batch, info, enc);
          const result = model.evaluate(x, y, { batchSize: batch.size });
          const scalars = asArray(result) as tfjs.Scalar[];
          const vals = scalars.map((s) => s.dataSync()[0]!);
          tf.dispose([x, y, ...scalars]);
          vals.forEach((v, i) => (vsums[i]! += v * batch.size));
          vseen += batch.size;
        }
        names.forEach((n, i) => (logs[`val_${n}`] = vsums[i]! / vseen));
      }
      midEpoch = false;
      const durationMs = Date.now() - epochStart;
      history.push({ epoch, durationMs, metrics: { ...logs } });
      // As in Keras' epoch logs, `metrics` holds loss too; `loss` is also a field of its own.
      send({ type: 'epoch', epoch, loss: logs.loss ?? null, metrics: { ...logs }, durationMs });

      // Best epoch, early stopping and this epoch's checkpoint.
      const value = logs[monitor];
      let improved = false;
      let stop = false;
      if (value === undefined) {
        if (epoch === 1 && es.enabled) send({ type: 'warning', message: `early stopping monitors '${monitor}', which this run does not report; available: ${Object.keys(logs).join(', ')}` });
      } else if (value !== null) {
        ({ improved, stop } = stopping.update(epoch, value));
        if (improved) {
          bestEpoch = epoch;
          bestMetrics = { ...logs };
          if (restoreBest) {
            if (bestWeights) tf.dispose(bestWeights);
            bestWeights = model.getWeights().map((w) => tf.keep(w.clone()));
          }
        }
      }
      // The checkpoint holds what the run would end with if it stopped now: the best weights so far when
      // they are to be restored, the latest otherwise.
      await writeFileAtomic(join(cmd.outDir, RUN_FILES.metrics), metricsCsv(history));
      if (!restoreBest || bestEpoch === null) await checkpoint(epoch, 'epoch end');
      else if (improved) await checkpoint(epoch, `best ${monitor} so far`);
      if (stop && es.enabled) {
        const by = es.minDelta > 0 ? ` by more than ${formatNumber(es.minDelta)}` : '';
        send({ type: 'log', message: `early stopping at epoch ${epoch}: '${monitor}' has not improved${by} for ${stopping.wait} epoch${stopping.wait === 1 ? '' : 's'} (patience ${es.patience}; best ${formatNumber(stopping.best!)} at epoch ${stopping.bestEpoch})` });
        break;
      }
      if (control.stopRequested) {
        status = 'stopped';
        break;
      }
    }
    where = '';
    trainingMs = Date.now() - loopStart;
    const cpu = process.cpuUsage(cpuStart);
    trainingCpuMs = (cpu.user + cpu.system) / 1000;

    // Keras restores the best weights at the end of training however it ended (out of epochs, early stop);
    // a stop from the user ends training the same way. A stop in mid-epoch leaves weights of no epoch at all.
    if (restoreBest && bestWeights && bestEpoch !== null && (bestEpoch !== history.length || midEpoch)) {
      model.setWeights(bestWeights);
      restoredBest = true;
      send({ type: 'log', message: `restored the weights of epoch ${bestEpoch}, the best by '${monitor}' (${formatNumber(bestMetrics![monitor]!)})` });
    } else if (!restoreBest && bestEpoch !== null && bestEpoch !== history.length) {
      send({ type: 'log', message: `kept the weights of the last epoch; epoch ${bestEpoch} had the best '${monitor}' (${formatNumber(bestMetrics![monitor]!)}); enable early stopping with restoreBestWeights to keep the best` });
    }

    // 5. Confusion matrix on the validation split.
    if (info.task === 'classification' && info.validationSamples > 0 && info.classNames) {
      const k = info.classNames.length;
      const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
      for await (const batch of dataset.batches('validation', { batchSize: 256 })) {
        const pred = tf.tidy(() => {
          const x = tf.tensor(batch.x, [batch.size, ...info!.inputShape], info!.inputDtype);
          const p = model!.predict(x) as tfjs.Tensor;
          return p.shape[p.shape.length - 1] === 1 ? p.reshape([-1]).greater(0.5).toInt() : p.argMax(-1);
        });
        const ids = pred.dataSync();
        pred.dispose();
        for (let i = 0; i < batch.size; i++) {
          const row = matrix[batch.y[i]!];
          if (row) row[ids[i]!] = (row[ids[i]!] ?? 0) + 1;
          // Up to 16 right and 16 wrong samples with their prediction, for the training view's results grid.
          const right = ids[i] === batch.y[i];
          if (validationSamples.filter((v) => (v.predicted === v.actual) === right).length < 16) {
            const n = batch.x.length / batch.size;
            validationSamples.push({ x: Array.from(batch.x.subarray(i * n, (i + 1) * n)), predicted: ids[i]!, actual: batch.y[i]! });
          }
        }
      }
      confusion = { classNames: info.classNames, matrix };
    } else if (info.task === 'regression' && info.validationSamples > 0 && info.targetShape.reduce((a, b) => a * b, 1) === 1) {
      // Predicted vs actual for the training view's regression plot.
      const predicted: number[] = [];
      const actual: number[] = [];
      for await (const batch of dataset.batches('validation', { batchSize: 256 })) {
        const pred = tf.tidy(() => (model!.predict(tf.tensor(batch.x, [batch.size, ...info!.inputShape], info!.inputDtype)) as tfjs.Tensor).reshape([-1]));
        const values = pred.dataSync();
        pred.dispose();
        for (let i = 0; i < batch.size && predicted.length < 1000; i++) {
          predicted.push(values[i]!);
          actual.push(batch.y[i]!);
        }
        if (predicted.length >= 1000) break;
      }
      regression = { predicted, actual };
    }

    await hooks.afterTraining?.(model, tf);
    // 6. The final model.
    await checkpoint(restoredBest ? bestEpoch! : history.length, restoredBest ? 'best weights' : status === 'stopped' ? 'stopped by user' : 'final weights');
  } catch (e) {
    status = 'failed';
    if (e instanceof RunFailure || e instanceof CompileError || e instanceof DatasetError || (e as Error)?.name === 'BackendUnavailableError') reason = (e as Error).message;
    else {
      const msg = (e as Error)?.message ?? String(e);
      reason = /out of memory|Array buffer allocation failed|allocation failed/i.test(msg)
        ? `ran out of memory${where} (${msg}); use a smaller batch size or model`
        : `unexpected error${where}: ${msg}`;
    }
  } finally {
    Math.random = realRandom;
  }

  // 7. History and summary, for every run that got as far as training, failed or not.
  const finalMetrics = history.length ? history[history.length - 1]!.metrics : null;
  const finished = Date.now();
  if (folder) {
    try {
      const summary: RunSummary = {
        runId: cmd.runId,
        graphName: cmd.graph.name,
        status,
        reason,
        backend: used?.backend ?? null,
        device: used?.device ?? null,
        startedAt: new Date(started).toISOString(),
        finishedAt: new Date(finished).toISOString(),
        durationMs: finished - started,
        trainingMs,
        trainingCpuMs,
        epochsCompleted: history.length,
        batchesCompleted,
        paramCount,
        trainSamples: info?.trainSamples ?? null,
        validationSamples: info?.validationSamples ?? null,
        bestEpoch,
        bestMetrics,
        finalMetrics,
        confusionMatrix: confusion,
        restoredBestWeights: restoredBest,
      };
      await writeFileAtomic(join(folder, RUN_FILES.metrics), metricsCsv(history));
      await writeFileAtomic(join(folder, RUN_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
      if (validationSamples.length || regression) await writeFile(join(folder, VALIDATION_FILE), JSON.stringify({ samples: validationSamples, regression }));
    } catch (e) {
      if (status !== 'failed') {
        status = 'failed';
        reason = `could not write the run folder '${cmd.outDir}': ${(e as Error).message}`;
      }
    }
  }

  // 8. Free every tensor this run made, so consecutive runs in one process do not leak.
  if (used) {
    if (bestWeights) used.tf.dispose(bestWeights);
    if (model) {
      (model.optimizer as tfjs.Optimizer | undefined)?.dispose();
      model.dispose();
    }
  }

  const event: RunFinishedEvent = {
    type: 'runFinished',
    runId: cmd.runId,
    time: Date.now(),
    status,
    reason,
    bestEpoch,
    bestMetrics,
    finalMetrics,
    artifactDir: folder,
    durationMs: Date.now() - started,
  };
  hooks.emit(event);
  return event;
}
