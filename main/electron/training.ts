import { utilityProcess } from 'electron';
import { StartCommandSchema, TrainingEventSchema, type RunFinishedEvent, type StartCommand, type TrainingEvent } from '../../graph/api/training.js';
import type { StartTraining, TrainingProcess } from '../host/runs.js';
import type { PredictChannel } from '../training/predict-process.js';

/**
 * Starts training in an Electron utilityProcess running the engine's worker (bundled as worker.mjs). The worker talks
 * to us over its process.parentPort (a MessagePort); every event is validated here before it reaches a window.
 */
export function utilityProcessTraining(workerPath: string): StartTraining {
  return (command: StartCommand): TrainingProcess => {
    const start = StartCommandSchema.parse(command);
    const child = utilityProcess.fork(workerPath, [], { serviceName: `Tensorloom training ${start.runId}`, stdio: 'pipe' });
    const events: TrainingEvent[] = [];
    const listeners = new Set<(e: TrainingEvent) => void>();
    let finished = false;
    let resolveDone!: (e: RunFinishedEvent) => void;
    const done = new Promise<RunFinishedEvent>((r) => (resolveDone = r));
    let stderr = '';
    const began = Date.now();
    const deliver = (e: TrainingEvent) => {
      if (finished) return;
      events.push(e);
      for (const l of listeners) l(e);
      if (e.type === 'runFinished') {
        finished = true;
        resolveDone(e);
      }
    };
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on('message', (raw: unknown) => {
      const parsed = TrainingEventSchema.safeParse(raw);
      if (parsed.success) deliver(parsed.data);
    });
    child.on('exit', (code) => {
      const last = stderr.trim().split('\n').pop();
      deliver({ type: 'runFinished', runId: start.runId, time: Date.now(), status: 'failed', reason: `the training process exited unexpectedly (code ${code})${last ? `: ${last}` : ''}`, bestEpoch: null, bestMetrics: null, finalMetrics: null, artifactDir: null, durationMs: Date.now() - began });
    });
    child.once('spawn', () => child.postMessage(start));
    const send = (type: 'stop' | 'pause' | 'resume') => {
      if (!finished) child.postMessage({ type });
    };
    return {
      events: {
        subscribe(listener) {
          for (const e of events) listener(e);
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
      stop: () => send('stop'),
      pause: () => send('pause'),
      resume: () => send('resume'),
      done,
    };
  };
}

/**
 * The prediction worker (bundled as predict-worker.mjs) in a utilityProcess, for the engine's PredictionProcess: the
 * packaged app has no tsx to run the TypeScript worker with. The worker answers over its process.parentPort.
 */
export function utilityProcessPredictChannel(workerPath: string): PredictChannel {
  const child = utilityProcess.fork(workerPath, [], { serviceName: 'Tensorloom predictions', stdio: 'pipe' });
  let exited = false;
  child.on('exit', () => (exited = true));
  return {
    send: (m) => child.postMessage(m),
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.on('exit', (code) => l(`code ${code}`)),
    onError: (l) => child.on('error', (type, location) => l(new Error(`${type} at ${location}`))),
    onStderr: (l) => child.stderr?.on('data', (d: Buffer) => l(d.toString())),
    kill: () => {
      if (!exited) child.kill();
    },
  };
}
