// The five convolutions of one mnist-convnet training step (batch 128) on the wasm backend, each
// timed on its own: the project's kernel against the formulation it replaced (XNNPACK
// convolutions, with the SIMD loops of main/training/kernels/simd.ts turned off). Fresh input
// tensors every round, since XNNPACK caches packed weights per tensor and training never reuses one.
//   npx tsx bench/wasm-convs.ts [--rounds 10]
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../main/training/kernels/index.js';
import { cpuClock } from '../main/training/kernels/profile.js';
import { setSimdKernelsEnabled } from '../main/training/kernels/simd.js';

const i = process.argv.indexOf('--rounds');
const rounds = i > 0 ? Number(process.argv[i + 1]) : 10;
registerWasmKernels(tf);
await tf.setBackend('wasm');
tf.env().set('PROD', true);

interface Case {
  name: string;
  /** Multiply-adds x 2 of the useful arithmetic. */
  flops: number;
  inputs: () => tf.Tensor[];
  run: (ins: tf.Tensor[]) => tf.Tensor;
}

const B = 128;
const f1 = 2 * B * 26 * 26 * 32 * 9;
const f2 = 2 * B * 11 * 11 * 64 * 9 * 32;
const r = (shape: number[]): tf.Tensor => tf.randomUniform(shape, -1, 1);
const kernel = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): tf.Tensor =>
  tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
const conv = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC' };
const cases: Case[] = [
  { name: 'conv1 forward    x [128,28,28,1] * W [3,3,1,32]', flops: f1, inputs: () => [r([B, 28, 28, 1]), r([3, 3, 1, 32])], run: ([x, w]) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid') },
  { name: 'conv2 forward    x [128,13,13,32] * W [3,3,32,64]', flops: f2, inputs: () => [r([B, 13, 13, 32]), r([3, 3, 32, 64])], run: ([x, w]) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid') },
  { name: 'conv2 input grad dy [128,11,11,64], W [3,3,32,64]', flops: f2, inputs: () => [r([B, 11, 11, 64]), r([3, 3, 32, 64])], run: ([dy, w]) => kernel('Conv2DBackpropInput', { dy: dy!, filter: w! }, { ...conv, inputShape: [B, 13, 13, 32] }) },
  { name: 'conv2 filter grad x [128,13,13,32], dy [128,11,11,64]', flops: f2, inputs: () => [r([B, 13, 13, 32]), r([B, 11, 11, 64])], run: ([x, dy]) => kernel('Conv2DBackpropFilter', { x: x!, dy: dy! }, { ...conv, filterShape: [3, 3, 32, 64] }) },
  { name: 'conv1 filter grad x [128,28,28,1], dy [128,26,26,32]', flops: f1, inputs: () => [r([B, 28, 28, 1]), r([B, 26, 26, 32])], run: ([x, dy]) => kernel('Conv2DBackpropFilter', { x: x!, dy: dy! }, { ...conv, filterShape: [3, 3, 1, 32] }) },
];

/** Best and median CPU milliseconds over `rounds`, the two variants interleaved so both see the same load. */
function race(c: Case): [number, number][] {
  const times: number[][] = [[], []];
  for (let k = 0; k < rounds + 2; k++) {
    for (const [v, simd] of [[0, true], [1, false]] as const) {
      setSimdKernelsEnabled(simd);
      const ins = c.inputs();
      const t0 = cpuClock();
      c.run(ins).dispose();
      if (k >= 2) times[v]!.push(cpuClock() - t0);
      tf.dispose(ins);
    }
  }
  setSimdKernelsEnabled(true);
  return times.map((t) => {
    t.sort((a, b) => a - b);
    return [t[0]!, t[t.length >> 1]!];
  });
}

console.log(`per-call CPU ms on wasm (best / median of ${rounds}), GFLOP/s from the best; "XNNPACK only" has the SIMD loops off`);
console.log(`  ${'call'.padEnd(56)} ${'project kernel'.padStart(28)} ${'XNNPACK only'.padStart(28)}`);
let total = [0, 0];
for (const c of cases) {
  const [[b0, m0], [b1, m1]] = race(c) as [[number, number], [number, number]];
  total = [total[0]! + b0, total[1]! + b1];
  const cell = (b: number, m: number): string => `${b.toFixed(1)} / ${m.toFixed(1)} ms ${(c.flops / b / 1e6).toFixed(1).padStart(5)} GF/s`;
  console.log(`  ${c.name.padEnd(56)} ${cell(b0, m0).padStart(28)} ${cell(b1, m1).padStart(28)}`);
}
console.log(`  ${'sum of best'.padEnd(56)} ${`${total[0]!.toFixed(1)} ms`.padStart(28)} ${`${total[1]!.toFixed(1)} ms`.padStart(28)}`);
