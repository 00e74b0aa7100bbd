// Which kernels does training each palette layer (and each template) need, and which of them does
// the wasm backend lack? Trains a tiny model of every layer kind for one batch on cpu under
// tf.profile, collects the kernel names of the forward and backward passes, and compares them with
// the wasm kernel registry. Run directly to print a report:
//   npx tsx main/training/kernels/coverage.ts [--train-wasm]
import { pathToFileURL } from 'node:url';
import * as tfjs from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { compileGraph } from '../../../graph/compile.js';
import type { Graph } from '../../../graph/document.js';
import { LAYERS } from '../../../graph/layers/index.js';
import { GraphBuilder } from '../../../graph/templates/builder.js';
import { TEMPLATES } from '../../../graph/templates/index.js';
import { registerWasmKernels } from './index.js';

type Tf = typeof tfjs;
type Step = [type: string, params?: Record<string, unknown>];

/** A tiny model exercising one layer kind (or a template). */
export interface CoverageCase {
  name: string;
  /** Layer kinds it exercises. */
  kinds: string[];
  graph: Graph;
}

function chain(name: string, shape: number[], steps: Step[], dtype: 'float32' | 'int32' = 'float32'): CoverageCase {
  const b = new GraphBuilder(name, '', null);
  const last = b.chain(null, [['Input', 'x', { shape, dtype }], ...steps.map(([t, p], i): [string, string, Record<string, unknown>] => [t, `l${i}`, p ?? {}])]);
  b.connect(last, b.add('Output', 'y', { loss: 'meanSquaredError', metrics: [] }));
  return { name, kinds: steps.map(([t]) => t), graph: b.graph };
}

function merge(type: string, shape: number[], params: Record<string, unknown> = {}): CoverageCase {
  const b = new GraphBuilder(type, '', null);
  const x = b.add('Input', 'x', { shape });
  const d1 = b.add('Dense', 'd1', { units: shape[shape.length - 1] });
  const d2 = b.add('Dense', 'd2', { units: shape[shape.length - 1] });
  const m = b.add(type, 'm', params);
  b.connect(x, d1).connect(x, d2).connect(d1, m, 'in0').connect(d2, m, 'in1');
  b.connect(m, b.add('Output', 'y', { loss: 'meanSquaredError', metrics: [] }));
  return { name: `${type} ${JSON.stringify(params)}`, kinds: ['Dense', type], graph: b.graph };
}

function attention(self: boolean): CoverageCase {
  const b = new GraphBuilder('attention', '', null);
  const q = b.add('Input', 'q', { shape: [4, 8] });
  const m = b.add('MultiHeadAttention', 'mha', self ? { numHeads: 2, keyDim: 4, causal: true } : { numHeads: 2, keyDim: 4, dropout: 0.1 });
  b.connect(q, m, 'query');
  if (!self) {
    const v = b.add('Input', 'v', { shape: [6, 8] });
    b.connect(v, m, 'value').connect(v, m, 'key');
  }
  b.connect(m, b.add('Output', 'y', { loss: 'meanSquaredError', metrics: [] }));
  return { name: `MultiHeadAttention ${self ? 'self causal' : 'cross'}`, kinds: ['MultiHeadAttention'], graph: b.graph };
}

/** The tiny models: every palette kind with its kernel-relevant variants (strides, padding, multipliers, wrappers). */
export function coverageCases(): CoverageCase[] {
  const img = [9, 9, 3];
  const seq = [7, 4];
  return [
    chain('Dense/Activation/Dropout', [6], [['Dense', { units: 5, activation: 'gelu' }], ['Activation', { activation: 'swish' }], ['Dropout', { rate: 0.3 }], ['Dense', { units: 3, activation: 'softmax' }]]),
    chain('activations', [6], [['Dense', { units: 6, activation: 'elu' }], ['Dense', { units: 6, activation: 'selu' }], ['Dense', { units: 6, activation: 'softplus' }], ['Dense', { units: 6, activation: 'sigmoid' }], ['Dense', { units: 6, activation: 'tanh' }], ['Dense', { units: 6, activation: 'relu6' }], ['Dense', { units: 6, activation: 'hardSigmoid' }], ['Dense', { units: 6, activation: 'softsign' }], ['Dense', { units: 6, activation: 'mish' }], ['Dense', { units: 6, activation: 'linear' }]]),
    chain('Flatten/Reshape/Permute/RepeatVector', [4, 3], [['Permute', { dims: [2, 1] }], ['Flatten'], ['RepeatVector', { n: 2 }], ['Reshape', { targetShape: [-1, 4] }], ['Dense', { units: 2 }]]),
    chain('Masking + LSTM', seq, [['Masking', { maskValue: 0 }], ['LSTM', { units: 3 }]]),
    chain('Conv1D', [12, 3], [['Conv1D', { filters: 4, kernelSize: [3], strides: [2], padding: 'same' }], ['Conv1D', { filters: 2, kernelSize: [3], padding: 'causal', dilationRate: [2] }]]),
    chain('Conv2D valid/same/strided', img, [['Conv2D', { filters: 4, kernelSize: [3, 3], activation: 'relu' }], ['Conv2D', { filters: 3, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }], ['Conv2D', { filters: 2, kernelSize: [2, 2], dilationRate: [2, 2], padding: 'same' }], ['Flatten'], ['Dense', { units: 2 }]]),
    chain('Conv2DTranspose', [4, 4, 2], [['Conv2DTranspose', { filters: 3, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }], ['Conv2DTranspose', { filters: 2, kernelSize: [2, 2] }]]),
    chain('SeparableConv2D', img, [['SeparableConv2D', { filters: 4, kernelSize: [3, 3], depthMultiplier: 2, strides: [2, 2], padding: 'same' }]]),
    chain('DepthwiseConv2D', img, [['DepthwiseConv2D', { kernelSize: [3, 3], depthMultiplier: 2 }], ['DepthwiseConv2D', { kernelSize: [2, 2], strides: [2, 2], padding: 'same' }]]),
    chain('UpSampling2D nearest', [3, 3, 2], [['UpSampling2D', { size: [2, 2] }], ['Conv2D', { filters: 1, kernelSize: [2, 2] }]]),
    chain('UpSampling2D bilinear', [3, 3, 2], [['UpSampling2D', { size: [2, 2], interpolation: 'bilinear' }], ['Conv2D', { filters: 1, kernelSize: [2, 2] }]]),
    chain('ZeroPadding2D/Cropping2D', img, [['ZeroPadding2D', { padding: [1, 2] }], ['Conv2D', { filters: 2, kernelSize: [3, 3] }], ['Cropping2D', { cropping: [1, 1] }]]),
    chain('pooling 2D', [8, 8, 2], [['Conv2D', { filters: 2, kernelSize: [1, 1] }], ['MaxPooling2D', { poolSize: [2, 2], padding: 'same' }], ['AveragePooling2D', { poolSize: [2, 2] }], ['GlobalMaxPooling2D']]),
    chain('global average 2D', [4, 4, 2], [['Conv2D', { filters: 2, kernelSize: [1, 1] }], ['GlobalAveragePooling2D']]),
    chain('pooling 1D', [8, 3], [['Conv1D', { filters: 2, kernelSize: [1] }], ['MaxPooling1D', {}], ['AveragePooling1D', { poolSize: [2] }], ['GlobalAveragePooling1D']]),
    chain('global max 1D', [8, 3], [['Dense', { units: 2 }], ['GlobalMaxPooling1D']]),
    chain('BatchNormalization', img, [['Conv2D', { filters: 2, kernelSize: [1, 1] }], ['BatchNormalization', {}], ['Flatten'], ['BatchNormalization', { momentum: 0.9 }]]),
    // tfjs-layers 4.22's own BatchNormalization cannot train with center or scale off.
    chain('BatchNormalization no center/scale', [6], [['BatchNormalization', { center: false }], ['BatchNormalization', { scale: false }]]),
    chain('LayerNormalization + noise', seq, [['Dense', { units: 4 }], ['LayerNormalization', {}], ['SpatialDropout1D', { rate: 0.2 }], ['GaussianNoise', { stddev: 0.1 }], ['GaussianDropout', { rate: 0.2 }]]),
    chain('SimpleRNN', seq, [['SimpleRNN', { units: 3, returnSequences: true }], ['SimpleRNN', { units: 2 }]]),
    chain('LSTM bidirectional', seq, [['LSTM', { units: 3, bidirectional: true, returnSequences: true, dropout: 0.1, recurrentDropout: 0.1 }], ['LSTM', { units: 2, bidirectional: true, mergeMode: 'sum' }]]),
    chain('GRU', seq, [['GRU', { units: 3, returnSequences: true }], ['GRU', { units: 2, bidirectional: true, mergeMode: 'ave' }]]),
    chain('Embedding', [6], [['Embedding', { inputDim: 12, outputDim: 4, maskZero: true }], ['GRU', { units: 2 }]], 'int32'),
    chain('PositionalEmbedding + encoder', [6], [['PositionalEmbedding', { vocabSize: 12, sequenceLength: 6, embedDim: 8 }], ['TransformerEncoderBlock', { numHeads: 2, intermediateDim: 8, dropout: 0.1, activation: 'gelu' }], ['GlobalAveragePooling1D']], 'int32'),
    chain('decoder block', [6], [['Embedding', { inputDim: 12, outputDim: 8 }], ['TransformerDecoderBlock', { numHeads: 2, intermediateDim: 8, normFirst: true }], ['Dense', { units: 12, activation: 'softmax' }]], 'int32'),
    attention(true),
    attention(false),
    merge('Add', [5]),
    merge('Subtract', [5]),
    merge('Multiply', [5]),
    merge('Average', [5]),
    merge('Maximum', [5]),
    merge('Minimum', [5]),
    merge('Concatenate', [3, 4], { axis: 1 }),
    merge('Dot', [5], { axes: [1], normalize: true }),
    merge('Dot', [3, 4], { axes: [2, 2] }),
    chain('activation layers', [6], [['Dense', { units: 6 }], ['ReLU', { maxValue: 6 }], ['LeakyReLU', { alpha: 0.1 }], ['PReLU'], ['ELU', {}], ['Softmax', {}]]),
    chain('ELU alpha', [6], [['Dense', { units: 6 }], ['ELU', { alpha: 0.5 }]]),
    chain('Rescaling/Resizing', [6, 6, 1], [['Rescaling', { scale: 0.5, offset: -1 }], ['Resizing', { height: 4, width: 5 }], ['Resizing', { height: 8, width: 8, interpolation: 'nearest' }], ['Conv2D', { filters: 1, kernelSize: [2, 2] }]]),
    ...TEMPLATES.map((t) => ({ name: `template ${t.name}`, kinds: [] as string[], graph: t.build() })),
  ];
}

function sampleInput(tf: Tf, shape: (number | null)[], dtype: string, batch: number): tfjs.Tensor {
  const s = [batch, ...(shape.slice(1) as number[])];
  return dtype === 'int32' ? tf.randomUniform(s, 0, 10, 'int32', 7) : tf.randomUniform(s, 0, 1, 'float32', 7);
}

/** Builds the case's model with the given tf and runs one training batch (forward and backward). */
export async function trainOneBatch(tf: Tf, c: CoverageCase, batch = 4): Promise<void> {
  const { model, inputs, outputs } = compileGraph(c.graph, tf);
  const xs = inputs.map((i) => sampleInput(tf, i.shape, i.dtype, batch));
  // Any non-negative targets train the categorical losses; sparse ones want class ids with a trailing 1
  // (as float32: tfjs' sparseCategoricalCrossentropy floors its target, and floor refuses int32).
  const ys = model.outputs.map((o, i) => {
    const shape = o.shape.slice(1) as number[];
    if (outputs[i]?.loss.startsWith('sparse')) return tf.randomUniform([batch, ...shape.slice(0, -1), 1], 0, shape[shape.length - 1]!, 'float32', 8).floor();
    return tf.randomUniform([batch, ...shape], 0, 1, 'float32', 8);
  });
  try {
    await model.fit(xs.length === 1 ? xs[0]! : xs, ys.length === 1 ? ys[0]! : ys, { epochs: 1, batchSize: batch, verbose: 0 });
  } finally {
    tf.dispose([...xs, ...ys]);
    model.optimizer?.dispose();
    model.dispose();
  }
}

/** One coverage case's result. */
export interface CaseKernels {
  name: string;
  kernels: string[];
  missingOnWasm: string[];
  /** Error from training on cpu (the reference run). */
  error?: string;
  /** Error from training on wasm, when asked to. */
  wasmError?: string;
}

/** Kernels used by each case on cpu, the ones wasm lacks, and (optionally) whether it really trains on wasm. */
export async function wasmKernelCoverage(tf: Tf, options: { trainOnWasm?: boolean } = {}): Promise<{ cases: CaseKernels[]; missing: Map<string, string[]>; uncoveredKinds: string[] }> {
  registerWasmKernels(tf);
  await tf.setBackend('wasm');
  const onWasm = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  const cases = coverageCases();
  const results: CaseKernels[] = [];
  const missing = new Map<string, string[]>();
  for (const c of cases) {
    await tf.setBackend('cpu');
    const r: CaseKernels = { name: c.name, kernels: [], missingOnWasm: [] };
    try {
      const info = await tf.profile(() => trainOneBatch(tf, c) as unknown as tfjs.TensorContainer);
      // Fused ops with custom gradients show up under their op names (fusedMatMul__op); only real kernels count.
      r.kernels = [...new Set(info.kernelNames)].filter((k) => tf.getKernel(k, 'cpu')).sort();
    } catch (e) {
      r.error = (e as Error).message;
    }
    r.missingOnWasm = r.kernels.filter((k) => !onWasm.has(k));
    for (const k of r.missingOnWasm) missing.set(k, [...(missing.get(k) ?? []), c.name]);
    if (options.trainOnWasm) {
      await tf.setBackend('wasm');
      try {
        await trainOneBatch(tf, c);
      } catch (e) {
        r.wasmError = (e as Error).message;
      }
    }
    results.push(r);
  }
  const covered = new Set(cases.flatMap((c) => c.kinds));
  const uncoveredKinds = LAYERS.map((l) => l.id).filter((id) => id !== 'Input' && id !== 'Output' && !covered.has(id));
  return { cases: results, missing, uncoveredKinds };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  tfjs.env().set('PROD', true);
  const { cases, missing, uncoveredKinds } = await wasmKernelCoverage(tfjs, { trainOnWasm: process.argv.includes('--train-wasm') });
  for (const c of cases) {
    const status = c.error ? `CPU ERROR ${c.error}` : c.wasmError ? `WASM ERROR ${c.wasmError}` : 'ok';
    console.log(`${c.name.padEnd(40)} ${String(c.kernels.length).padStart(3)} kernels  missing on wasm: ${c.missingOnWasm.join(', ') || '-'}  ${status}`);
  }
  console.log(`\nkernels missing on wasm: ${missing.size === 0 ? 'none' : ''}`);
  for (const [k, users] of missing) console.log(`  ${k}: ${users.join('; ')}`);
  if (uncoveredKinds.length) console.log(`layer kinds without a coverage case: ${uncoveredKinds.join(', ')}`);
  const all = new Set(cases.flatMap((c) => c.kernels));
  console.log(`\n${all.size} distinct kernels used: ${[...all].sort().join(' ')}`);
}
