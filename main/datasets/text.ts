import type { Preprocessing } from './types.js';

/** Lowercased word tokens: runs of letters, digits and apostrophes. */
export function tokenizeWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
}

/** Adds the words of `text` to running counts (vocabularies are built in one streaming pass). */
export function countWords(counts: Map<string, number>, text: string): void {
  for (const w of tokenizeWords(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
}

/** The `size - 2` most frequent tokens (ids 0 and 1 are padding and out-of-vocabulary); ties broken alphabetically so runs repeat. */
export function buildWordVocabulary(texts: Iterable<string>, size: number): string[] {
  const counts = new Map<string, number>();
  for (const t of texts) countWords(counts, t);
  return vocabularyFromCounts(counts, size);
}

/** The `size - 2` most frequent words of running counts. */
export function vocabularyFromCounts(counts: Map<string, number>, size: number): string[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, Math.max(0, size - 2))
    .map(([w]) => w);
}

/** Encodes text as word ids into `out` at `offset`, truncated or zero-padded to the sequence length. */
export function encodeWords(text: string, words: NonNullable<Preprocessing['words']>, out: Int32Array, offset: number, index?: Map<string, number>): void {
  const ids = index ?? wordIndex(words.tokens);
  const tokens = tokenizeWords(text);
  for (let i = 0; i < words.sequenceLength; i++) out[offset + i] = i < tokens.length ? (ids.get(tokens[i]!) ?? 1) : 0;
}

/** Token -> id lookup for a vocabulary. */
export function wordIndex(tokens: string[]): Map<string, number> {
  return new Map(tokens.map((t, i) => [t, i + 2]));
}

/** Character -> id lookup for a character vocabulary. */
export function charIndex(chars: string[]): Map<string, number> {
  return new Map(chars.map((c, i) => [c, i]));
}

/** Encodes characters as ids, unknown ones as `unknownId`, truncated or zero-padded to `length`. */
export function encodeChars(text: string, chars: NonNullable<Preprocessing['chars']>, out: Int32Array | Float32Array, offset: number, length: number, index?: Map<string, number>): void {
  const ids = index ?? charIndex(chars.chars);
  const cs = [...text];
  for (let i = 0; i < length; i++) out[offset + i] = i < cs.length ? (ids.get(cs[i]!) ?? chars.unknownId) : 0;
}
