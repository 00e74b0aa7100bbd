import type { Graph } from '../../graph/document.js';
import { inferGraph } from '../../graph/infer.js';
import { formatShape, type Shape } from '../../graph/shape.js';
import type { Dataset, DatasetInfo } from './types.js';

/** One way a dataset and a graph do not fit, worded for the user; errors block training. */
export interface CompatibilityIssue {
  severity: 'error' | 'warning';
  /** The Input or Output node concerned, or null for graph-level problems. */
  nodeId: string | null;
  message: string;
}

const CLASS_LOSSES = new Set(['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy']);
const fmt = (s: readonly (number | null)[]): string => formatShape(s as Shape);
const same = (a: readonly (number | null)[], b: readonly (number | null)[]): boolean => a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);

const REGRESSION_LOSSES = new Set(['meanSquaredError', 'meanAbsoluteError', 'huber']);

/**
 * True when the graph asks to reproduce its input (an autoencoder): its one Output has a regression
 * loss and the Input's shape, while the dataset's own targets are something else.
 */
export function wantsReconstruction(graph: Graph, info: DatasetInfo): boolean {
  if (info.task === 'regression' || info.task === 'reconstruction') return false;
  const outputs = graph.nodes.filter((n) => n.type === 'Output');
  if (outputs.length !== 1) return false;
  const inference = inferGraph(graph);
  const ni = inference.nodes[outputs[0]!.id];
  const out = ni?.outputShape;
  const loss = String(ni?.params.loss ?? '');
  return !!out && REGRESSION_LOSSES.has(loss) && info.inputDtype === 'float32' && same(out, [null, ...info.inputShape]);
}

/** The same data with each input as its own target, for autoencoders. */
export function reconstructionInfo(info: DatasetInfo): DatasetInfo {
  return { ...info, task: 'reconstruction', targetShape: [...info.inputShape], classNames: null };
}

/** A dataset whose targets are its inputs (see `wantsReconstruction`). */
export function asReconstruction(dataset: Dataset): Dataset {
  return {
    info: reconstructionInfo(dataset.info),
    preprocessing: { ...dataset.preprocessing, task: 'reconstruction', targetShape: [...dataset.info.inputShape], classNames: null },
    async *batches(split, options) {
      for await (const b of dataset.batches(split, options)) yield { x: b.x, y: b.x instanceof Float32Array ? b.x : Float32Array.from(b.x), size: b.size };
    },
  };
}

/**
 * Checks that a graph can train on a dataset: Input shapes and dtypes, Output shapes against the
 * targets, and losses against the task. Returns every problem found (empty when they fit).
 */
export function checkCompatibility(graph: Graph, datasetInfo: DatasetInfo): CompatibilityIssue[] {
  const info = wantsReconstruction(graph, datasetInfo) ? reconstructionInfo(datasetInfo) : datasetInfo;
  const issues: CompatibilityIssue[] = [];
  const inference = inferGraph(graph);
  const error = (nodeId: string | null, message: string): void => void issues.push({ severity: 'error', nodeId, message });
  const warn = (nodeId: string | null, message: string): void => void issues.push({ severity: 'warning', nodeId, message });
  const ds = `dataset '${info.name}'`;

  const inputs = graph.nodes.filter((n) => n.type === 'Input' && inference.nodes[n.id]?.inModel !== false);
  const outputs = graph.nodes.filter((n) => n.type === 'Output');
  if (inputs.length === 0) error(null, `the graph has no Input; add an Input of shape ${fmt(info.inputShape)} for ${ds}`);
  if (inputs.length > 1) error(null, `the graph has ${inputs.length} Inputs (${inputs.map((n) => `'${n.name}'`).join(', ')}) but ${ds} yields one input of shape ${fmt(info.inputShape)}; keep one Input`);
  if (outputs.length === 0) error(null, `the graph has no Output; add an Output after the last layer`);
  if (outputs.length > 1) error(null, `the graph has ${outputs.length} Outputs but ${ds} has one target; keep one Output`);

  for (const node of inputs) {
    const p = inference.nodes[node.id]?.params ?? node.params;
    const shape = (p.shape as number[] | undefined) ?? [];
    const dtype = (p.dtype as string | undefined) ?? 'float32';
    if (!same(shape, info.inputShape)) error(node.id, `Input '${node.name}' expects ${fmt(shape)} but ${ds} yields ${fmt(info.inputShape)}; set the Input's shape to ${fmt(info.inputShape)}`);
    if (info.inputDtype === 'int32' && dtype !== 'int32') error(node.id, `Input '${node.name}' has dtype ${dtype} but ${ds} yields int32 token ids; set the Input's dtype to int32 (an Embedding needs integer ids)`);
    if (info.inputDtype === 'float32' && dtype === 'int32') warn(node.id, `Input '${node.name}' has dtype int32 but ${ds} yields real values, which will be truncated; set the dtype to float32`);
  }

  // Token ids at or above an embedding's vocabulary size index past its table (tfjs gathers garbage or fails).
  if (info.vocabSize !== null && info.inputDtype === 'int32') {
    for (const node of graph.nodes) {
      const key = node.type === 'Embedding' ? 'inputDim' : node.type === 'PositionalEmbedding' ? 'vocabSize' : null;
      if (!key || inference.nodes[node.id]?.inModel === false) continue;
      const size = Number(inference.nodes[node.id]?.params[key] ?? node.params[key]);
      if (size < info.vocabSize) error(node.id, `${node.type} '${node.name}' has ${key} ${size} but ${ds} has a vocabulary of ${info.vocabSize} token ids; set ${key} to ${info.vocabSize}`);
    }
  }

  for (const node of outputs) {
    const ni = inference.nodes[node.id];
    const out = ni?.outputShape;
    const loss = String(ni?.params.loss ?? node.params.loss ?? 'categoricalCrossentropy');
    const metrics = (ni?.params.metrics ?? node.params.metrics ?? []) as string[];
    const label = `Output '${node.name}'`;
    if (!out) continue; // inference already reports why the shape is unknown
    const units = out[out.length - 1];
    if (info.task === 'classification') {
      const classes = info.classNames?.length ?? 0;
      if (!CLASS_LOSSES.has(loss)) {
        error(node.id, `${label} uses ${loss}, a regression loss, but ${ds} is a classification dataset with ${classes} classes; use categoricalCrossentropy or sparseCategoricalCrossentropy`);
        continue;
      }
      // Labels are class ids for every dataset (a CSV's one-hot target columns are read back into ids), and
      // the trainer encodes them for the loss: one-hot for categoricalCrossentropy, ids for the sparse one,
      // 0/1 for binary. So the label format never mismatches a loss; the Output's width can (one unit with a
      // categorical loss is already a graph error from inference, see graph/layers/io.ts).
      if (loss === 'binaryCrossentropy') {
        if (classes !== 2) error(node.id, `${label} uses binaryCrossentropy, which needs 2 classes, but ${ds} has ${classes} classes; use categoricalCrossentropy (or sparseCategoricalCrossentropy) with ${classes} softmax units`);
        else if (out.length === 2 && units === 2) error(node.id, `${label} has 2 units but binaryCrossentropy needs one sigmoid unit (the probability of '${info.classNames![1]}'); end the model with Dense(1, sigmoid), or keep the 2 softmax units and use categoricalCrossentropy`);
        else if (out.length !== 2 || units !== 1) error(node.id, `${label} uses binaryCrossentropy, which needs one sigmoid unit per sample, but gets ${fmt(out)}; end the model with Dense(1, sigmoid)`);
        continue;
      }
      if (out.length !== 2) error(node.id, `${label} gets ${fmt(out)} but ${ds} gives one class label per sample; add a Flatten or global pooling so the Output gets [null, ${classes}]`);
      else if (units !== classes) error(node.id, `${label} has ${units} unit${units === 1 ? '' : 's'} but ${ds} has ${classes} classes; give the layer before it ${classes} units`);
    } else if (info.task === 'languageModel') {
      const vocab = info.vocabSize ?? 0;
      const want = [null, ...info.targetShape, vocab];
      if (loss !== 'sparseCategoricalCrossentropy' && loss !== 'categoricalCrossentropy') error(node.id, `${label} uses ${loss} but ${ds} is a language model whose targets are character ids; use sparseCategoricalCrossentropy`);
      else if (!same(out, want)) error(node.id, `${label} gets ${fmt(out)} but ${ds} needs ${fmt(want)} (one score per vocabulary entry at each of ${info.targetShape[0]} positions); ${out.length !== want.length ? 'keep the sequence axis (returnSequences: true)' : `give the last Dense ${vocab} units`}`);
    } else {
      const want = [null, ...info.targetShape];
      if (CLASS_LOSSES.has(loss)) {
        const csv = /\.(csv|tsv)$/i.test(info.name) && info.task === 'regression';
        error(node.id, `loss ${loss} on ${label} needs integer class labels, but ${ds} gives real-valued targets of shape ${fmt(info.targetShape)}; use meanSquaredError or meanAbsoluteError${csv ? ", or, if the target column holds class labels, set the dataset's options.task to 'classification'" : ''}`);
      }
      else if (!same(out, want)) error(node.id, `${label} gets ${fmt(out)} but ${ds} has targets of shape ${fmt(want)}; ${info.task === 'reconstruction' ? 'the model must output the shape of its input' : `make the last layer produce ${fmt(want)}`}`);
      if (metrics.includes('accuracy')) warn(node.id, `${label} reports accuracy, which means little for ${info.task} on ${ds}; use mse or mae`);
    }
  }
  return issues;
}
