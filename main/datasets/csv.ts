import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse';
import type { DatasetRef } from '../../graph/document.js';
import type { SplitOptions } from './memory.js';
import { isValidationRow, limitedCounts, streamingDataset, type Sample } from './stream.js';
import { countWords, encodeWords, vocabularyFromCounts, wordIndex } from './text.js';
import { DatasetError, type Dataset, type DatasetInfo, type Preprocessing } from './types.js';

/** Most distinct text values a categorical column (or class target) may have before it is probably an id or free text. */
const MAX_CATEGORIES = 100;

type Row = { index: number; cells: string[] };

async function* readRows(path: string): AsyncGenerator<Row> {
  const source = createReadStream(path);
  const parser = source.pipe(parse({ skip_empty_lines: true, trim: true, relax_column_count: true, bom: true, delimiter: path.toLowerCase().endsWith('.tsv') ? '\t' : ',' }));
  let index = -1;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      yield { index: index++, cells: record };
    }
  } catch (e) {
    throw new DatasetError(`CSV file '${basename(path)}' could not be parsed: ${(e as Error).message}`);
  } finally {
    // Stopping early (header only, or a limit) must close the file too, not just the parser.
    source.destroy();
  }
}

/** The header row of a CSV file. */
export async function readCsvHeader(path: string): Promise<string[]> {
  for await (const row of readRows(path)) return row.cells;
  throw new DatasetError(`CSV file '${basename(path)}' is empty; it needs a header row and data rows`);
}

function columnIndex(header: string[], name: string, file: string, role: string): number {
  const i = header.indexOf(name);
  if (i < 0) throw new DatasetError(`CSV file '${file}' has no ${role} column '${name}'; its columns are ${header.map((h) => `'${h}'`).join(', ')}`);
  return i;
}

const isNumber = (s: string): boolean => s !== '' && Number.isFinite(Number(s));

/** Scans the file once: counts rows per split and calls `visit` for each training row. */
async function scan(path: string, header: string[], split: SplitOptions, visit: (cells: string[], line: number) => void): Promise<{ train: number; validation: number }> {
  let train = 0;
  let validation = 0;
  for await (const { index, cells } of readRows(path)) {
    if (index < 0) continue;
    if (cells.length !== header.length) throw new DatasetError(`CSV file '${basename(path)}' line ${index + 2} has ${cells.length} values but the header has ${header.length} columns; fix or remove that line`);
    if (isValidationRow(index, split)) validation++;
    else {
      train++;
      visit(cells, index + 2);
    }
  }
  return limitedCounts(train, validation, split);
}

async function* splitRows(path: string, split: SplitOptions, which: 'train' | 'validation'): AsyncGenerator<string[]> {
  for await (const { index, cells } of readRows(path)) {
    if (index < 0) continue;
    if (isValidationRow(index, split) === (which === 'validation')) yield cells;
  }
}

/** A target column's name up to its last '_', '.', ':' or '-' ('species_' of species_setosa), or null without one. */
function oneHotPrefix(target: string): string | null {
  return /^(.+[_.:-])[^_.:-]+$/.exec(target)?.[1] ?? null;
}

/**
 * The columns that may one-hot encode the target: the target and every other column sharing its oneHotPrefix
 * (species_setosa, species_versicolor, species_virginica). Empty when there is no such group.
 */
function oneHotCandidates(header: string[], target: string): number[] {
  const prefix = oneHotPrefix(target);
  if (!prefix) return [];
  const group = header.map((h, i) => (h.startsWith(prefix) && h.length > prefix.length ? i : -1)).filter((i) => i >= 0);
  return group.length >= 2 ? group : [];
}

/** Features and target from a CSV: numeric columns standardised, text columns one-hot; stats from the training rows. */
export async function openCsvDataset(path: string, ref: Extract<DatasetRef, { kind: 'csv' }>, split: SplitOptions, saved?: Preprocessing): Promise<Dataset> {
  const file = basename(path);
  const header = await readCsvHeader(path);
  const targetIndex = columnIndex(header, ref.target, file, 'target');
  // A target given as several 0/1 columns (one-hot, as pandas.get_dummies writes it) is one class label: the
  // group is read back into class ids, and its other columns are not features (they would give the answer away).
  const candidates = saved ? [] : ref.options?.task === 'regression' ? [] : oneHotCandidates(header, ref.target);
  let oneHot: number[] = saved?.target?.oneHotColumns ? saved.target.oneHotColumns.map((c) => columnIndex(header, c, file, 'target')) : [];
  let oneHotRows = candidates.length > 0;

  let columns = saved?.columns;
  let target = saved?.target;
  let classNames = saved?.classNames ?? null;
  const allFeatures = header.map((_, i) => i).filter((i) => i !== targetIndex);
  const stats = allFeatures.map(() => ({ numeric: true, n: 0, sum: 0, sumSq: 0, values: new Set<string>() }));
  const targetValues = new Set<string>();
  let targetNumeric = true;
  const counts = await scan(path, header, split, (cells) => {
    if (saved) return;
    if (oneHotRows) {
      let ones = 0;
      for (const c of candidates) {
        const v = Number(cells[c]);
        if (cells[c] === '' || (v !== 0 && v !== 1)) ones = -1;
        else if (ones >= 0) ones += v;
      }
      if (ones !== 1) oneHotRows = false;
    }
    allFeatures.forEach((c, k) => {
      const s = stats[k]!;
      const v = cells[c]!;
      if (v === '') return;
      if (s.numeric && isNumber(v)) {
        const n = Number(v);
        s.n++;
        s.sum += n;
        s.sumSq += n * n;
      } else s.numeric = false;
      if (s.values.size <= MAX_CATEGORIES) s.values.add(v);
    });
    const t = cells[targetIndex]!;
    if (!isNumber(t)) targetNumeric = false;
    if (targetValues.size <= MAX_CATEGORIES) targetValues.add(t);
  });
  if (counts.train === 0) throw new DatasetError(`CSV file '${file}' has no data rows under its header`);
  if (oneHotRows) oneHot = candidates;
  const featureIndices = allFeatures.filter((i) => !oneHot.includes(i));
  if (featureIndices.length === 0) throw new DatasetError(`CSV file '${file}' has only the target column${oneHot.length ? 's' : ''} '${oneHot.length ? oneHot.map((i) => header[i]).join("', '") : ref.target}'; it needs at least one feature column`);

  if (!columns || !target) {
    columns = featureIndices.map((c) => {
      const s = stats[allFeatures.indexOf(c)]!;
      const name = header[c]!;
      if (s.numeric) {
        const mean = s.n ? s.sum / s.n : 0;
        const std = s.n ? Math.sqrt(Math.max(0, s.sumSq / s.n - mean * mean)) : 1;
        return { name, kind: 'numeric' as const, mean, std: std || 1 };
      }
      if (s.values.size > MAX_CATEGORIES) throw new DatasetError(`CSV column '${name}' in '${file}' holds text with more than ${MAX_CATEGORIES} distinct values, so it cannot be one-hot encoded; if it is free text, name it as the text column (--text-column ${name} on the command line, or 'CSV with a text column' in the Data tab), or remove it`);
      return { name, kind: 'categorical' as const, values: [...s.values].sort() };
    });
    const task = ref.options?.task;
    const integerFew = targetNumeric && targetValues.size <= 20 && [...targetValues].every((v) => Number.isInteger(Number(v)));
    const asClasses = task === 'classification' || (task !== 'regression' && (!targetNumeric || integerFew));
    if (oneHot.length) {
      const prefix = oneHotPrefix(ref.target)!;
      classNames = oneHot.map((i) => header[i]!.slice(prefix.length));
      target = { name: `${prefix}*`, kind: 'categorical', oneHotColumns: oneHot.map((i) => header[i]!) };
    } else if (asClasses) {
      if (targetValues.size > MAX_CATEGORIES) throw new DatasetError(`target column '${ref.target}' in '${file}' has more than ${MAX_CATEGORIES} distinct values; for a numeric target set options.task to 'regression'`);
      classNames = [...targetValues].sort((a, b) => (targetNumeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
      target = { name: ref.target, kind: 'categorical' };
    } else {
      if (!targetNumeric) throw new DatasetError(`target column '${ref.target}' in '${file}' has non-numeric values, so it cannot be a regression target`);
      target = { name: ref.target, kind: 'numeric' };
      classNames = null;
    }
  }
  const width = columns.reduce((a, c) => a + (c.kind === 'numeric' ? 1 : c.values.length), 0);
  const isClass = target.kind === 'categorical';
  const info: DatasetInfo = {
    name: file,
    task: isClass ? 'classification' : 'regression',
    inputShape: [width],
    inputDtype: 'float32',
    targetShape: isClass ? [] : [1],
    classNames,
    vocabSize: null,
    trainSamples: counts.train,
    validationSamples: counts.validation,
  };
  const preprocessing: Preprocessing = { source: 'csv', task: info.task, inputShape: info.inputShape, inputDtype: 'float32', targetShape: info.targetShape, classNames, columns, target };
  const cols = columns;
  const classIds = new Map((classNames ?? []).map((c, i) => [c, i]));
  const label = (cells: string[]): number => {
    if (!oneHot.length) return classIds.get(cells[targetIndex]!) ?? -1;
    const hot = oneHot.filter((c) => Number(cells[c]) === 1);
    return hot.length === 1 ? oneHot.indexOf(hot[0]!) : -1;
  };
  const encodeRow = (cells: string[]): Sample => ({ x: encodeCsvFeatures(cols, featureIndices.map((c) => cells[c] ?? '')), y: [isClass ? label(cells) : Number(cells[targetIndex])] });
  return streamingDataset(info, preprocessing, split.seed, async function* (which) {
    for await (const cells of splitRows(path, split, which)) {
      const s = encodeRow(cells);
      if (isClass && s.y[0] === -1) continue; // a class not seen in training: it cannot be predicted, so it is not scored
      yield s;
    }
  });
}

/** Encodes raw CSV feature values (in column order) with saved statistics; missing numbers become the mean. */
export function encodeCsvFeatures(columns: NonNullable<Preprocessing['columns']>, values: string[]): Float32Array {
  const width = columns.reduce((a, c) => a + (c.kind === 'numeric' ? 1 : c.values.length), 0);
  const x = new Float32Array(width);
  let o = 0;
  columns.forEach((c, i) => {
    const v = values[i] ?? '';
    if (c.kind === 'numeric') x[o++] = isNumber(v) ? (Number(v) - c.mean) / c.std : 0;
    else {
      const k = c.values.indexOf(v);
      if (k >= 0) x[o + k] = 1;
      o += c.values.length;
    }
  });
  return x;
}

/** Text classification from a CSV: one text column and one class column; word vocabulary from the training rows. */
export async function openCsvTextDataset(path: string, ref: Extract<DatasetRef, { kind: 'csvText' }>, split: SplitOptions, saved?: Preprocessing): Promise<Dataset> {
  const file = basename(path);
  const header = await readCsvHeader(path);
  const textIndex = columnIndex(header, ref.textColumn, file, 'text');
  const targetIndex = columnIndex(header, ref.target, file, 'target');
  const vocabSize = Number(ref.options?.vocabSize ?? 8000);
  const sequenceLength = Number(ref.options?.sequenceLength ?? 128);
  const wordCounts = new Map<string, number>();
  const targetValues = new Set<string>();
  const counts = await scan(path, header, split, (cells) => {
    if (saved) return;
    countWords(wordCounts, cells[textIndex]!);
    if (targetValues.size <= MAX_CATEGORIES) targetValues.add(cells[targetIndex]!);
  });
  if (counts.train === 0) throw new DatasetError(`CSV file '${file}' has no data rows under its header`);
  let words = saved?.words;
  let classNames = saved?.classNames ?? null;
  if (!words || !classNames) {
    if (targetValues.size > MAX_CATEGORIES) throw new DatasetError(`target column '${ref.target}' in '${file}' has more than ${MAX_CATEGORIES} distinct values; text classification needs a class column`);
    words = { tokens: vocabularyFromCounts(wordCounts, Math.min(vocabSize, wordCounts.size + 2)), sequenceLength, lowercase: true };
    classNames = [...targetValues].sort();
  }
  const info: DatasetInfo = {
    name: file,
    task: 'classification',
    inputShape: [words.sequenceLength],
    inputDtype: 'int32',
    targetShape: [],
    classNames,
    vocabSize: words.tokens.length + 2,
    trainSamples: counts.train,
    validationSamples: counts.validation,
  };
  const preprocessing: Preprocessing = { source: 'csvText', task: 'classification', inputShape: info.inputShape, inputDtype: 'int32', targetShape: [], classNames, words };
  const w = words;
  const index = wordIndex(w.tokens);
  const classIds = new Map(classNames.map((c, i) => [c, i]));
  return streamingDataset(info, preprocessing, split.seed, async function* (which) {
    for await (const cells of splitRows(path, split, which)) {
      const label = classIds.get(cells[targetIndex]!);
      if (label === undefined) continue;
      const x = new Int32Array(w.sequenceLength);
      encodeWords(cells[textIndex]!, w, x, 0, index);
      yield { x, y: [label] };
    }
  });
}
