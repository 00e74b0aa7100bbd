// Chooses the compute backend for training: native CUDA, native CPU, WebAssembly or plain JS, in
// that order, and says why each faster one was passed over.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import util from 'node:util';
import * as tfjs from '@tensorflow/tfjs';
import { registerCpuKernels, registerWasmKernels } from './kernels/index.js';

export type Tf = typeof tfjs;
export type BackendName = 'gpu' | 'node' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export const BACKEND_NAMES: readonly BackendName[] = ['gpu', 'node', 'wasm', 'cpu'];

export interface SelectedBackend {
  /** The TensorFlow.js namespace to train with (tfjs-node's own namespace for gpu/node). */
  tf: Tf;
  backend: BackendName;
  /** The hardware it runs on, e.g. "NVIDIA GeForce RTX 3080" or "AMD EPYC, 1 of 2 threads". */
  device: string;
  /** One line per faster backend that was skipped, with the reason and how to enable it. */
  notes: string[];
}

export interface BackendAvailability {
  backend: BackendName;
  available: boolean;
  /** The hardware it would run on, when available. */
  device?: string;
  /** Why it is unavailable, and how to enable it. */
  reason?: string;
}

/** An explicitly requested backend that cannot be used here. */
export class BackendUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

const require = createRequire(import.meta.url);

const PACKAGES = { gpu: '@tensorflow/tfjs-node-gpu', node: '@tensorflow/tfjs-node' } as const;
const INSTALL_HINT = {
  gpu: 'npm install --ignore-scripts=false @tensorflow/tfjs-node-gpu@4.22.0; needs an NVIDIA GPU with CUDA 11.2 + cuDNN 8.1',
  node: 'npm install --ignore-scripts=false @tensorflow/tfjs-node@4.22.0 for native multi-threaded CPU training',
} as const;

function cpuDevice(threads: number): string {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  return `${model}, ${threads} of ${cpus.length} thread${cpus.length === 1 ? '' : 's'}`;
}

function isInstalled(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

// tfjs-node 4.22.0 (the last release) calls `util.isNullOrUndefined`, `util.isArray` and other `util.is*`
// helpers that Node 23 removed, so on Node 24 (recent Electron) its first op throws "util_1.isNullOrUndefined is
// not a function". The upstream fix (tensorflow/tfjs#8425) is merged but unreleased. tfjs-node is CommonJS and
// reads them from the shared `util` module object at call time, so defining the missing ones before it loads
// restores it; existing ones are kept. One table serves this process and the GPU probe's child process (whose
// script gets each function's source), so the two cannot drift apart.
const UTIL_SHIMS: Record<string, (v: unknown) => boolean> = {
  isArray: (v) => Array.isArray(v),
  isBoolean: (v) => typeof v === 'boolean',
  isBuffer: (v) => Buffer.isBuffer(v),
  isDate: (v) => v instanceof Date,
  isError: (v) => v instanceof Error,
  isFunction: (v) => typeof v === 'function',
  isNull: (v) => v === null,
  isNullOrUndefined: (v) => v === null || v === undefined,
  isNumber: (v) => typeof v === 'number',
  isObject: (v) => v !== null && typeof v === 'object',
  isPrimitive: (v) => v === null || (typeof v !== 'object' && typeof v !== 'function'),
  isRegExp: (v) => v instanceof RegExp,
  isString: (v) => typeof v === 'string',
  isSymbol: (v) => typeof v === 'symbol',
  isUndefined: (v) => v === undefined,
};

/** Defines the `util.is*` helpers tfjs-node 4.22 needs and Node 23+ removed (see UTIL_SHIMS); keeps existing ones. */
export function shimNodeUtilForTfjsNode(target: Record<string, unknown> = util as unknown as Record<string, unknown>): void {
  for (const [name, fn] of Object.entries(UTIL_SHIMS)) if (typeof target[name] !== 'function') target[name] = fn;
}

/** The same shim as JavaScript source for a child process: `utilShimSource("require('util')")`. */
export function utilShimSource(target: string): string {
  const entries = Object.entries(UTIL_SHIMS).map(([name, fn]) => `${JSON.stringify(name)}: ${fn.toString()}`);
  return `{ const u = ${target}; const shims = { ${entries.join(', ')} }; for (const k of Object.keys(shims)) if (typeof u[k] !== 'function') u[k] = shims[k]; }`;
}

// The GPU check runs in a child process: TensorFlow logs which devices it created (and which CUDA
// libraries it could not load) on native stderr, which this process cannot read, and a broken
// CUDA install can abort the process outright.
function gpuProbeScript(pkg: string): string {
  return `${utilShimSource("require('util')")}
const tf = require(${JSON.stringify(pkg)});
tf.matMul(tf.ones([8, 8]), tf.ones([8, 8])).dataSync();
console.log('probe-ok');
`;
}

/** What the GPU probe found: a device name, or why there is none. */
export interface GpuProbe {
  ok: boolean;
  device?: string;
  reason?: string;
}

// One probe per process: the answer does not change while the app runs, and concurrent callers share it.
let gpuProbeCache: Promise<GpuProbe> | undefined;

/** Parses TensorFlow's log of a tfjs-node-gpu start-up: did it create a GPU device, and which. */
export function parseGpuProbe(stdout: string, stderr: string, status: number | null): GpuProbe {
  const created = /Created device \S*GPU:\d+.*?name: ([^,]+)/.exec(stderr);
  if (created) return { ok: true, device: created[1]!.trim() };
  const missing = /Could not load dynamic library '([^']+)'/.exec(stderr);
  if (missing) return { ok: false, reason: `${PACKAGES.gpu} is installed but CUDA library ${missing[1]} could not be loaded, so TensorFlow would silently run on the CPU (install CUDA 11.2 + cuDNN 8.1)` };
  if (!stdout.includes('probe-ok')) {
    const last = stderr.trim().split('\n').filter(Boolean).pop() ?? `exit status ${status}`;
    return { ok: false, reason: `${PACKAGES.gpu} failed to load: ${last.slice(0, 200)}` };
  }
  return { ok: false, reason: `${PACKAGES.gpu} loaded but TensorFlow created no GPU device (no NVIDIA GPU or driver visible)` };
}

/**
 * Runs the GPU probe child process without blocking the event loop (it may take a minute on a first CUDA
 * start, and the Electron main process and `tensorloom serve` call this from appInfo). `pkg` is the package or
 * file the child requires; tests point it at a stand-in.
 */
export function probeGpuAsync(pkg: string = PACKAGES.gpu, timeoutMs = 120_000): Promise<GpuProbe> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(process.execPath, ['-e', gpuProbeScript(pkg)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Electron's binary acts as plain Node with this; TF must log device creation (level 0).
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', TF_CPP_MIN_LOG_LEVEL: '0' },
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `${PACKAGES.gpu} could not be probed: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && !stdout.includes('probe-ok')) resolve({ ok: false, reason: `${PACKAGES.gpu} did not finish loading within ${timeoutMs / 1000} s` });
      else resolve(parseGpuProbe(stdout, stderr, code));
    });
  });
}

function probeGpu(): Promise<GpuProbe> {
  if (!isInstalled(PACKAGES.gpu)) return Promise.resolve({ ok: false, reason: `${PACKAGES.gpu} is not installed (${INSTALL_HINT.gpu})` });
  return (gpuProbeCache ??= probeGpuAsync());
}

async function importNative(pkg: string): Promise<Tf> {
  shimNodeUtilForTfjsNode();
  const mod = (await import(pkg)) as Tf & { default?: Tf };
  const tf = mod.default && typeof mod.default.tensor === 'function' ? mod.default : mod;
  await tf.setBackend('tensorflow');
  await tf.ready();
  return tf;
}

type Attempt = { ok: true; selected: Omit<SelectedBackend, 'notes'> } | { ok: false; reason: string };

async function tryGpu(): Promise<Attempt> {
  const probe = await probeGpu();
  if (!probe.ok) return { ok: false, reason: probe.reason! };
  try {
    return { ok: true, selected: { tf: await importNative(PACKAGES.gpu), backend: 'gpu', device: probe.device! } };
  } catch (e) {
    return { ok: false, reason: `${PACKAGES.gpu} failed to load: ${(e as Error).message}` };
  }
}

async function tryNode(): Promise<Attempt> {
  // tfjs-node-gpu without a usable GPU is still the native CPU backend.
  const pkg = isInstalled(PACKAGES.node) ? PACKAGES.node : isInstalled(PACKAGES.gpu) ? PACKAGES.gpu : null;
  if (!pkg) return { ok: false, reason: `${PACKAGES.node} is not installed (${INSTALL_HINT.node})` };
  try {
    return { ok: true, selected: { tf: await importNative(pkg), backend: 'node', device: cpuDevice(os.cpus().length) } };
  } catch (e) {
    return { ok: false, reason: `${pkg} failed to load: ${(e as Error).message}` };
  }
}

async function tryWasm(): Promise<Attempt> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    registerWasmKernels(tfjs);
    if (!(await tfjs.setBackend('wasm'))) return { ok: false, reason: '@tensorflow/tfjs-backend-wasm failed to initialise' };
    await tfjs.ready();
    const simd = await tfjs.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = wasm.getThreadsCount();
    return { ok: true, selected: { tf: tfjs, backend: 'wasm', device: `${cpuDevice(threads)} (WebAssembly${simd ? ' SIMD' : ', no SIMD'})` } };
  } catch (e) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-wasm failed to load: ${(e as Error).message}` };
  }
}

async function tryCpu(): Promise<Attempt> {
  registerCpuKernels(tfjs);
  await tfjs.setBackend('cpu');
  await tfjs.ready();
  // The cpu backend prints a "Hi, looks like you are running TensorFlow.js in Node.js" banner on its first
  // tensor; the backend notes already say how to get a faster backend, in our words, without the noise.
  (tfjs.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  return { ok: true, selected: { tf: tfjs, backend: 'cpu', device: `${cpuDevice(1)} (plain JavaScript)` } };
}

const TRY: Record<BackendName, () => Promise<Attempt>> = { gpu: tryGpu, node: tryNode, wasm: tryWasm, cpu: tryCpu };

/**
 * Loads and activates a backend. `auto` takes the first of gpu, node, wasm, cpu that works and
 * explains each skipped one in `notes`; an explicit choice that cannot be used throws
 * `BackendUnavailableError` with the reason and the fix.
 */
export async function selectBackend(preference: BackendPreference): Promise<SelectedBackend> {
  if (preference !== 'auto') {
    if (!TRY[preference]) throw new BackendUnavailableError(`Unknown backend '${preference as string}'; choose one of auto, ${BACKEND_NAMES.join(', ')}.`);
    const r = await TRY[preference]();
    if (!r.ok) throw new BackendUnavailableError(`Backend '${preference}' is not available: ${r.reason}. Use --backend auto to pick the fastest available one.`);
    return { ...r.selected, notes: [] };
  }
  const notes: string[] = [];
  for (const name of BACKEND_NAMES) {
    const r = await TRY[name]();
    if (r.ok) return { ...r.selected, notes };
    notes.push(`${name}: ${r.reason}`);
  }
  throw new BackendUnavailableError(`No backend could be loaded:\n${notes.join('\n')}`);
}

/**
 * Every backend's availability and device, without changing the active backend. The native ones
 * are judged by installation and the GPU probe, not by loading them into this process. Never blocks
 * the event loop: the GPU probe is an asynchronous child process, so hosts may await it from appInfo.
 */
export async function listBackends(): Promise<BackendAvailability[]> {
  const cpus = os.cpus().length;
  const out: BackendAvailability[] = [];
  const gpu = await probeGpu();
  out.push(gpu.ok ? { backend: 'gpu', available: true, device: gpu.device! } : { backend: 'gpu', available: false, reason: gpu.reason! });
  const nodePkg = isInstalled(PACKAGES.node) || isInstalled(PACKAGES.gpu);
  out.push(nodePkg ? { backend: 'node', available: true, device: cpuDevice(cpus) } : { backend: 'node', available: false, reason: `${PACKAGES.node} is not installed (${INSTALL_HINT.node})` });
  let wasmOk: BackendAvailability;
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const simd = await tfjs.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    // Thread count is only known once the backend has started; before that it is 1 in Node.
    const threads = tfjs.findBackend('wasm') ? wasm.getThreadsCount() : 1;
    wasmOk = { backend: 'wasm', available: true, device: `${cpuDevice(threads)} (WebAssembly${simd ? ' SIMD' : ', no SIMD'})` };
  } catch (e) {
    wasmOk = { backend: 'wasm', available: false, reason: `@tensorflow/tfjs-backend-wasm failed to load: ${(e as Error).message}` };
  }
  out.push(wasmOk);
  out.push({ backend: 'cpu', available: true, device: `${cpuDevice(1)} (plain JavaScript)` });
  return out;
}
