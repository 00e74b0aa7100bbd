import type { DatasetDescription } from '../../graph/api/host.js';
import { checkDatasetFit, type FitProblem } from '../../graph/compat.js';
import type { Graph, GraphNode } from '../../graph/document.js';
import { inferGraph, type GraphInference } from '../../graph/infer.js';
import { product } from '../../graph/layers/common.js';
import { formatShape, type Shape } from '../../graph/shape.js';
import { applyChanges, type Change } from '../store/changes.js';
import { newEdgeId, newNode } from '../store/editor-store.js';

// Dataset/graph compatibility as the picker shows it, before any training: the engine's own check (graph/compat.ts,
// which the trainer runs before a run), plus a one-click fix where the fix is obvious, chosen by the problem's kind.
// Fixes are editor changes, so they undo like any edit.

/** An edit that fixes a problem, as one undo step. */
export interface Fix {
  label: string;
  changes: Change[];
}

/** A problem and, when obvious, the edit that fixes it; `graphErrors` stands for the graph's own errors, which hide the rest. */
export type FitIssue = (FitProblem | { severity: 'error'; nodeId: string | null; message: string; kind: 'graphErrors' }) & { fix: Fix | null };

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
function keepIfSound(graph: Graph, inference: GraphInference, fix: Fix | null): Fix | null {
  return fix && errorCount(inferGraph(applyChanges(graph, fix.changes))) <= errorCount(inference) ? fix : null;
}

/**
 * The one-click fix for an Input whose shape differs from the data's: set the Input's shape, or, when the layers
 * after it need the old shape (a Conv2D fed a flat CSV of pixels) and the sizes agree, also insert a Reshape back to
 * it, as a Keras user would. Null when neither leaves the graph sound.
 */
function inputShapeFix(graph: Graph, inference: GraphInference, node: GraphNode, shape: readonly number[], want: readonly number[]): Fix | null {
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

/** The obvious edit for one of the engine's problems, or null when there is none (or it would break the graph). */
function fixFor(graph: Graph, inference: GraphInference, issue: FitProblem): Fix | null {
  const node = issue.nodeId ? graph.nodes.find((n) => n.id === issue.nodeId) : undefined;
  if (!node) return null;
  const prev = feeder(graph, node.id);
  const dense = prev && typeof prev.params.units === 'number' ? prev : null;
  const sound = (fix: Fix | null): Fix | null => keepIfSound(graph, inference, fix);
  const useLoss = (loss: string, extra: Change[] = [], more = ''): Fix => ({ label: `Use ${loss} on '${node.name}'${more}`, changes: [setParam(node, 'loss', loss), ...extra] });
  const metrics = (node.params.metrics as string[] | undefined) ?? [];
  // Accuracy on real-valued targets goes with the class loss it came with: mae says how far off the values are.
  const noAccuracy = metrics.includes('accuracy') ? [setParam(node, 'metrics', [...new Set(metrics.map((m) => (m === 'accuracy' ? 'mae' : m)))])] : [];
  switch (issue.kind) {
    case 'inputShape':
      return inputShapeFix(graph, inference, node, issue.shape, issue.want);
    case 'inputDtype':
      return { label: `Set '${node.name}' dtype to ${issue.want}`, changes: [setParam(node, 'dtype', issue.want)] };
    case 'vocabulary':
      return sound({ label: `Set '${node.name}' ${issue.param} to ${issue.want}`, changes: [setParam(node, issue.param, issue.want)] });
    case 'classLoss': {
      // One sigmoid unit on two classes is a binary classifier; anything else is a softmax over the classes.
      const out = inference.nodes[node.id]?.outputShape;
      const binary = out?.length === 2 && out[1] === 1;
      return sound(useLoss(binary ? 'binaryCrossentropy' : 'categoricalCrossentropy'));
    }
    case 'binaryClasses':
    case 'binaryUnits': {
      // Keep the layer's width (binaryUnits) or give it one unit per class, and make it a softmax for categoricalCrossentropy.
      const units = issue.kind === 'binaryClasses' ? issue.classes : 2;
      if (issue.kind === 'binaryClasses' && !dense) return null;
      const layer = dense ? [...(dense.params.units !== units ? [setParam(dense, 'units', units)] : []), ...(dense.params.activation !== undefined && dense.params.activation !== 'softmax' ? [setParam(dense, 'activation', 'softmax')] : [])] : [];
      return sound(useLoss('categoricalCrossentropy', layer, layer.length ? ` and ${units} softmax units in '${dense!.name}'` : ''));
    }
    case 'classUnits':
      return dense ? sound({ label: `Set '${dense.name}' units to ${issue.classes}`, changes: [setParam(dense, 'units', issue.classes)] }) : null;
    case 'lmLoss':
      return sound(useLoss('sparseCategoricalCrossentropy'));
    case 'lmShape': {
      // Only the vocabulary differs (the same graph on another text): the layer before the Output gets that many units.
      const out = inference.nodes[node.id]?.outputShape;
      const vocab = issue.want[issue.want.length - 1];
      const vocabOnly = out && out.length === issue.want.length && same(out.slice(0, -1), issue.want.slice(0, -1));
      return vocabOnly && dense ? sound({ label: `Set '${dense.name}' units to ${vocab}`, changes: [setParam(dense, 'units', vocab)] }) : null;
    }
    case 'realLoss':
      return sound(useLoss('meanSquaredError', noAccuracy, noAccuracy.length ? ' and report mae, not accuracy' : ''));
    case 'targetShape': {
      const out = inference.nodes[node.id]?.outputShape;
      if (!dense || issue.want.length !== 2 || out?.length !== 2) return null;
      // A classifier's softmax left on a regression layer pins its output (one unit: always 1), so it goes too.
      const softmax = dense.params.activation === 'softmax';
      return sound({
        label: `Set '${dense.name}' units to ${issue.want[1]}${softmax ? ' and its activation to linear' : ''}`,
        changes: [setParam(dense, 'units', issue.want[1]), ...(softmax ? [setParam(dense, 'activation', 'linear')] : [])],
      });
    }
    case 'accuracyMetric':
      return { label: `Report mae instead of accuracy on '${node.name}'`, changes: noAccuracy };
    default:
      return null;
  }
}

/** Checks a graph against a dataset description with the engine's check; returns every problem with its fix. */
export function checkFit(graph: Graph, inference: GraphInference, info: DatasetDescription): FitIssue[] {
  const issues: FitIssue[] = checkDatasetFit(graph, info, inference).map((issue) => ({ ...issue, fix: fixFor(graph, inference, issue) }));
  // Layers whose shape is unknown were skipped by the check, so a graph with errors must not read as fitting.
  const errors = inference.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0]!;
    const name = first.nodeName ? `${first.nodeName}: ` : '';
    const ds = `dataset '${info.name}'`;
    issues.push({
      severity: 'error',
      nodeId: first.nodeId,
      kind: 'graphErrors',
      message: `the graph has ${errors.length} error${errors.length > 1 ? 's' : ''} (see Problems), so its fit with ${ds} is checked once ${errors.length > 1 ? 'they are' : 'it is'} fixed: ${name}${first.message}`,
      fix: null,
    });
  }
  return issues;
}
