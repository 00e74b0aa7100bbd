import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with errors turned into one-line CLI messages that name the command. */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`tensorloom ${command}: ${(e as Error).message.split('\n')[0]}; usage: ${usage}`);
  }
}

/** A positive integer option value, or a clear error naming the option. */
export function intOption(command: string, name: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CliError(`tensorloom ${command}: --${name} must be a whole number of at least ${min} (got '${value}')`);
  return n;
}

/** A positive number option value, or a clear error naming the option. */
export function numberOption(command: string, name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`tensorloom ${command}: --${name} must be a number greater than 0 (got '${value}')`);
  return n;
}
