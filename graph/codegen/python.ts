import type { Graph, TrainingSettings } from '../document.js';
import { nodeLabel } from '../infer.js';
import type { TfjsSpec } from '../layers/types.js';
import { KERAS_CUSTOM_LAYERS, type KerasCustomLayer } from './keras-custom.js';
import { CodegenError, commentLines, commentText, planModel, variableNames, type PlanStep } from './plan.js';

export type { KerasCustomLayer };

/** Options for `generatePython`. */
export interface PythonOptions {
  /** Keras equivalents of custom tfjs layers, by custom class name (default: graph/codegen/keras-custom.ts). */
  customLayers?: Readonly<Record<string, KerasCustomLayer>>;
}

const PY_RESERVED = new Set([
  'keras', 'layers', 'model', 'build_model', 'TRAINING', 'DATASET', 'CALLBACKS',
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while',
  'with', 'yield', 'match', 'case', 'type', 'print', 'len', 'range', 'list', 'dict', 'tuple', 'input', 'next', 'sum', 'max', 'min', 'id',
]);

/** A Python literal for a plain value: lists become tuples (what Keras expects for sizes), objects dicts. */
export function pyLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CodegenError(`cannot write ${value} in Python`);
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return value.length === 1 ? `(${pyLiteral(value[0])},)` : `(${value.map(pyLiteral).join(', ')})`;
  if (typeof value === 'object') return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${pyLiteral(v)}`).join(', ')}}`;
  throw new CodegenError(`cannot write a ${typeof value} in Python`);
}

/** camelCase to snake_case, the Keras spelling of tfjs arg names. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

// tfjs factory names whose Keras class is not just the capitalized name.
const KERAS_CLASS: Record<string, string> = {
  conv1d: 'Conv1D', conv2d: 'Conv2D', conv2dTranspose: 'Conv2DTranspose', separableConv2d: 'SeparableConv2D', depthwiseConv2d: 'DepthwiseConv2D',
  upSampling2d: 'UpSampling2D', zeroPadding2d: 'ZeroPadding2D', cropping2D: 'Cropping2D',
  maxPooling1d: 'MaxPooling1D', maxPooling2d: 'MaxPooling2D', averagePooling1d: 'AveragePooling1D', averagePooling2d: 'AveragePooling2D',
  globalMaxPooling1d: 'GlobalMaxPooling1D', globalMaxPooling2d: 'GlobalMaxPooling2D', globalAveragePooling1d: 'GlobalAveragePooling1D', globalAveragePooling2d: 'GlobalAveragePooling2D',
  spatialDropout1d: 'SpatialDropout1D', simpleRNN: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU', reLU: 'ReLU', leakyReLU: 'LeakyReLU', prelu: 'PReLU', elu: 'ELU',
  thresholdedReLU: 'ThresholdedReLU',
};

// tfjs arg names that Keras 3 spells differently (beyond camelCase to snake_case), per Keras class.
const ARG_RENAMES: Record<string, Record<string, string>> = { LeakyReLU: { alpha: 'negative_slope' } };

// tfjs activation names Keras spells differently.
const ACTIVATION_NAMES: Record<string, string> = { hardSigmoid: 'hard_sigmoid', linear: 'linear' };

/** A Keras built-in standing in for a custom tfjs layer; unlike KerasCustomLayer it maps the tfjs args. */
interface KerasBuiltin {
  className(tfjsArgs: Record<string, unknown>): string;
  pythonArgs(tfjsArgs: Record<string, unknown>): Record<string, unknown>;
}

/** Keras built-ins equivalent to custom tfjs layers (tfjs lacks or cannot train them, Keras has them), used when `customLayers` has no entry. */
export const KERAS_BUILTIN_EQUIVALENTS: Readonly<Record<string, KerasBuiltin>> = {
  AlphaELU: { className: () => 'layers.ELU', pythonArgs: (a) => ({ alpha: a.alpha }) },
  KerasReLU: { className: () => 'layers.ReLU', pythonArgs: (a) => kerasArgs('ReLU', a) },
  // Causal or dilated convolution: Keras' Conv1D/Conv2D run both natively.
  DilatedConv: {
    className: (a) => (Array.isArray(a.kernelSize) && a.kernelSize.length === 2 ? 'layers.Conv2D' : 'layers.Conv1D'),
    pythonArgs: (a) => kerasArgs('Conv', a),
  },
  CausalConv1D: { className: () => 'layers.Conv1D', pythonArgs: (a) => kerasArgs('Conv1D', a) },
  // Dilated 2-D convolutions tfjs cannot train or run; Keras' layers take dilation_rate themselves.
  DilatedConv2DTranspose: { className: () => 'layers.Conv2DTranspose', pythonArgs: (a) => kerasArgs('Conv2DTranspose', a) },
  DilatedDepthwiseConv2D: { className: () => 'layers.DepthwiseConv2D', pythonArgs: (a) => kerasArgs('DepthwiseConv2D', a) },
  DilatedSeparableConv2D: { className: () => 'layers.SeparableConv2D', pythonArgs: (a) => kerasArgs('SeparableConv2D', a) },
  // tfjs stand-ins that exist only to make training work in tfjs; Keras' own layers train fine.
  TrainableMasking: { className: () => 'layers.Masking', pythonArgs: (a) => kerasArgs('Masking', a) },
  PartialBatchNormalization: { className: () => 'layers.BatchNormalization', pythonArgs: (a) => kerasArgs('BatchNormalization', a) },
  Subtract: { className: () => 'layers.Subtract', pythonArgs: () => ({}) },
  ImageResizing: { className: () => 'layers.Resizing', pythonArgs: (a) => ({ height: a.height, width: a.width, interpolation: a.interpolation }) },
};

function kerasClass(factory: string): string {
  return KERAS_CLASS[factory] ?? factory.charAt(0).toUpperCase() + factory.slice(1);
}

/** Keras keyword args from tfjs args: snake_case names, Keras activation names, Keras-3 renames. */
export function kerasArgs(cls: string, args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    if (v === undefined) continue;
    const key = ARG_RENAMES[cls]?.[k] ?? snakeCase(k);
    out[key] = (k === 'activation' || k === 'recurrentActivation') && typeof v === 'string' ? (ACTIVATION_NAMES[v] ?? v) : v;
  }
  // tfjs' GRU is the reset_after=False variant; Keras 3 defaults to True, which has more biases.
  if (cls === 'GRU') out.reset_after = false;
  return out;
}

function kwargs(args: Record<string, unknown>, name?: string): string {
  const parts = Object.entries(args).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${pyLiteral(v)}`);
  if (name !== undefined) parts.push(`name=${pyLiteral(name)}`);
  return parts.join(', ');
}

const LOSSES: Record<string, string> = {
  categoricalCrossentropy: '"categorical_crossentropy"',
  sparseCategoricalCrossentropy: '"sparse_categorical_crossentropy"',
  binaryCrossentropy: '"binary_crossentropy"',
  meanSquaredError: '"mean_squared_error"',
  meanAbsoluteError: '"mean_absolute_error"',
  huber: 'keras.losses.Huber()',
};

const METRICS: Record<string, string> = {
  accuracy: '"accuracy"',
  mse: 'keras.metrics.MeanSquaredError(name="mse")',
  mae: 'keras.metrics.MeanAbsoluteError(name="mae")',
  mape: 'keras.metrics.MeanAbsolutePercentageError(name="mape")',
  precision: 'keras.metrics.Precision(name="precision")',
  recall: 'keras.metrics.Recall(name="recall")',
};

const OPTIMIZERS: Record<TrainingSettings['optimizer'], string> = {
  sgd: 'SGD', adam: 'Adam', rmsprop: 'RMSprop', adagrad: 'Adagrad', adadelta: 'Adadelta', adamax: 'Adamax',
};

function optimizerCode(t: TrainingSettings): string {
  const momentum = t.optimizer === 'sgd' && t.momentum > 0 ? `, momentum=${t.momentum}` : '';
  return `keras.optimizers.${OPTIMIZERS[t.optimizer]}(learning_rate=${t.learningRate}${momentum})`;
}

function layerCode(step: Extract<PlanStep, { kind: 'layer' }>, custom: Readonly<Record<string, KerasCustomLayer>>, sources: string[]): { expr: string; source?: string } {
  const label = nodeLabel(step.node, step.def);
  let sourceDef: string | undefined;
  const build = (spec: Pick<TfjsSpec, 'factory' | 'args'>, name: string | undefined): string => {
    if (spec.factory.startsWith('custom:')) {
      const cls = spec.factory.slice(7);
      const twin = custom[cls];
      if (twin) {
        if (twin.pythonSource.trim()) sourceDef = twin.pythonSource.trim();
        return `${twin.className}(${kwargs(twin.pythonArgs(step.params), name)})`;
      }
      const builtin = KERAS_BUILTIN_EQUIVALENTS[cls];
      if (!builtin) throw new CodegenError(`${label} uses the custom layer ${cls}, which has no Keras export yet; export TypeScript instead`);
      return `${builtin.className(spec.args)}(${kwargs(builtin.pythonArgs(spec.args), name)})`;
    }
    const cls = kerasClass(spec.factory);
    return `layers.${cls}(${kwargs(kerasArgs(cls, spec.args), name)})`;
  };
  let expr: string;
  if (step.spec.wrapper) {
    const inner = build(step.spec, undefined);
    const wrapperCls = kerasClass(step.spec.wrapper.factory);
    const rest = kwargs(kerasArgs(wrapperCls, step.spec.wrapper.args), step.node.name);
    expr = `layers.${wrapperCls}(${inner}${rest ? `, ${rest}` : ''})`;
  } else expr = build(step.spec, step.node.name);
  const arg = sources.length === 1 ? sources[0]! : `[${sources.join(', ')}]`;
  return { expr: `${expr}(${arg})`, ...(sourceDef ? { source: sourceDef } : {}) };
}

/**
 * Exports a valid graph as a Keras 3 Python script that builds the same model through the functional
 * API, with the same layer names and compile settings. Custom tfjs layers need a Keras twin in
 * `options.customLayers` (or a Keras built-in equivalent); otherwise this throws CodegenError. Like the
 * tfjs model, a layer with several inputs is called with a list of them in port order.
 */
export function generatePython(graph: Graph, options: PythonOptions = {}): string {
  const plan = planModel(graph);
  const custom = options.customLayers ?? KERAS_CUSTOM_LAYERS;
  // A variable named like a class the script defines would shadow it inside build_model.
  const reserved = new Set(PY_RESERVED);
  for (const c of Object.values(custom)) {
    reserved.add(c.className);
    for (const m of c.pythonSource.matchAll(/^class (\w+)/gm)) reserved.add(m[1]!);
  }
  const vars = variableNames(plan.steps, reserved);
  const t = graph.training;
  const body: string[] = [];
  // Keyed by source text: several classes may share one source (the transformer blocks do).
  const sources = new Set<string>();
  const inputs = plan.steps.filter((s) => s.kind === 'input');
  const outputs = plan.steps.filter((s) => s.kind === 'output');
  for (const s of plan.steps) {
    const v = vars.get(s.node.id)!;
    if (s.kind === 'input') body.push(`    ${v} = keras.Input(shape=${pyLiteral(s.shape)}, dtype=${pyLiteral(s.dtype)}, name=${pyLiteral(s.node.name)})`);
    else if (s.kind === 'layer') {
      const code = layerCode(s, custom, s.sources.map((src) => vars.get(src)!));
      if (code.source) sources.add(code.source);
      body.push(`    ${v} = ${code.expr}`);
    }
  }
  const list = (xs: string[]): string => (xs.length === 1 ? xs[0]! : `[${xs.join(', ')}]`);
  const modelName = graph.name.replace(/[^A-Za-z0-9_.-]/g, '_') || 'model';
  body.push(`    model = keras.Model(inputs=${list(inputs.map((i) => vars.get(i.node.id)!))}, outputs=${list(outputs.map((o) => vars.get(o.source)!))}, name=${pyLiteral(modelName)})`);
  const compile = [`optimizer=${optimizerCode(t)}`];
  if (outputs.length === 1) {
    compile.push(`loss=${LOSSES[outputs[0]!.loss]}`, `metrics=[${outputs[0]!.metrics.map((m) => METRICS[m]).join(', ')}]`);
  } else {
    compile.push(`loss=[${outputs.map((o) => LOSSES[o.loss]).join(', ')}]`);
    compile.push(`metrics=[${outputs.map((o) => `[${o.metrics.map((m) => METRICS[m]).join(', ')}]`).join(', ')}]`);
    compile.push(`loss_weights=${pyLiteral(outputs.map((o) => o.lossWeight))}`.replace(/^loss_weights=\((.*)\)$/, 'loss_weights=[$1]'));
  }
  body.push('    model.compile(', ...compile.map((c) => `        ${c},`), '    )', '    return model');

  const doc = [`${commentText(graph.name)}: a model exported from Tensorloom.`];
  if (graph.description) doc.push('', ...commentLines(graph.description));
  doc.push('', 'Builds the model with Keras 3 (`pip install keras` plus a backend such as TensorFlow, JAX or PyTorch)', 'and prints its summary when run: `python3 this_file.py`.');
  const lines: string[] = [`"""${doc.join('\n').replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"')}\n"""`, '', 'import keras', 'from keras import layers', ''];
  for (const text of sources) lines.push('', text, '');
  lines.push('');
  lines.push(`# Training settings saved with the graph${t.dataset?.kind === 'builtin' ? ` (Tensorloom's built-in "${commentText(t.dataset.name)}" dataset)` : ''}.`);
  lines.push(`TRAINING = ${pyLiteral({ batch_size: t.batchSize, epochs: t.epochs, validation_split: t.validationSplit, shuffle: t.shuffle, seed: t.seed })}`);
  lines.push(`DATASET = ${pyLiteral(t.dataset)}`);
  if (t.earlyStopping.enabled) {
    const es = t.earlyStopping;
    // Keras logs metric 'accuracy' as 'accuracy' / 'val_accuracy' where tfjs writes 'acc' / 'val_acc'.
    const monitor = es.monitor.replace(/(^|_)acc$/, '$1accuracy');
    lines.push('# Early stopping saved with the graph: pass it to model.fit(..., callbacks=CALLBACKS).');
    lines.push(`CALLBACKS = [keras.callbacks.EarlyStopping(monitor=${pyLiteral(monitor)}, patience=${es.patience}, min_delta=${pyLiteral(es.minDelta)}, restore_best_weights=${pyLiteral(es.restoreBestWeights)})]`);
  }
  lines.push('', '');
  lines.push('def build_model():', '    """Builds and compiles the model."""', ...body, '', '');
  lines.push('if __name__ == "__main__":', '    build_model().summary()');
  return `${lines.join('\n').replace(/\n{4,}/g, '\n\n\n')}\n`;
}
