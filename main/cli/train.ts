import { dirname, resolve } from 'node:path';
import type { DatasetRef } from '../../graph/document.js';
import { TrainingSchema } from '../../graph/document.js';
import type { RunStartedEvent, TrainingEvent } from '../../graph/api/training.js';
import { inferGraph } from '../../graph/infer.js';
import { datasetRefFromArg, DatasetError } from '../datasets/index.js';
import { startTrainingProcess } from '../training/run-process.js';
import { backendOption, intOption, numberOption, parseCommandArgs, usageHint } from './args.js';
import { CliError } from './errors.js';
import type { Command } from './index.js';
import { readGraphFile } from './graph-file.js';

const USAGE =
  'tensorloom train FILE [--data NAME|PATH] [--epochs N] [--batch-size N] [--lr X] [--backend auto|gpu|node|wasm|cpu] [--out DIR] [--json]\n' +
  '       [--target COLUMN] [--text-column COLUMN] [--limit N] [--seed N]';

/** A run folder name that sorts by time: runs/<graph>-20260101-120000. */
export function defaultRunDir(graphName: string, now = new Date()): string {
  const slug = graphName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'run';
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return resolve('runs', `${slug}-${stamp}`);
}

function fmtMetrics(m: Record<string, number | null>, skip: string[] = []): string {
  return Object.entries(m)
    .filter(([k, v]) => v !== null && !skip.includes(k))
    .map(([k, v]) => `${k} ${Math.abs(v!) >= 1000 ? v!.toFixed(0) : v!.toFixed(4)}`)
    .join('  ');
}

/** "1 epoch", "4 batches". */
function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function fmtDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Renders events as a progress bar per epoch (rewritten in place on a terminal, one line per epoch otherwise). */
function humanPrinter(out: NodeJS.WriteStream): (e: TrainingEvent) => void {
  let started: RunStartedEvent | null = null;
  let runBegan = 0;
  const tty = out.isTTY === true;
  return (e) => {
    switch (e.type) {
      case 'runStarted':
        started = e;
        runBegan = Date.now();
        out.write(`Training on ${e.backend} (${e.device}): ${e.paramCount.toLocaleString('en-US')} parameters, ${e.samplesPerEpoch} training / ${e.validationSamples} validation samples, ${plural(e.epochs, 'epoch', 'epochs')} of ${plural(e.batchesPerEpoch, 'batch', 'batches')}\n`);
        for (const n of e.backendNotes) out.write(`  note: ${n}\n`);
        break;
      case 'batch': {
        if (!tty || !started) break;
        const width = 24;
        const done = Math.round((e.batch / started.batchesPerEpoch) * width);
        const remainingBatches = started.batchesPerEpoch * started.epochs - e.step;
        const eta = (remainingBatches * started.batchSize) / Math.max(1e-9, e.samplesPerSecond);
        const line = `Epoch ${e.epoch}/${started.epochs} [${'='.repeat(Math.max(0, done - 1))}${done > 0 ? '>' : ''}${' '.repeat(width - done)}] ${e.batch}/${started.batchesPerEpoch}  ${fmtMetrics(e.metrics)}  ${Math.round(e.samplesPerSecond)} samples/s  ETA ${fmtDuration(eta * 1000)}`;
        out.write(`\r${line.slice(0, (out.columns ?? 160) - 1)}\x1b[K`);
        break;
      }
      case 'epoch': {
        const total = started?.epochs ?? e.epoch;
        const samplesPerSecond = started ? (started.samplesPerEpoch / Math.max(1, e.durationMs)) * 1000 : 0;
        const elapsed = Date.now() - runBegan;
        const eta = (elapsed / e.epoch) * (total - e.epoch);
        out.write(`${tty ? '\r\x1b[K' : ''}Epoch ${e.epoch}/${total}  loss ${e.loss?.toFixed(4) ?? '-'}  ${fmtMetrics(e.metrics, ['loss'])}  ${Math.round(samplesPerSecond)} samples/s  ${fmtDuration(e.durationMs)}${e.epoch < total ? `  ETA ${fmtDuration(eta)}` : ''}\n`);
        break;
      }
      case 'log':
        out.write(`${tty ? '\r\x1b[K' : ''}${e.message}\n`);
        break;
      case 'warning':
        process.stderr.write(`${tty ? '\r\x1b[K' : ''}warning: ${e.message}\n`);
        break;
      case 'checkpoint':
        break;
      case 'runFinished':
        if (tty) out.write('\r\x1b[K');
        if (e.status === 'failed') process.stderr.write(`Training failed: ${e.reason}\n`);
        else {
          const best = e.bestEpoch !== null && e.bestMetrics ? `; best epoch ${e.bestEpoch} (${fmtMetrics(e.bestMetrics)})` : '';
          out.write(`Training ${e.status} in ${fmtDuration(e.durationMs)}${best}\n`);
        }
        if (e.artifactDir) out.write(`Run folder: ${e.artifactDir}\n`);
    }
  };
}

const command: Command = {
  summary: 'train a graph on a dataset; writes a run folder with the model, metrics and summary',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      'train',
      argv,
      {
        data: { type: 'string' },
        epochs: { type: 'string' },
        'batch-size': { type: 'string' },
        lr: { type: 'string' },
        backend: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        target: { type: 'string' },
        'text-column': { type: 'string' },
        limit: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean' },
      },
      USAGE,
    );
    if (values.help) {
      process.stdout.write(`usage: ${USAGE}\n`);
      return 0;
    }
    if (positionals.length > 1) throw new CliError(`tensorloom train: expected one FILE but got ${positionals.length} (${positionals.join(', ')}); ${usageHint('train', USAGE)}`);
    const file = positionals[0];
    const graph = await readGraphFile('train', file);
    // Refused here, in one line naming the file, before a training process is started for it.
    const errors = inferGraph(graph).diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      const shown = errors.slice(0, 3).map((d) => d.message);
      if (errors.length > 3) shown.push(`and ${errors.length - 3} more (tensorloom validate lists them)`);
      throw new CliError(`tensorloom train: '${file}': the graph has ${plural(errors.length, 'error', 'errors')}; fix ${errors.length === 1 ? 'it' : 'them'} before training: ${shown.join('; ')}`, 1);
    }
    const backend = backendOption('train', values.backend) ?? graph.training.backend;
    const training = { ...graph.training };
    // The bounds of the graph file's own fields, so an option the run would refuse is refused here, by name.
    const bounds = TrainingSchema.shape;
    const epochs = intOption('train', 'epochs', values.epochs, 1, bounds.epochs.unwrap().maxValue ?? undefined);
    const batchSize = intOption('train', 'batch-size', values['batch-size'], 1, bounds.batchSize.unwrap().maxValue ?? undefined);
    const lr = numberOption('train', 'lr', values.lr);
    const seed = intOption('train', 'seed', values.seed, 0);
    const limit = intOption('train', 'limit', values.limit);
    if (epochs !== undefined) training.epochs = epochs;
    if (batchSize !== undefined) training.batchSize = batchSize;
    if (lr !== undefined) training.learningRate = lr;
    if (seed !== undefined) training.seed = seed;

    let dataset: DatasetRef | null = graph.training.dataset;
    if (values.data) {
      try {
        dataset = await datasetRefFromArg(values.data, { ...(values.target ? { target: values.target } : {}), ...(values['text-column'] ? { textColumn: values['text-column'] } : {}) });
      } catch (e) {
        if (e instanceof DatasetError) throw new CliError(`tensorloom train: --data: ${e.message}`, 1);
        throw e;
      }
    } else if (values.target !== undefined || values['text-column'] !== undefined) {
      // Without --data they choose columns of the graph's own CSV dataset.
      if (dataset?.kind !== 'csv' && dataset?.kind !== 'csvText')
        throw new CliError(`tensorloom train: --target and --text-column name CSV columns, but graph '${graph.name}' does not train on a CSV file; give --data FILE.csv too`);
      const target = values.target ?? dataset.target;
      const textColumn = values['text-column'] ?? (dataset.kind === 'csvText' ? dataset.textColumn : undefined);
      const options = dataset.options ? { options: dataset.options } : {};
      dataset = textColumn !== undefined ? { kind: 'csvText', path: dataset.path, textColumn, target, ...options } : { kind: 'csv', path: dataset.path, target, ...options };
    }
    // An image folder given on the command line follows the Input: one channel means grayscale.
    const input = graph.nodes.find((n) => n.type === 'Input');
    const shape = input?.params.shape;
    if (values.data && dataset?.kind === 'images' && Array.isArray(shape) && shape.length === 3 && shape[2] === 1) dataset = { ...dataset, color: 'grayscale' };
    if (!dataset) throw new CliError(`tensorloom train: graph '${graph.name}' names no dataset; pass --data NAME|PATH (e.g. --data mnist or --data table.csv)`);
    training.dataset = dataset;

    const outDir = values.out ? resolve(values.out) : defaultRunDir(graph.name);
    const json = values.json === true;
    const print = json ? (e: TrainingEvent) => process.stdout.write(`${JSON.stringify(e)}\n`) : humanPrinter(process.stdout);
    const run = startTrainingProcess(
      {
        type: 'start',
        runId: `${Date.now().toString(36)}`,
        graph: { ...graph, training },
        training,
        dataset,
        baseDir: dirname(resolve(file!)),
        backend,
        outDir,
        ...(limit !== undefined ? { limit } : {}),
      },
      // TensorFlow.js' console notices are noise here; real failures arrive as runFinished reasons.
      { onOutput: (text, stream) => (process.env.TENSORLOOM_DEBUG ? process.stderr.write(`[${stream}] ${text}`) : undefined) },
    );
    let interrupts = 0;
    const onSigint = (): void => {
      interrupts++;
      if (interrupts === 1) {
        if (!json) process.stderr.write('\nStopping after the current batch and saving the model (Ctrl-C again to abort without saving)...\n');
        run.stop();
      } else run.kill();
    };
    process.on('SIGINT', onSigint);
    try {
      run.events.subscribe(print);
      const finished = await run.done;
      return finished.status === 'failed' ? 1 : 0;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
export default command;
