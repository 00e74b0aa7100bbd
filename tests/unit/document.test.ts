import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CURRENT_VERSION, createGraph, describeLoadError, GRAPH_FORMAT, loadGraph, parseGraph, serializeGraph, type Graph } from '../../graph/document.js';

const fixture = readFileSync(new URL('../fixtures/graph-v1.tlgraph', import.meta.url), 'utf8');

function doc(): Record<string, unknown> {
  return JSON.parse(fixture) as Record<string, unknown>;
}

function load(mutate: (d: Record<string, unknown> & { nodes: Record<string, unknown>[]; edges: Record<string, unknown>[] }) => void): ReturnType<typeof loadGraph> {
  const d = doc() as Record<string, unknown> & { nodes: Record<string, unknown>[]; edges: Record<string, unknown>[] };
  mutate(d);
  return loadGraph(JSON.stringify(d));
}

function errorOf(result: ReturnType<typeof loadGraph>): string {
  expect(result.ok).toBe(false);
  // A failed load carries only a message: never a partially read document.
  expect(result).not.toHaveProperty('graph');
  return result.ok ? '' : result.error;
}

describe('loadGraph', () => {
  it('loads a valid file and applies defaults for omitted fields', () => {
    const result = loadGraph(fixture);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.graph.nodes.map((n) => n.name)).toEqual(['features', 'hidden', 'dropout', 'classes', 'species']);
    expect(result.graph.training.dataset).toEqual({ kind: 'builtin', name: 'iris' });

    const minimal = loadGraph(JSON.stringify({ format: GRAPH_FORMAT, version: 1, nodes: [{ id: 'a', type: 'Input', name: 'x', position: { x: 0, y: 0 } }], edges: [] }));
    expect(minimal.ok).toBe(true);
    if (!minimal.ok) return;
    expect(minimal.graph.name).toBe('Untitled');
    expect(minimal.graph.nodes[0]!.params).toEqual({});
    expect(minimal.graph.training.optimizer).toBe('adam');
    expect(minimal.graph.training.batchSize).toBe(32);
  });

  it.each([
    ['truncated JSON', '{"format": "tensorloom.graph", "version": 1, "nodes": [', 'is not valid JSON: the file ends where a value was expected at line 1, column 56'],
    ['trailing comma', '{"a": 1,}', 'is not valid JSON: expected a property name in double quotes at line 1, column 9'],
    ['bad value on line 3', '{\n  "a": 1,\n  "b": secret\n}', 'is not valid JSON: unexpected character; expected a value at line 3, column 8'],
    ['not JSON at all', 'hello secret', 'is not a Tensorloom graph: it is not JSON (a graph file starts with "{")'],
    ['binary', '\u0089PNG\r\n\u001a\n\u0000\u0000secret', 'is not a Tensorloom graph: it is a binary file, not JSON text'],
  ])('refuses malformed JSON (%s) saying where, without quoting the text', (_name, text, message) => {
    expect(errorOf(loadGraph(text))).toBe(message);
  });

  it('refuses an empty file', () => {
    expect(errorOf(loadGraph('  \n'))).toBe('is empty; expected a Tensorloom graph (JSON)');
  });

  it('accepts a byte-order mark before the JSON', () => {
    expect(loadGraph(`\ufeff${fixture}`).ok).toBe(true);
  });

  it.each([
    ['an array', '[]'],
    ['a number', '42'],
    ['null', 'null'],
  ])('refuses JSON that is %s', (_name, text) => {
    expect(errorOf(loadGraph(text))).toBe('is not a Tensorloom graph: expected a JSON object');
  });

  it('refuses a file with another format marker', () => {
    expect(errorOf(load((d) => (d.format = 'keras.model')))).toBe('is not a Tensorloom graph: its "format" is "keras.model", expected "tensorloom.graph"');
    expect(errorOf(load((d) => delete d.format)).toString()).toContain('its "format" is undefined');
  });

  it('refuses a newer version, naming both versions', () => {
    const error = errorOf(load((d) => (d.version = CURRENT_VERSION + 1)));
    expect(error).toContain(`graph file version ${CURRENT_VERSION + 1}`);
    expect(error).toContain(`this build reads versions up to ${CURRENT_VERSION}`);
    expect(error).toContain('Update Tensorloom');
  });

  it.each([
    ['missing', undefined],
    ['text', '1'],
    ['fractional', 1.5],
    ['zero', 0],
  ])('refuses a %s version', (_name, version) => {
    expect(errorOf(load((d) => (d.version = version)))).toMatch(/^version must be a whole number of at least 1/);
  });

  it('names the node and the field path for wrong types inside a node', () => {
    expect(errorOf(load((d) => ((d.nodes[1]!.position as Record<string, unknown>).x = 'left')))).toBe(`position.x of node 'hidden' must be a number (got "left")`);
    expect(errorOf(load((d) => (d.nodes[2]!.params = [0.5])))).toBe("params of node 'dropout' must be an object (got a list)");
    expect(errorOf(load((d) => (d.nodes[3]!.type = 7)))).toBe("type of node 'classes' must be text (got 7)");
    expect(errorOf(load((d) => delete d.nodes[3]!.position))).toBe("position of node 'classes' is missing; add it (an object)");
    expect(errorOf(load((d) => (d.nodes[0]!.name = '')))).toBe("name of node with id 'n1' must not be empty (got \"\")");
  });

  it('falls back to the index when a node has neither name nor id', () => {
    expect(errorOf(load((d) => (d.nodes[4] = { type: 'Output' })))).toBe('id of nodes[4] is missing; add it (text)');
  });

  it('names the edge and field for wrong types inside an edge', () => {
    expect(errorOf(load((d) => (d.edges[2]!.target = null)))).toBe("target of edge 'e3' must be text (got null)");
    expect(errorOf(load((d) => delete d.edges[0]!.targetHandle))).toBe("targetHandle of edge 'e1' is missing; add it (text)");
  });

  it('names the field path of bad training settings', () => {
    expect(errorOf(load((d) => ((d.training as Record<string, unknown>).batchSize = 0)))).toBe('training.batchSize must be at least 1 (got 0)');
    expect(errorOf(load((d) => ((d.training as Record<string, unknown>).batchSize = 2.5)))).toBe('training.batchSize must be a whole number (got 2.5)');
    expect(errorOf(load((d) => ((d.training as Record<string, unknown>).optimizer = 'lbfgs')))).toBe(
      `training.optimizer must be one of "sgd", "adam", "rmsprop", "adagrad", "adadelta", "adamax" (got "lbfgs")`,
    );
    expect(errorOf(load((d) => ((d.training as Record<string, unknown>).dataset = { kind: 'ftp' })))).toBe(
      "training.dataset.kind has an unknown value \"ftp\"; expected one of 'builtin' | 'csv' | 'csvText' | 'images' | 'text'",
    );
    expect(errorOf(load((d) => ((d.training as Record<string, Record<string, unknown>>).earlyStopping!.patience = -1)))).toBe('training.earlyStopping.patience must be at least 0 (got -1)');
    expect(errorOf(load((d) => ((d.training as Record<string, unknown>).learningRate = 0)))).toBe('training.learningRate must be greater than 0 (got 0)');
  });

  it('says what a bound means in plain words, never in zod\'s', () => {
    expect(errorOf(load((d) => ((d.training as Record<string, unknown>).batchSize = -5)))).toBe('training.batchSize must be at least 1 (got -5)');
    expect(errorOf(load((d) => ((d.training as Record<string, unknown>).validationSplit = 0.95)))).toBe('training.validationSplit must be at most 0.9 (got 0.95)');
    for (const mutate of [(d: Record<string, unknown>) => ((d.training as Record<string, unknown>).epochs = 0), (d: Record<string, unknown>) => ((d.training as Record<string, unknown>).momentum = 2)])
      expect(errorOf(load(mutate))).not.toMatch(/Too (small|big)|expected|>=|<=/);
  });

  it('refuses unknown fields rather than dropping them silently', () => {
    expect(errorOf(load((d) => (d.nodes[1]!.colour = 'red')))).toBe("node 'hidden' has unknown field 'colour'; remove it (a newer Tensorloom may have written it, or it is misspelt)");
    expect(errorOf(load((d) => (d.extra = true)))).toMatch(/^the document has unknown field 'extra'; remove it/);
  });

  it('refuses edges whose endpoints do not exist, naming the edge and the missing id', () => {
    expect(errorOf(load((d) => (d.edges[1]!.source = 'ghost')))).toBe("edge 'e2' starts at node id 'ghost', which does not exist; remove the edge or add the node");
    expect(errorOf(load((d) => (d.edges[3]!.target = 'n99')))).toBe("edge 'e4' ends at node id 'n99', which does not exist; remove the edge or add the node");
  });

  it('refuses duplicate node and edge ids', () => {
    expect(errorOf(load((d) => (d.nodes[3]!.id = 'n2')))).toBe("node 'classes' has id 'n2', which another node already uses; node ids must be unique");
    expect(errorOf(load((d) => (d.edges[2]!.id = 'e1')))).toBe("edge 'e1' appears twice; edge ids must be unique");
  });

  it('parseGraph never throws, whatever it is given', () => {
    const weird: unknown[] = [undefined, 0, 'x', [], { format: GRAPH_FORMAT }, { format: GRAPH_FORMAT, version: 1 }, { format: GRAPH_FORMAT, version: 1, nodes: 'no', edges: [] }];
    for (const w of weird) expect(() => parseGraph(w)).not.toThrow();
    expect(parseGraph({ format: GRAPH_FORMAT, version: 1 })).toEqual({ ok: false, error: 'nodes is missing; add it (a list)' });
  });
});

describe('describeLoadError', () => {
  it('puts the file first: as the subject of file-wide problems, before a colon for the others', () => {
    expect(describeLoadError('a.tlgraph', errorOf(loadGraph('{')))).toMatch(/^'a\.tlgraph' is not valid JSON: the file ends inside an object/);
    expect(describeLoadError('a.tlgraph', errorOf(load((d) => (d.version = 99))))).toMatch(/^'a\.tlgraph' was saved by a newer Tensorloom/);
    expect(describeLoadError('a.tlgraph', errorOf(load((d) => ((d.training as Record<string, unknown>).batchSize = -5))))).toBe("'a.tlgraph': training.batchSize must be at least 1 (got -5)");
    expect(describeLoadError('a.tlgraph', errorOf(load((d) => (d.edges[1]!.source = 'ghost'))))).toMatch(/^'a\.tlgraph': edge 'e2' starts at node id 'ghost'/);
  });
});

describe('serializeGraph', () => {
  it('round-trips a loaded document exactly', () => {
    const first = loadGraph(fixture);
    if (!first.ok) throw new Error(first.error);
    const text = serializeGraph(first.graph);
    const second = loadGraph(text);
    if (!second.ok) throw new Error(second.error);
    expect(second.graph).toEqual(first.graph);
    expect(serializeGraph(second.graph)).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('writes keys in a stable order and leaves out session state', () => {
    const g: Graph = createGraph('ordered');
    g.nodes.push({ id: 'a', type: 'Input', name: 'x', position: { x: 1, y: 2 }, params: { shape: [2] } });
    // Extra properties the editor might attach in memory never reach the file.
    (g.nodes[0] as unknown as Record<string, unknown>).selected = true;
    const text = serializeGraph(g);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['format', 'version', 'name', 'description', 'nodes', 'edges', 'training']);
    expect(text).not.toContain('selected');
    expect(loadGraph(text).ok).toBe(true);
  });
});
