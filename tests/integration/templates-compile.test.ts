import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../graph/compile.js';
import { TEMPLATES } from '../../graph/templates/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe.each(TEMPLATES.map((t) => t.name))('template %s compiles with tfjs', (name) => {
  it('builds a model whose shapes and parameter count equal the inferred ones', () => {
    const graph = TEMPLATES.find((t) => t.name === name)!.build();
    const { model, inference, inputs, outputs } = compileGraph(graph, tf);
    try {
      expect(model.countParams()).toBe(inference.totals.trainable + inference.totals.nonTrainable);
      const trainable = model.trainableWeights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
      expect(trainable).toBe(inference.totals.trainable);
      for (const node of graph.nodes) {
        const info = inference.nodes[node.id]!;
        if (node.type === 'Output') continue;
        const layer = model.getLayer(node.name);
        expect(layer.outputShape, `output shape of ${node.name}`).toEqual(info.outputShape);
        expect(layer.countParams(), `params of ${node.name}`).toBe(info.paramCount.trainable + info.paramCount.nonTrainable);
      }
      expect(inputs.map((i) => i.shape)).toEqual(model.inputs.map((t) => t.shape));
      const outNode = graph.nodes.find((n) => n.type === 'Output')!;
      expect(model.outputs.map((t) => t.shape)).toEqual([inference.nodes[outNode.id]!.outputShape]);
      expect(outputs[0]!.loss).toBe(inference.nodes[outNode.id]!.params.loss);
      // One forward pass on zeros proves the model runs, not just that it was declared.
      const xs = model.inputs.map((t) => tf.zeros([2, ...(t.shape.slice(1) as number[])], t.dtype));
      const y = model.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor;
      expect(y.shape).toEqual([2, ...(model.outputs[0]!.shape.slice(1) as number[])]);
      tf.dispose([y, ...xs]);
    } finally {
      model.dispose();
    }
  });
});
