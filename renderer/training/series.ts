// Append-only point series backed by preallocated typed arrays. Charts hand uPlot `subarray` views of them, so
// plotting 100,000 points never copies; appending is amortised O(1) (capacity doubles).
//
// A Series value is immutable from the outside: it is a (buffer, length) pair. Appending to the newest value writes
// in place; appending to an older value (a stale snapshot) copies first, so the reducer stays pure.

/** Shared storage of a series; `used` is how far the newest snapshot has written. */
export interface SeriesBuffer {
  xs: Float64Array;
  ys: Float64Array;
  used: number;
}

/** An immutable view of the first `length` points of a buffer. */
export interface Series {
  readonly buf: SeriesBuffer;
  readonly length: number;
}

/** A series with room for `capacity` points. */
export function emptySeries(capacity = 64): Series {
  return { buf: { xs: new Float64Array(capacity), ys: new Float64Array(capacity), used: 0 }, length: 0 };
}

/** The series with (x, y) appended; reuses the buffer when `s` is its newest snapshot and there is room. */
export function appendPoint(s: Series, x: number, y: number): Series {
  let buf = s.buf;
  const n = s.length;
  if (buf.used !== n || n >= buf.xs.length) {
    const cap = Math.max(64, n * 2);
    const xs = new Float64Array(cap);
    const ys = new Float64Array(cap);
    xs.set(buf.xs.subarray(0, n));
    ys.set(buf.ys.subarray(0, n));
    buf = { xs, ys, used: n };
  }
  buf.xs[n] = x;
  buf.ys[n] = y;
  buf.used = n + 1;
  return { buf, length: n + 1 };
}

/** The x values (a view, no copy). */
export function xsOf(s: Series): Float64Array {
  return s.buf.xs.subarray(0, s.length);
}

/** The y values (a view, no copy). */
export function ysOf(s: Series): Float64Array {
  return s.buf.ys.subarray(0, s.length);
}

/** The last y value, or null when empty. */
export function lastY(s: Series | undefined): number | null {
  return s && s.length > 0 ? s.buf.ys[s.length - 1]! : null;
}

/** A series from plain arrays (tests, loaded history). */
export function seriesFrom(xs: readonly number[], ys: readonly number[]): Series {
  let s = emptySeries(Math.max(64, xs.length));
  for (let i = 0; i < xs.length; i++) s = appendPoint(s, xs[i]!, ys[i]!);
  return s;
}

/**
 * TensorBoard's smoothing: an exponential moving average debiased for its zero start, so the first points are not
 * pulled toward zero. `weight` in [0, 1): 0 is no smoothing, 0.99 very smooth. Incremental: feed points one by one.
 */
export class EmaSmoother {
  private last = 0;
  private count = 0;
  constructor(readonly weight: number) {}

  next(y: number): number {
    if (!Number.isFinite(y)) return y;
    if (this.weight <= 0) return y;
    this.last = this.last * this.weight + (1 - this.weight) * y;
    this.count++;
    return this.last / (1 - Math.pow(this.weight, this.count));
  }
}

/** The smoothed copy of `ys` (whole array), for tests and one-off use. */
export function smooth(ys: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(ys.length);
  const ema = new EmaSmoother(weight);
  for (let i = 0; i < ys.length; i++) out[i] = ema.next(ys[i]!);
  return out;
}

/** Growable Float64 array used by charts for derived columns (smoothed values). */
export class GrowableArray {
  data: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.length >= this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  clear(): void {
    this.length = 0;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
