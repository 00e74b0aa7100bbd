import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Prediction } from '../../graph/api/host.js';
import { PredictReplySchema, PredictRequestSchema, type PredictRequest } from './predict-protocol.js';

// The TypeScript worker, run through tsx; the desktop app starts its bundle (predict-worker.mjs) instead.
const PREDICT_WORKER_PATH = fileURLToPath(new URL('./predict-worker.ts', import.meta.url));

/**
 * The process a `PredictionProcess` talks to: a Node child process by default, an Electron utilityProcess in the
 * desktop app (whose packaged runtime has no tsx to run the TypeScript worker with).
 */
export interface PredictChannel {
  send(message: PredictRequest): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (how: string) => void): void;
  onError(listener: (error: Error) => void): void;
  onStderr(listener: (chunk: string) => void): void;
  kill(): void;
  /** Keeps the parent alive while busy and lets it exit while idle (a CLI or test ends when its work is done). */
  hold?(busy: boolean): void;
}

/** A Node child process running the prediction worker: predict-worker.ts through tsx, or a bundle of it as given. */
export function nodePredictChannel(worker = PREDICT_WORKER_PATH, execArgv = ['--import', import.meta.resolve('tsx')]): PredictChannel {
  const child: ChildProcess = fork(worker, [], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  return {
    send: (m) => child.send(m),
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.on('exit', (code, signal) => l(signal ?? `code ${code}`)),
    onError: (l) => child.on('error', l),
    onStderr: (l) => child.stderr?.on('data', (d: Buffer) => l(d.toString())),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    hold: (busy) => {
      for (const h of [child, child.channel, child.stderr] as ({ ref?(): void; unref?(): void } | null | undefined)[]) {
        if (busy) h?.ref?.();
        else h?.unref?.();
      }
    },
  };
}

/** Options for a `PredictionProcess`. */
export interface PredictProcessOptions {
  /** Starts the worker process; default `nodePredictChannel`. */
  spawn?: () => PredictChannel;
  /** Fails a request (and restarts the process) after this long, model loading included; default 120 s. */
  timeoutMs?: number;
  /** Ends the process after it has been idle this long; default 60 s. */
  idleMs?: number;
}

interface Pending {
  resolve(p: Prediction[]): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Predictions in a child process (Node with tsx) running predict-worker.ts, kept warm between requests: the first
 * one pays for starting Node and TensorFlow.js (seconds), later ones only for the model. Requests and answers are
 * validated with the protocol schemas; a crash, a timeout or an invalid answer rejects with a message.
 */
export class PredictionProcess {
  private child: PredictChannel | null = null;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private idle: NodeJS.Timeout | null = null;
  private stderr = '';

  constructor(private readonly options: PredictProcessOptions = {}) {}

  predict(request: Omit<PredictRequest, 'type' | 'id'>): Promise<Prediction[]> {
    const message = PredictRequestSchema.parse({ type: 'predict', id: this.nextId++, ...request });
    const child = this.ensure();
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    child.hold?.(true);
    return new Promise((resolve, reject) => {
      const ms = this.options.timeoutMs ?? 120_000;
      const timer = setTimeout(() => this.fail(new Error(`the prediction took longer than ${Math.round(ms / 1000)} s and was stopped`)), ms);
      this.pending.set(message.id, { resolve, reject, timer });
      child.send(message);
    });
  }

  /** Ends the process (pending requests fail). */
  close(): void {
    this.fail(new Error('the prediction process was closed'));
  }

  private ensure(): PredictChannel {
    if (this.child) return this.child;
    this.stderr = '';
    const child = this.options.spawn?.() ?? nodePredictChannel();
    this.child = child;
    child.onStderr((d) => (this.stderr = (this.stderr + d).slice(-2000)));
    child.onMessage((raw) => {
      const parsed = PredictReplySchema.safeParse(raw);
      if (!parsed.success) return this.fail(new Error(`the prediction process sent an invalid answer (${parsed.error.issues[0]?.message ?? 'unknown problem'})`));
      const p = this.pending.get(parsed.data.id);
      if (!p) return;
      this.pending.delete(parsed.data.id);
      clearTimeout(p.timer);
      if (parsed.data.type === 'error') p.reject(new Error(parsed.data.message));
      else p.resolve(parsed.data.predictions);
      if (this.pending.size === 0) this.rest();
    });
    child.onError((e) => this.fail(new Error(`could not start the prediction process: ${e.message}`), child));
    child.onExit((how) => {
      const last = this.stderr.trim().split('\n').filter((l) => l && !/tfjs-node|=====|Hi, looks like|To speed things up/.test(l)).pop();
      this.fail(new Error(`the prediction process exited unexpectedly (${how})${last ? `: ${last.slice(0, 300)}` : ''}`), child);
    });
    return child;
  }

  private rest(): void {
    const child = this.child;
    if (!child) return;
    child.hold?.(false);
    this.idle = setTimeout(() => this.close(), this.options.idleMs ?? 60_000);
    this.idle.unref();
  }

  private fail(error: Error, which: PredictChannel | null = this.child): void {
    if (which !== this.child || !which) return;
    this.child = null;
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    which.kill();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
  }
}
