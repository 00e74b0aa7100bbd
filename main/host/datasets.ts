import { PNG } from 'pngjs';
import { HostError, type DatasetDescription, type DatasetSample, type DatasetSummary } from '../../graph/api/host.js';
import type { DatasetRef } from '../../graph/document.js';
import { DatasetError, listBuiltinDatasets, openDataset, sizeOf, type Dataset, type Preprocessing } from '../datasets/index.js';

/** The built-in datasets for the picker. */
export async function listDatasets(): Promise<DatasetSummary[]> {
  return listBuiltinDatasets();
}

async function open(ref: DatasetRef, baseDir: string | null): Promise<Dataset> {
  try {
    return await openDataset(ref, { baseDir });
  } catch (e) {
    if (e instanceof DatasetError) throw new HostError('invalid', e.message);
    throw e;
  }
}

/** Describes a dataset (opens it: built-ins are small, user files are read once). */
export async function describeDataset(ref: DatasetRef, baseDir: string | null): Promise<DatasetDescription> {
  const { info } = await open(ref, baseDir);
  return {
    name: info.name,
    task: info.task,
    inputShape: info.inputShape,
    inputDtype: info.inputDtype,
    targetShape: info.targetShape,
    classNames: info.classNames,
    vocabSize: info.vocabSize,
    trainSamples: info.trainSamples,
    validationSamples: info.validationSamples,
  };
}

/** An image sample ([h, w, c] values in [0, 1]) as a PNG data URL. */
export function imageDataUrl(values: ArrayLike<number>, height: number, width: number, channels: number): string {
  const png = new PNG({ width, height });
  for (let i = 0; i < height * width; i++) {
    const px = (c: number) => Math.max(0, Math.min(255, Math.round((values[i * channels + c] ?? 0) * 255)));
    const r = px(0);
    png.data[i * 4] = r;
    png.data[i * 4 + 1] = channels >= 3 ? px(1) : r;
    png.data[i * 4 + 2] = channels >= 3 ? px(2) : r;
    png.data[i * 4 + 3] = 255;
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

function labelOf(p: Preprocessing, y: ArrayLike<number>, text: (ids: ArrayLike<number>) => string): string | null {
  if (p.task === 'classification' && y.length === 1) {
    const id = y[0]!;
    return p.classNames?.[id] ?? String(id);
  }
  if (p.task === 'languageModel') return text(y);
  if (p.task === 'regression') return Array.from(y, (v) => Number(v.toPrecision(4))).join(', ');
  return null;
}

/**
 * A standardized value mapped back to the column's units. The float32 round trip leaves noise about 1e-7 of the
 * column's magnitude (a 0 came back as -7.3e-7), so the value is rounded at six digits below that magnitude rather
 * than to a fixed number of significant digits, which also turned 52341 into 52340.
 */
function unstandardize(z: number, std: number, mean: number): number {
  const v = z * std + mean;
  const magnitude = Math.max(Math.abs(mean), Math.abs(std), Number.MIN_VALUE);
  const step = 10 ** (Math.floor(Math.log10(magnitude)) - 6);
  return Number((Math.round(v / step) * step).toPrecision(15));
}

function rowValues(p: Preprocessing, x: ArrayLike<number>): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  if (p.columns) {
    let i = 0;
    for (const c of p.columns) {
      if (c.kind === 'numeric') out[c.name] = unstandardize(x[i++] ?? 0, c.std, c.mean);
      else {
        let best = 0;
        for (let k = 1; k < c.values.length; k++) if ((x[i + k] ?? 0) > (x[i + best] ?? 0)) best = k;
        out[c.name] = c.values[best] ?? null;
        i += c.values.length;
      }
    }
    return out;
  }
  const n = Math.min(x.length, 16);
  for (let i = 0; i < n; i++) {
    const s = p.standardize;
    out[`x${i}`] = s ? unstandardize(x[i] ?? 0, s.std[i] ?? 1, s.mean[i] ?? 0) : Number((x[i] ?? 0).toPrecision(7));
  }
  return out;
}

/** A few training samples in a form the UI can show: image thumbnails, table rows or text snippets. */
export async function previewDataset(ref: DatasetRef, baseDir: string | null, count: number): Promise<DatasetSample[]> {
  const ds = await open(ref, baseDir);
  const p = ds.preprocessing;
  const inSize = sizeOf(p.inputShape);
  const outSize = sizeOf(p.targetShape);
  const words = p.words;
  const chars = p.chars;
  const text = (ids: ArrayLike<number>): string => {
    const arr = Array.from(ids).filter((id) => id !== 0);
    if (words) return arr.map((id) => (id === 1 ? '<unk>' : (words.tokens[id - 2] ?? '<unk>'))).join(' ');
    if (chars) return arr.map((id) => chars.chars[id] ?? '?').join('');
    return arr.join(' ');
  };
  const iterator = ds.batches('train', { batchSize: count, shuffle: false });
  const first = await iterator.next();
  await iterator.return?.(undefined);
  if (first.done) return [];
  const { x, y, size } = first.value;
  const samples: DatasetSample[] = [];
  for (let s = 0; s < size; s++) {
    const xs = x.subarray(s * inSize, (s + 1) * inSize);
    const ys = y.subarray(s * outSize, (s + 1) * outSize);
    const label = labelOf(p, ys, text);
    const shape = p.inputShape;
    if (p.image || (shape.length === 3 && p.inputDtype === 'float32')) {
      const [h, w, c] = p.image ? [p.image.height, p.image.width, p.image.channels] : (shape as [number, number, number]);
      samples.push({ kind: 'image', dataUrl: imageDataUrl(xs, h, w, c), label });
    } else if (words || chars) samples.push({ kind: 'text', text: text(xs), label });
    else samples.push({ kind: 'row', values: rowValues(p, xs), label });
  }
  return samples;
}

/** Validation samples saved by a run (preprocessed inputs, class ids) as the UI shows them, with predicted and true labels. */
export function validationSampleViews(p: Preprocessing, samples: readonly { x: number[]; predicted: number; actual: number }[]): { sample: DatasetSample; predicted: string; actual: string; correct: boolean }[] {
  const name = (id: number) => p.classNames?.[id] ?? String(id);
  return samples.map(({ x, predicted, actual }) => {
    const shape = p.inputShape;
    let sample: DatasetSample;
    if (p.image || (shape.length === 3 && p.inputDtype === 'float32')) {
      const [h, w, c] = p.image ? [p.image.height, p.image.width, p.image.channels] : (shape as [number, number, number]);
      sample = { kind: 'image', dataUrl: imageDataUrl(x, h, w, c), label: null };
    } else if (p.words) sample = { kind: 'text', text: x.filter((id) => id !== 0).map((id) => (id === 1 ? '<unk>' : (p.words!.tokens[id - 2] ?? '<unk>'))).join(' '), label: null };
    else sample = { kind: 'row', values: rowValues(p, x), label: null };
    return { sample, predicted: name(predicted), actual: name(actual), correct: predicted === actual };
  });
}
