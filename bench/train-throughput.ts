// Benchmark 6.2: mnist-convnet training throughput (samples/s, batch 128) on this machine's default
// backend, against the same model in PyTorch on the same CPU with the same thread count.
//   npm run bench:throughput -- [--seconds 20] [--backend auto|wasm|cpu|...] [--no-torch] [--no-profile] [--by-shape]
// Prints samples/s for both, the ratio, and where the time goes per kernel (a second, profiled
// window, so the timers' overhead does not touch the headline figure).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileGraph } from '../graph/compile.js';
import { getTemplate } from '../graph/templates/index.js';
import { selectBackend, type BackendPreference } from '../main/training/backends.js';
import { instrumentKernels } from '../main/training/kernels/profile.js';

const FLOOR = 400;
const BATCH = 128;
const SAMPLES = 2048;

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}
const seconds = Number(arg('seconds', '20'));
const backendPref = arg('backend', 'auto') as BackendPreference;
const withTorch = !process.argv.includes('--no-torch');
const withProfile = !process.argv.includes('--no-profile');
const byShape = process.argv.includes('--by-shape');

const { tf, backend, device, notes } = await selectBackend(backendPref);
tf.env().set('PROD', true);
const threads = backend === 'wasm' ? (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount() : backend === 'cpu' ? 1 : os.cpus().length;

// Real MNIST digits from the `mnist` package (the same images go to PyTorch through a temp file).
const mnist = createRequire(import.meta.url)('mnist') as { set(train: number, test: number): { training: { input: number[]; output: number[] }[] } };
const set = mnist.set(SAMPLES, 0).training;
const pixels = new Float32Array(SAMPLES * 784);
const labels = new Float32Array(SAMPLES);
set.forEach((s, i) => {
  pixels.set(s.input, i * 784);
  labels[i] = s.output.indexOf(1);
});
const xs = tf.tensor4d(pixels, [SAMPLES, 28, 28, 1]);
const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat();

const graph = getTemplate('mnist-convnet')!.build();
const { model } = compileGraph(graph, tf);

/** Trains for about `secs` seconds in whole epochs over the in-memory set; returns samples/s. */
async function timedWindow(secs: number): Promise<{ samplesPerSecond: number; samples: number; seconds: number }> {
  let samples = 0;
  const t0 = performance.now();
  while ((performance.now() - t0) / 1000 < secs) {
    await model.fit(xs, ys, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
    samples += SAMPLES;
  }
  const elapsed = (performance.now() - t0) / 1000;
  return { samplesPerSecond: samples / elapsed, samples, seconds: elapsed };
}

console.log(`mnist-convnet, batch ${BATCH}, ${model.countParams()} parameters, ${SAMPLES} real MNIST digits per epoch`);
console.log(`backend ${backend} on ${device}${notes.length ? `\n  skipped: ${notes.join('\n  skipped: ')}` : ''}`);
console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} cores (other work on the machine slows both sides)`);

await model.fit(xs.slice(0, BATCH * 3), ys.slice(0, BATCH * 3), { epochs: 1, batchSize: BATCH, verbose: 0 }); // warm-up: kernels set up, buffers allocated
const tfjsRun = await timedWindow(seconds);
console.log(`tfjs ${backend}: ${tfjsRun.samplesPerSecond.toFixed(0)} samples/s (${tfjsRun.samples} samples in ${tfjsRun.seconds.toFixed(1)} s, ${threads} thread${threads === 1 ? '' : 's'})`);

let torchRate: number | undefined;
if (withTorch) {
  const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  if (!python) console.log('pytorch: not available (python3 -c "import torch" fails; apt install python3-torch)');
  else {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tl-bench-'));
    const file = path.join(dir, 'mnist.f32');
    const raw = new Float32Array(SAMPLES * 785);
    raw.set(pixels);
    raw.set(labels, SAMPLES * 784);
    writeFileSync(file, Buffer.from(raw.buffer));
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'torch_mnist_convnet.py');
    const r = spawnSync(python, [script, '--threads', String(threads), '--seconds', String(seconds), '--data', file, '--samples', String(SAMPLES)], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    if (r.status !== 0) console.log(`pytorch: failed: ${r.stderr.trim().split('\n').pop()}`);
    else {
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { samplesPerSecond: number; framework: string; threads: number };
      torchRate = out.samplesPerSecond;
      console.log(`${out.framework} cpu: ${torchRate.toFixed(0)} samples/s (${out.threads} thread${out.threads === 1 ? '' : 's'})`);
    }
  }
}

if (withProfile && (backend === 'wasm' || backend === 'cpu')) {
  const profiler = instrumentKernels(tf, backend, { byShape });
  const window = await timedWindow(Math.max(3, seconds / 3));
  const stats = profiler.stats();
  profiler.uninstall();
  const wallMs = window.seconds * 1000;
  const kernelMs = stats.reduce((s, k) => s + k.selfMs, 0);
  const perBatch = window.samples / BATCH;
  console.log(`\nper-kernel profile (${window.samples} samples, ${(wallMs / perBatch).toFixed(1)} ms per batch of ${BATCH}; self time, composed kernels exclude the kernels they call):`);
  console.log(`  ${'kernel'.padEnd(byShape ? 60 : 38)} ${'ms/batch'.padStart(9)} ${'share'.padStart(6)} ${'calls/batch'.padStart(11)}`);
  for (const k of stats.slice(0, 15)) {
    console.log(`  ${k.name.padEnd(byShape ? 60 : 38)} ${(k.selfMs / perBatch).toFixed(2).padStart(9)} ${((100 * k.selfMs) / wallMs).toFixed(1).padStart(5)}% ${(k.calls / perBatch).toFixed(1).padStart(11)}`);
  }
  console.log(`  ${'(outside kernels: tfjs engine, layers, optimizer, fit loop)'.padEnd(byShape ? 60 : 38)} ${((wallMs - kernelMs) / perBatch).toFixed(2).padStart(9)} ${((100 * (wallMs - kernelMs)) / wallMs).toFixed(1).padStart(5)}%`);
}

const floorRatio = tfjsRun.samplesPerSecond / FLOOR;
console.log(`\nratio to the ${FLOOR} samples/s floor: ${floorRatio.toFixed(2)} (>= 1 passes)`);
if (torchRate) console.log(`ratio tfjs/pytorch, same thread count: ${(tfjsRun.samplesPerSecond / torchRate).toFixed(2)} (goal >= 0.50)`);
tf.dispose([xs, ys]);
model.dispose();
