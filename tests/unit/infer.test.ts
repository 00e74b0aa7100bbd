import { describe, expect, it } from 'vitest';
import { createGraph, type Graph } from '../../graph/document.js';
import { inferGraph, type Diagnostic } from '../../graph/infer.js';

type N = [name: string, type: string, params?: Record<string, unknown>];
type E = [source: string, target: string, targetHandle?: string, sourceHandle?: string];

/** A graph whose node ids equal their names, so messages and ids line up in assertions. */
function graph(nodes: N[], edges: E[]): Graph {
  const g = createGraph('test');
  g.nodes = nodes.map(([name, type, params], i) => ({ id: name, type, name, position: { x: i * 100, y: 0 }, params: params ?? {} }));
  g.edges = edges.map(([source, target, targetHandle, sourceHandle], i) => ({ id: `e${i}`, source, sourceHandle: sourceHandle ?? 'out', target, targetHandle: targetHandle ?? 'in' }));
  return g;
}

const mlp = (): Graph =>
  graph(
    [
      ['x', 'Input', { shape: [28, 28, 1] }],
      ['flat', 'Flatten'],
      ['fc1', 'Dense', { units: 128, activation: 'relu' }],
      ['drop', 'Dropout', { rate: 0.2 }],
      ['fc2', 'Dense', { units: 10, activation: 'softmax' }],
      ['y', 'Output', { loss: 'categoricalCrossentropy' }],
    ],
    [['x', 'flat'], ['flat', 'fc1'], ['fc1', 'drop'], ['drop', 'fc2'], ['fc2', 'y']],
  );

const messages = (ds: Diagnostic[], severity?: 'error' | 'warning'): string[] => ds.filter((d) => !severity || d.severity === severity).map((d) => d.message);

describe('inferGraph on a valid graph', () => {
  it('infers shapes, params and multiply-adds in dependency order', () => {
    const r = inferGraph(mlp());
    expect(r.valid).toBe(true);
    expect(r.diagnostics).toEqual([]);
    expect(r.order).toEqual(['x', 'flat', 'fc1', 'drop', 'fc2', 'y']);
    expect(r.nodes.x!.outputShape).toEqual([null, 28, 28, 1]);
    expect(r.nodes.flat!.outputShape).toEqual([null, 784]);
    expect(r.nodes.fc1!.outputShape).toEqual([null, 128]);
    expect(r.nodes.fc1!.paramCount).toEqual({ trainable: 784 * 128 + 128, nonTrainable: 0 });
    expect(r.nodes.fc2!.paramCount).toEqual({ trainable: 128 * 10 + 10, nonTrainable: 0 });
    expect(r.nodes.y!.outputShape).toEqual([null, 10]);
    expect(r.totals).toEqual({ trainable: 101_770, nonTrainable: 0, macs: 784 * 128 + 128 * 10 });
    expect(Object.values(r.nodes).every((n) => n.inModel)).toBe(true);
  });

  it('fills defaults and records the input shapes of each node', () => {
    const r = inferGraph(mlp());
    expect(r.nodes.fc1!.params).toEqual({ units: 128, activation: 'relu', useBias: true });
    expect(r.nodes.fc1!.inputShapes).toEqual([[null, 784]]);
  });

  it('is deterministic: the walk follows document order among ready nodes', () => {
    const g = graph(
      [
        ['b', 'Input', { shape: [3] }],
        ['a', 'Input', { shape: [3] }],
        ['da', 'Dense', { units: 2, activation: 'softmax' }],
        ['db', 'Dense', { units: 2, activation: 'softmax' }],
        ['ya', 'Output'],
        ['yb', 'Output'],
      ],
      [['a', 'da'], ['b', 'db'], ['da', 'ya'], ['db', 'yb']],
    );
    const r = inferGraph(g);
    expect(r.valid).toBe(true);
    expect(r.order).toEqual(['b', 'a', 'db', 'da', 'yb', 'ya']);
    expect(r.totals.trainable).toBe(2 * (3 * 2 + 2));
  });

  it('counts a dense layer without bias and on sequences', () => {
    const g = graph(
      [['x', 'Input', { shape: [5, 8] }], ['d', 'Dense', { units: 4, useBias: false }], ['y', 'Output', { loss: 'meanSquaredError' }]],
      [['x', 'd'], ['d', 'y']],
    );
    const r = inferGraph(g);
    expect(r.valid).toBe(true);
    expect(r.nodes.d!.outputShape).toEqual([null, 5, 4]);
    expect(r.nodes.d!.paramCount.trainable).toBe(32);
    expect(r.totals.macs).toBe(8 * 5 * 4);
  });

  it('never throws, even on inconsistent input', () => {
    const g = mlp();
    g.edges.push({ id: 'dangling', source: 'nope', sourceHandle: 'out', target: 'fc1', targetHandle: 'in' });
    expect(() => inferGraph(g)).not.toThrow();
  });
});

describe('inferGraph diagnostics', () => {
  it('reports every node on a cycle and what it feeds, and blocks the graph', () => {
    const g = graph(
      [['x', 'Input', { shape: [4] }], ['a', 'Dense', { units: 4 }], ['b', 'Dense', { units: 4 }], ['c', 'Activation'], ['y', 'Output', { loss: 'meanSquaredError' }]],
      // 'a' takes its one input from 'b', closing the loop; the Input is left out (it gets its own error).
      [['a', 'b'], ['b', 'a'], ['b', 'c'], ['c', 'y']],
    );
    const r = inferGraph(g);
    expect(r.valid).toBe(false);
    expect(r.order).toEqual(['x']);
    for (const name of ['a', 'b', 'c', 'y'])
      expect(messages(r.nodes[name]!.diagnostics)).toContain(
        `${name === 'c' ? 'Activation' : name === 'y' ? 'Output' : 'Dense'} '${name}' is part of a cycle (or fed by one); networks must flow one way, so remove one of the connections in the loop`,
      );
  });

  it('reports a node connected to itself as a cycle', () => {
    const g = graph([['x', 'Input', { shape: [2] }], ['a', 'Activation'], ['y', 'Output', { loss: 'meanSquaredError' }]], [['a', 'a'], ['a', 'y']]);
    const r = inferGraph(g);
    expect(messages(r.nodes.a!.diagnostics)[0]).toMatch(/^Activation 'a' is part of a cycle/);
    expect(messages(r.nodes.x!.diagnostics)).toEqual(["Input 'x' does not lead to any Output; connect it, or delete it"]);
  });

  it('reports unconnected required inputs and does not cascade', () => {
    const g = mlp();
    g.edges = g.edges.filter((e) => e.target !== 'fc1');
    const r = inferGraph(g);
    expect(r.valid).toBe(false);
    expect(messages(r.nodes.fc1!.diagnostics)).toEqual(["Dense 'fc1' has nothing connected to its input 'in'; connect a layer's output to it"]);
    // Downstream nodes have no shape but no diagnostics of their own: the cause is reported once.
    expect(r.nodes.fc2!.outputShape).toBeNull();
    expect(r.nodes.fc2!.diagnostics).toEqual([]);
    expect(r.nodes.y!.diagnostics).toEqual([]);
    // The Input and Flatten no longer reach the Output.
    expect(messages(r.nodes.x!.diagnostics)).toEqual(["Input 'x' does not lead to any Output; connect it, or delete it"]);
    expect(r.nodes.flat!.diagnostics).toEqual([
      { nodeId: 'flat', nodeName: 'flat', severity: 'warning', message: "Flatten 'flat' does not lead to any Output, so it is not part of the model; connect it onward or delete it" },
    ]);
  });

  it('warns about side branches that reach no Output, and leaves them out of the totals', () => {
    const g = mlp();
    g.nodes.push({ id: 'probe', type: 'Dense', name: 'probe', position: { x: 0, y: 200 }, params: { units: 7 } });
    g.edges.push({ id: 'ep', source: 'fc1', sourceHandle: 'out', target: 'probe', targetHandle: 'in' });
    const r = inferGraph(g);
    expect(r.valid).toBe(true);
    expect(r.diagnostics).toEqual([
      { nodeId: 'probe', nodeName: 'probe', severity: 'warning', message: "Dense 'probe' does not lead to any Output, so it is not part of the model; connect it onward or delete it" },
    ]);
    expect(r.nodes.probe!.inModel).toBe(false);
    expect(r.nodes.probe!.paramCount.trainable).toBe(128 * 7 + 7);
    expect(r.totals.trainable).toBe(101_770);
  });

  it('refuses an Input that reaches no Output', () => {
    const g = mlp();
    g.nodes.push({ id: 'extra', type: 'Input', name: 'extra', position: { x: 0, y: 200 }, params: { shape: [3] } });
    const r = inferGraph(g);
    expect(r.valid).toBe(false);
    expect(r.diagnostics).toEqual([{ nodeId: 'extra', nodeName: 'extra', severity: 'error', message: "Input 'extra' does not lead to any Output; connect it, or delete it" }]);
  });

  it('reports a graph with no Input, no Output, or nothing at all', () => {
    const noInput = inferGraph(graph([['d', 'Dense'], ['y', 'Output']], [['d', 'y']]));
    expect(noInput.diagnostics[0]).toEqual({ nodeId: null, nodeName: null, severity: 'error', message: 'The graph has no Input; add an Input layer and set the shape of one sample' });

    const noOutput = inferGraph(graph([['x', 'Input', { shape: [3] }], ['d', 'Dense']], [['x', 'd']]));
    expect(messages(noOutput.diagnostics)).toEqual(['The graph has no Output; connect the last layer to an Output layer and choose its loss']);
    expect(noOutput.valid).toBe(false);

    const empty = inferGraph(createGraph());
    expect(empty.valid).toBe(false);
    expect(messages(empty.diagnostics)).toEqual(['The graph is empty; add an Input, some layers and an Output']);
  });

  it('reports duplicate names on every layer that shares the name, with the name field', () => {
    const g = mlp();
    g.nodes.find((n) => n.id === 'fc2')!.name = 'fc1';
    const r = inferGraph(g);
    expect(r.valid).toBe(false);
    const message = "Dense 'fc1' has the same name as another layer (Dense); layer names must be unique, so rename one of them";
    expect(r.nodes.fc2!.diagnostics).toEqual([{ nodeId: 'fc2', nodeName: 'fc1', severity: 'error', field: 'name', message }]);
    expect(r.nodes.fc1!.diagnostics).toEqual([{ nodeId: 'fc1', nodeName: 'fc1', severity: 'error', field: 'name', message }]);
    g.nodes.find((n) => n.id === 'drop')!.name = 'fc1';
    expect(inferGraph(g).nodes.drop!.diagnostics[0]!.message).toBe("Dropout 'fc1' has the same name as 2 other layers (Dense, Dense); layer names must be unique, so rename one of them");
  });

  it('reports an unknown layer type once, on that node', () => {
    const g = mlp();
    g.nodes.find((n) => n.id === 'drop')!.type = 'Dropot';
    const r = inferGraph(g);
    expect(r.valid).toBe(false);
    expect(r.diagnostics).toEqual([{ nodeId: 'drop', nodeName: 'drop', severity: 'error', message: "Node 'drop' has unknown layer type 'Dropot'; replace it with a layer from the palette" }]);
    expect(r.nodes.fc1!.inModel).toBe(true);
  });

  it('reports unknown params with the known ones', () => {
    const g = mlp();
    g.nodes.find((n) => n.id === 'fc1')!.params = { units: 128, unit: 3 };
    const r = inferGraph(g);
    expect(r.nodes.fc1!.diagnostics).toEqual([
      { nodeId: 'fc1', nodeName: 'fc1', severity: 'error', field: 'unit', message: "Dense 'fc1' has an unknown param 'unit'; remove it (known: units, activation, useBias)" },
    ]);
  });

  it.each<[string, string, Record<string, unknown>, string, string]>([
    ['zero units', 'Dense', { units: 0 }, 'units', "Dense 'l' param 'units' must be at least 1 (got 0)"],
    ['fractional units', 'Dense', { units: 2.5 }, 'units', "Dense 'l' param 'units' must be a whole number (got 2.5)"],
    ['units as text', 'Dense', { units: '64' }, 'units', 'Dense \'l\' param \'units\' must be a whole number (got "64")'],
    ['unknown activation', 'Dense', { activation: 'rel' }, 'activation', "Dense 'l' param 'activation' must be one of linear, relu, sigmoid, tanh, softmax, gelu, swish, elu, selu, softplus, softsign, relu6, hardSigmoid, mish (got \"rel\")"],
    ['useBias not boolean', 'Dense', { useBias: 1 }, 'useBias', "Dense 'l' param 'useBias' must be true or false (got 1)"],
    ['dropout rate above range', 'Dropout', { rate: 1.5 }, 'rate', "Dropout 'l' param 'rate' must be between 0 and 0.99 (got 1.5)"],
    ['negative dropout rate', 'Dropout', { rate: -0.1 }, 'rate', "Dropout 'l' param 'rate' must be between 0 and 0.99 (got -0.1)"],
    ['dropout rate NaN-like', 'Dropout', { rate: null }, 'rate', "Dropout 'l' param 'rate' must be a number (got null)"],
  ])('reports out-of-range params: %s', (_case, type, params, field, message) => {
    const g = graph([['x', 'Input', { shape: [8] }], ['l', type, params], ['y', 'Output', { loss: 'meanSquaredError' }]], [['x', 'l'], ['l', 'y']]);
    const r = inferGraph(g);
    expect(r.valid).toBe(false);
    expect(r.nodes.l!.diagnostics).toEqual([{ nodeId: 'l', nodeName: 'l', severity: 'error', field, message }]);
    // Bad params stop inference at that node instead of guessing a shape.
    expect(r.nodes.l!.outputShape).toBeNull();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['empty shape', { shape: [] }, "Input 'x' param 'shape' must have at least 1 numbers (got [])"],
    ['zero dimension', { shape: [28, 0] }, "Input 'x' param 'shape' must hold numbers of at least 1 (got [28,0])"],
    ['bad dtype', { shape: [2], dtype: 'float64' }, 'Input \'x\' param \'dtype\' must be one of float32, int32 (got "float64")'],
  ])('reports bad Input params: %s', (_case, params, message) => {
    const g = graph([['x', 'Input', params], ['y', 'Output', { loss: 'meanSquaredError' }]], [['x', 'y']]);
    expect(messages(inferGraph(g).nodes.x!.diagnostics)).toEqual([message]);
  });

  it('reports an edge into a handle the layer does not have', () => {
    const g = mlp();
    g.edges.find((e) => e.target === 'fc1')!.targetHandle = 'input';
    const r = inferGraph(g);
    expect(messages(r.nodes.fc1!.diagnostics)).toEqual([
      "Dense 'fc1' has no input 'input' (its inputs: 'in'); reconnect the edge from 'flat'",
      "Dense 'fc1' has nothing connected to its input 'in'; connect a layer's output to it",
    ]);
  });

  it('reports an edge out of a handle the layer does not have', () => {
    const g = mlp();
    g.edges.find((e) => e.source === 'fc1')!.sourceHandle = 'out2';
    const r = inferGraph(g);
    expect(messages(r.nodes.fc1!.diagnostics)).toContain("Dense 'fc1' has no output 'out2' (its output is 'out'); reconnect the edge to 'drop'");
  });

  it('reports an edge into an Input and out of an Output', () => {
    const g = mlp();
    g.nodes.push({ id: 'z', type: 'Dense', name: 'z', position: { x: 0, y: 0 }, params: {} });
    g.edges.push({ id: 'bad1', source: 'fc2', sourceHandle: 'out', target: 'x', targetHandle: 'in' });
    g.edges.push({ id: 'bad2', source: 'y', sourceHandle: 'out', target: 'z', targetHandle: 'in' });
    const r = inferGraph(g);
    expect(messages(r.nodes.x!.diagnostics)).toContain("Input 'x' has no input 'in' (its inputs: none); reconnect the edge from 'fc2'");
    expect(messages(r.nodes.y!.diagnostics)).toContain("Output 'y' has no output, but a connection leaves it; remove that connection");
  });

  it('reports two edges into one handle, naming both sources', () => {
    const g = mlp();
    g.edges.push({ id: 'twice', source: 'x', sourceHandle: 'out', target: 'fc1', targetHandle: 'in' });
    const r = inferGraph(g);
    expect(r.valid).toBe(false);
    expect(messages(r.nodes.fc1!.diagnostics)).toEqual(["Dense 'fc1' gets two connections into input 'in' (from 'flat' and 'x'); remove one"]);
    // The first connection stands, so shapes keep flowing.
    expect(r.nodes.fc1!.outputShape).toEqual([null, 128]);
  });

  it('reports incompatible shapes with a fix', () => {
    const g = mlp();
    g.edges = g.edges.filter((e) => e.source !== 'x' && e.target !== 'fc1');
    g.edges.push({ id: 'direct', source: 'x', sourceHandle: 'out', target: 'fc1', targetHandle: 'in' });
    const r = inferGraph(g);
    expect(messages(r.nodes.fc1!.diagnostics)).toEqual(["Dense 'fc1' expects a rank-2 input (or rank-3 for sequences) but gets [null, 28, 28, 1]; add a Flatten before it"]);
  });

  it.each<[string, number, string, string | null]>([
    ['one unit with categorical crossentropy', 1, 'categoricalCrossentropy', "Output 'y' uses categoricalCrossentropy, which needs one unit per class, but gets [null, 1]; use binaryCrossentropy for one sigmoid unit, or give the layer before it as many units as classes"],
    ['one unit with sparse categorical crossentropy', 1, 'sparseCategoricalCrossentropy', "Output 'y' uses sparseCategoricalCrossentropy, which needs one unit per class, but gets [null, 1]; use binaryCrossentropy for one sigmoid unit, or give the layer before it as many units as classes"],
  ])('checks the Output shape against its loss: %s', (_case, units, loss, message) => {
    const g = graph([['x', 'Input', { shape: [4] }], ['d', 'Dense', { units, activation: 'softmax' }], ['y', 'Output', { loss }]], [['x', 'd'], ['d', 'y']]);
    const r = inferGraph(g);
    expect(messages(r.diagnostics)).toEqual(message ? [message] : []);
    if (message) expect(r.diagnostics[0]!.field).toBe('loss');
  });

  // The loss against the activation the model ends in: what Keras users get wrong most (a linear or sigmoid layer
  // into categorical crossentropy, softmax into binary crossentropy). Warnings, since the graph still runs.
  it.each<[string, number, string, string, string[], string | null]>([
    ['sigmoid unit, binary crossentropy', 1, 'sigmoid', 'binaryCrossentropy', ['accuracy'], null],
    ['softmax, categorical crossentropy', 3, 'softmax', 'categoricalCrossentropy', ['accuracy'], null],
    ['softmax, sparse categorical crossentropy', 10, 'softmax', 'sparseCategoricalCrossentropy', ['accuracy'], null],
    ['linear, mean squared error', 10, 'linear', 'meanSquaredError', ['mae'], null],
    ['sigmoid units without accuracy (multi-label)', 5, 'sigmoid', 'binaryCrossentropy', ['precision', 'recall'], null],
    [
      'softmax over 10 units, binary crossentropy',
      10,
      'softmax',
      'binaryCrossentropy',
      ['accuracy'],
      "Output 'y' uses binaryCrossentropy, but 'd' ends in softmax over 10 units, which makes them compete (they sum to 1); set its activation to sigmoid for independent yes/no labels, or use categoricalCrossentropy for one class out of 10",
    ],
    ['softmax over one unit, binary crossentropy', 1, 'softmax', 'binaryCrossentropy', [], "Output 'y' uses binaryCrossentropy, but 'd' ends in softmax over a single unit, which always outputs 1, so nothing can be learned; set its activation to sigmoid"],
    [
      'sigmoid, categorical crossentropy',
      10,
      'sigmoid',
      'categoricalCrossentropy',
      ['accuracy'],
      "Output 'y' uses categoricalCrossentropy, which expects class probabilities that sum to 1, but 'd' ends in sigmoid, which scores each unit on its own; set its activation to softmax (one class per sample), or use binaryCrossentropy for independent yes/no labels",
    ],
    ['linear, categorical crossentropy', 10, 'linear', 'categoricalCrossentropy', ['accuracy'], "Output 'y' uses categoricalCrossentropy, which expects class probabilities, but 'd' ends in no activation (linear), so it outputs raw scores; set its activation to softmax"],
    ['relu, sparse categorical crossentropy', 10, 'relu', 'sparseCategoricalCrossentropy', [], "Output 'y' uses sparseCategoricalCrossentropy, which expects class probabilities, but 'd' ends in relu, whose outputs are not probabilities; set its activation to softmax"],
    ['linear unit, binary crossentropy', 1, 'linear', 'binaryCrossentropy', ['accuracy'], "Output 'y' uses binaryCrossentropy, which expects probabilities between 0 and 1, but 'd' ends in no activation (linear); set its activation to sigmoid"],
    ['tanh units, binary crossentropy', 4, 'tanh', 'binaryCrossentropy', [], "Output 'y' uses binaryCrossentropy, which expects probabilities between 0 and 1, but 'd' ends in tanh; set its activation to sigmoid"],
    [
      'several sigmoid units with accuracy',
      5,
      'sigmoid',
      'binaryCrossentropy',
      ['accuracy'],
      "Output 'y' uses binaryCrossentropy on 5 sigmoid units: right when a sample can have several labels, but if it has one class out of 5, use softmax with categoricalCrossentropy instead (its 'accuracy' here counts each unit separately and looks high even when the class is wrong)",
    ],
  ])('checks the loss against the final activation: %s', (_case, units, activation, loss, metrics, message) => {
    const g = graph([['x', 'Input', { shape: [4] }], ['d', 'Dense', { units, activation }], ['y', 'Output', { loss, metrics }]], [['x', 'd'], ['d', 'y']]);
    const r = inferGraph(g);
    expect(messages(r.diagnostics)).toEqual(message ? [message] : []);
    if (message) expect(r.diagnostics[0]).toMatchObject({ severity: 'warning', nodeName: 'y', field: 'loss' });
    expect(r.valid).toBe(true);
  });

  it('finds the final activation through activation layers and dropout, and not through other layers', () => {
    const chain = (layers: [string, string, Record<string, unknown>][], loss: string) =>
      messages(
        inferGraph(
          graph(
            [['x', 'Input', { shape: [4] }], ...layers, ['y', 'Output', { loss, metrics: [] }]],
            [['x', layers[0]![0]], ...layers.slice(1).map((l, i): [string, string] => [layers[i]![0], l[0]]), [layers[layers.length - 1]![0], 'y']],
          ),
        ).diagnostics,
      );
    // A softmax layer or an Activation after a linear Dense is what the loss sees.
    expect(chain([['d', 'Dense', { units: 3 }], ['sm', 'Softmax', {}]], 'categoricalCrossentropy')).toEqual([]);
    expect(chain([['d', 'Dense', { units: 3 }], ['act', 'Activation', { activation: 'softmax' }]], 'categoricalCrossentropy')).toEqual([]);
    expect(chain([['d', 'Dense', { units: 3, activation: 'softmax' }], ['act', 'Activation', { activation: 'linear' }]], 'categoricalCrossentropy')).toEqual([
      "Output 'y' uses categoricalCrossentropy, which expects class probabilities, but 'act' ends in no activation (linear), so it outputs raw scores; set its activation to softmax",
    ]);
    // Dropout keeps the activation and the message names the layer that has it.
    expect(chain([['d', 'Dense', { units: 3, activation: 'softmax' }], ['drop', 'Dropout', {}]], 'binaryCrossentropy')).toEqual([
      "Output 'y' uses binaryCrossentropy, but 'd' ends in softmax over 3 units, which makes them compete (they sum to 1); set its activation to sigmoid for independent yes/no labels, or use categoricalCrossentropy for one class out of 3",
    ]);
    expect(chain([['d', 'Dense', { units: 3 }], ['sm', 'Softmax', {}], ['drop', 'GaussianNoise', {}]], 'binaryCrossentropy')).toEqual([
      "Output 'y' uses binaryCrossentropy, but 'sm' ends in softmax over 3 units, which makes them compete (they sum to 1); add a Dense with activation sigmoid after it for independent yes/no labels, or use categoricalCrossentropy for one class out of 3",
    ]);
    // A layer that declares no activation (here a Reshape) hides it: no guess, no warning.
    expect(chain([['d', 'Dense', { units: 4, activation: 'sigmoid' }], ['r', 'Reshape', { targetShape: [2, 2] }]], 'categoricalCrossentropy')).toEqual([]);
    // Recurrent and convolutional layers declare theirs too.
    expect(chain([['r', 'Reshape', { targetShape: [4, 1] }], ['rnn', 'LSTM', { units: 3 }]], 'categoricalCrossentropy')).toEqual([
      "Output 'y' uses categoricalCrossentropy, which expects class probabilities, but 'rnn' ends in tanh, whose outputs are not probabilities; add a Dense with activation softmax after it",
    ]);
  });

  it('totals trainable, non-trainable params and macs only over the model', () => {
    const g = graph(
      [
        ['x', 'Input', { shape: [10] }],
        ['a', 'Dense', { units: 20 }],
        ['act', 'Activation', { activation: 'tanh' }],
        ['b', 'Dense', { units: 5, useBias: false }],
        ['y', 'Output', { loss: 'meanSquaredError' }],
        ['unused', 'Dense', { units: 1000 }],
      ],
      [['x', 'a'], ['a', 'act'], ['act', 'b'], ['b', 'y'], ['x', 'unused']],
    );
    const r = inferGraph(g);
    expect(r.totals).toEqual({ trainable: 10 * 20 + 20 + 20 * 5, nonTrainable: 0, macs: 10 * 20 + 20 * 5 });
    expect(r.valid).toBe(true);
    expect(messages(r.diagnostics, 'warning')).toHaveLength(1);
  });

  it('orders diagnostics: graph-level first, then by node in dependency order', () => {
    const g = graph(
      [['d2', 'Dense', { units: 0 }], ['x', 'Input', { shape: [3] }], ['d1', 'Dense', { units: -1 }]],
      [['x', 'd1'], ['d1', 'd2']],
    );
    const r = inferGraph(g);
    expect(r.diagnostics.map((d) => d.nodeId)).toEqual([null, 'd1', 'd2']);
  });
});

describe('inferGraph with variadic inputs (merge layers)', () => {
  const branches = (mergeType: string, handles: string[], units: number[] = [4, 4]): Graph =>
    graph(
      [
        ['x', 'Input', { shape: [8] }],
        ['a', 'Dense', { units: units[0] }],
        ['b', 'Dense', { units: units[1] }],
        ['m', mergeType],
        ['y', 'Output', { loss: 'meanSquaredError' }],
      ],
      [['x', 'a'], ['x', 'b'], ...handles.map((h, i): E => [i === 0 ? 'a' : 'b', 'm', h]), ['m', 'y']],
    );

  it('merges inputs connected by numbered handles, in any order', () => {
    const r = inferGraph(branches('Add', ['in1', 'in0']));
    expect(r.valid).toBe(true);
    expect(r.nodes.m!.outputShape).toEqual([null, 4]);
    expect(r.nodes.m!.inputShapes).toEqual([[null, 4], [null, 4]]);
  });

  it('accepts gaps in the handle numbers', () => {
    expect(inferGraph(branches('Add', ['in0', 'in5'])).valid).toBe(true);
    expect(inferGraph(branches('Add', ['in0', 'in999'])).valid).toBe(true);
  });

  it('refuses absurd handle numbers quickly instead of walking billions of slots', () => {
    const start = performance.now();
    const r = inferGraph(branches('Add', ['in0', 'in4000000000']));
    expect(performance.now() - start).toBeLessThan(1000);
    expect(messages(r.nodes.m!.diagnostics)).toContain("Add 'm' has no input 'in4000000000' (its inputs are numbered: 'in0', 'in1', ...); reconnect the edge from 'b'");
  });

  it('reports too few inputs', () => {
    const r = inferGraph(branches('Add', ['in0']));
    expect(messages(r.nodes.m!.diagnostics)).toEqual(["Add 'm' needs at least 2 inputs but has 1; connect 1 more"]);
  });

  it('reports too many inputs for a two-input layer', () => {
    const g = branches('Subtract', ['in0', 'in1']);
    g.edges.push({ id: 'third', source: 'x', sourceHandle: 'out', target: 'm', targetHandle: 'in2' });
    g.nodes.find((n) => n.id === 'x')!.params = { shape: [4] };
    const r = inferGraph(g);
    expect(messages(r.nodes.m!.diagnostics)).toEqual(["Subtract 'm' takes at most 2 inputs but has 3; remove 1"]);
  });

  it('reports an unnumbered handle with the expected form', () => {
    const r = inferGraph(branches('Add', ['in0', 'in']));
    expect(messages(r.nodes.m!.diagnostics)).toContain("Add 'm' has no input 'in' (its inputs are numbered: 'in0', 'in1', ...); reconnect the edge from 'b'");
  });

  it('reports two edges into the same numbered handle', () => {
    const r = inferGraph(branches('Add', ['in0', 'in0']));
    expect(messages(r.nodes.m!.diagnostics)).toContain("Add 'm' gets two connections into input 'in0' (from 'a' and 'b'); remove one");
  });

  it('reports mismatched shapes on the merge node', () => {
    const r = inferGraph(branches('Add', ['in0', 'in1'], [4, 5]));
    expect(r.valid).toBe(false);
    expect(r.nodes.m!.diagnostics).toHaveLength(1);
    expect(r.nodes.m!.diagnostics[0]!.message).toMatch(/^Add 'm' .*\[null, 4\].*\[null, 5\]/);
  });
});

describe('the benchmark graph', () => {
  it('has 1,000 nodes with residual Adds and infers without errors', async () => {
    const { generateGraph } = await import('../../bench/infer.js');
    const g = generateGraph();
    expect(g.nodes).toHaveLength(1000);
    expect(g.nodes.filter((n) => n.type === 'Add').length).toBeGreaterThan(100);
    const r = inferGraph(g);
    expect(r.diagnostics).toEqual([]);
    expect(r.order).toHaveLength(1000);
    expect(r.totals.trainable).toBeGreaterThan(0);
  });
});

describe('param names that look like Object members', () => {
  it('reports toString and constructor as unknown params', () => {
    const g = mlp();
    g.nodes.find((n) => n.id === 'drop')!.params = { rate: 0.2, toString: 1, constructor: 2 };
    const r = inferGraph(g);
    expect(r.nodes.drop!.diagnostics.map((d) => d.field)).toEqual(['toString', 'constructor']);
  });
});
