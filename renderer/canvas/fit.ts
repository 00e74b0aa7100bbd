// Fitting the graph into the canvas. React Flow's own fitView only counts nodes it has measured, and on big
// graphs (rendered only where visible) most never are, so the editor fits from the document's positions and
// known or estimated node sizes instead, and keeps clear of the overlays in the canvas' corners.

/** A rectangle: flow coordinates for graph bounds, canvas pixels for overlays. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A React Flow viewport: translation in canvas pixels and zoom. */
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** How to fit. */
export interface FitOptions {
  /** Margin around the graph, in canvas pixels. */
  padding: number;
  minZoom: number;
  maxZoom: number;
  /**
   * Where the graph goes when it does not fit at `minZoom`: `center` crops both ends, `start` shows its
   * beginning (the inputs of a left-to-right graph) and leaves the rest to panning, as a reader starts at
   * the top of a page (Netron opens a model at its inputs the same way).
   */
  overflow: 'center' | 'start';
  /** Overlays in the canvas (minimap, zoom controls), in canvas pixels; the graph is kept clear of them. */
  avoid: readonly Rect[];
}

/** Bounds of a set of rectangles; null for none. */
export function boundsOf(rects: Iterable<Rect>): Rect | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const r of rects) {
    x0 = Math.min(x0, r.x);
    y0 = Math.min(y0, r.y);
    x1 = Math.max(x1, r.x + r.width);
    y1 = Math.max(y1, r.y + r.height);
  }
  return x0 === Infinity ? null : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

function zoomFor(bounds: Rect, area: Rect, o: FitOptions): number {
  const w = Math.max(1, area.width - 2 * o.padding);
  const h = Math.max(1, area.height - 2 * o.padding);
  const z = Math.min(w / Math.max(1, bounds.width), h / Math.max(1, bounds.height));
  return Math.min(o.maxZoom, Math.max(o.minZoom, z));
}

/**
 * Areas of the canvas free of overlays that sit in its corners: the canvas without a bottom band as tall as
 * the overlays there, or without side bands as wide as them. A wide left-to-right graph loses less to the
 * band, a tall one to the sides; the caller tries both.
 */
function freeAreas(canvas: { width: number; height: number }, avoid: readonly Rect[]): Rect[] {
  const full: Rect = { x: 0, y: 0, width: canvas.width, height: canvas.height };
  if (avoid.length === 0) return [full];
  const top = Math.min(...avoid.map((r) => r.y));
  const bottomBand: Rect = { x: 0, y: 0, width: canvas.width, height: Math.max(0, top) };
  let left = 0;
  let right = canvas.width;
  for (const r of avoid) {
    if (r.x + r.width / 2 < canvas.width / 2) left = Math.max(left, r.x + r.width);
    else right = Math.min(right, r.x);
  }
  const sideBands: Rect = { x: left, y: 0, width: Math.max(0, right - left), height: canvas.height };
  return [bottomBand, sideBands];
}

/**
 * The viewport showing the nodes `rects` (flow coordinates) as large as the options allow in a canvas of this
 * size; null when there are none.
 */
export function fitViewport(rects: readonly Rect[], canvas: { width: number; height: number }, o: FitOptions): Viewport | null {
  const bounds = boundsOf(rects);
  if (!bounds) return null;
  let best: { area: Rect; zoom: number } | null = null;
  for (const area of freeAreas(canvas, o.avoid)) {
    if (area.width < 2 * o.padding + 40 || area.height < 2 * o.padding + 40) continue;
    const zoom = zoomFor(bounds, area, o);
    // Equal zooms (both clamped): the roomier area, so what overflows has the most space.
    if (!best || zoom > best.zoom + 1e-9 || (zoom > best.zoom - 1e-9 && area.width * area.height > best.area.width * best.area.height)) best = { area, zoom };
  }
  // A canvas too small for any free area (a tiny window): fit the whole of it, overlays or not.
  best ??= (() => {
    const area = { x: 0, y: 0, width: canvas.width, height: canvas.height };
    return { area, zoom: zoomFor(bounds, area, { ...o, padding: 0 }) };
  })();
  const { area, zoom } = best;
  const w = bounds.width * zoom;
  const h = bounds.height * zoom;
  const fitsX = w <= area.width - 2 * o.padding + 0.5;
  const fitsY = h <= area.height - 2 * o.padding + 0.5;
  const start = o.overflow === 'start';
  if (start && !fitsX) {
    // Show the beginning, centred on the nodes that are on screen there rather than on the whole graph.
    const x1 = bounds.x + (area.width - 2 * o.padding) / zoom;
    const seen = boundsOf(rects.filter((r) => r.x < x1)) ?? bounds;
    const vy = seen.height * zoom <= area.height - 2 * o.padding + 0.5 ? area.y + (area.height - seen.height * zoom) / 2 : area.y + o.padding;
    return { x: area.x + o.padding - bounds.x * zoom, y: vy - seen.y * zoom, zoom };
  }
  const sx = area.x + (area.width - w) / 2;
  const sy = fitsY || !start ? area.y + (area.height - h) / 2 : area.y + o.padding;
  return { x: sx - bounds.x * zoom, y: sy - bounds.y * zoom, zoom };
}
