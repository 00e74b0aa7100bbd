import { createGraph, type DatasetRef, type Graph, type TrainingSettings } from '../document.js';

/** Builds template graphs in code: add nodes, connect them; positions follow insertion order left to right. */
export class GraphBuilder {
  readonly graph: Graph;
  private column = 0;
  private counter = 0;

  constructor(name: string, description: string, dataset: DatasetRef | null, training: Partial<TrainingSettings> = {}) {
    this.graph = createGraph(name);
    this.graph.description = description;
    this.graph.training = { ...this.graph.training, ...training, dataset };
  }

  /** Adds a node; `row` offsets it vertically for branches. Returns its id. */
  add(type: string, name: string, params: Record<string, unknown> = {}, row = 0): string {
    const id = `n${++this.counter}`;
    this.graph.nodes.push({ id, type, name, position: { x: this.column++ * 220, y: row * 140 }, params });
    return id;
  }

  /** Connects `source`'s output to `target`'s input handle. */
  connect(source: string, target: string, targetHandle = 'in'): this {
    this.graph.edges.push({ id: `e${this.graph.edges.length + 1}`, source, sourceHandle: 'out', target, targetHandle });
    return this;
  }

  /** Adds a straight chain of layers after `from` (if given); returns the last id. */
  chain(from: string | null, layers: [type: string, name: string, params?: Record<string, unknown>][]): string {
    let prev = from;
    for (const [type, name, params] of layers) {
      const id = this.add(type, name, params ?? {});
      if (prev) this.connect(prev, id);
      prev = id;
    }
    return prev!;
  }
}
