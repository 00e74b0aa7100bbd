import type { Graph, TrainingSettings } from '../document.js';
import type { TfjsSpec } from '../layers/types.js';
import { commentLines, commentText, planModel, variableNames } from './plan.js';

/** Where the generated program imports Tensorloom's custom layers from when the model uses them. */
export const DEFAULT_CUSTOM_LAYERS_IMPORT = 'tensorloom/graph/tfjs/all.ts';

/** Options for `generateTypeScript`. */
export interface TypeScriptOptions {
  /**
   * Module specifier the program imports `registerCustomLayers` and `adadelta` from, only when the model uses custom
   * layers (attention, positional embedding, ...) or the adadelta optimizer. The CLI passes a path relative to the output file
   * pointing into this Tensorloom installation; the default expects `tensorloom` installed next to the program.
   */
  customLayersImport?: string;
}

const RESERVED = new Set([
  'tf', 'custom', 'model', 'training', 'buildModel', 'registerCustomLayers', 'adadelta', 'pathToFileURL', 'huber',
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends', 'false',
  'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try',
  'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public',
  'await', 'async', 'undefined', 'NaN', 'Infinity', 'arguments', 'eval',
]);

/** A JavaScript literal for a plain value (objects, arrays, strings, numbers, booleans, null). */
export function jsLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(jsLiteral).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (!entries.length) return '{}';
    return `{ ${entries.map(([k, v]) => `${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k)}: ${jsLiteral(v)}`).join(', ')} }`;
  }
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`cannot write ${typeof value} as code`);
}

function optimizerCode(t: TrainingSettings): string {
  const lr = t.learningRate;
  switch (t.optimizer) {
    case 'sgd':
      return t.momentum > 0 ? `tf.train.momentum(${lr}, ${t.momentum})` : `tf.train.sgd(${lr})`;
    case 'adadelta':
      // tfjs 4.22's own adadelta steps exactly like SGD (see graph/tfjs/optimizers.ts); Tensorloom's follows Keras.
      return `adadelta(tf, ${lr})`;
    default:
      return `tf.train.${t.optimizer}(${lr})`;
  }
}

function layerExpr(spec: TfjsSpec, name: string): string {
  const make = (factory: string, args: Record<string, unknown>, extra = ''): string => {
    const body = jsLiteral({ ...args, name });
    const withExtra = extra ? body.replace(/^\{ ?/, `{ ${extra}, `).replace(/, \}$/, ' }') : body;
    return factory.startsWith('custom:') ? `custom.${factory.slice(7)}!(${withExtra})` : `tf.layers.${factory}(${withExtra})`;
  };
  if (spec.wrapper) {
    const inner = spec.factory.startsWith('custom:')
      ? `custom.${spec.factory.slice(7)}!(${jsLiteral({ ...spec.args, name: `${name}_inner` })})`
      : `tf.layers.${spec.factory}(${jsLiteral({ ...spec.args, name: `${name}_inner` })})`;
    return make(spec.wrapper.factory, spec.wrapper.args, `layer: ${inner} as unknown as tf.RNN`);
  }
  return make(spec.factory, spec.args);
}

/**
 * Exports a valid graph as a runnable TypeScript program (ESM) that builds the same model with
 * `@tensorflow/tfjs` through the functional API, with the same layer names and compile settings.
 * Run it with `npx tsx model.ts`; it exports `buildModel()` and the training settings for reuse.
 */
export function generateTypeScript(graph: Graph, options: TypeScriptOptions = {}): string {
  const plan = planModel(graph);
  const vars = variableNames(plan.steps, RESERVED);
  const usesCustom = plan.steps.some((s) => s.kind === 'layer' && (s.spec.factory.startsWith('custom:') || s.spec.wrapper?.factory.startsWith('custom:')));
  const outputs = plan.steps.filter((s) => s.kind === 'output');
  const inputs = plan.steps.filter((s) => s.kind === 'input');
  const usesHuber = outputs.some((o) => o.loss === 'huber');
  const t = graph.training;

  const lines: string[] = [];
  lines.push(`// ${commentText(graph.name.replace(/\s+/g, ' '))}: a model exported from Tensorloom.`);
  if (graph.description) for (const line of commentLines(graph.description)) lines.push(`// ${line}`);
  lines.push('//', '// Run it with `npx tsx <this file>` in a project that has @tensorflow/tfjs installed: it builds the model and prints its summary.');
  const usesAdadelta = t.optimizer === 'adadelta';
  const fromTensorloom = [...(usesCustom ? ['registerCustomLayers'] : []), ...(usesAdadelta ? ['adadelta'] : [])];
  const tensorloomImport = options.customLayersImport ?? DEFAULT_CUSTOM_LAYERS_IMPORT;
  if (usesCustom) lines.push(`// This model uses Tensorloom's custom layers, imported from '${tensorloomImport}'.`);
  if (usesAdadelta) lines.push(`// Its optimizer is Tensorloom's Keras-rule Adadelta, imported from '${tensorloomImport}'.`);
  lines.push("import * as tf from '@tensorflow/tfjs';");
  lines.push("import { pathToFileURL } from 'node:url';");
  if (fromTensorloom.length) lines.push(`import { ${fromTensorloom.join(', ')} } from ${jsLiteral(tensorloomImport)};`);
  lines.push('');
  lines.push(`/** Training settings saved with the graph${t.dataset?.kind === 'builtin' ? ` (Tensorloom's built-in '${commentText(t.dataset.name)}' dataset)` : ''}. */`);
  lines.push(
    `export const training = ${jsLiteral({ optimizer: t.optimizer, learningRate: t.learningRate, batchSize: t.batchSize, epochs: t.epochs, validationSplit: t.validationSplit, shuffle: t.shuffle, seed: t.seed, dataset: t.dataset, ...(t.earlyStopping.enabled ? { earlyStopping: { monitor: t.earlyStopping.monitor, patience: t.earlyStopping.patience, minDelta: t.earlyStopping.minDelta, restoreBestWeights: t.earlyStopping.restoreBestWeights } } : {}) })};`,
  );
  lines.push('');
  if (usesHuber) {
    lines.push("// Huber loss (delta 1), averaged over the last axis like Keras' Huber; tfjs-layers has no string name for it.");
    lines.push('function huber(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {');
    lines.push('  return tf.losses.huberLoss(yTrue, yPred, undefined, 1.0, tf.Reduction.NONE).mean(-1);');
    lines.push('}', '');
  }
  lines.push('/** Builds and compiles the model. */');
  lines.push('export function buildModel(): tf.LayersModel {');
  if (usesCustom) lines.push('  const custom = registerCustomLayers(tf);');
  for (const s of plan.steps) {
    const v = vars.get(s.node.id)!;
    if (s.kind === 'input') lines.push(`  const ${v} = tf.input(${jsLiteral({ shape: s.shape, dtype: s.dtype, name: s.node.name })});`);
    else if (s.kind === 'layer') {
      const ins = s.sources.map((src) => vars.get(src)!);
      const arg = ins.length === 1 ? ins[0]! : `[${ins.join(', ')}]`;
      lines.push(`  const ${v} = ${layerExpr(s.spec, s.node.name)}.apply(${arg}) as tf.SymbolicTensor;`);
    }
  }
  const modelName = graph.name.replace(/[^A-Za-z0-9_.-]/g, '_') || 'model';
  lines.push(
    `  const model = tf.model({ inputs: [${inputs.map((i) => vars.get(i.node.id)).join(', ')}], outputs: [${outputs.map((o) => vars.get(o.source)).join(', ')}], name: ${jsLiteral(modelName)} });`,
  );
  const loss = (l: string): string => (l === 'huber' ? 'huber' : jsLiteral(l));
  const compileArgs: string[] = [`optimizer: ${optimizerCode(t)}`];
  if (outputs.length === 1) {
    compileArgs.push(`loss: ${loss(outputs[0]!.loss)}`, `metrics: ${jsLiteral(outputs[0]!.metrics)}`);
  } else {
    compileArgs.push(`loss: [${outputs.map((o) => loss(o.loss)).join(', ')}]`);
    // Metrics per output, keyed by the name of the layer that produces it (what tfjs expects at run time).
    const metrics: Record<string, string[]> = {};
    for (const o of outputs) metrics[plan.graph.nodes.find((n) => n.id === o.source)!.name] = o.metrics;
    compileArgs.push(`metrics: ${jsLiteral(metrics)} as unknown as string[]`);
  }
  lines.push(`  model.compile({ ${compileArgs.join(', ')} });`);
  const weighted = outputs.length > 1 ? outputs.map((o, i) => [i, o.lossWeight] as const).filter(([, w]) => w !== 1) : [];
  if (weighted.length) {
    // The same as graph/compile.ts' applyLossWeights, spelled out so the program needs nothing but tfjs.
    lines.push("  // Loss weights: tfjs' compile ignores its lossWeights argument, so the weighted outputs' losses are scaled here;");
    lines.push("  // the total is then Keras' weighted sum (tfjs logs each output's weighted term).");
    // In a block, so its names cannot clash with the layer variables above.
    lines.push('  {');
    lines.push('    const lossFunctions = (model as unknown as { lossFunctions: ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor)[] }).lossFunctions;');
    for (const [i, w] of weighted) {
      lines.push(`    const loss${i} = lossFunctions[${i}]!;`);
      lines.push(`    lossFunctions[${i}] = (yTrue, yPred) => tf.mul(loss${i}(yTrue, yPred), ${w});`);
    }
    lines.push('  }');
  }
  lines.push('  return model;');
  lines.push('}');
  lines.push('');
  lines.push('if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {');
  lines.push('  buildModel().summary();');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
