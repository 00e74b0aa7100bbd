import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BACKENDS } from '../../graph/document.js';
import { CliError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

/** Node's parseArgs messages are long and quote oddly; this says the same in a short clause naming the option. */
function describeArgError(e: Error & { code?: string }, options: Options, argv: string[]): string {
  const unknown = /^Unknown option '([^']+)'/.exec(e.message);
  if (unknown) {
    const given = unknown[1]!;
    const names = Object.keys(options).map((n) => `--${n}`);
    const close = names.filter((n) => editDistance(n, given.replace(/=.*$/, '')) <= 2).sort((a, b) => editDistance(a, given) - editDistance(b, given));
    return `unknown option '${given}'${close[0] ? ` (did you mean '${close[0]}'?)` : ''}`;
  }
  const option = /^Option '(?:-\w, )?(--[\w-]+)[^']*'/.exec(e.message)?.[1];
  if (option && / argument missing$/.test(e.message)) return `option '${option}' needs a value`;
  if (option && /does not take an argument$/.test(e.message)) return `option '${option}' takes no value`;
  // `--lr -1`: parseArgs will not take a value that starts with a dash, and its own message does not say which.
  if (option && / argument is ambiguous/.test(e.message)) {
    const given = argv[argv.indexOf(option) + 1] ?? '';
    return `option '${option}' is followed by '${given}', which reads as an option; write ${option}=${given} if it is the value`;
  }
  const first = e.message.split(/\.(?:\s|$)|\n/)[0]!;
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/** The end of a one-line CLI error: the usage when it fits on one line, else a pointer to --help. */
export function usageHint(command: string, usage: string): string {
  return usage.includes('\n') ? `see 'tensorloom ${command} --help'` : `usage: ${usage}`;
}

/** parseArgs with errors turned into one-line CLI messages that name the command and the option. */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`tensorloom ${command}: ${describeArgError(e as Error, options, argv)}; ${usageHint(command, usage)}`);
  }
}

/** A whole-number option value within [min, max], or a clear error naming the option and its range. */
export function intOption(command: string, name: string, value: string | undefined, min = 1, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const unbounded = max === Number.MAX_SAFE_INTEGER;
    const range = unbounded ? `of at least ${min}` : `from ${min} to ${max.toLocaleString('en-US')}`;
    throw new CliError(`tensorloom ${command}: --${name} must be a whole number ${range} (got '${value}'${unbounded && n > max ? ', too big' : ''})`);
  }
  return n;
}

/** A positive number option value, or a clear error naming the option. */
export function numberOption(command: string, name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`tensorloom ${command}: --${name} must be a number greater than 0 (got '${value}')`);
  return n;
}

/** A --backend value checked before any model is loaded, or a clear error naming the option and its choices. */
export function backendOption(command: string, value: string | undefined): (typeof BACKENDS)[number] | undefined {
  if (value === undefined) return undefined;
  if (!(BACKENDS as readonly string[]).includes(value)) throw new CliError(`tensorloom ${command}: --backend must be one of ${BACKENDS.join(', ')} (got '${value}')`);
  return value as (typeof BACKENDS)[number];
}
