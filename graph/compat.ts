import type { DatasetDescription } from './api/host.js';
import type { Graph } from './document.js';
import { inferGraph, type GraphInference } from './infer.js';
import { formatShape, type Shape } from './shape.js';

// The one dataset/graph fit check: the trainer runs it before a run (errors stop the run) and the Data tab runs it
// before Train, attaching its one-click fixes by `kind`, so the window never says "fits" for a run that then fails.

/** The dataset facts the fit check reads; the host's DatasetDescription and the engine's DatasetInfo both have them. */
export type FitDataset = Pick<DatasetDescription, 'name' | 'task' | 'inputShape' | 'inputDtype' | 'targetShape' | 'classNames' | 'vocabSize'>;

/** What kind of misfit a FitProblem is, with the data a fix needs. */
export type FitProblemKind =
  | { kind: 'noInput' | 'manyInputs' | 'noOutput' | 'manyOutputs' }
  /** `shape` is the Input's, `want` the dataset's sample shape. */
  | { kind: 'inputShape'; shape: number[]; want: number[] }
  | { kind: 'inputDtype'; want: 'int32' | 'float32' }
  /** An Embedding (inputDim) or PositionalEmbedding (vocabSize) whose table is smaller than the dataset's vocabulary. */
  | { kind: 'vocabulary'; param: 'inputDim' | 'vocabSize'; want: number }
  /** A regression loss on class labels. */
  | { kind: 'classLoss' }
  /** binaryCrossentropy on a dataset that has not 2 classes. */
  | { kind: 'binaryClasses'; classes: number }
  /** binaryCrossentropy on 2 units. */
  | { kind: 'binaryUnits' }
  /** binaryCrossentropy on anything but [null, 1]. */
  | { kind: 'binaryShape' }
  /** A class Output that keeps more axes than [null, classes]. */
  | { kind: 'classRank'; classes: number }
  | { kind: 'classUnits'; classes: number }
  /** A language model's Output with a loss other than a crossentropy over the vocabulary. */
  | { kind: 'lmLoss' }
  | { kind: 'lmShape'; want: (number | null)[] }
  /** A class loss on real-valued targets. */
  | { kind: 'realLoss' }
  | { kind: 'targetShape'; want: (number | null)[] }
  /** accuracy reported on real-valued targets. */
  | { kind: 'accuracyMetric' };

/** One way a dataset and a graph do not fit, worded for the user and tagged by `kind`; errors block training. */
export type FitProblem = {
  severity: 'error' | 'warning';
  /** The node concerned, or null for graph-level problems. */
  nodeId: string | null;
  message: string;
} & FitProblemKind;

const CLASS_LOSSES = new Set(['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy']);
const REGRESSION_LOSSES = new Set(['meanSquaredError', 'meanAbsoluteError', 'huber']);
const fmt = (s: readonly (number | null)[]): string => formatShape(s as Shape);
const same = (a: readonly (number | null)[], b: readonly (number | null)[]): boolean => a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);

/**
 * True when the graph asks to reproduce its input (an autoencoder): its one Output has a regression
 * loss and the Input's shape, while the dataset's own targets are something else.
 */
export function wantsReconstruction(graph: Graph, info: FitDataset, inference: GraphInference = inferGraph(graph)): boolean {
  if (info.task === 'regression' || info.task === 'reconstruction') return false;
  const outputs = graph.nodes.filter((n) => n.type === 'Output');
  if (outputs.length !== 1) return false;
  const ni = inference.nodes[outputs[0]!.id];
  const out = ni?.outputShape;
  const loss = String(ni?.params.loss ?? '');
  return !!out && REGRESSION_LOSSES.has(loss) && info.inputDtype === 'float32' && same(out, [null, ...info.inputShape]);
}

/** The same data description with each input as its own target, for autoencoders. */
export function reconstructionInfo<T extends FitDataset>(info: T): T {
  return { ...info, task: 'reconstruction', targetShape: [...info.inputShape], classNames: null };
}

/**
 * Checks that a graph can train on a dataset: Input shapes and dtypes, embedding tables against the vocabulary,
 * Output shapes against the targets, and losses against the task. Returns every problem found (empty when they fit).
 */
export function checkDatasetFit(graph: Graph, datasetInfo: FitDataset, inference: GraphInference = inferGraph(graph)): FitProblem[] {
  const info = wantsReconstruction(graph, datasetInfo, inference) ? reconstructionInfo(datasetInfo) : datasetInfo;
  const issues: FitProblem[] = [];
  const error = (nodeId: string | null, message: string, kind: FitProblemKind): void => void issues.push({ severity: 'error', nodeId, message, ...kind });
  const warn = (nodeId: string | null, message: string, kind: FitProblemKind): void => void issues.push({ severity: 'warning', nodeId, message, ...kind });
  const ds = `dataset '${info.name}'`;

  const inputs = graph.nodes.filter((n) => n.type === 'Input' && inference.nodes[n.id]?.inModel !== false);
  const outputs = graph.nodes.filter((n) => n.type === 'Output');
  if (inputs.length === 0) error(null, `the graph has no Input; add an Input of shape ${fmt(info.inputShape)} for ${ds}`, { kind: 'noInput' });
  if (inputs.length > 1) error(null, `the graph has ${inputs.length} Inputs (${inputs.map((n) => `'${n.name}'`).join(', ')}) but ${ds} yields one input of shape ${fmt(info.inputShape)}; keep one Input`, { kind: 'manyInputs' });
  if (outputs.length === 0) error(null, `the graph has no Output; add an Output after the last layer`, { kind: 'noOutput' });
  if (outputs.length > 1) error(null, `the graph has ${outputs.length} Outputs but ${ds} has one target; keep one Output`, { kind: 'manyOutputs' });

  for (const node of inputs) {
    const p = inference.nodes[node.id]?.params ?? node.params;
    const shape = (p.shape as number[] | undefined) ?? [];
    const dtype = (p.dtype as string | undefined) ?? 'float32';
    if (!same(shape, info.inputShape))
      error(node.id, `Input '${node.name}' expects ${fmt(shape)} but ${ds} yields ${fmt(info.inputShape)}; set the Input's shape to ${fmt(info.inputShape)}`, { kind: 'inputShape', shape: [...shape], want: [...info.inputShape] });
    if (info.inputDtype === 'int32' && dtype !== 'int32')
      error(node.id, `Input '${node.name}' has dtype ${dtype} but ${ds} yields int32 token ids; set the Input's dtype to int32 (an Embedding needs integer ids)`, { kind: 'inputDtype', want: 'int32' });
    if (info.inputDtype === 'float32' && dtype === 'int32')
      warn(node.id, `Input '${node.name}' has dtype int32 but ${ds} yields real values, which will be truncated; set the dtype to float32`, { kind: 'inputDtype', want: 'float32' });
  }

  // Token ids at or above an embedding's vocabulary size index past its table (tfjs gathers garbage or fails).
  if (info.vocabSize !== null && info.inputDtype === 'int32') {
    for (const node of graph.nodes) {
      const key = node.type === 'Embedding' ? 'inputDim' : node.type === 'PositionalEmbedding' ? 'vocabSize' : null;
      if (!key || inference.nodes[node.id]?.inModel === false) continue;
      const size = Number(inference.nodes[node.id]?.params[key] ?? node.params[key]);
      if (size < info.vocabSize)
        error(node.id, `${node.type} '${node.name}' has ${key} ${size} but ${ds} has a vocabulary of ${info.vocabSize} token ids; set ${key} to ${info.vocabSize}`, { kind: 'vocabulary', param: key, want: info.vocabSize });
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
        error(node.id, `${label} uses ${loss}, a regression loss, but ${ds} is a classification dataset with ${classes} classes; use categoricalCrossentropy or sparseCategoricalCrossentropy`, { kind: 'classLoss' });
        continue;
      }
      // Labels are class ids for every dataset (a CSV's one-hot target columns are read back into ids), and
      // the trainer encodes them for the loss: one-hot for categoricalCrossentropy, ids for the sparse one,
      // 0/1 for binary. So the label format never mismatches a loss; the Output's width can (one unit with a
      // categorical loss is already a graph error from inference, see graph/layers/io.ts).
      if (loss === 'binaryCrossentropy') {
        if (classes !== 2)
          error(node.id, `${label} uses binaryCrossentropy, which needs 2 classes, but ${ds} has ${classes} classes; use categoricalCrossentropy (or sparseCategoricalCrossentropy) with ${classes} softmax units`, { kind: 'binaryClasses', classes });
        else if (out.length === 2 && units === 2)
          error(node.id, `${label} has 2 units but binaryCrossentropy needs one sigmoid unit (the probability of '${info.classNames![1]}'); end the model with Dense(1, sigmoid), or keep the 2 softmax units and use categoricalCrossentropy`, { kind: 'binaryUnits' });
        else if (out.length !== 2 || units !== 1)
          error(node.id, `${label} uses binaryCrossentropy, which needs one sigmoid unit per sample, but gets ${fmt(out)}; end the model with Dense(1, sigmoid)`, { kind: 'binaryShape' });
        continue;
      }
      if (out.length !== 2) error(node.id, `${label} gets ${fmt(out)} but ${ds} gives one class label per sample; add a Flatten or global pooling so the Output gets [null, ${classes}]`, { kind: 'classRank', classes });
      else if (units !== classes) error(node.id, `${label} has ${units} unit${units === 1 ? '' : 's'} but ${ds} has ${classes} classes; give the layer before it ${classes} units`, { kind: 'classUnits', classes });
    } else if (info.task === 'languageModel') {
      const vocab = info.vocabSize ?? 0;
      const want = [null, ...info.targetShape, vocab];
      if (loss !== 'sparseCategoricalCrossentropy' && loss !== 'categoricalCrossentropy')
        error(node.id, `${label} uses ${loss} but ${ds} is a language model whose targets are character ids; use sparseCategoricalCrossentropy`, { kind: 'lmLoss' });
      else if (!same(out, want))
        error(
          node.id,
          `${label} gets ${fmt(out)} but ${ds} needs ${fmt(want)} (one score per vocabulary entry at each of ${info.targetShape[0]} positions); ${out.length !== want.length ? 'keep the sequence axis (returnSequences: true)' : `give the last Dense ${vocab} units`}`,
          { kind: 'lmShape', want },
        );
    } else {
      const want = [null, ...info.targetShape];
      if (CLASS_LOSSES.has(loss)) {
        const csv = /\.(csv|tsv)$/i.test(info.name) && info.task === 'regression';
        error(
          node.id,
          `loss ${loss} on ${label} needs integer class labels, but ${ds} gives real-valued targets of shape ${fmt(info.targetShape)}; use meanSquaredError or meanAbsoluteError${csv ? ", or, if the target column holds class labels, set the dataset's options.task to 'classification'" : ''}`,
          { kind: 'realLoss' },
        );
      } else if (!same(out, want))
        error(node.id, `${label} gets ${fmt(out)} but ${ds} has targets of shape ${fmt(want)}; ${info.task === 'reconstruction' ? 'the model must output the shape of its input' : `make the last layer produce ${fmt(want)}`}`, { kind: 'targetShape', want });
      if (metrics.includes('accuracy')) warn(node.id, `${label} reports accuracy, which means little for ${info.task} on ${ds}; use mse or mae`, { kind: 'accuracyMetric' });
    }
  }
  return issues;
}
