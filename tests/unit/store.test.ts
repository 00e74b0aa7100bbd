import { describe, expect, it } from 'vitest';
import { createGraph, type Graph } from '../../graph/document.js';
import { applyChange, applyChanges, compactChanges, invertChange, invertChanges, removeNodesChanges, type Change } from '../../renderer/store/changes.js';
import {
  bodyDrop,
  connectChanges,
  connectionProblem,
  copySelection,
  createEditorStore,
  freeInputHandle,
  insertIntoEdgeChanges,
  isDirty,
  newNode,
  parseClipboard,
  pasteChanges,
  uniqueName,
} from '../../renderer/store/editor-store.js';

/** Input [28,28,1] -> Conv2D -> Flatten -> Dense(10) -> Output, ids a..e. */
function chain(): Graph {
  const g = createGraph('t');
  g.nodes = [
    { id: 'a', type: 'Input', name: 'image', position: { x: 0, y: 0 }, params: { shape: [28, 28, 1] } },
    { id: 'b', type: 'Conv2D', name: 'conv', position: { x: 200, y: 0 }, params: { filters: 32, kernelSize: [3, 3] } },
    { id: 'c', type: 'Flatten', name: 'flatten', position: { x: 400, y: 0 }, params: {} },
    { id: 'd', type: 'Dense', name: 'dense', position: { x: 600, y: 0 }, params: { units: 10, activation: 'softmax' } },
    { id: 'e', type: 'Output', name: 'out', position: { x: 800, y: 0 }, params: { loss: 'categoricalCrossentropy' } },
  ];
  g.edges = [
    { id: 'e1', source: 'a', sourceHandle: 'out', target: 'b', targetHandle: 'in' },
    { id: 'e2', source: 'b', sourceHandle: 'out', target: 'c', targetHandle: 'in' },
    { id: 'e3', source: 'c', sourceHandle: 'out', target: 'd', targetHandle: 'in' },
    { id: 'e4', source: 'd', sourceHandle: 'out', target: 'e', targetHandle: 'in' },
  ];
  return g;
}

const sample: Change[] = [
  { kind: 'addNode', node: { id: 'x', type: 'Dropout', name: 'drop', position: { x: 1, y: 2 }, params: { rate: 0.1 } } },
  { kind: 'addEdge', edge: { id: 'e9', source: 'a', sourceHandle: 'out', target: 'x', targetHandle: 'in' } },
  { kind: 'move', id: 'b', from: { x: 200, y: 0 }, to: { x: 250, y: 40 } },
  { kind: 'setParam', id: 'b', name: 'filters', from: 32, to: 8 },
  { kind: 'setParam', id: 'b', name: 'padding', from: undefined, to: 'same' },
  { kind: 'rename', id: 'c', from: 'flatten', to: 'flat' },
  { kind: 'setMeta', field: 'name', from: 't', to: 'renamed' },
  { kind: 'setTraining', from: chain().training, to: { ...chain().training, epochs: 3 } },
];

describe('changes', () => {
  it('every change followed by its inverse gives back the same document', () => {
    for (const c of sample) {
      const g = chain();
      const after = applyChange(g, c);
      expect(after).not.toEqual(g);
      expect(applyChange(after, invertChange(c))).toEqual(g);
    }
  });

  it('applying changes never mutates the input and keeps untouched nodes by identity', () => {
    const g = chain();
    const snapshot = structuredClone(g);
    const after = applyChanges(g, sample);
    expect(g).toEqual(snapshot);
    expect(after.nodes.find((n) => n.id === 'd')).toBe(g.nodes.find((n) => n.id === 'd'));
    expect(applyChanges(after, invertChanges(sample))).toEqual(g);
  });

  it('removing nodes restores nodes and edges in their original order on undo', () => {
    const g = chain();
    const changes = removeNodesChanges(g, new Set(['b', 'd']));
    const after = applyChanges(g, changes);
    expect(after.nodes.map((n) => n.id)).toEqual(['a', 'c', 'e']);
    expect(after.edges).toEqual([]);
    expect(applyChanges(after, invertChanges(changes))).toEqual(g);
  });

  it('compacts the frames of a drag into one move per node and drops moves that end where they began', () => {
    const moves: Change[] = [
      { kind: 'move', id: 'b', from: { x: 0, y: 0 }, to: { x: 5, y: 0 } },
      { kind: 'move', id: 'c', from: { x: 9, y: 9 }, to: { x: 10, y: 9 } },
      { kind: 'move', id: 'b', from: { x: 5, y: 0 }, to: { x: 30, y: 10 } },
      { kind: 'move', id: 'c', from: { x: 10, y: 9 }, to: { x: 9, y: 9 } },
    ];
    expect(compactChanges(moves)).toEqual([{ kind: 'move', id: 'b', from: { x: 0, y: 0 }, to: { x: 30, y: 10 } }]);
  });
});

describe('editor store', () => {
  it('undoes and redoes each edit, and re-infers shapes on every edit', () => {
    const store = createEditorStore();
    store.getState().load(chain(), null);
    expect(store.getState().inference.nodes.c!.outputShape).toEqual([null, 26 * 26 * 32]);
    store.getState().apply([{ kind: 'setParam', id: 'b', name: 'filters', from: 32, to: 8 }], 'Set filters');
    expect(store.getState().inference.nodes.c!.outputShape).toEqual([null, 26 * 26 * 8]);
    expect(store.getState().inference.totals.trainable).toBe(8 * 9 + 8 + (26 * 26 * 8 * 10 + 10));
    store.getState().undo();
    expect(store.getState().graph).toEqual(chain());
    expect(store.getState().inference.nodes.c!.outputShape).toEqual([null, 26 * 26 * 32]);
    store.getState().redo();
    expect(store.getState().graph.nodes[1]!.params.filters).toBe(8);
    expect(store.getState().redoStack).toHaveLength(0);
  });

  it('records one drag (many frames) as one undo step', () => {
    const store = createEditorStore();
    store.getState().load(chain(), null);
    store.getState().begin('Move');
    for (let i = 1; i <= 20; i++) {
      const cur = store.getState().graph.nodes[1]!.position;
      store.getState().apply([{ kind: 'move', id: 'b', from: cur, to: { x: 200 + i * 10, y: i } }], 'Move');
    }
    store.getState().commit();
    expect(store.getState().undoStack).toHaveLength(1);
    expect(store.getState().graph.nodes[1]!.position).toEqual({ x: 400, y: 20 });
    store.getState().undo();
    expect(store.getState().graph.nodes[1]!.position).toEqual({ x: 200, y: 0 });
    expect(store.getState().undoStack).toHaveLength(0);
  });

  it('a new edit clears the redo stack', () => {
    const store = createEditorStore();
    store.getState().load(chain(), null);
    store.getState().apply([{ kind: 'rename', id: 'c', from: 'flatten', to: 'f1' }], 'Rename');
    store.getState().undo();
    expect(store.getState().redoStack).toHaveLength(1);
    store.getState().apply([{ kind: 'rename', id: 'c', from: 'flatten', to: 'f2' }], 'Rename');
    expect(store.getState().redoStack).toHaveLength(0);
  });

  it('tracks dirty state against the last save, also through undo', () => {
    const store = createEditorStore();
    store.getState().load(chain(), '/tmp/x.tlgraph');
    expect(isDirty(store.getState())).toBe(false);
    store.getState().apply([{ kind: 'rename', id: 'c', from: 'flatten', to: 'f1' }], 'Rename');
    expect(isDirty(store.getState())).toBe(true);
    store.getState().markSaved('/tmp/x.tlgraph');
    expect(isDirty(store.getState())).toBe(false);
    store.getState().undo();
    expect(isDirty(store.getState())).toBe(true);
    store.getState().redo();
    expect(isDirty(store.getState())).toBe(false);
  });

  it('drops deleted nodes from the selection, and undo of a delete brings back the edges', () => {
    const store = createEditorStore();
    store.getState().load(chain(), null);
    store.getState().setSelection({ nodes: ['c'] });
    store.getState().apply(removeNodesChanges(store.getState().graph, new Set(['c'])), 'Delete');
    expect(store.getState().selection.nodes.size).toBe(0);
    expect(store.getState().graph.edges.map((e) => e.id)).toEqual(['e1', 'e4']);
    expect(store.getState().inference.diagnostics.some((d) => d.nodeId === 'd' && /nothing connected/.test(d.message))).toBe(true);
    store.getState().undo();
    expect(store.getState().graph).toEqual(chain());
    expect(store.getState().inference.valid).toBe(true);
  });

  it('keeps inference objects of unaffected nodes, so their canvas nodes do not re-render', () => {
    const store = createEditorStore();
    store.getState().load(chain(), null);
    const before = store.getState().inference.nodes;
    store.getState().apply([{ kind: 'setParam', id: 'd', name: 'units', from: 10, to: 12 }], 'Set units');
    const after = store.getState().inference.nodes;
    expect(after.a).toBe(before.a);
    expect(after.b).toBe(before.b);
    expect(after.d).not.toBe(before.d);
    store.getState().apply([{ kind: 'move', id: 'a', from: { x: 0, y: 0 }, to: { x: 5, y: 5 } }], 'Move');
    expect(store.getState().inference.nodes).toBe(after);
  });
});

describe('wiring', () => {
  it('refuses cycles, taken inputs, self-loops and edges out of an Output', () => {
    const g = chain();
    expect(connectionProblem(g, 'd', 'b', 'in')).toMatch(/already connected/);
    const free = { ...g, edges: g.edges.filter((e) => e.id !== 'e1') };
    expect(connectionProblem(free, 'd', 'b', 'in')).toMatch(/cycle/);
    expect(connectionProblem(free, 'b', 'b', 'in')).toMatch(/itself/);
    expect(connectionProblem(free, 'e', 'b', 'in')).toMatch(/no output/);
    expect(connectionProblem(free, 'a', 'b', 'in')).toBeNull();
    expect(connectChanges(free, 'd', 'b', 'in')).toEqual([]);
    expect(connectChanges(free, 'a', 'b', 'in')).toHaveLength(1);
  });

  it('gives variadic layers the next free handle and refuses inputs beyond their maximum', () => {
    let g = chain();
    const sub = newNode(g, 'Subtract', { x: 0, y: 0 });
    g = applyChange(g, { kind: 'addNode', node: sub });
    expect(freeInputHandle(g, sub.id)).toBe('in0');
    g = applyChanges(g, connectChanges(g, 'a', sub.id));
    expect(freeInputHandle(g, sub.id)).toBe('in1');
    g = applyChanges(g, connectChanges(g, 'b', sub.id));
    expect(freeInputHandle(g, sub.id)).toBeNull();
    expect(connectionProblem(g, 'c', sub.id, 'in2')).toMatch(/at most 2 inputs/);
    const add = newNode(g, 'Add', { x: 0, y: 0 });
    g = applyChange(g, { kind: 'addNode', node: add });
    for (const src of ['a', 'b', 'c']) g = applyChanges(g, connectChanges(g, src, add.id));
    expect(g.edges.filter((e) => e.target === add.id).map((e) => e.targetHandle)).toEqual(['in0', 'in1', 'in2']);
  });

  it('says why a full two-input layer refuses a third wire, on any of its handles or its body', () => {
    let g = chain();
    const sub = newNode(g, 'Subtract', { x: 0, y: 0 });
    g = applyChange(g, { kind: 'addNode', node: sub });
    g = applyChanges(g, [...connectChanges(g, 'a', sub.id), ...connectChanges(applyChanges(g, connectChanges(g, 'a', sub.id)), 'b', sub.id)]);
    expect(g.edges.filter((e) => e.target === sub.id)).toHaveLength(2);
    // Over a taken handle it is the limit that matters, not that this one handle is taken.
    expect(connectionProblem(g, 'c', sub.id, 'in1')).toBe(`Subtract '${sub.name}' takes at most 2 inputs; remove one first`);
    expect(bodyDrop(g, { nodeId: 'c', handleType: 'source', handleId: 'out' }, sub.id)).toEqual({ problem: `Subtract '${sub.name}' takes at most 2 inputs; remove one first` });
  });

  it('resolves a wire released on a layer body: first free input, or the layer output when dragged from an input', () => {
    const g = chain();
    const free = { ...g, edges: g.edges.filter((e) => e.id !== 'e3') };
    expect(bodyDrop(free, { nodeId: 'c', handleType: 'source', handleId: 'out' }, 'd')).toEqual({ source: 'c', target: 'd', targetHandle: 'in', problem: null });
    expect(bodyDrop(free, { nodeId: 'd', handleType: 'target', handleId: 'in' }, 'c')).toEqual({ source: 'c', target: 'd', targetHandle: 'in', problem: null });
    // An Input takes nothing, a taken single input says so, and a loop is refused.
    expect(bodyDrop(g, { nodeId: 'b', handleType: 'source', handleId: 'out' }, 'a').problem).toBe("Input 'image' takes no input");
    expect(bodyDrop(g, { nodeId: 'b', handleType: 'source', handleId: 'out' }, 'e').problem).toMatch(/^out's input is already connected/);
    const loose = { ...g, edges: g.edges.filter((e) => e.id !== 'e1') };
    expect(bodyDrop(loose, { nodeId: 'd', handleType: 'source', handleId: 'out' }, 'b').problem).toMatch(/cycle/);
    expect(bodyDrop(g, { nodeId: 'b', handleType: 'source', handleId: 'out' }, 'b').problem).toMatch(/itself/);
  });

  it('inserts a dropped layer into an edge as one undoable step', () => {
    const store = createEditorStore();
    store.getState().load(chain(), null);
    const g = store.getState().graph;
    const drop = newNode(g, 'Dropout', { x: 300, y: 0 });
    store.getState().apply(insertIntoEdgeChanges(g, g.edges[2]!, drop), 'Add Dropout');
    const after = store.getState().graph;
    expect(after.edges.some((e) => e.source === 'c' && e.target === drop.id)).toBe(true);
    expect(after.edges.some((e) => e.source === drop.id && e.target === 'd')).toBe(true);
    expect(after.edges.some((e) => e.id === 'e3')).toBe(false);
    expect(store.getState().inference.nodes[drop.id]!.outputShape).toEqual([null, 26 * 26 * 32]);
    store.getState().undo();
    expect(store.getState().graph).toEqual(chain());
  });
});

describe('clipboard', () => {
  it('copies the selection with its inner edges and pastes with fresh ids and names', () => {
    const g = chain();
    const data = copySelection(g, { nodes: new Set(['b', 'c']), edges: new Set() })!;
    expect(data.edges.map((e) => e.id)).toEqual(['e2']);
    const parsed = parseClipboard(JSON.stringify(data))!;
    const { changes, nodeIds } = pasteChanges(g, parsed, { x: 40, y: 40 });
    const after = applyChanges(g, changes);
    expect(nodeIds).toHaveLength(2);
    const pasted = after.nodes.filter((n) => nodeIds.includes(n.id));
    expect(pasted.map((n) => n.name)).toEqual(['conv_1', 'flatten_1']);
    expect(pasted[0]!.position).toEqual({ x: 240, y: 40 });
    expect(after.edges.filter((e) => nodeIds.includes(e.source) && nodeIds.includes(e.target))).toHaveLength(1);
    expect(new Set(after.nodes.map((n) => n.id)).size).toBe(after.nodes.length);
    expect(parseClipboard('{"hello": 1}')).toBeNull();
    expect(parseClipboard('not json')).toBeNull();
  });

  it('names new layers Keras-style without clashes', () => {
    const g = chain();
    expect(uniqueName(g, 'dense')).toBe('dense_1');
    expect(uniqueName(g, 'dropout')).toBe('dropout');
    expect(newNode(g, 'Dense', { x: 0, y: 0 }).name).toBe('dense_1');
  });
});
