import uPlot from 'uplot';
import { EmaSmoother, GrowableArray, type Series } from './series.js';

// A streaming line chart on uPlot. Data arrives as append-only Series (series.ts); the chart keeps its own aligned
// table incrementally, so an update costs O(new points) plus one uPlot redraw (which decimates to pixels), and
// redraws are batched to at most one per animation frame however many events arrive.

/** One line of a chart. */
export interface ChartLine {
  /** Stable key across updates (run id + metric + role). */
  key: string;
  label: string;
  color: string;
  series: Series;
  /** `raw`: faint unsmoothed values; `smoothed`: EMA of `series`; `sparse`: few points (validation per epoch); `plain`. */
  role: 'raw' | 'smoothed' | 'sparse' | 'plain';
  dash?: boolean;
}

/** Display options that can change at run time. */
export interface ChartOptions {
  log: boolean;
  /** EMA weight for `smoothed` lines, 0..0.999. */
  smoothing: number;
  xLabel: string;
  /** Charts with the same key move one hover cursor together (the loss and metric charts of a run). */
  syncKey?: string;
}

/** What the hover read-out shows: the x under the pointer and each line's nearest value. */
export interface HoverReadout {
  x: number;
  values: { key: string; label: string; color: string; value: number | null; x: number | null }[];
}

interface SmoothCache {
  buf: Series['buf'] | null;
  consumed: number;
  weight: number;
  ema: EmaSmoother;
  out: GrowableArray;
}

interface SparseCache {
  consumed: number;
  col: (number | null)[];
}

/** Index of the first element >= v in a sorted array prefix. */
export function lowerBound(a: ArrayLike<number>, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the point whose x is nearest to v, or -1 when empty. */
export function nearestIndex(xs: ArrayLike<number>, n: number, v: number): number {
  if (n === 0) return -1;
  const i = lowerBound(xs, n, v);
  if (i >= n) return n - 1;
  if (i === 0) return 0;
  return v - xs[i - 1]! <= xs[i]! - v ? i - 1 : i;
}

/** Sorted union of several sorted x arrays (values shared between them appear once). */
export function unionX(arrays: readonly ArrayLike<number>[]): Float64Array {
  let total = 0;
  for (const a of arrays) total += a.length;
  const all = new Float64Array(total);
  let o = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) all[o++] = a[i]!;
  all.sort();
  let w = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[w - 1]) all[w++] = all[i]!;
  return all.subarray(0, w);
}

// The raw per-batch values stay readable under the smoothed line, as in TensorBoard (about 40% opacity).
const RAW_ALPHA = '70';
/** Lines with at most this many points get markers; longer ones are plain lines (50 epochs of dots hide the curves). */
const MARKERS_UP_TO = 12;
const FONT = '11px system-ui, sans-serif';

let measureCtx: CanvasRenderingContext2D | null = null;
/** Width in CSS pixels of tick labels, for sizing the y axis to what it shows. */
function labelWidth(values: readonly string[] | null): number {
  if (!values || values.length === 0) return 0;
  measureCtx ??= document.createElement('canvas').getContext('2d');
  if (!measureCtx) return Math.max(...values.map((v) => v.length)) * 7;
  measureCtx.font = FONT;
  return Math.max(...values.map((v) => measureCtx!.measureText(v).width));
}

/** Whole-number tick steps for the x axis (steps and epochs). */
const WHOLE_INCRS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 25_000, 50_000, 100_000, 200_000, 250_000, 500_000, 1_000_000];

/** A uPlot chart fed by append-only series. */
export class StreamChart {
  readonly plot: uPlot;
  private lines: ChartLine[] = [];
  private opts: ChartOptions;
  private frame = 0;
  private structureKey = '';
  private smoothCache = new Map<string, SmoothCache>();
  private sparseCache = new Map<string, SparseCache>();
  private zoomed = false;
  private decim: { k: number; keys: string; buf: Series['buf']; weight: number; done: number; xs: GrowableArray; cols: GrowableArray[]; his: GrowableArray[]; sparse: (number | null)[][] } | null = null;
  /** Whether the raw lines are drawn as min/max bands (long decimated series) rather than strokes. */
  private banded = false;
  private hoverListeners = new Set<(h: HoverReadout | null) => void>();
  /** Time spent in the last render (build data + setData + draw), ms; the benchmark reads it. */
  lastRenderMs = 0;
  private renderStart = 0;
  /** Called after each draw (benchmarks and tests). */
  onDrawn: ((ms: number) => void) | null = null;
  /** The y tick labels last drawn (tests read them: the canvas has no DOM text). */
  yTicks: string[] = [];

  constructor(
    private readonly el: HTMLElement,
    opts: ChartOptions,
    size: { width: number; height: number },
  ) {
    this.opts = opts;
    this.plot = new uPlot(this.plotOptions(size), [[]], el);
    // Axis colours are resolved from the theme when the plot is built: rebuild when the theme changes.
    this.themeObserver = new MutationObserver(() => {
      this.structureKey = '';
      this.schedule();
    });
    this.themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  }

  private readonly themeObserver: MutationObserver;

  private plotOptions(size: { width: number; height: number }, series: uPlot.Series[] = [{}]): uPlot.Options {
    // Canvas colours cannot be CSS variables: resolve the theme's now (the plot is rebuilt on theme-relevant changes).
    const css = getComputedStyle(this.el);
    const axis = css.getPropertyValue('--text-2').trim() || '#5a6374';
    const grid = css.getPropertyValue('--border').trim() || 'rgba(128,128,128,0.2)';
    return {
      width: size.width,
      height: size.height,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: true }, points: { size: 6 }, ...(this.opts.syncKey ? { sync: { key: this.opts.syncKey } } : {}) },
      scales: {
        x: { time: false },
        y: this.opts.log
          ? { distr: 3, range: (_u, min, max) => logRange(min, max) }
          : { range: (_u, min, max) => linRange(min, max) },
      },
      axes: [
        {
          label: this.opts.xLabel,
          labelSize: 16,
          size: 34,
          stroke: axis,
          labelFont: FONT,
          font: FONT,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
          // Steps and epochs are whole numbers: no 1.25 or 1.5 ticks when a run has only a few.
          incrs: WHOLE_INCRS,
          values: (_u: uPlot, vals: number[]) => vals.map((v) => (Number.isInteger(v) ? formatTick(v) : '')),
        },
        {
          // Sized to its widest label (1.25M, 0.00012), so large or tiny values are never cut.
          size: (_u, values) => Math.max(30, Math.ceil(labelWidth(values)) + 14),
          stroke: axis,
          font: FONT,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
          values: (_u, vals) => (this.yTicks = vals.map(formatTick)),
        },
      ],
      series,
      hooks: {
        setSelect: [
          () => {
            this.zoomed = true;
            this.schedule(); // redraw the zoomed range at full resolution
          },
        ],
        setCursor: [(u) => this.emitHover(u)],
        draw: [
          () => {
            if (this.renderStart) {
              this.lastRenderMs = performance.now() - this.renderStart;
              this.renderStart = 0;
              this.onDrawn?.(this.lastRenderMs);
            }
          },
        ],
        ready: [
          (u) => {
            u.over.addEventListener('dblclick', () => {
              this.zoomed = false;
              this.schedule();
            });
          },
        ],
      },
    };
  }

  /** Replaces the lines (cheap: call on every store change); the redraw waits for the next animation frame. */
  setLines(lines: ChartLine[]): void {
    this.lines = lines;
    this.schedule();
  }

  /** The x axis now drawn ('step' or 'epoch'). */
  get xLabel(): string {
    return this.opts.xLabel;
  }

  setOptions(opts: Partial<ChartOptions>): void {
    const prev = this.opts;
    this.opts = { ...prev, ...opts };
    if ((opts.log !== undefined && opts.log !== prev.log) || (opts.xLabel !== undefined && opts.xLabel !== prev.xLabel)) this.structureKey = ''; // rebuild with the new scale or axis
    if (opts.smoothing !== undefined && opts.smoothing !== prev.smoothing) this.smoothCache.clear();
    this.schedule();
  }

  setSize(size: { width: number; height: number }): void {
    if (size.width === this.plot.width && size.height === this.plot.height) return;
    this.plot.setSize(size);
  }

  onHover(listener: (h: HoverReadout | null) => void): () => void {
    this.hoverListeners.add(listener);
    return () => this.hoverListeners.delete(listener);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Draws now (normally called from the animation frame). */
  render(): void {
    this.renderStart = performance.now();
    const data = this.buildData();
    const key = `${this.opts.log}|${this.banded}|${this.lines.map((l) => `${l.key}:${l.color}:${l.role}:${l.dash ? 1 : 0}`).join(',')}`;
    if (key !== this.structureKey) {
      this.structureKey = key;
      this.zoomed = false;
      this.rebuild(data);
    } else {
      this.plot.setData(data, !this.zoomed);
    }
  }

  private rebuild(data: uPlot.AlignedData): void {
    // Series sets and scale distributions change rarely (a run selected, log toggled): recreate the plot then.
    const size = { width: this.plot.width, height: this.plot.height };
    this.plot.destroy();
    const series: uPlot.Series[] = [{ label: this.opts.xLabel }];
    const bands: uPlot.Band[] = [];
    this.lines.forEach((l, j) => {
      if (l.role === 'raw' && this.banded) {
        // Two invisible edges (maximum, minimum) and the band between them, filled in the raw line's colour.
        series.push({ label: `${l.label} max`, stroke: 'transparent', width: 0, spanGaps: true, points: { show: false } });
        series.push({ label: `${l.label} min`, stroke: 'transparent', width: 0, spanGaps: true, points: { show: false } });
        bands.push({ series: [series.length - 2, series.length - 1], fill: l.color + RAW_ALPHA });
        return;
      }
      // Markers only while a line has few points: validation every epoch of a long run stays a line.
      const fewPoints = () => (this.lines[j]?.series.length ?? 0) <= MARKERS_UP_TO;
      series.push({
        label: l.label,
        stroke: l.role === 'raw' ? l.color + RAW_ALPHA : l.color,
        width: l.role === 'raw' ? 1 : l.role === 'smoothed' ? 2 : 1.5,
        dash: l.dash ? [6, 4] : undefined,
        spanGaps: true,
        points: l.role === 'raw' || l.role === 'smoothed' ? { show: false } : { show: fewPoints, size: 5, width: 1, fill: l.color, stroke: l.color },
      });
    });
    (this as { plot: uPlot }).plot = new uPlot({ ...this.plotOptions(size, series), bands }, data, this.el);
  }

  /** Builds uPlot's aligned data: zero-copy views on the fast path (one dense x), a union of x otherwise. */
  private buildData(): uPlot.AlignedData {
    const lines = this.lines;
    if (lines.length === 0) {
      this.banded = false;
      return [[]];
    }
    const dense = lines.filter((l) => l.role !== 'sparse');
    const buf0 = dense[0]?.series.buf;
    const fast = dense.length > 0 && dense.every((l) => l.series.buf === buf0 && l.series.length === dense[0]!.series.length);
    if (fast) {
      const xsrc = dense[0]!.series;
      const n = xsrc.length;
      this.banded = !this.zoomed && n > this.maxBuckets() * 2;
      if (this.banded) return this.decimated(lines, xsrc);
      this.decim = null;
      const xs = xsrc.buf.xs.subarray(0, n);
      const cols: uPlot.AlignedData[number][] = [xs];
      for (const l of lines) {
        if (l.role === 'smoothed') cols.push(this.smoothed(l));
        else if (l.role === 'sparse') cols.push(this.sparse(l, xs, n));
        else cols.push(l.series.buf.ys.subarray(0, l.series.length));
      }
      return cols as uPlot.AlignedData;
    }
    // General case (overlaid runs, per-epoch view): union of x, each line mapped onto it.
    this.banded = false;
    this.sparseCache.clear();
    const xs = unionX(lines.map((l) => l.series.buf.xs.subarray(0, l.series.length)));
    const cols: uPlot.AlignedData[number][] = [xs];
    for (const l of lines) {
      const col = new Array<number | null>(xs.length).fill(null);
      const ys = l.role === 'smoothed' ? this.smoothed(l) : l.series.buf.ys.subarray(0, l.series.length);
      let j = 0;
      for (let i = 0; i < l.series.length; i++) {
        const x = l.series.buf.xs[i]!;
        while (xs[j]! < x) j++;
        col[j] = ys[i]!;
      }
      cols.push(col);
    }
    return cols as uPlot.AlignedData;
  }

  private maxBuckets(): number {
    return Math.max(256, Math.floor(this.plot.width));
  }

  /**
   * Min/max decimation for long series (TensorBoard and uPlot itself do the same per pixel): buckets of k points
   * (k a power of two, so about one bucket per pixel) become two points each, the bucket's extremes in the order they
   * occur. Raw lines become a band between each bucket's minimum and maximum instead, and smoothed lines the bucket's
   * mean: stroking a zig-zag of thousands of long anti-aliased segments is what made frames slow (the canvas, not the
   * JavaScript), and filling the band it covers draws the same pixels for a fraction of the cost. Complete buckets are kept between frames; only the open
   * last bucket is recomputed, so an update costs O(k) plus one redraw, however long the run. Hover read-outs use the
   * full data.
   */
  private decimated(lines: ChartLine[], xsrc: Series): uPlot.AlignedData {
    const n = xsrc.length;
    let k = 1;
    while (n / k > this.maxBuckets()) k *= 2;
    const keys = lines.map((l) => l.key).join(',');
    let d = this.decim;
    if (!d || d.k !== k || d.keys !== keys || d.buf !== xsrc.buf || d.weight !== this.opts.smoothing) {
      const arrays = () => lines.map(() => new GrowableArray(4096));
      d = { k, keys, buf: xsrc.buf, weight: this.opts.smoothing, done: 0, xs: new GrowableArray(4096), cols: arrays(), his: arrays(), sparse: lines.map(() => [] as (number | null)[]) };
      this.decim = d;
    }
    const X = xsrc.buf.xs;
    const ys = lines.map((l) => (l.role === 'smoothed' ? this.smoothed(l) : l.role === 'sparse' ? null : l.series.buf.ys));
    d.xs.length = 2 * d.done;
    for (const c of d.cols) c.length = 2 * d.done;
    for (const c of d.his) c.length = 2 * d.done;
    for (let b = d.done; b * k < n; b++) {
      const i0 = b * k;
      const i1 = Math.min(n, i0 + k);
      d.xs.push(X[i0]!);
      d.xs.push(X[i1 - 1]!);
      for (let j = 0; j < lines.length; j++) {
        const y = ys[j];
        const col = d.cols[j]!;
        if (!y) {
          col.push(NaN);
          col.push(NaN);
          continue;
        }
        const role = lines[j]!.role;
        if (role === 'smoothed') {
          // The smoothed line shows the trend: each pixel-wide bucket's mean (its extremes are in the raw band).
          // Drawn through the means, with each bucket's end point halfway to the next bucket's mean, so the line
          // has no stair steps.
          let sum = 0;
          for (let i = i0; i < i1; i++) sum += y[i]!;
          const mean = sum / (i1 - i0);
          if (b > 0) col.data[2 * b - 1] = (col.data[2 * b - 2]! + mean) / 2;
          col.push(mean);
          col.push(mean);
          continue;
        }
        let lo = i0;
        let hi = i0;
        for (let i = i0 + 1; i < i1; i++) {
          if (y[i]! < y[lo]!) lo = i;
          else if (y[i]! > y[hi]!) hi = i;
        }
        if (role === 'raw') {
          // Band edges: the bucket's minimum (cols) and maximum (his) across both of its x positions.
          col.push(y[lo]!);
          col.push(y[lo]!);
          d.his[j]!.push(y[hi]!);
          d.his[j]!.push(y[hi]!);
        } else {
          col.push(y[Math.min(lo, hi)]!);
          col.push(y[Math.max(lo, hi)]!);
        }
      }
      if (i1 - i0 === k) d.done = b + 1;
    }
    const m = d.xs.length;
    const out: uPlot.AlignedData[number][] = [d.xs.view()];
    for (let j = 0; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.role === 'raw') {
        out.push(d.his[j]!.view(), d.cols[j]!.view());
        continue;
      }
      if (l.role !== 'sparse') {
        out.push(d.cols[j]!.view());
        continue;
      }
      // Validation points (few): placed at the end of the bucket holding their step.
      const col = d.sparse[j]!;
      col.length = 0;
      for (let i = 0; i < m; i++) col.push(null);
      for (let i = 0; i < l.series.length; i++) {
        const b = Math.floor(Math.min(n - 1, lowerBound(X, n, l.series.buf.xs[i]!)) / k);
        col[Math.min(m - 1, 2 * b + 1)] = l.series.buf.ys[i]!;
      }
      out.push(col);
    }
    return out as uPlot.AlignedData;
  }

  private smoothed(l: ChartLine): Float64Array {
    const w = this.opts.smoothing;
    let c = this.smoothCache.get(l.key);
    if (!c || c.weight !== w || l.series.length < c.consumed) {
      c = { buf: l.series.buf, consumed: 0, weight: w, ema: new EmaSmoother(w), out: new GrowableArray(Math.max(1024, l.series.length)) };
      this.smoothCache.set(l.key, c);
    }
    const ys = l.series.buf.ys;
    for (let i = c.consumed; i < l.series.length; i++) c.out.push(c.ema.next(ys[i]!));
    c.consumed = l.series.length;
    return c.out.view();
  }

  private sparse(l: ChartLine, xs: Float64Array, n: number): (number | null)[] {
    let c = this.sparseCache.get(l.key);
    if (!c || l.series.length < c.consumed) {
      c = { consumed: 0, col: [] };
      this.sparseCache.set(l.key, c);
    }
    const col = c.col;
    if (col.length > n) col.length = n;
    while (col.length < n) col.push(null);
    for (let i = c.consumed; i < l.series.length; i++) {
      const idx = Math.min(n - 1, lowerBound(xs, n, l.series.buf.xs[i]!));
      if (idx >= 0) col[idx] = l.series.buf.ys[i]!;
    }
    c.consumed = l.series.length;
    return col;
  }

  private emitHover(u: uPlot): void {
    if (this.hoverListeners.size === 0) return;
    const left = u.cursor.left;
    if (left === undefined || left < 0) {
      for (const h of this.hoverListeners) h(null);
      return;
    }
    const x = u.posToVal(left, 'x');
    const values = this.lines.map((l) => {
      const i = nearestIndex(l.series.buf.xs, l.series.length, x);
      if (i < 0) return { key: l.key, label: l.label, color: l.color, value: null, x: null };
      const y = l.role === 'smoothed' ? (this.smoothCache.get(l.key)?.out.data[i] ?? l.series.buf.ys[i]!) : l.series.buf.ys[i]!;
      return { key: l.key, label: l.label, color: l.color, value: y, x: l.series.buf.xs[i]! };
    });
    for (const h of this.hoverListeners) h({ x, values });
  }

  /** Per line: label, point count, first and last value (tests and screen readers read it from the DOM). */
  summary(): { label: string; n: number; first: number | null; last: number | null }[] {
    return this.lines
      .filter((l) => l.role !== 'raw')
      .map((l) => ({ label: l.label, n: l.series.length, first: l.series.length ? l.series.buf.ys[0]! : null, last: l.series.length ? l.series.buf.ys[l.series.length - 1]! : null }));
  }

  destroy(): void {
    this.themeObserver.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
    this.plot.destroy();
  }
}

function linRange(min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null) return [0, 1];
  if (min === max) return [min - Math.abs(min || 1) * 0.1, max + Math.abs(max || 1) * 0.1];
  const pad = (max - min) * 0.05;
  return [min - pad, max + pad];
}

function logRange(min: number | null, max: number | null): uPlot.Range.MinMax {
  if (max === null || max <= 0) return [0.001, 1];
  const lo = min === null || min <= 0 ? max / 1e4 : min;
  return [lo / 1.2, max * 1.2];
}

/** Short tick labels: 0.0012, 1.2k, 35k, 4.5M, 7G; beyond that an exponent. */
export function formatTick(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e15) return v.toExponential(1).replace('e+', 'e');
  for (const [unit, scale] of [['T', 1e12], ['G', 1e9], ['M', 1e6], ['k', 1e3]] as const) {
    // 10k and up as k (9500 stays 9500): four digits read fine, five do not. 999,999.9 rounds up to 1M, not 1000k.
    if (a >= (unit === 'k' ? 9995 : scale * 0.9995)) return `${+(v / scale).toPrecision(3)}${unit}`;
  }
  if (a < 1e-3) return v.toExponential(0);
  return `${+v.toPrecision(3)}`;
}
