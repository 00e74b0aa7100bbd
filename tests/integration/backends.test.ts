// On this machine neither native package is installed, so auto selection must land on wasm and
// say why gpu and node were skipped; an explicit unavailable choice must fail with the fix.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { BackendUnavailableError, listBackends, parseGpuProbe, probeGpuAsync, selectBackend, shimNodeUtilForTfjsNode, utilShimSource } from '../../main/training/backends.js';

describe('selectBackend', () => {
  it('auto picks wasm here and explains the skipped gpu and node backends', async () => {
    const r = await selectBackend('auto');
    expect(r.backend).toBe('wasm');
    expect(r.tf.getBackend()).toBe('wasm');
    expect(r.device).toMatch(/WebAssembly SIMD/);
    expect(r.device).toMatch(/\d+ of \d+ threads?/);
    expect(r.notes).toHaveLength(2);
    expect(r.notes[0]).toMatch(/^gpu: @tensorflow\/tfjs-node-gpu is not installed \(npm install --ignore-scripts=false @tensorflow\/tfjs-node-gpu.*CUDA 11\.2 \+ cuDNN 8\.1\)/);
    expect(r.notes[1]).toMatch(/^node: @tensorflow\/tfjs-node is not installed \(npm install --ignore-scripts=false @tensorflow\/tfjs-node@/);
  });

  it('trains a small convnet on the selected wasm backend (needs the registered gradient kernels)', async () => {
    const { tf } = await selectBackend('wasm');
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 2, activation: 'relu' }),
        tf.layers.separableConv2d({ filters: 4, kernelSize: 2, padding: 'same', depthMultiplier: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const x = tf.randomUniform([16, 8, 8, 1], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([...Array(16).keys()].map((i) => i % 2), 'int32'), 2);
    const h = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    expect(Number.isFinite(h.history.loss![1] as number)).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('explicit gpu fails with the reason and how to enable it', async () => {
    await expect(selectBackend('gpu')).rejects.toThrow(BackendUnavailableError);
    await expect(selectBackend('gpu')).rejects.toThrow(/Backend 'gpu' is not available: @tensorflow\/tfjs-node-gpu is not installed \(npm install .*CUDA 11\.2.*--backend auto/);
  });

  it('explicit node fails likewise, and explicit cpu works', async () => {
    await expect(selectBackend('node')).rejects.toThrow(/Backend 'node' is not available: @tensorflow\/tfjs-node is not installed/);
    const r = await selectBackend('cpu');
    expect(r.backend).toBe('cpu');
    expect(r.tf.getBackend()).toBe('cpu');
    expect(r.notes).toEqual([]);
    // The Embedding gradient's cpu kernel is the project's scatter, not tfjs-backend-cpu's per-segment loop.
    const kernel = r.tf.getKernel('UnsortedSegmentSum', 'cpu')!.kernelFunc as unknown as Record<symbol, boolean>;
    expect(kernel[Symbol.for('tensorloom.kernel')]).toBe(true);
  });
});

describe('listBackends', () => {
  it('lists all four with availability and device or reason', async () => {
    const list = await listBackends();
    expect(list.map((b) => [b.backend, b.available])).toEqual([['gpu', false], ['node', false], ['wasm', true], ['cpu', true]]);
    expect(list[0]!.reason).toMatch(/not installed/);
    expect(list[2]!.device).toMatch(/WebAssembly/);
  });
});

describe('GPU probe and Node 24 shim', () => {
  it('recognises a real GPU device, and a silent CPU fallback from missing CUDA libraries', () => {
    const ok = parseGpuProbe('probe-ok\n', "I tensorflow/core/common_runtime/gpu/gpu_device.cc:1525] Created device /job:localhost/replica:0/task:0/device:GPU:0 with 14791 MB memory:  -> device: 0, name: Tesla T4, pci bus id: 0000:00:04.0, compute capability: 7.5", 0);
    expect(ok).toEqual({ ok: true, device: 'Tesla T4' });
    const fallback = parseGpuProbe('probe-ok\n', "W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file", 0);
    expect(fallback.ok).toBe(false);
    expect(fallback.reason).toMatch(/libcudart\.so\.11\.0 could not be loaded.*silently run on the CPU/);
    expect(parseGpuProbe('probe-ok\n', '', 0).reason).toMatch(/no GPU device/);
  });

  it('restores the util.is* helpers Node 23 removed, keeping existing ones', () => {
    const keep = (): boolean => true;
    const mod: Record<string, unknown> = { isArray: keep };
    shimNodeUtilForTfjsNode(mod);
    expect(mod.isArray).toBe(keep);
    const isNullOrUndefined = mod.isNullOrUndefined as (v: unknown) => boolean;
    expect([isNullOrUndefined(null), isNullOrUndefined(undefined), isNullOrUndefined(0)]).toEqual([true, true, false]);
  });

  it('the child-process probe gets the very same shim: every helper, with the same answers', () => {
    const inProcess: Record<string, unknown> = {};
    shimNodeUtilForTfjsNode(inProcess);
    const child: Record<string, unknown> = {};
    (vm.runInThisContext(`(function (target) { ${utilShimSource('target')} })`) as (t: object) => void)(child);
    expect(Object.keys(child).sort()).toEqual(Object.keys(inProcess).sort());
    expect(Object.keys(child)).toHaveLength(15);
    const samples = [null, undefined, 0, 'a', true, [], {}, () => 1, new Date(0), /x/, new Error('e'), Symbol('s'), Buffer.from('b')];
    for (const name of Object.keys(inProcess)) {
      const a = inProcess[name] as (v: unknown) => boolean;
      const b = child[name] as (v: unknown) => boolean;
      for (const v of samples) expect(b(v), `${name}(${String(v)})`).toBe(a(v));
    }
  });
});

describe('GPU probe without blocking', () => {
  it('runs in a child process while the event loop keeps turning, and reads the device it created', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-gpu-'));
    try {
      // A stand-in for @tensorflow/tfjs-node-gpu: slow to load, then logs a created GPU device as TensorFlow does.
      const fake = join(dir, 'fake-tfjs-node-gpu.cjs');
      writeFileSync(
        fake,
        `const end = Date.now() + 800; while (Date.now() < end) {}
process.stderr.write("I tensorflow/core/common_runtime/gpu/gpu_device.cc:1525] Created device /job:localhost/replica:0/task:0/device:GPU:0 with 14791 MB memory:  -> device: 0, name: Fake GPU 9000, pci bus id: 0000:00:04.0\\n");
module.exports = { ones: () => ({}), matMul: () => ({ dataSync: () => [] }) };`,
      );
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const started = Date.now();
      const probe = await probeGpuAsync(fake);
      clearInterval(timer);
      expect(probe).toEqual({ ok: true, device: 'Fake GPU 9000' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(800);
      // spawnSync would have frozen the loop for the whole probe: no ticks at all.
      expect(ticks).toBeGreaterThan(20);
      const slow = await probeGpuAsync(fake, 200);
      expect(slow).toEqual({ ok: false, reason: '@tensorflow/tfjs-node-gpu did not finish loading within 0.2 s' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
