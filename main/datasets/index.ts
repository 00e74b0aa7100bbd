import { stat } from 'node:fs/promises';
import { extname, isAbsolute, resolve } from 'node:path';
import type { DatasetRef } from '../../graph/document.js';
import { BUILTIN_DATASETS } from './builtin.js';
import type { SplitOptions } from './memory.js';
import { DatasetError, type Dataset, type Preprocessing } from './types.js';

export * from './types.js';
export { asReconstruction, checkCompatibility, wantsReconstruction, type CompatibilityIssue } from './compat.js';
export { BUILTIN_DATASETS } from './builtin.js';

/** How to open a dataset. */
export interface OpenOptions extends Partial<SplitOptions> {
  /** Folder relative dataset paths are resolved against (the graph file's folder); defaults to the working directory. */
  baseDir?: string | null;
  /** Preprocessing saved with an earlier run: reuse its vocabulary and statistics instead of computing new ones (evaluate, predict). */
  preprocessing?: Preprocessing;
  /** The graph's Input shape, when known: image folders resize to it and text files cut windows of its length. */
  inputShape?: number[];
}

/** A built-in dataset's listing entry. */
export interface DatasetListing {
  name: string;
  title: string;
  description: string;
}

/** The built-in datasets, for pickers. */
export function listBuiltinDatasets(): DatasetListing[] {
  return Object.entries(BUILTIN_DATASETS).map(([name, d]) => ({ name, title: d.title, description: d.description }));
}

/** Absolute path of a dataset file, relative paths taken from the graph's folder. */
export function resolveDataPath(path: string, baseDir: string | null | undefined): string {
  return isAbsolute(path) ? path : resolve(baseDir ?? process.cwd(), path);
}

async function checkPath(ref: DatasetRef & { path: string }, full: string, wantDir: boolean): Promise<void> {
  let s;
  try {
    s = await stat(full);
  } catch {
    throw new DatasetError(`dataset file '${ref.path}' was not found (looked at ${full}); check the path, which is relative to the graph file's folder`);
  }
  if (wantDir && !s.isDirectory()) throw new DatasetError(`image dataset '${ref.path}' is not a folder; give a folder with one subfolder per class`);
  if (!wantDir && s.isDirectory()) throw new DatasetError(`dataset '${ref.path}' is a folder; for an image folder use kind 'images', otherwise give a .csv or .txt file`);
}

/**
 * Opens a dataset: reads (or, for large files, scans) it, splits train/validation reproducibly with the
 * seed, and returns something that describes itself and streams batches. Throws DatasetError with a
 * user-readable message when the reference or its files are wrong.
 */
export async function openDataset(ref: DatasetRef, options: OpenOptions = {}): Promise<Dataset> {
  const split: SplitOptions = { validationSplit: options.validationSplit ?? 0.1, seed: options.seed ?? 42, ...(options.limit !== undefined ? { limit: options.limit } : {}) };
  switch (ref.kind) {
    case 'builtin': {
      const b = BUILTIN_DATASETS[ref.name];
      if (!b) throw new DatasetError(`there is no built-in dataset '${ref.name}'; choose one of ${Object.keys(BUILTIN_DATASETS).join(', ')}, or give a file path`);
      // Saved preprocessing from another source (a spam run evaluated on iris) does not apply; the shape check says why it fails.
      const saved = options.preprocessing?.source === `builtin:${ref.name}` ? options.preprocessing : undefined;
      return b.open(ref.options ?? {}, split, saved);
    }
    case 'csv': {
      const full = resolveDataPath(ref.path, options.baseDir);
      await checkPath(ref, full, false);
      const { openCsvDataset } = await import('./csv.js');
      return openCsvDataset(full, ref, split, options.preprocessing);
    }
    case 'csvText': {
      const full = resolveDataPath(ref.path, options.baseDir);
      await checkPath(ref, full, false);
      const { openCsvTextDataset } = await import('./csv.js');
      return openCsvTextDataset(full, ref, split, options.preprocessing);
    }
    case 'images': {
      const full = resolveDataPath(ref.path, options.baseDir);
      await checkPath(ref, full, true);
      const { openImageFolder } = await import('./images.js');
      return openImageFolder(full, ref, split, options.preprocessing, options.inputShape);
    }
    case 'text': {
      const full = resolveDataPath(ref.path, options.baseDir);
      await checkPath(ref, full, false);
      const { openTextFile } = await import('./text-file.js');
      return openTextFile(full, ref, split, options.preprocessing, options.inputShape);
    }
  }
}

/**
 * Turns the CLI's `--data NAME|PATH` into a reference: a built-in name, a folder (images), a .csv
 * (target: `target` or the last column; with `textColumn`, text classification) or a .txt file.
 */
export async function datasetRefFromArg(arg: string, extra: { target?: string; textColumn?: string; color?: 'grayscale' | 'rgb' } = {}): Promise<DatasetRef> {
  // --target and --text-column name CSV columns; on other data they would be silently ignored.
  const columnsOnly = (what: string): void => {
    const given = [extra.target !== undefined && '--target', extra.textColumn !== undefined && '--text-column'].filter(Boolean);
    if (given.length) throw new DatasetError(`${given.join(' and ')} ${given.length === 1 ? 'names a CSV column' : 'name CSV columns'}, but '${arg}' is ${what}; leave ${given.length === 1 ? 'it' : 'them'} out or give a .csv file`);
  };
  if (BUILTIN_DATASETS[arg]) {
    columnsOnly('a built-in dataset');
    return { kind: 'builtin', name: arg };
  }
  let isDir = false;
  try {
    isDir = (await stat(arg)).isDirectory();
  } catch {
    if (!/[./\\]/.test(arg)) throw new DatasetError(`there is no built-in dataset '${arg}'; choose one of ${Object.keys(BUILTIN_DATASETS).join(', ')}, or give a file path`);
    throw new DatasetError(`dataset file '${arg}' was not found; check the path`);
  }
  const path = resolve(arg);
  if (isDir) {
    columnsOnly('an image folder');
    return { kind: 'images', path, color: extra.color ?? 'rgb' };
  }
  const ext = extname(arg).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') {
    const { readCsvHeader } = await import('./csv.js');
    const header = await readCsvHeader(path);
    const target = extra.target ?? header[header.length - 1]!;
    if (extra.textColumn) return { kind: 'csvText', path, textColumn: extra.textColumn, target };
    return { kind: 'csv', path, target };
  }
  columnsOnly('a text file');
  return { kind: 'text', path };
}
