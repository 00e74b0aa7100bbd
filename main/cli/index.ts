import { CliError } from './errors.js';

/** A CLI command: takes its own arguments, returns the exit code. */
export type Command = { summary: string; run(argv: string[]): Promise<number> };

// Loaded lazily so that `tensorloom validate` does not pay for loading TensorFlow.js.
const COMMANDS: Record<string, () => Promise<{ default: Command }>> = {
  templates: () => import('./templates.js'),
  new: () => import('./new.js'),
  validate: () => import('./validate.js'),
  summary: () => import('./summary.js'),
  'export-code': () => import('./export-code.js'),
  train: () => import('./train.js'),
  evaluate: () => import('./evaluate.js'),
  predict: () => import('./predict.js'),
  serve: () => import('./serve.js'),
};

async function usage(): Promise<string> {
  const lines = ['usage: tensorloom <command> [options]', '', 'commands:'];
  for (const name of Object.keys(COMMANDS)) {
    const cmd = (await COMMANDS[name]!()).default;
    lines.push(`  ${name.padEnd(12)} ${cmd.summary}`);
  }
  lines.push('', "Run 'tensorloom <command> --help' for a command's options.");
  return lines.join('\n');
}

/** Entry point: dispatches to a command and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  // `tensorloom predict ... | head` closes the pipe early; the reader has what it wanted, so stop quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    process.stderr.write(`tensorloom: cannot write the output: ${e.message}\n`);
    process.exit(1);
  });
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${await usage()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`tensorloom: unknown command '${name}'; run 'tensorloom --help' to list commands\n`);
    return 2;
  }
  try {
    return await (await load()).default.run(rest);
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`tensorloom ${name}: unexpected error: ${(e as Error).message}\n`);
    if (process.env.TENSORLOOM_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}
