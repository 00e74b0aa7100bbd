import { describe, expect, it } from 'vitest';
import { TEMPLATES, getTemplate } from '../../graph/templates/index.js';
import { inferGraph } from '../../graph/infer.js';
import { applyChanges } from '../../renderer/store/changes.js';
import { ELK_MAX_NODES, layoutGraph } from '../../renderer/canvas/auto-layout.js';
import { fastLayout } from '../../renderer/canvas/fast-layout.js';
import { createGraph } from '../../graph/document.js';
import { NODE_HEIGHT, NODE_WIDTH } from '../../renderer/canvas/layer-node.js';
import { edgeShapeText } from '../../renderer/app/format.js';
import type { Graph } from '../../graph/document.js';

// The auto-layout with the real ELK (in this thread; the app runs the same code in a worker).

const labels = (g: Graph) => {
  const inf = inferGraph(g);
  const src = new Map(g.edges.map((e) => [e.id, e.source] as const));
  return (id: string) => edgeShapeText(inf.nodes[src.get(id)!]?.outputShape);
};

async function laidOut(name: string) {
  const g = getTemplate(name)!.build();
  const { changes, routes } = await layoutGraph(g, () => undefined, labels(g));
  return { graph: applyChanges(g, changes), routes };
}

type Box = { x: number; y: number; w: number; h: number };
const inside = (p: { x: number; y: number }, b: Box, margin = 0) => p.x > b.x + margin && p.x < b.x + b.w - margin && p.y > b.y + margin && p.y < b.y + b.h - margin;

describe('auto-layout', () => {
  it('lays every chain template out as one left-to-right row, never wrapped into rows', async () => {
    for (const t of TEMPLATES.filter((t) => t.name !== 'mnist-resnet')) {
      const { graph } = await laidOut(t.name);
      const ys = new Set(graph.nodes.map((n) => n.position.y));
      expect(ys.size, t.name).toBe(1);
      const xs = graph.nodes.map((n) => n.position.x);
      expect(xs, t.name).toEqual([...xs].sort((a, b) => a - b));
    }
  });

  it('routes ResNet skip connections around the layers they skip, with readable labels', async () => {
    const { graph, routes } = await laidOut('mnist-resnet');
    const boxes = new Map(graph.nodes.map((n) => [n.id, { x: n.position.x, y: n.position.y, w: NODE_WIDTH, h: NODE_HEIGHT }] as const));
    // The main path is one straight row: stem, both convolutions of each block and the adds share a y.
    const byName = new Map(graph.nodes.map((n) => [n.name, n] as const));
    const mainY = byName.get('stem')!.position.y;
    for (const name of ['block1_conv1', 'block1_conv2', 'block1_add', 'block2_conv2', 'block2_add', 'gap', 'digit']) expect(byName.get(name)!.position.y, name).toBe(mainY);
    expect(routes.size).toBe(graph.edges.length);
    for (const e of graph.edges) {
      const r = routes.get(e.id)!;
      // Every bend is orthogonal and no run crosses a layer's face (sampled along each run).
      for (let i = 1; i < r.points.length; i++) {
        const a = r.points[i - 1]!;
        const b = r.points[i]!;
        expect(a.x === b.x || a.y === b.y, `${e.id} bends diagonally`).toBe(true);
        for (let t = 0; t <= 20; t++) {
          const p = { x: a.x + ((b.x - a.x) * t) / 20, y: a.y + ((b.y - a.y) * t) / 20 };
          for (const [id, box] of boxes) expect(inside(p, box, 2), `${e.id} runs through ${id}`).toBe(false);
        }
      }
      // Each ends at its own port: the two inputs of an Add arrive at different heights.
      const end = r.points[r.points.length - 1]!;
      const target = boxes.get(e.target)!;
      expect(end.x).toBe(target.x);
    }
    const add = byName.get('block1_add')!;
    const ends = graph.edges.filter((e) => e.target === add.id).map((e) => routes.get(e.id)!.points.at(-1)!.y);
    expect(new Set(ends).size).toBe(2);
    // Labels sit on their routes and do not overlap each other or a layer.
    const labelBoxes = graph.edges.map((e) => {
      const l = routes.get(e.id)!.label!;
      const w = labels(graph)(e.id).length * 6.4 + 14;
      return { x: l.x - w / 2, y: l.y - 9, w, h: 18 };
    });
    const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
    labelBoxes.forEach((a, i) => {
      labelBoxes.forEach((b, j) => {
        if (i < j) expect(overlap(a, b), `labels of ${graph.edges[i]!.id} and ${graph.edges[j]!.id} overlap`).toBe(false);
      });
      for (const [id, box] of boxes) expect(overlap(a, box), `label of ${graph.edges[i]!.id} covers ${id}`).toBe(false);
    });
  });

  it('lays out 2,000 layers of residual blocks in well under a second, main path straight, skips routed around', async () => {
    // Input, then blocks of Dense → Dropout → Dense → Add(skip, dense): the editor bench's graph.
    const g = createGraph('big');
    let n = 0;
    const add = (type: string, params: Record<string, unknown> = {}) => {
      const id = `n${++n}`;
      g.nodes.push({ id, type, name: `${type.toLowerCase()}_${n}`, position: { x: 0, y: 0 }, params });
      return id;
    };
    const edge = (source: string, target: string, targetHandle = 'in') => g.edges.push({ id: `e${g.edges.length + 1}`, source, sourceHandle: 'out', target, targetHandle });
    let x = add('Input', { shape: [64] });
    const main = [x];
    while (n < 2000) {
      const a = add('Dense', { units: 64 });
      edge(x, a);
      const b = add('Dropout', { rate: 0.1 });
      edge(a, b);
      const c = add('Dense', { units: 64 });
      edge(b, c);
      const s = add('Add');
      edge(x, s, 'in0');
      edge(c, s, 'in1');
      main.push(a, b, c, s);
      x = s;
    }
    const t = performance.now();
    const { positions, routes } = fastLayout(g, () => undefined);
    expect(performance.now() - t).toBeLessThan(1000);
    // Arrange takes this path for a graph this big (ELK would need tens of seconds).
    expect(g.nodes.length).toBeGreaterThan(ELK_MAX_NODES);
    const y0 = positions.get('n1')!.y;
    for (const id of main) expect(positions.get(id)!.y, id).toBe(y0);
    const xs = main.map((id) => positions.get(id)!.x);
    expect(xs).toEqual([...xs].sort((p, q) => p - q));
    expect(new Set(xs).size).toBe(xs.length);
    const boxes = g.nodes.map((nd) => ({ id: nd.id, x: positions.get(nd.id)!.x, y: positions.get(nd.id)!.y, w: NODE_WIDTH, h: NODE_HEIGHT }));
    // Check the routes of the first blocks against every node near them: orthogonal, and never through a face.
    for (const e of g.edges.slice(0, 60)) {
      const r = routes.get(e.id)!;
      expect(r.points[0]!.x).toBe(positions.get(e.source)!.x + NODE_WIDTH);
      expect(r.points.at(-1)!.x).toBe(positions.get(e.target)!.x);
      for (let i = 1; i < r.points.length; i++) {
        const a = r.points[i - 1]!;
        const b = r.points[i]!;
        expect(a.x === b.x || a.y === b.y, `${e.id} bends diagonally`).toBe(true);
        for (let k = 0; k <= 10; k++) {
          const p = { x: a.x + ((b.x - a.x) * k) / 10, y: a.y + ((b.y - a.y) * k) / 10 };
          for (const bx of boxes.slice(0, 80)) expect(inside(p, bx, 2), `${e.id} runs through ${bx.id}`).toBe(false);
        }
      }
    }
    // A block's two inputs arrive at the Add's two ports (an Add also shows a third, free one: quarters).
    const ends = g.edges.filter((e) => e.target === 'n5').map((e) => routes.get(e.id)!.points.at(-1)!.y);
    expect(ends.sort((p, q) => p - q)).toEqual([y0 + NODE_HEIGHT / 4, y0 + NODE_HEIGHT / 2].map(Math.round));
  });
});
