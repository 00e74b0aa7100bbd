import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { StartCommandSchema, TrainingEventSchema, type RunFinishedEvent, type StartCommand, type TrainingCommand, type TrainingEvent } from '../../graph/api/training.js';

/** A stream of a run's events: every subscriber and iterator sees all events from the start of the run. */
export interface TrainingEventStream extends AsyncIterable<TrainingEvent> {
  /** Calls `listener` with every event so far and every later one; returns an unsubscribe function. */
  subscribe(listener: (event: TrainingEvent) => void): () => void;
}

/** The host's handle on one training run in its own process. */
export interface TrainingProcess {
  readonly runId: string;
  /** The worker's process id (undefined if it failed to start). */
  readonly pid: number | undefined;
  readonly events: TrainingEventStream;
  /** Asks the run to stop after the current batch; the weights so far are saved. */
  stop(): void;
  pause(): void;
  resume(): void;
  /** Ends the worker at once (no artifacts); `done` resolves with a failed runFinished. */
  kill(): void;
  /** The runFinished event; a crashed or killed worker gives status 'failed' with the reason. Never rejects. */
  readonly done: Promise<RunFinishedEvent>;
}

/** Options for `startTrainingProcess`. */
export interface TrainingProcessOptions {
  /** Extra environment for the worker. */
  env?: NodeJS.ProcessEnv;
  /** Receives the worker's stdout/stderr text (TensorFlow.js prints notices there); dropped by default. */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
}

/** The worker module's path, for hosts that start it themselves (Electron's utilityProcess.fork). */
export const TRAINING_WORKER_PATH = fileURLToPath(new URL('./worker.ts', import.meta.url));
const WORKER = TRAINING_WORKER_PATH;

function tsxLoader(): string {
  // Resolved here rather than by the child, which may run in a folder where 'tsx' is not resolvable.
  return import.meta.resolve('tsx');
}

// Lines of a V8 fatal-error report that say nothing to a user: native stack frames ("17: 0x195e376 [/usr/bin/node]"),
// the JS stack banner and the GC trace ("[1234:0x5a...]    812 ms: Mark-Compact ...").
const NOISE = /^\s*(\d+: 0x[0-9a-f]+|<--- |\[\d+:0x[0-9a-f]+\]|-{3,}|=+ JS stack|Security context:)/i;

/** Why a worker that exited without a runFinished event stopped, from its exit status and the end of its stderr. */
export function exitReason(stderrTail: string, code: number | null, signal: NodeJS.Signals | null, killedByUs = false): string {
  if (killedByUs) return 'the training process was killed on request';
  const lines = stderrTail.split('\n').map((l) => l.trim()).filter((l) => l && !NOISE.test(l));
  if (/heap out of memory|allocation failed|out of memory/i.test(stderrTail)) {
    const fatal = lines.find((l) => /^FATAL ERROR:/.test(l))?.replace(/^FATAL ERROR:\s*/, '');
    return `the training process ran out of memory${fatal ? ` (${fatal})` : ''}; use a smaller batch size or model`;
  }
  const why = signal ? `the training process was killed (${signal})` : `the training process exited unexpectedly with code ${code}`;
  const last = lines.at(-1);
  return last ? `${why}: ${last.slice(0, 300)}` : why;
}

/**
 * Starts a training run in a child process (Node with tsx) and returns its handle. Every message is
 * validated both ways with the protocol schemas. Throws only when `cmd` is not a valid start command.
 */
export function startTrainingProcess(cmd: StartCommand, options: TrainingProcessOptions = {}): TrainingProcess {
  const start = StartCommandSchema.parse(cmd);
  const events: TrainingEvent[] = [];
  const listeners = new Set<(e: TrainingEvent) => void>();
  const waiters = new Set<() => void>();
  let finished: RunFinishedEvent | null = null;
  let resolveDone!: (e: RunFinishedEvent) => void;
  const done = new Promise<RunFinishedEvent>((r) => (resolveDone = r));
  let stderrTail = '';
  let killedByUs = false;
  const began = Date.now();

  const deliver = (event: TrainingEvent): void => {
    if (finished) return;
    events.push(event);
    if (event.type === 'checkpoint') lastCheckpoint = event.epoch;
    for (const l of listeners) l(event);
    if (event.type === 'runFinished') {
      finished = event;
      resolveDone(event);
    }
    for (const w of waiters) w();
  };

  // A worker that dies leaves its last checkpoint behind (written at every epoch end): say where it is.
  let lastCheckpoint: number | null = null;
  const fail = (reason: string): void => {
    const saved = lastCheckpoint !== null ? `; the run folder keeps the weights of epoch ${lastCheckpoint}` : '';
    deliver({ type: 'runFinished', runId: start.runId, time: Date.now(), status: 'failed', reason: reason + saved, bestEpoch: null, bestMetrics: null, finalMetrics: null, artifactDir: lastCheckpoint !== null ? start.outDir : null, durationMs: Date.now() - began });
  };

  let child: ChildProcess | undefined;
  try {
    child = fork(WORKER, [], {
      execArgv: ['--import', tsxLoader()],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...options.env },
    });
  } catch (e) {
    fail(`could not start the training process: ${(e as Error).message}`);
    return handle(undefined);
  }

  const proc = child;
  proc.stdout?.on('data', (d: Buffer) => options.onOutput?.(d.toString(), 'stdout'));
  proc.stderr?.on('data', (d: Buffer) => {
    const text = d.toString();
    stderrTail = (stderrTail + text).slice(-2000);
    options.onOutput?.(text, 'stderr');
  });
  proc.on('message', (raw) => {
    const parsed = TrainingEventSchema.safeParse(raw);
    if (parsed.success) deliver(parsed.data);
    else options.onOutput?.(`training process sent an invalid event (${parsed.error.issues[0]?.message}): ${JSON.stringify(raw).slice(0, 200)}\n`, 'stderr');
  });
  proc.on('error', (e) => fail(`the training process failed: ${e.message}`));
  proc.on('exit', (code, signal) => {
    if (!finished) fail(exitReason(stderrTail, code, signal, killedByUs));
  });

  const send = (command: TrainingCommand): void => {
    if (finished || !proc.connected) return;
    proc.send(command);
  };
  send(start);
  return handle(proc.pid);

  function handle(pid: number | undefined): TrainingProcess {
    return {
      runId: start.runId,
      pid,
      done,
      stop: () => send({ type: 'stop' }),
      pause: () => send({ type: 'pause' }),
      resume: () => send({ type: 'resume' }),
      kill: () => {
        if (finished) return;
        killedByUs = true;
        child?.kill('SIGKILL');
      },
      events: {
        subscribe(listener) {
          for (const e of events) listener(e);
          listeners.add(listener);
          return () => void listeners.delete(listener);
        },
        async *[Symbol.asyncIterator]() {
          let i = 0;
          for (;;) {
            while (i < events.length) yield events[i++]!;
            if (finished) return;
            await new Promise<void>((r) => {
              const w = (): void => {
                waiters.delete(w);
                r();
              };
              waiters.add(w);
            });
          }
        },
      },
    };
  }
}
