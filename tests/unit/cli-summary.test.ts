import { describe, expect, it } from 'vitest';
import { summarizeGraph } from '../../main/cli/summary.js';
import { getTemplate } from '../../graph/templates/index.js';
import { graphOf } from './helpers/graphs.js';

describe('summarizeGraph', () => {
  it('lists connections in port order and variadic inputs by number', () => {
    const g = graphOf(
      [
        { id: 'q', type: 'Input', params: { shape: [6, 8] } },
        { id: 'v', type: 'Input', params: { shape: [9, 8] } },
        { id: 'k', type: 'Input', params: { shape: [9, 8] } },
        { id: 'm', type: 'MultiHeadAttention', params: { numHeads: 2, keyDim: 4 } },
        { id: 'c', type: 'Concatenate' },
        { id: 'y', type: 'Output', params: { loss: 'meanSquaredError', metrics: [] } },
      ],
      [['k', 'm', 'key'], ['v', 'm', 'value'], ['q', 'm', 'query'], ['q', 'c', 'in10'], ['m', 'c', 'in2'], ['c', 'y']],
    );
    const { text, valid } = summarizeGraph(g);
    expect(valid).toBe(true);
    expect(text).toMatch(/\nm \(MultiHeadAttention\)\s+\[null, 6, 8\]\s+288\s+q, v, k\n/);
    expect(text).toMatch(/\nc \(Concatenate\)\s+\[null, 6, 16\]\s+0\s+m, q\n/);
    expect(text).toContain('Output: y <- c (loss meanSquaredError)');
  });

  it('matches Keras\' figures for the Simple MNIST convnet and leaves out side branches', () => {
    const g = getTemplate('mnist-convnet')!.build();
    g.nodes.push({ id: 'side', type: 'Dense', name: 'side', position: { x: 0, y: 0 }, params: { units: 3 } });
    g.edges.push({ id: 'es', source: g.nodes.find((n) => n.name === 'flatten')!.id, sourceHandle: 'out', target: 'side', targetHandle: 'in' });
    const { text, valid } = summarizeGraph(g);
    expect(valid).toBe(true);
    expect(text).toMatch(/\nconv2 \(Conv2D\)\s+\[null, 11, 11, 64\]\s+18,496\s+pool1\n/);
    expect(text).toContain('Total params: 34,826\nTrainable params: 34,826\nNon-trainable params: 0\n');
    expect(text).not.toMatch(/\nside \(Dense\)/);
    expect(text).toContain('(1 node not leading to an Output left out)');
    expect(text).toContain("warning: Dense 'side' does not lead to any Output");
  });
});
