// Per-kernel timing for one backend: wraps every registered kernel function with a timer. The
// wasm and cpu kernels run synchronously, so the time around the call is the kernel's cost.
// The clock is this process's CPU time where Node provides it (other work on a shared machine
// then does not show up as kernel time), else wall time. Kernels that call other kernels (the
// project's composed wasm kernels) get inclusive and self time, so the profile adds up without
// double counting.
import type * as tfjs from '@tensorflow/tfjs';

type Tf = typeof tfjs;

/** Time spent in one kernel over the instrumented period. */
export interface KernelStat {
  name: string;
  calls: number;
  /** Milliseconds including kernels it called. */
  totalMs: number;
  /** Milliseconds excluding kernels it called. */
  selfMs: number;
}

/** Milliseconds of this process's CPU time (user + system, all threads), or wall time outside Node. */
export const cpuClock: () => number =
  typeof process !== 'undefined' && typeof process.cpuUsage === 'function'
    ? () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      }
    : () => performance.now();

/** A live kernel profiler; `uninstall` restores the original kernels. */
export interface KernelProfiler {
  stats(): KernelStat[];
  reset(): void;
  uninstall(): void;
}

/**
 * Wraps every kernel registered for `backendName`. With `byShape`, stats are kept per kernel and
 * input shapes ("Conv2D [128,13,13,32] [3,3,32,64]"), to tell apart the calls of one kernel.
 */
export function instrumentKernels(tf: Tf, backendName: string, options: { byShape?: boolean } = {}): KernelProfiler {
  const table = new Map<string, KernelStat>();
  const stack: { child: number }[] = [];
  const originals = tf.getKernelsForBackend(backendName);
  for (const config of originals) {
    const base: KernelStat = { name: config.kernelName, calls: 0, totalMs: 0, selfMs: 0 };
    table.set(config.kernelName, base);
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const frame = { child: 0 };
        stack.push(frame);
        const t0 = cpuClock();
        try {
          return inner(args);
        } finally {
          const dt = cpuClock() - t0;
          stack.pop();
          let stat = base;
          if (options.byShape) {
            const key = `${config.kernelName} ${Object.values(args.inputs).map((t) => (t ? JSON.stringify(t.shape) : "-")).join(' ')}`;
            stat = table.get(key) ?? table.set(key, { name: key, calls: 0, totalMs: 0, selfMs: 0 }).get(key)!;
          }
          stat.calls++;
          stat.totalMs += dt;
          stat.selfMs += dt - frame.child;
          const parent = stack[stack.length - 1];
          if (parent) parent.child += dt;
        }
      },
    });
  }
  return {
    stats: () => [...table.values()].filter((s) => s.calls > 0).sort((a, b) => b.selfMs - a.selfMs),
    reset: () => {
      for (const s of table.values()) Object.assign(s, { calls: 0, totalMs: 0, selfMs: 0 });
    },
    uninstall: () => {
      for (const config of originals) {
        tf.unregisterKernel(config.kernelName, backendName);
        tf.registerKernel(config);
      }
    },
  };
}
