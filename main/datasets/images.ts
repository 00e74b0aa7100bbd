import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { DatasetRef } from '../../graph/document.js';
import { indexBatches, type SplitOptions } from './memory.js';
import { isValidationRow, limitedCounts } from './stream.js';
import { DatasetError, type Dataset, type DatasetInfo, type Preprocessing } from './types.js';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/** Decoded RGBA pixels. */
interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Decodes a PNG or JPEG file to RGBA; the message names the file when it cannot. */
export async function decodeImage(path: string): Promise<Rgba> {
  const buf = await readFile(path);
  try {
    if (buf[0] === 0x89 && buf[1] === 0x50) {
      const png = PNG.sync.read(buf);
      return { width: png.width, height: png.height, data: png.data };
    }
    if (buf[0] === 0xff && buf[1] === 0xd8) {
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
      return { width: img.width, height: img.height, data: img.data };
    }
  } catch (e) {
    throw new DatasetError(`image '${path}' could not be decoded (${(e as Error).message}); re-save it as PNG or JPEG`);
  }
  throw new DatasetError(`image '${path}' is neither PNG nor JPEG; convert it or remove it from the folder`);
}

/** Bilinear resize of RGBA pixels into `out` at `offset` as height × width × channels values in [0, 1]. */
export function resizeInto(img: Rgba, height: number, width: number, channels: 1 | 3, out: Float32Array | Int32Array, offset: number): void {
  const sy = img.height / height;
  const sx = img.width / width;
  const px = (x: number, y: number, c: number): number => img.data[(y * img.width + x) * 4 + c]!;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const wx = fx - x0;
      const rgb = [0, 1, 2].map((c) => (px(x0, y0, c) * (1 - wx) + px(x1, y0, c) * wx) * (1 - wy) + (px(x0, y1, c) * (1 - wx) + px(x1, y1, c) * wx) * wy);
      const o = offset + (y * width + x) * channels;
      if (channels === 1) out[o] = (0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!) / 255;
      else for (let c = 0; c < 3; c++) out[o + c] = rgb[c]! / 255;
    }
  }
}

/**
 * An image folder: one subfolder per class holding PNG/JPEG files, decoded lazily batch by batch.
 * Images are resized to `size` (the graph's Input shape when known), else to the first image's size.
 */
export async function openImageFolder(path: string, ref: Extract<DatasetRef, { kind: 'images' }>, split: SplitOptions, saved?: Preprocessing, sizeHint?: number[]): Promise<Dataset> {
  const folder = `${basename(path)}/`;
  const entries = await readdir(path, { withFileTypes: true });
  const classNames = saved?.classNames ?? entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  if (classNames.length < 2) throw new DatasetError(`image folder '${folder}' has ${classNames.length} class subfolder${classNames.length === 1 ? '' : 's'}; it needs one subfolder per class (at least two), each holding PNG or JPEG images`);
  const files: { path: string; label: number }[] = [];
  for (const [label, cls] of classNames.entries()) {
    let names: string[];
    try {
      names = (await readdir(join(path, cls))).filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort();
    } catch {
      throw new DatasetError(`image folder '${folder}' has no class subfolder '${cls}', which the run was trained with`);
    }
    if (names.length === 0 && !saved) throw new DatasetError(`class folder '${folder}${cls}' holds no .png or .jpg images`);
    for (const n of names) files.push({ path: join(path, cls, n), label });
  }
  const channels: 1 | 3 = saved?.image?.channels ?? (ref.color === 'grayscale' ? 1 : 3);
  let height = saved?.image?.height ?? (ref.options?.height as number | undefined) ?? (sizeHint?.length === 3 ? sizeHint[0] : undefined);
  let width = saved?.image?.width ?? (ref.options?.width as number | undefined) ?? (sizeHint?.length === 3 ? sizeHint[1] : undefined);
  if (!height || !width) {
    const first = await decodeImage(files[0]!.path);
    height = first.height;
    width = first.width;
  }
  const train: number[] = [];
  const validation: number[] = [];
  files.forEach((_, i) => (isValidationRow(i, split) ? validation : train).push(i));
  const counts = limitedCounts(train.length, validation.length, split);
  const trainIdx = Int32Array.from(train.slice(0, counts.train));
  const valIdx = Int32Array.from(validation.slice(0, counts.validation));
  const inputShape = [height, width, channels];
  const info: DatasetInfo = { name: folder, task: 'classification', inputShape, inputDtype: 'float32', targetShape: [], classNames, vocabSize: null, trainSamples: trainIdx.length, validationSamples: valIdx.length };
  const preprocessing: Preprocessing = { source: 'images', task: 'classification', inputShape, inputDtype: 'float32', targetShape: [], classNames, image: { height, width, channels } };
  const h = height;
  const w = width;
  return {
    info,
    preprocessing,
    batches(which, options) {
      return indexBatches(which === 'train' ? trainIdx : valIdx, options, split.seed, h * w * channels, 1, 'float32', async (i, x, xo, y, yo) => {
        resizeInto(await decodeImage(files[i]!.path), h, w, channels, x, xo);
        y[yo] = files[i]!.label;
      });
    },
  };
}
