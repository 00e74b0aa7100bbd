import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { HostError, RunInfoSchema, type RunInfo } from '../../graph/api/host.js';
import { BatchEventSchema, EpochEventSchema, RunFinishedEventSchema, RunStartedEventSchema, type BatchEvent, type EpochEvent, type RunFinishedEvent, type RunStartedEvent, type StartCommand, type TrainingEvent } from '../../graph/api/training.js';
import { writeFileAtomic } from './atomic-write.js';

/** A running training process as the engine's run-process module returns it (events as a subscription or an async iterable). */
export interface TrainingProcess {
  events: AsyncIterable<TrainingEvent> | { subscribe(listener: (event: TrainingEvent) => void): () => void };
  stop(): void;
  pause(): void;
  resume(): void;
  done: Promise<unknown>;
}

/** Starts a training process for a start command. */
export type StartTraining = (command: StartCommand) => TrainingProcess | Promise<TrainingProcess>;

type Listener = (runId: string, event: TrainingEvent) => void;

// Batch events arrive up to ~20 per second; a late subscriber gets the newest ones plus every other event.
const MAX_REPLAY_BATCHES = 2000;
/** Saved batch points handed to a reloading window at most (an hour at 20 per second is 72,000): thinned evenly. */
export const MAX_LOADED_BATCHES = 20_000;

/** Every k-th of `items` (the last one always kept) so that at most `max` remain. */
export function thinEvenly<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const k = Math.ceil(items.length / max);
  const out: T[] = [];
  for (let i = items.length - 1; i >= 0; i -= k) out.push(items[i]!);
  return out.reverse();
}

interface LiveRun {
  info: RunInfo;
  proc: TrainingProcess | null;
  events: TrainingEvent[];
  batchCount: number;
  lastBatchMetrics: RunInfo['finalMetrics'];
  listeners: Set<Listener>;
}

/**
 * Runs of graphs: starts training processes, fans their events out to every subscriber (several windows or tabs may
 * watch one run), and keeps each run's record under <dataDir>/runs/<runId> so past runs can be listed and reloaded.
 */
export class RunManager {
  private live = new Map<string, LiveRun>();
  readonly dir: string;

  constructor(
    dataDir: string,
    private readonly startTraining: () => Promise<StartTraining>,
  ) {
    this.dir = join(dataDir, 'runs');
  }

  private runDir(runId: string): string {
    return join(this.dir, runId);
  }

  /** Starts a run of a graph file (graphPath) or of an unsaved document (graphPath null, docId its session id). */
  async start(command: Omit<StartCommand, 'runId' | 'outDir' | 'type'>, owner: { graphPath: string | null; docId: string | null }, listener: Listener): Promise<string> {
    const { graphPath } = owner;
    const runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
    const dir = this.runDir(runId);
    await mkdir(dir, { recursive: true });
    const info: RunInfo = {
      runId,
      graphPath,
      docId: graphPath === null ? owner.docId : null,
      graphName: command.graph.name,
      startedAt: Date.now(),
      status: 'running',
      epochs: 0,
      training: command.training,
      limit: command.limit ?? null,
      backend: null,
      device: null,
      durationMs: null,
      finalMetrics: null,
      bestMetrics: null,
      bestEpoch: null,
      reason: null,
      artifactDir: null,
    };
    const run: LiveRun = { info, proc: null, events: [], batchCount: 0, lastBatchMetrics: null, listeners: new Set([listener]) };
    this.live.set(runId, run);
    await this.writeInfo(info);
    const start = await this.startTraining();
    let proc: TrainingProcess;
    try {
      proc = await start({ type: 'start', runId, outDir: join(dir, 'artifacts'), ...command });
    } catch (e) {
      this.live.delete(runId);
      await this.writeInfo({ ...info, status: 'failed', reason: `could not start training: ${(e as Error).message}` });
      throw new HostError('failed', `could not start training: ${(e as Error).message}`);
    }
    run.proc = proc;
    // Events are recorded in order (history file appends, the final record) even though recording is asynchronous.
    let recorded: Promise<void> = Promise.resolve();
    const onEvent = (event: TrainingEvent) => {
      recorded = recorded.then(() => this.onEvent(run, event)).catch(() => undefined);
    };
    // A synchronous subscription sees runFinished before `done` settles; an async iterator might not.
    if ('subscribe' in proc.events) proc.events.subscribe(onEvent);
    else {
      const iterable = proc.events;
      void (async () => {
        for await (const e of iterable) onEvent(e);
      })();
    }
    void proc.done
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => new Promise((r) => setTimeout(r, 0)))
      .then(() => recorded)
      .then(() => {
        // A process that died without a runFinished event still ends the run for every watcher.
        if (this.live.get(runId) === run)
          onEvent({ type: 'runFinished', runId, time: Date.now(), status: 'failed', reason: 'the training process exited unexpectedly', bestEpoch: null, bestMetrics: null, finalMetrics: null, artifactDir: null, durationMs: Date.now() - info.startedAt });
      });
    return runId;
  }

  private async onEvent(run: LiveRun, event: TrainingEvent): Promise<void> {
    if (event.type === 'batch') {
      run.batchCount++;
      if (run.batchCount > MAX_REPLAY_BATCHES) {
        const i = run.events.findIndex((e) => e.type === 'batch');
        if (i >= 0) run.events.splice(i, 1);
      }
    }
    run.events.push(event);
    for (const l of run.listeners) l(run.info.runId, event);
    const dir = this.runDir(run.info.runId);
    if (event.type === 'runStarted') {
      run.info.backend = event.backend;
      run.info.device = event.device;
      await writeFileAtomic(join(dir, 'started.json'), JSON.stringify(event));
      await this.writeInfo(run.info);
    } else if (event.type === 'batch') {
      // Batch points are already throttled by the engine (about 20 a second): saved as sent, so a reload draws them.
      run.lastBatchMetrics = { ...event.metrics, loss: event.loss };
      await appendFile(join(dir, 'batches.jsonl'), `${JSON.stringify(event)}\n`);
    } else if (event.type === 'epoch') {
      run.info.epochs = event.epoch;
      run.info.finalMetrics = { loss: event.loss, ...event.metrics };
      await appendFile(join(dir, 'history.jsonl'), `${JSON.stringify(event)}\n`);
    } else if (event.type === 'runFinished') {
      run.info.status = event.status;
      run.info.bestMetrics = event.bestMetrics;
      run.info.bestEpoch = event.bestEpoch;
      // A run stopped before its first epoch ended has no epoch metrics: its latest batch values are its final ones.
      run.info.finalMetrics = event.finalMetrics ?? run.info.finalMetrics ?? run.lastBatchMetrics;
      run.info.durationMs = event.durationMs;
      run.info.reason = event.status === 'failed' ? (event.reason ?? 'the run failed without giving a reason') : null;
      run.info.artifactDir = event.artifactDir;
      await writeFileAtomic(join(dir, 'finished.json'), JSON.stringify(event));
      await this.writeInfo(run.info);
      this.live.delete(run.info.runId);
    }
  }

  private async writeInfo(info: RunInfo): Promise<void> {
    await writeFileAtomic(join(this.runDir(info.runId), 'run.json'), JSON.stringify(info));
  }

  private liveRun(runId: string): LiveRun {
    const run = this.live.get(runId);
    if (!run?.proc) throw new HostError('notFound', `run '${runId}' is not running (it may have finished already)`);
    return run;
  }

  stop(runId: string): void {
    this.liveRun(runId).proc!.stop();
  }

  pause(runId: string): void {
    const run = this.liveRun(runId);
    run.proc!.pause();
    run.info.status = 'paused';
  }

  resume(runId: string): void {
    const run = this.liveRun(runId);
    run.proc!.resume();
    run.info.status = 'running';
  }

  /** Adds a listener; returns the events so far (empty for a finished run, whose history comes from load). */
  subscribe(runId: string, listener: Listener): TrainingEvent[] {
    const run = this.live.get(runId);
    if (!run) return [];
    run.listeners.add(listener);
    return [...run.events];
  }

  unsubscribe(runId: string, listener: Listener): void {
    this.live.get(runId)?.listeners.delete(listener);
  }

  /** Removes a listener from every run (a window closed, a socket dropped). */
  unsubscribeAll(listener: Listener): void {
    for (const run of this.live.values()) run.listeners.delete(listener);
  }

  private async readInfo(runId: string): Promise<RunInfo | null> {
    const live = this.live.get(runId);
    if (live) return { ...live.info };
    try {
      const parsed = RunInfoSchema.safeParse(JSON.parse(await readFile(join(this.runDir(runId), 'run.json'), 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private async allInfos(): Promise<RunInfo[]> {
    let ids: string[] = [];
    try {
      ids = await readdir(this.dir);
    } catch {
      // No runs yet.
    }
    return (await Promise.all(ids.map((id) => this.readInfo(id)))).filter((i): i is RunInfo => i !== null);
  }

  /** Runs of a graph file, or (graphPath null) of one unsaved document, newest first. */
  async list(graphPath: string | null, docId: string | null = null): Promise<RunInfo[]> {
    const infos = await this.allInfos();
    // A run record left 'running' by a crashed app is reported as failed rather than forever running.
    return infos
      .filter((i) => i.graphPath === graphPath && (graphPath !== null || i.docId === docId))
      .map((i) => (this.live.has(i.runId) || (i.status !== 'running' && i.status !== 'paused') ? i : { ...i, status: 'failed' as const, reason: i.reason ?? 'the app closed while the run was going' }))
      .sort((a, b) => b.startedAt - a.startedAt);
  }

  /** The unsaved document `docId` became the file `graphPath`: its runs (live ones too) move to the file. */
  async adopt(docId: string, graphPath: string): Promise<number> {
    let moved = 0;
    for (const info of await this.allInfos()) {
      if (info.graphPath !== null || info.docId !== docId) continue;
      const live = this.live.get(info.runId);
      const next = live ? live.info : { ...info };
      next.graphPath = graphPath;
      next.docId = null;
      await this.writeInfo(next);
      moved++;
    }
    return moved;
  }

  private async record(runId: string): Promise<RunInfo> {
    const run = await this.readInfo(runId);
    if (!run) throw new HostError('notFound', `there is no run '${runId}'`);
    return run;
  }

  private async readJson<T>(runId: string, file: string, schema: z.ZodType<T>): Promise<T | null> {
    try {
      const parsed = schema.safeParse(JSON.parse(await readFile(join(this.runDir(runId), file), 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null; // not written yet (still running, or it failed before that point)
    }
  }

  async load(runId: string): Promise<{ run: RunInfo; started: RunStartedEvent | null; history: EpochEvent[]; batches: BatchEvent[]; summary: RunFinishedEvent | null }> {
    const run = await this.record(runId);
    const dir = this.runDir(runId);
    const readLines = async <T,>(file: string, schema: z.ZodType<T>): Promise<T[]> => {
      const out: T[] = [];
      const text = await readFile(join(dir, file), 'utf8').catch(() => '');
      for (const line of text.split('\n')) {
        if (!line) continue;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          continue; // a line cut short by a crash
        }
        const parsed = schema.safeParse(value);
        if (parsed.success) out.push(parsed.data);
      }
      return out;
    };
    const history = await readLines('history.jsonl', EpochEventSchema);
    const batches = thinEvenly(await readLines('batches.jsonl', BatchEventSchema), MAX_LOADED_BATCHES);
    return { run, started: await this.readJson(runId, 'started.json', RunStartedEventSchema), history, batches, summary: await this.readJson(runId, 'finished.json', RunFinishedEventSchema) };
  }

  /**
   * A run's record and its artifacts folder (from the final summary, else the record), for results, predictions and
   * export: unlike `load`, without parsing its history and up to an hour of batch points.
   */
  async artifacts(runId: string): Promise<{ run: RunInfo; dir: string | null }> {
    const run = await this.record(runId);
    const summary = await this.readJson(runId, 'finished.json', RunFinishedEventSchema);
    return { run, dir: summary?.artifactDir ?? run.artifactDir };
  }

  /** Stops every live run (app quitting). */
  stopAll(): void {
    for (const run of this.live.values()) run.proc?.stop();
  }
}
