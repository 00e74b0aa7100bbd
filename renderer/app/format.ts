import type { Shape } from '../../graph/shape.js';
import { formatShape } from '../../graph/shape.js';
import { CATEGORIES } from '../../graph/layers/index.js';

/** 1234567 → "1.23M": compact counts for node faces and the status bar. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];
  for (const [v, u] of units) if (n >= v) return `${(n / v).toFixed(n / v >= 100 ? 0 : n / v >= 10 ? 1 : 2)}${u}`;
  return String(n);
}

/** 34826 → "34,826": exact counts for tables. */
export function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

/** When something happened, as people say it: "just now", "5 min ago", "3 h ago", "yesterday", else the date. */
export function formatWhen(at: number, now: number): string {
  const s = Math.max(0, now - at) / 1000;
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  const then = new Date(at);
  const today = new Date(now);
  const sameDay = then.toDateString() === today.toDateString();
  if (sameDay) return `${Math.floor(s / 3600)} h ago`;
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (then.toDateString() === yesterday.toDateString()) return 'yesterday';
  const opts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', ...(then.getFullYear() !== today.getFullYear() ? { year: 'numeric' } : {}) };
  return then.toLocaleDateString('en-GB', opts);
}

/** Shape text as everywhere else in Tensorloom (`[null, 26, 26, 32]`). */
export function shapeText(shape: Shape | null | undefined): string {
  return shape ? formatShape(shape) : '?';
}

/** Compact shape for edge labels: the sample shape without the batch axis, `26×26×32` (unknown sizes as `?`). */
export function edgeShapeText(shape: Shape | null | undefined): string {
  if (!shape) return '?';
  const dims = shape.slice(1);
  return dims.length ? dims.map((d) => (d === null ? '?' : String(d))).join('×') : 'scalar';
}

// One hue per palette category, chosen to stay distinct in light and dark themes. Categories added
// to the registry later get a hue from their name, so nothing here needs editing.
const HUES: Record<string, number> = {
  'Inputs/outputs': 152,
  Core: 215,
  Convolution: 262,
  Pooling: 190,
  Normalization: 42,
  Regularization: 60,
  Recurrent: 330,
  Attention: 26,
  Reshaping: 235,
  Merging: 95,
  Activation: 285,
  Preprocessing: 170,
};

/** The hue (0–360) that colours a category's nodes and palette entries. */
export function categoryHue(category: string): number {
  const known = HUES[category];
  if (known !== undefined) return known;
  let h = CATEGORIES.length * 37;
  for (const ch of category) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}
