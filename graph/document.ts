import { z } from 'zod';
import { migrateGraph, CURRENT_VERSION } from './migrations.js';
import { findJsonSyntaxError } from './json-syntax.js';

/** The `format` marker every graph file carries. */
export const GRAPH_FORMAT = 'tensorloom.graph';
/** File extension of graph files (used by dialogs and OS file association). */
export const GRAPH_EXTENSION = 'tlgraph';
export { CURRENT_VERSION };

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** Where a node sits on the canvas. */
export const PositionSchema = z.object({ x: finite, y: finite }).strict();

/** One layer instance in the graph. */
export const NodeSchema = z
  .object({
    id: z.string().min(1, 'must not be empty'),
    type: z.string().min(1, 'must name a layer kind, e.g. "Dense"'),
    name: z.string().min(1, 'must not be empty'),
    position: PositionSchema,
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/** A connection from one node's output handle to another node's input handle. */
export const EdgeSchema = z
  .object({
    id: z.string().min(1, 'must not be empty'),
    source: z.string().min(1),
    sourceHandle: z.string().min(1).default('out'),
    target: z.string().min(1),
    targetHandle: z.string().min(1),
  })
  .strict();

/** Where training data comes from: a built-in dataset, or the user's own files (paths relative to the graph file's folder, or absolute). */
export const DatasetRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('builtin'), name: z.string().min(1), options: z.record(z.string(), z.unknown()).optional() }).strict(),
  z.object({ kind: z.literal('csv'), path: z.string().min(1), target: z.string().min(1), options: z.record(z.string(), z.unknown()).optional() }).strict(),
  z.object({ kind: z.literal('csvText'), path: z.string().min(1), textColumn: z.string().min(1), target: z.string().min(1), options: z.record(z.string(), z.unknown()).optional() }).strict(),
  z.object({ kind: z.literal('images'), path: z.string().min(1), color: z.enum(['grayscale', 'rgb']).default('rgb'), options: z.record(z.string(), z.unknown()).optional() }).strict(),
  z.object({ kind: z.literal('text'), path: z.string().min(1), options: z.record(z.string(), z.unknown()).optional() }).strict(),
]);

/** Optimizers the trainer offers (tfjs names). */
export const OPTIMIZERS = ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax'] as const;
/** Compute backends, `auto` picking the fastest available. */
export const BACKENDS = ['auto', 'gpu', 'node', 'wasm', 'cpu'] as const;

/** Early stopping: stop when the monitored value stops improving. */
export const EarlyStoppingSchema = z
  .object({
    enabled: z.boolean().default(false),
    monitor: z.string().min(1).default('val_loss'),
    patience: z.number().int().min(0).default(3),
    minDelta: z.number().min(0).default(0),
    restoreBestWeights: z.boolean().default(true),
  })
  .strict();

/** The training settings saved with a graph. */
export const TrainingSchema = z
  .object({
    optimizer: z.enum(OPTIMIZERS).default('adam'),
    learningRate: z.number().positive('must be greater than 0').default(0.001),
    momentum: z.number().min(0).max(1).default(0),
    batchSize: z.number().int().min(1).max(65536).default(32),
    epochs: z.number().int().min(1).max(100000).default(10),
    validationSplit: z.number().min(0).max(0.9).default(0.1),
    shuffle: z.boolean().default(true),
    seed: z.number().int().min(0).default(42),
    earlyStopping: EarlyStoppingSchema.default(() => EarlyStoppingSchema.parse({})),
    backend: z.enum(BACKENDS).default('auto'),
    dataset: DatasetRefSchema.nullable().default(null),
  })
  .strict();

/** A graph file as stored on disk (current version). */
export const GraphSchema = z
  .object({
    format: z.literal(GRAPH_FORMAT),
    version: z.literal(CURRENT_VERSION),
    name: z.string().default('Untitled'),
    description: z.string().default(''),
    nodes: z.array(NodeSchema),
    edges: z.array(EdgeSchema),
    training: TrainingSchema.default(() => TrainingSchema.parse({})),
  })
  .strict();

/** A layer instance. */
export type GraphNode = z.infer<typeof NodeSchema>;
/** A connection between two nodes' handles. */
export type GraphEdge = z.infer<typeof EdgeSchema>;
/** Reference to the data a graph trains on. */
export type DatasetRef = z.infer<typeof DatasetRefSchema>;
/** Training settings. */
export type TrainingSettings = z.infer<typeof TrainingSchema>;
/** Early stopping settings. */
export type EarlyStopping = z.infer<typeof EarlyStoppingSchema>;
/** A whole graph document. */
export type Graph = z.infer<typeof GraphSchema>;
/** A graph document as written by hand or by code, before defaults are applied. */
export type GraphInput = z.input<typeof GraphSchema>;

/** The outcome of loading a graph file: the document, or one user-readable message. */
export type LoadResult = { ok: true; graph: Graph } | { ok: false; error: string };

/** Default training settings. */
export function defaultTraining(): TrainingSettings {
  return TrainingSchema.parse({});
}

/** An empty document. */
export function createGraph(name = 'Untitled'): Graph {
  return { format: GRAPH_FORMAT, version: CURRENT_VERSION, name, description: '', nodes: [], edges: [], training: defaultTraining() };
}

/**
 * The subject of a schema message: "training.batchSize", "position.x of node 'hidden'", "node 'hidden'",
 * "target of edge 'e3'", or "the document", so that "<subject> must be ..." reads as a sentence.
 */
function describePlace(raw: unknown, path: readonly PropertyKey[]): string {
  const [head, index, ...rest] = path;
  const field = rest.map(String).join('.');
  if ((head === 'nodes' || head === 'edges') && typeof index === 'number') {
    const list = (raw as Record<string, unknown[]>)[head];
    const item = Array.isArray(list) ? (list[index] as Record<string, unknown> | undefined) : undefined;
    const label =
      head === 'nodes'
        ? typeof item?.name === 'string' && item.name !== ''
          ? `node '${item.name}'`
          : typeof item?.id === 'string' && item.id !== ''
            ? `node with id '${item.id}'`
            : `nodes[${index}]`
        : typeof item?.id === 'string' && item.id !== ''
          ? `edge '${item.id}'`
          : `edges[${index}]`;
    return field ? `${field} of ${label}` : label;
  }
  return path.length ? path.map(String).join('.') : 'the document';
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const key of path) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

function shortJson(v: unknown): string {
  const text = Array.isArray(v) ? 'a list' : typeof v === 'object' && v !== null ? 'an object' : JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function describeBound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'string') return small && bound === 1 ? 'must not be empty' : `must have ${small ? 'at least' : 'at most'} ${bound} characters`;
  if (issue.origin === 'array' || issue.origin === 'set') return `must have ${small ? 'at least' : 'at most'} ${bound} entries`;
  if (small) return inclusive ? `must be at least ${bound}` : `must be greater than ${bound}`;
  return inclusive ? `must be at most ${bound}` : `must be less than ${bound}`;
}

/** What is wrong, as a predicate of the place ("must be a number (got "left")"), in the words of the rest of the app rather than zod's. */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const value = valueAt(raw, issue.path);
  if (issue.code === 'invalid_type') {
    const want = TYPE_NAMES[issue.expected] ?? issue.expected;
    if (value === undefined) return `is missing; add it (${want})`;
    return `must be ${want} (got ${shortJson(value)})`;
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `'${k}'`).join(', ');
    return `has unknown field${issue.keys.length === 1 ? '' : 's'} ${keys}; remove ${issue.keys.length === 1 ? 'it' : 'them'} (a newer Tensorloom may have written it, or it is misspelt)`;
  }
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator')
    return `${value === undefined ? 'is missing' : `has an unknown value ${shortJson(value)}`}; ${issue.message.replace(/^Invalid discriminator value\. Expected /, 'expected one of ')}`;
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')} (got ${shortJson(value)})`;
  if (issue.code === 'too_small' || issue.code === 'too_big') return `${describeBound(issue)} (got ${shortJson(value)})`;
  if (issue.code === 'custom') return `${issue.message} (got ${shortJson(value)})`;
  return `is not valid (${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)})`;
}

/** Checks the references between nodes and edges that a schema cannot express; returns the first problem. */
export function checkStructure(graph: Graph): string | null {
  const ids = new Set<string>();
  for (const n of graph.nodes) {
    if (ids.has(n.id)) return `node '${n.name}' has id '${n.id}', which another node already uses; node ids must be unique`;
    ids.add(n.id);
  }
  const edgeIds = new Set<string>();
  for (const e of graph.edges) {
    if (edgeIds.has(e.id)) return `edge '${e.id}' appears twice; edge ids must be unique`;
    edgeIds.add(e.id);
    if (!ids.has(e.source)) return `edge '${e.id}' starts at node id '${e.source}', which does not exist; remove the edge or add the node`;
    if (!ids.has(e.target)) return `edge '${e.id}' ends at node id '${e.target}', which does not exist; remove the edge or add the node`;
  }
  return null;
}

/**
 * Parses an already-decoded graph object: migrate to the current version, then validate.
 * Never throws; never returns a partial document.
 */
export function parseGraph(raw: unknown): LoadResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: 'is not a Tensorloom graph: expected a JSON object' };
  const obj = raw as Record<string, unknown>;
  if (obj.format !== GRAPH_FORMAT) return { ok: false, error: `is not a Tensorloom graph: its "format" is ${JSON.stringify(obj.format)}, expected "${GRAPH_FORMAT}"` };
  const migrated = migrateGraph(obj);
  if (!migrated.ok) return migrated;
  const parsed = GraphSchema.safeParse(migrated.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, error: `${describePlace(migrated.value, issue.path)} ${describeIssue(issue, migrated.value)}` };
  }
  const structural = checkStructure(parsed.data);
  if (structural) return { ok: false, error: structural };
  return { ok: true, graph: parsed.data };
}

/** Loads graph file text: JSON parse, migrate, validate. The error message says where the problem is. */
export function loadGraph(text: string): LoadResult {
  let raw: unknown;
  if (text.trim() === '') return { ok: false, error: 'is empty; expected a Tensorloom graph (JSON)' };
  // Editors on Windows may save a byte-order mark, which JSON.parse rejects.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    raw = JSON.parse(body);
  } catch {
    // JSON.parse's message quotes the text; the file may be something private opened by mistake, so say where instead.
    if (/[\u0000-\u0008\u000e-\u001f]/.test(body.slice(0, 8192))) return { ok: false, error: 'is not a Tensorloom graph: it is a binary file, not JSON text' };
    const first = body.trimStart()[0];
    if (first !== '{' && first !== '[') return { ok: false, error: 'is not a Tensorloom graph: it is not JSON (a graph file starts with "{")' };
    const where = findJsonSyntaxError(body);
    return { ok: false, error: where ? `is not valid JSON: ${where.problem} at line ${where.line}, column ${where.column}` : 'is not valid JSON' };
  }
  return parseGraph(raw);
}

/**
 * A load error naming the file it came from. Errors about the file as a whole are predicates of it ("'a.tlgraph'
 * is not valid JSON (...)"); the others name their own place ("'a.tlgraph': training.batchSize must be at least 1").
 */
export function describeLoadError(file: string, error: string): string {
  return /^(is|was|could|cannot) /.test(error) ? `'${file}' ${error}` : `'${file}': ${error}`;
}

/** Serializes a graph for saving: stable key order, two-space indentation, trailing newline. */
export function serializeGraph(graph: Graph): string {
  const ordered = {
    format: graph.format,
    version: graph.version,
    name: graph.name,
    description: graph.description,
    nodes: graph.nodes.map((n) => ({ id: n.id, type: n.type, name: n.name, position: { x: n.position.x, y: n.position.y }, params: n.params })),
    edges: graph.edges.map((e) => ({ id: e.id, source: e.source, sourceHandle: e.sourceHandle, target: e.target, targetHandle: e.targetHandle })),
    training: graph.training,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
