import { describe, expect, it } from 'vitest';
import { boundsOf, fitViewport, type FitOptions, type Rect } from '../../renderer/canvas/fit.js';
import { routedPath } from '../../renderer/canvas/shape-edge.js';
import { formatWhen } from '../../renderer/app/format.js';

const canvas = { width: 1000, height: 600 };
const opts = (o: Partial<FitOptions> = {}): FitOptions => ({ padding: 20, minZoom: 0.05, maxZoom: 1, overflow: 'center', avoid: [], ...o });
/** Where a flow rectangle lands on screen under a viewport. */
const onScreen = (r: Rect, v: { x: number; y: number; zoom: number }): Rect => ({ x: r.x * v.zoom + v.x, y: r.y * v.zoom + v.y, width: r.width * v.zoom, height: r.height * v.zoom });
const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
/** A left-to-right chain of `n` standard nodes. */
const chain = (n: number, gap = 100): Rect[] => Array.from({ length: n }, (_, i) => ({ x: i * (184 + gap), y: 0, width: 184, height: 84 }));

describe('fitting the graph into the canvas', () => {
  it('fits every node of a big graph, whatever React Flow measured', () => {
    // 1,000 nodes in bands of 40 columns, as the editor bench opens them.
    const rects = Array.from({ length: 1000 }, (_, i) => ({ x: (i % 40) * 270, y: Math.floor(i / 40) * 420, width: 184, height: 84 }));
    const v = fitViewport(rects, canvas, opts())!;
    expect(v.zoom).toBeLessThan(0.1);
    const all = onScreen(boundsOf(rects)!, v);
    expect(all.x).toBeGreaterThanOrEqual(19.9);
    expect(all.y).toBeGreaterThanOrEqual(19.9);
    expect(all.x + all.width).toBeLessThanOrEqual(canvas.width - 19.9);
    expect(all.y + all.height).toBeLessThanOrEqual(canvas.height - 19.9);
  });

  it('keeps the nodes clear of the minimap and zoom controls in the corners', () => {
    const minimap = { x: 850, y: 490, width: 150, height: 110 };
    const controls = { x: 0, y: 440, width: 50, height: 160 };
    for (const rects of [chain(6), chain(2).map((r, i) => ({ ...r, x: 0, y: i * 300 }))]) {
      const v = fitViewport(rects, canvas, opts({ avoid: [minimap, controls] }))!;
      for (const r of rects) {
        const s = onScreen(r, v);
        expect(overlaps(s, minimap)).toBe(false);
        expect(overlaps(s, controls)).toBe(false);
      }
    }
  });

  it('never zooms a small graph past 100%', () => {
    expect(fitViewport(chain(2), canvas, opts())!.zoom).toBe(1);
  });

  it('opens a long chain at a readable zoom showing its beginning, centred on what is on screen', () => {
    const rects = chain(12);
    const v = fitViewport(rects, canvas, opts({ minZoom: 0.75, overflow: 'start' }))!;
    expect(v.zoom).toBe(0.75);
    const first = onScreen(rects[0]!, v);
    expect(first.x).toBeCloseTo(20, 5);
    expect(first.y + first.height / 2).toBeCloseTo(canvas.height / 2, 5);
    // The same graph with overflow 'center' would crop both ends.
    const centred = fitViewport(rects, canvas, opts({ minZoom: 0.75 }))!;
    expect(onScreen(rects[0]!, centred).x).toBeLessThan(0);
  });

  it('returns null when there is nothing to fit', () => {
    expect(fitViewport([], canvas, opts())).toBeNull();
  });
});

describe('edge routes from the auto-layout', () => {
  const route = { points: [{ x: 184, y: 42 }, { x: 220, y: 42 }, { x: 220, y: -20 }, { x: 700, y: -20 }, { x: 700, y: 30 }, { x: 750, y: 30 }] };

  it('draws the route from the handles actual ends, keeping the runs at the ports horizontal', () => {
    const d = routedPath(route, 189, 43, 746, 31)!;
    expect(d.startsWith('M189,43 L')).toBe(true);
    expect(d.endsWith('L746,31')).toBe(true);
    // The first corner follows the handle's y (43, not the layout's 42), so the wire leaves level.
    expect(d).toContain('Q220,43');
    expect(d).toContain('Q700,31');
  });

  it('is dropped once an end has moved (a node dragged since the layout)', () => {
    expect(routedPath(route, 189, 43 + 10, 746, 31)).toBeNull();
    expect(routedPath(route, 189, 43, 746 + 20, 31)).toBeNull();
  });
});

describe('relative times on the start screen', () => {
  const now = new Date(2025, 4, 20, 15, 0).getTime();
  it('says how long ago, in words', () => {
    expect(formatWhen(now - 20_000, now)).toBe('just now');
    expect(formatWhen(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(formatWhen(now - 3 * 3600_000, now)).toBe('3 h ago');
    expect(formatWhen(new Date(2025, 4, 19, 9, 0).getTime(), now)).toBe('yesterday');
    expect(formatWhen(new Date(2025, 2, 3).getTime(), now)).toBe('3 Mar');
    expect(formatWhen(new Date(2023, 2, 3).getTime(), now)).toBe('3 Mar 2023');
  });
});
