import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { DatasetRef } from '../../graph/document.js';
import type { SplitOptions } from './memory.js';
import { isValidationRow, limitedCounts, streamingDataset } from './stream.js';
import { charIndex, encodeChars } from './text.js';
import { DatasetError, type Dataset, type DatasetInfo, type Preprocessing } from './types.js';

/** Characters of a file, streamed in chunks so large files never sit in memory whole. */
async function* readChars(path: string): AsyncGenerator<string> {
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })) for (const c of chunk as string) yield c;
}

/**
 * A text file for character-level language modelling: windows of `sequenceLength` characters, the
 * target at each position being the next character. Vocabulary: the most frequent characters (id 0
 * padding, the last id for any other character).
 */
export async function openTextFile(path: string, ref: Extract<DatasetRef, { kind: 'text' }>, split: SplitOptions, saved?: Preprocessing, sizeHint?: number[]): Promise<Dataset> {
  const file = basename(path);
  const length = saved?.chars?.sequenceLength ?? (ref.options?.sequenceLength as number | undefined) ?? (sizeHint?.length === 1 ? sizeHint[0]! : 64);
  const vocabSize = (ref.options?.vocabSize as number | undefined) ?? 96;
  const counts = new Map<string, number>();
  let total = 0;
  for await (const c of readChars(path)) {
    total++;
    if (!saved) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const windows = Math.floor((total - 1) / length);
  if (windows < 1) throw new DatasetError(`text file '${file}' has ${total} characters, fewer than one window of ${length + 1}; use a longer text or a shorter Input`);
  const chars = saved?.chars ?? {
    chars: ['', ...[...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, vocabSize - 2).map(([c]) => c), '\ufffd'],
    sequenceLength: length,
    unknownId: 0,
  };
  if (!saved) chars.unknownId = chars.chars.length - 1;
  let train = 0;
  let validation = 0;
  for (let i = 0; i < windows; i++) {
    if (isValidationRow(i, split)) validation++;
    else train++;
  }
  const n = limitedCounts(train, validation, split);
  const info: DatasetInfo = { name: file, task: 'languageModel', inputShape: [length], inputDtype: 'int32', targetShape: [length], classNames: null, vocabSize: chars.chars.length, trainSamples: n.train, validationSamples: n.validation };
  const preprocessing: Preprocessing = { source: 'text', task: 'languageModel', inputShape: [length], inputDtype: 'int32', targetShape: [length], classNames: null, chars };
  const index = charIndex(chars.chars);
  return streamingDataset(info, preprocessing, split.seed, async function* (which) {
    // Windows start every `length` characters and overlap by one, which is the last target.
    let window: string[] = [];
    let w = 0;
    for await (const c of readChars(path)) {
      window.push(c);
      if (window.length === length + 1) {
        if (isValidationRow(w, split) === (which === 'validation')) {
          const x = new Int32Array(length);
          const y = new Float32Array(length);
          encodeChars(window.slice(0, length).join(''), chars, x, 0, length, index);
          encodeChars(window.slice(1).join(''), chars, y, 0, length, index);
          yield { x, y };
        }
        w++;
        window = [window[length]!];
      }
    }
  });
}
