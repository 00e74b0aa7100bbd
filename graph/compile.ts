import type * as tfjs from '@tensorflow/tfjs';
import type { Graph, GraphNode, TrainingSettings } from './document.js';
import { inferGraph, nodeLabel, type GraphInference } from './infer.js';
import { getLayer } from './layers/index.js';
import type { Params, TfjsSpec } from './layers/types.js';
import { registerCustomLayers, type Tf } from './tfjs/all.js';
import { adadelta } from './tfjs/optimizers.js';

/** Raised when a graph cannot be compiled; the message lists the graph's errors. */
export class CompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompileError';
  }
}

/** One model output, in the order of `model.outputs`. */
export interface CompiledOutput {
  nodeId: string;
  /** The Output node's name. */
  name: string;
  /** Name of the tfjs layer producing the output (keys metrics and logs in multi-output models). */
  layerName: string;
  loss: string;
  metrics: string[];
  lossWeight: number;
}

/** A compiled graph: the model and how its inputs and outputs map back to nodes. */
export interface CompiledGraph {
  model: tfjs.LayersModel;
  inputs: { nodeId: string; name: string; shape: (number | null)[]; dtype: string }[];
  outputs: CompiledOutput[];
  inference: GraphInference;
}

/** Options for `compileGraph`. */
export interface CompileOptions {
  /** Also call `model.compile` with the optimizer from the training settings and the Outputs' losses (default true). */
  compile?: boolean;
  /** Training settings to take the optimizer from; defaults to the graph's. */
  training?: TrainingSettings;
}

/** Builds one tfjs layer from a registry spec, resolving custom layers. */
export function buildLayer(tf: Tf, spec: TfjsSpec, name: string): tfjs.layers.Layer {
  const make = (factory: string, args: Record<string, unknown>): tfjs.layers.Layer => {
    if (factory.startsWith('custom:')) {
      const custom = registerCustomLayers(tf)[factory.slice(7)];
      if (!custom) throw new CompileError(`custom layer '${factory.slice(7)}' is not registered`);
      return custom(args);
    }
    const fn = (tf.layers as unknown as Record<string, (a: unknown) => tfjs.layers.Layer>)[factory];
    if (typeof fn !== 'function') throw new CompileError(`tf.layers has no factory '${factory}'`);
    return fn(args);
  };
  if (spec.wrapper) {
    const inner = make(spec.factory, { ...spec.args, name: `${name}_inner` });
    return make(spec.wrapper.factory, { ...spec.wrapper.args, layer: inner, name });
  }
  return make(spec.factory, { ...spec.args, name });
}

/** The tfjs optimizer for the training settings. */
export function makeOptimizer(tf: Tf, t: TrainingSettings): tfjs.Optimizer {
  const lr = t.learningRate;
  switch (t.optimizer) {
    case 'sgd':
      return t.momentum > 0 ? tf.train.momentum(lr, t.momentum) : tf.train.sgd(lr);
    case 'adam':
      return tf.train.adam(lr);
    case 'rmsprop':
      return tf.train.rmsprop(lr);
    case 'adagrad':
      return tf.train.adagrad(lr);
    case 'adadelta':
      // tfjs' own adadelta steps exactly like sgd (see graph/tfjs/optimizers.ts).
      return adadelta(tf, lr);
    case 'adamax':
      return tf.train.adamax(lr);
  }
}

/** The tfjs loss for an Output's loss name (Huber has no string name in tfjs-layers). */
export function makeLoss(tf: Tf, loss: string): string | ((yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tfjs.Tensor) {
  if (loss === 'huber') {
    const huber = (yTrue: tfjs.Tensor, yPred: tfjs.Tensor): tfjs.Tensor => tf.losses.huberLoss(yTrue, yPred, undefined, 1.0, tf.Reduction.NONE).mean(-1);
    Object.defineProperty(huber, 'name', { value: 'huber' });
    return huber;
  }
  return loss;
}

function errorSummary(inference: GraphInference): string {
  const errors = inference.diagnostics.filter((d) => d.severity === 'error');
  const shown = errors.slice(0, 5).map((d) => `  - ${d.message}`);
  if (errors.length > 5) shown.push(`  - and ${errors.length - 5} more`);
  return `The graph has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n${shown.join('\n')}`;
}

/**
 * The `model.compile` arguments for a compiled graph's Outputs: the optimizer from the training
 * settings, each Output's loss and metrics. Loss weights are not among them: tfjs-layers 4.22 accepts
 * `lossWeights` and ignores it, so after `model.compile` call `applyLossWeights`. Callers that build the
 * model inside `tf.tidy` compile outside it, since some optimizers hold plain tensors a tidy would free.
 */
export function compileArgs(tf: Tf, outputs: readonly CompiledOutput[], training: TrainingSettings): tfjs.ModelCompileArgs {
  const metrics: Record<string, string[]> = {};
  for (const o of outputs) metrics[o.layerName] = o.metrics;
  return {
    optimizer: makeOptimizer(tf, training),
    loss: outputs.map((o) => makeLoss(tf, o.loss)) as string[],
    // tfjs accepts a list of metrics per output name at run time, though its typings say one.
    metrics: (outputs.length === 1 ? outputs[0]!.metrics : metrics) as string[],
  };
}

type LossFn = (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tfjs.Tensor;

/**
 * Gives a compiled multi-output model Keras' weighted total loss, sum of lossWeight · loss, and so Keras'
 * gradients. tfjs-layers 4.22 ignores `lossWeights` (a TODO in its compile), so each weighted output's entry in
 * the model's loss functions is scaled in place. Unlike Keras, tfjs then logs the weighted loss per output
 * (`<layer>_loss`): its logs are the terms of the total. A single Output keeps its loss as it is.
 */
export function applyLossWeights(tf: Tf, model: tfjs.LayersModel, outputs: readonly CompiledOutput[]): void {
  if (outputs.length < 2) return;
  const fns = (model as unknown as { lossFunctions?: LossFn[] }).lossFunctions;
  if (!Array.isArray(fns) || fns.length !== outputs.length) throw new CompileError('cannot apply loss weights: this TensorFlow.js keeps its loss functions elsewhere');
  outputs.forEach((o, i) => {
    const base = fns[i]!;
    if (o.lossWeight !== 1) fns[i] = (yTrue, yPred) => tf.mul(base(yTrue, yPred), o.lossWeight);
  });
}

/**
 * Compiles a graph to a `tf.LayersModel` through the functional API, walking in the same order as
 * inference. Layer names are node names; losses and metrics come from the Output nodes.
 */
export function compileGraph(graph: Graph, tf: Tf, options: CompileOptions = {}): CompiledGraph {
  const inference = inferGraph(graph);
  if (!inference.valid) throw new CompileError(errorSummary(inference));
  const byId = new Map<string, GraphNode>(graph.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, Map<string, string>>();
  for (const e of graph.edges) (incoming.get(e.target) ?? incoming.set(e.target, new Map()).get(e.target)!).set(e.targetHandle, e.source);

  const tensors = new Map<string, tfjs.SymbolicTensor>();
  const inputs: CompiledGraph['inputs'] = [];
  const outputs: (CompiledOutput & { tensor: tfjs.SymbolicTensor })[] = [];

  for (const id of inference.order) {
    const info = inference.nodes[id]!;
    if (!info.inModel) continue;
    const node = byId.get(id)!;
    const def = getLayer(node.type)!;
    const params: Params = info.params;
    const handles = incoming.get(id) ?? new Map<string, string>();
    let sources: string[];
    if (def.inputs.kind === 'fixed') sources = def.inputs.ports.map((p) => handles.get(p.name)).filter((s): s is string => s !== undefined);
    else {
      const prefix = def.inputs.name;
      sources = [...handles.entries()]
        .filter(([h]) => h.startsWith(prefix))
        .sort(([a], [b]) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
        .map(([, s]) => s);
    }
    const inTensors = sources.map((s) => tensors.get(s)!);

    if (def.id === 'Input') {
      const shape = params.shape as number[];
      const dtype = params.dtype as 'float32' | 'int32';
      tensors.set(id, tf.input({ shape, dtype, name: node.name }));
      inputs.push({ nodeId: id, name: node.name, shape: [null, ...shape], dtype });
      continue;
    }
    if (def.id === 'Output') {
      const tensor = inTensors[0]!;
      outputs.push({
        nodeId: id,
        name: node.name,
        layerName: tensor.sourceLayer.name,
        loss: params.loss as string,
        metrics: [...(params.metrics as string[])],
        lossWeight: params.lossWeight as number,
        tensor,
      });
      continue;
    }
    if (!def.tfjs) throw new CompileError(`${nodeLabel(node, def)} has no TensorFlow.js mapping`);
    const layer = buildLayer(tf, def.tfjs(params, { inputs: info.inputShapes }), node.name);
    const out = layer.apply(inTensors.length === 1 ? inTensors[0]! : inTensors) as tfjs.SymbolicTensor;
    tensors.set(id, out);
  }

  const model = tf.model({ inputs: inputs.map((i) => tensors.get(i.nodeId)!), outputs: outputs.map((o) => o.tensor), name: graph.name.replace(/[^A-Za-z0-9_.-]/g, '_') || 'model' });
  if (options.compile ?? true) {
    model.compile(compileArgs(tf, outputs, options.training ?? graph.training));
    applyLossWeights(tf, model, outputs);
  }
  return { model, inputs, outputs: outputs.map(({ tensor: _t, ...o }) => o), inference };
}
