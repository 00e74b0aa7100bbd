import { resolve } from 'node:path';
import { datasetRefFromArg, DatasetError } from '../datasets/index.js';
import { evaluateRun } from '../training/evaluate.js';
import { backendOption, parseCommandArgs } from './args.js';
import { CliError } from './errors.js';
import type { Command } from './index.js';

const USAGE = 'tensorloom evaluate RUN_DIR [--data NAME|PATH] [--target COLUMN] [--text-column COLUMN] [--backend auto|gpu|node|wasm|cpu] [--json]';

const command: Command = {
  summary: "loss and metrics of a trained run on its validation split, or on a given dataset",
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      'evaluate',
      argv,
      { data: { type: 'string' }, target: { type: 'string' }, 'text-column': { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
      USAGE,
    );
    if (values.help) {
      process.stdout.write(`usage: ${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new CliError(`tensorloom evaluate: expected one RUN_DIR (a folder written by 'tensorloom train'); usage: ${USAGE}`);
    // They choose columns of a CSV given with --data; the run's own dataset is read as it was trained.
    if (!values.data && (values.target !== undefined || values['text-column'] !== undefined))
      throw new CliError(`tensorloom evaluate: --target and --text-column name columns of a CSV file given with --data; give --data FILE.csv too, or leave them out`);
    const backend = backendOption('evaluate', values.backend);
    let data;
    try {
      if (values.data) data = await datasetRefFromArg(values.data, { ...(values.target ? { target: values.target } : {}), ...(values['text-column'] ? { textColumn: values['text-column'] } : {}) });
    } catch (e) {
      if (e instanceof DatasetError) throw new CliError(`tensorloom evaluate: --data: ${e.message}`, 1);
      throw e;
    }
    let result;
    try {
      result = await evaluateRun(resolve(positionals[0]!), { ...(data ? { data } : {}), ...(backend ? { backend } : {}) });
    } catch (e) {
      throw new CliError(`tensorloom evaluate: ${(e as Error).message}`, 1);
    }
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      const metrics = Object.entries(result.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ');
      process.stdout.write(`${result.dataset} (${result.split === 'all' ? 'all' : `${result.split} split`}, ${result.samples} samples): ${metrics}\n`);
    }
    return 0;
  },
};
export default command;
