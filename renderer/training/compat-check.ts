import type { DatasetDescription } from '../../graph/api/host.js';
import type { Graph, GraphNode } from '../../graph/document.js';
import { inferGraph, type GraphInference } from '../../graph/infer.js';
import { product } from '../../graph/layers/common.js';
import { formatShape, type Shape } from '../../graph/shape.js';
import { applyChanges, type Change } from '../store/changes.js';
import { newEdgeId, newNode } from '../store/editor-store.js';

// Dataset/graph compatibility as the picker shows it, before any training: the same checks (and wording) as the
// engine's, plus a one-click fix where the fix is obvious. Fixes are editor changes, so they undo like any edit.

/** A problem and, when obvious, the edit that fixes it. */
export interface FitIssue {
  severity: 'error' | 'warning';
  nodeId: string | null;
  message: string;
  fix: { label: string; changes: Change[] } | null;
}

const CLASS_LOSSES = new Set(['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy']);
const fmt = (s: readonly (number | null)[]): string => formatShape(s as Shape);
const same = (a: readonly (number | null)[], b: readonly (number | null)[]): boolean => a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);

function setParam(node: GraphNode, name: string, to: unknown): Change {
  return { kind: 'setParam', id: node.id, name, from: node.params[name], to };
}

/** The node feeding `nodeId` (its first input), if any. */
function feeder(graph: Graph, nodeId: string): GraphNode | null {
  const e = graph.edges.find((x) => x.target === nodeId);
  return (e && graph.nodes.find((n) => n.id === e.source)) ?? null;
}

const errorCount = (inference: GraphInference): number => inference.diagnostics.filter((d) => d.severity === 'error').length;

/** The fix when it leaves the graph with no more errors than before; a fix that breaks a later layer is no fix. */
function keepIfSound(graph: Graph, inference: GraphInference, fix: NonNullable<FitIssue['fix']>): FitIssue['fix'] {
  return errorCount(inferGraph(applyChanges(graph, fix.changes))) <= errorCount(inference) ? fix : null;
}

/**
 * The one-click fix for an Input whose shape differs from the data's: set the Input's shape, or, when the layers
 * after it need the old shape (a Conv2D fed a flat CSV of pixels) and the sizes agree, also insert a Reshape back to
 * it, as a Keras user would. Null when neither leaves the graph sound.
 */
function inputShapeFix(graph: Graph, inference: GraphInference, node: GraphNode, shape: readonly number[], want: readonly number[]): FitIssue['fix'] {
  const set = setParam(node, 'shape', [...want]);
  const plain = keepIfSound(graph, inference, { label: `Set '${node.name}' shape to ${fmt(want)}`, changes: [set] });
  if (plain) return plain;
  const out = graph.edges.filter((e) => e.source === node.id);
  if (out.length === 0 || shape.length === 0 || product(shape) !== product(want)) return null;
  const next = graph.nodes.find((n) => n.id === out[0]!.target);
  const at = { x: next ? (node.position.x + next.position.x) / 2 : node.position.x + 120, y: node.position.y + 90 };
  const reshape = { ...newNode(graph, 'Reshape', at), params: { targetShape: [...shape] } };
  const taken = new Set(graph.edges.map((e) => e.id));
  const edgeId = () => {
    const id = newEdgeId(graph, taken);
    taken.add(id);
    return id;
  };
  const changes: Change[] = [set, { kind: 'addNode', node: reshape }, { kind: 'addEdge', edge: { id: edgeId(), source: node.id, sourceHandle: out[0]!.sourceHandle, target: reshape.id, targetHandle: 'in' } }];
  // Every layer the Input fed now reads the Reshape, so all of them keep the shape they were built for.
  // The index is where undo puts the edge back, so it is taken in the list as it is at that point of the edit.
  const ids = graph.edges.map((e) => e.id);
  for (const e of out) {
    const index = ids.indexOf(e.id);
    ids.splice(index, 1);
    changes.push({ kind: 'removeEdge', edge: e, index }, { kind: 'addEdge', edge: { ...e, id: edgeId(), source: reshape.id, sourceHandle: 'out' } });
  }
  return keepIfSound(graph, inference, { label: `Set '${node.name}' shape to ${fmt(want)} and add a Reshape to ${fmt(shape)}`, changes });
}

/** Checks a graph against a dataset description; returns every problem with its fix. */
export function checkFit(graph: Graph, inference: GraphInference, info: DatasetDescription): FitIssue[] {
  const issues: FitIssue[] = [];
  const ds = `dataset '${info.name}'`;
  const add = (severity: FitIssue['severity'], nodeId: string | null, message: string, fix: FitIssue['fix'] = null) => issues.push({ severity, nodeId, message, fix });
  const inputs = graph.nodes.filter((n) => n.type === 'Input' && inference.nodes[n.id]?.inModel !== false);
  const outputs = graph.nodes.filter((n) => n.type === 'Output');
  if (inputs.length === 0) add('error', null, `the graph has no Input; add an Input of shape ${fmt(info.inputShape)} for ${ds}`);
  if (inputs.length > 1) add('error', null, `the graph has ${inputs.length} Inputs but ${ds} yields one input of shape ${fmt(info.inputShape)}; keep one Input`);
  if (outputs.length === 0) add('error', null, 'the graph has no Output; add an Output after the last layer');
  if (outputs.length > 1) add('error', null, `the graph has ${outputs.length} Outputs but ${ds} has one target; keep one Output`);

  for (const node of inputs) {
    const shape = (node.params.shape as number[] | undefined) ?? [];
    const dtype = (node.params.dtype as string | undefined) ?? 'float32';
    if (!same(shape, info.inputShape))
      add('error', node.id, `Input '${node.name}' expects ${fmt(shape)} but ${ds} yields ${fmt(info.inputShape)}; set the Input's shape to ${fmt(info.inputShape)}`, inputShapeFix(graph, inference, node, shape, info.inputShape));
    if (info.inputDtype === 'int32' && dtype !== 'int32')
      add('error', node.id, `Input '${node.name}' has dtype ${dtype} but ${ds} yields int32 token ids; set the Input's dtype to int32`, { label: `Set '${node.name}' dtype to int32`, changes: [setParam(node, 'dtype', 'int32')] });
    if (info.inputDtype === 'float32' && dtype === 'int32')
      add('warning', node.id, `Input '${node.name}' has dtype int32 but ${ds} yields real values, which will be truncated; set the dtype to float32`, { label: `Set '${node.name}' dtype to float32`, changes: [setParam(node, 'dtype', 'float32')] });
  }

  for (const node of outputs) {
    const ni = inference.nodes[node.id];
    const out = ni?.outputShape;
    const loss = String(node.params.loss ?? 'categoricalCrossentropy');
    const label = `Output '${node.name}'`;
    if (!out) continue; // the canvas already shows why the shape is unknown
    const units = out[out.length - 1];
    const prev = feeder(graph, node.id);
    if (info.task === 'classification') {
      const classes = info.classNames?.length ?? 0;
      if (!CLASS_LOSSES.has(loss)) {
        add('error', node.id, `${label} uses ${loss}, a regression loss, but ${ds} is a classification dataset with ${classes} classes; use categoricalCrossentropy`, {
          label: `Use categoricalCrossentropy on '${node.name}'`,
          changes: [setParam(node, 'loss', 'categoricalCrossentropy')],
        });
        continue;
      }
      if (loss === 'binaryCrossentropy') {
        if (classes !== 2) add('error', node.id, `${label} uses binaryCrossentropy, which needs 2 classes, but ${ds} has ${classes} classes; use categoricalCrossentropy with ${classes} units`);
        continue;
      }
      if (out.length !== 2) add('error', node.id, `${label} gets ${fmt(out)} but ${ds} gives one class label per sample; add a Flatten or global pooling so the Output gets [null, ${classes}]`);
      else if (units !== classes) {
        const fix = prev && typeof prev.params.units === 'number' ? { label: `Set '${prev.name}' units to ${classes}`, changes: [setParam(prev, 'units', classes)] } : null;
        add('error', node.id, `${label} has ${units} units but ${ds} has ${classes} classes; give the layer before it ${classes} units`, fix);
      }
    } else if (info.task === 'languageModel') {
      const want = [null, ...info.targetShape, info.vocabSize ?? 0];
      if (!same(out, want)) {
        // Only the vocabulary differs (the same graph on another text): the layer before the Output gets that many units.
        const vocabOnly = out.length === want.length && same(out.slice(0, -1), want.slice(0, -1)) && prev && typeof prev.params.units === 'number';
        const fix = vocabOnly ? { label: `Set '${prev.name}' units to ${info.vocabSize}`, changes: [setParam(prev, 'units', info.vocabSize)] } : null;
        add('error', node.id, `${label} gets ${fmt(out)} but ${ds} needs ${fmt(want)} (one score per vocabulary entry at each position)`, fix);
      }
    } else {
      const want = [null, ...info.targetShape];
      if (CLASS_LOSSES.has(loss))
        add('error', node.id, `loss ${loss} on ${label} needs integer class labels, but ${ds} gives real-valued targets of shape ${fmt(info.targetShape)}; use meanSquaredError`, {
          label: `Use meanSquaredError on '${node.name}'`,
          changes: [setParam(node, 'loss', 'meanSquaredError')],
        });
      else if (!same(out, want)) {
        const flat = want.length === 2 && prev && typeof prev.params.units === 'number' && out.length === 2;
        // A classifier's softmax left on a regression layer pins its output (one unit: always 1), so it goes too.
        const softmax = flat && prev.params.activation === 'softmax';
        const fix = flat
          ? {
              label: `Set '${prev.name}' units to ${want[1]}${softmax ? ' and its activation to linear' : ''}`,
              changes: [setParam(prev, 'units', want[1]), ...(softmax ? [setParam(prev, 'activation', 'linear')] : [])],
            }
          : null;
        add('error', node.id, `${label} gets ${fmt(out)} but ${ds} has targets of shape ${fmt(want)}; make the last layer produce ${fmt(want)}`, fix);
      }
    }
  }
  // Layers whose shape is unknown were skipped above, so a graph with errors must not read as fitting.
  const errors = inference.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0]!;
    const name = first.nodeName ? `${first.nodeName}: ` : '';
    add('error', first.nodeId, `the graph has ${errors.length} error${errors.length > 1 ? 's' : ''} (see Problems), so its fit with ${ds} is checked once ${errors.length > 1 ? 'they are' : 'it is'} fixed: ${name}${first.message}`);
  }
  return issues;
}
