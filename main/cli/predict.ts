import { resolve } from 'node:path';
import { predictRun } from '../training/evaluate.js';
import { backendOption, parseCommandArgs, usageHint } from './args.js';
import { CliError } from './errors.js';
import type { Command } from './index.js';

const USAGE = 'tensorloom predict RUN_DIR INPUT... [--backend auto|gpu|node|wasm|cpu] [--json]\n  INPUT: an image file, a CSV file or a quoted CSV row of feature values ("5.1,3.5,1.4,0.2"), or text';

const command: Command = {
  summary: 'predictions of a trained run for image files, CSV rows or text',
  async run(argv) {
    const { values, positionals } = parseCommandArgs('predict', argv, { backend: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } }, USAGE);
    if (values.help) {
      process.stdout.write(`usage: ${USAGE}\n`);
      return 0;
    }
    const [dir, ...inputs] = positionals;
    if (!dir || inputs.length === 0) throw new CliError(`tensorloom predict: expected RUN_DIR and at least one INPUT; ${usageHint('predict', USAGE)}`);
    const backend = backendOption('predict', values.backend);
    let results;
    try {
      results = await predictRun(resolve(dir), inputs, backend ? { backend } : {});
    } catch (e) {
      throw new CliError(`tensorloom predict: ${(e as Error).message}`, 1);
    }
    if (values.json) {
      for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
      return 0;
    }
    for (const r of results) {
      if (r.kind === 'class') process.stdout.write(`${r.input}: ${r.label} (${(r.probability * 100).toFixed(1)}%)  ${r.top.slice(1, 3).map((t) => `${t.label} ${(t.probability * 100).toFixed(1)}%`).join(', ')}\n`);
      else if (r.kind === 'values') process.stdout.write(`${r.input}: ${r.values.map((v) => Number(v.toPrecision(5))).join(', ')}\n`);
      else process.stdout.write(`${r.input}${r.continuation}  (next: ${r.next.map((n) => `${JSON.stringify(n.char)} ${(n.probability * 100).toFixed(0)}%`).join(', ')})\n`);
    }
    return 0;
  },
};
export default command;
