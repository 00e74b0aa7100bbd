import { describe, expect, it } from 'vitest';
import { TEMPLATES, getTemplate } from '../../graph/templates/index.js';
import { inferGraph } from '../../graph/infer.js';
import { applyChanges } from '../../renderer/store/changes.js';
import { layoutGraph } from '../../renderer/canvas/auto-layout.js';
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
});
