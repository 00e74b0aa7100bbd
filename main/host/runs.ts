import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HostError, RunInfoSchema, type RunInfo } from '../../graph/api/host.js';
import { EpochEventSchema, RunFinishedEventSchema, type EpochEvent, type RunFinishedEvent, type StartCommand, type TrainingEvent } from '../../graph/api/training.js';
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

interface LiveRun {
  info: RunInfo;
  proc: TrainingProcess | null;
  events: TrainingEvent[];
  batchCount: number;
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

  async start(command: Omit<StartCommand, 'runId' | 'outDir' | 'type'>, graphPath: string | null, listener: Listener): Promise<string> {
    const runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
    const dir = this.runDir(runId);
    await mkdir(dir, { recursive: true });
    const info: RunInfo = {
      runId,
      graphPath,
      graphName: command.graph.name,
      startedAt: Date.now(),
      status: 'running',
      epochs: 0,
      bestMetrics: null,
      artifactDir: null,
    };
    const run: LiveRun = { info, proc: null, events: [], batchCount: 0, listeners: new Set([listener]) };
    this.live.set(runId, run);
    await this.writeInfo(info);
    const start = await this.startTraining();
    let proc: TrainingProcess;
    try {
      proc = await start({ type: 'start', runId, outDir: join(dir, 'artifacts'), ...command });
    } catch (e) {
      this.live.delete(runId);
      await this.writeInfo({ ...info, status: 'failed' });
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
    if (event.type === 'epoch') {
      run.info.epochs = event.epoch + 1;
      await appendFile(join(dir, 'history.jsonl'), `${JSON.stringify(event)}\n`);
    } else if (event.type === 'runFinished') {
      run.info.status = event.status;
      run.info.bestMetrics = event.bestMetrics;
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

  async list(graphPath: string | null): Promise<RunInfo[]> {
    let ids: string[] = [];
    try {
      ids = await readdir(this.dir);
    } catch {
      // No runs yet.
    }
    const infos = await Promise.all(ids.map((id) => this.readInfo(id)));
    // A run record left 'running' by a crashed app is reported as failed rather than forever running.
    return infos
      .filter((i): i is RunInfo => i !== null && i.graphPath === graphPath)
      .map((i) => (this.live.has(i.runId) || (i.status !== 'running' && i.status !== 'paused') ? i : { ...i, status: 'failed' as const }))
      .sort((a, b) => b.startedAt - a.startedAt);
  }

  async load(runId: string): Promise<{ run: RunInfo; history: EpochEvent[]; summary: RunFinishedEvent | null }> {
    const run = await this.readInfo(runId);
    if (!run) throw new HostError('notFound', `there is no run '${runId}'`);
    const dir = this.runDir(runId);
    const history: EpochEvent[] = [];
    const text = await readFile(join(dir, 'history.jsonl'), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line) continue;
      const parsed = EpochEventSchema.safeParse(JSON.parse(line));
      if (parsed.success) history.push(parsed.data);
    }
    let summary: RunFinishedEvent | null = null;
    try {
      const parsed = RunFinishedEventSchema.safeParse(JSON.parse(await readFile(join(dir, 'finished.json'), 'utf8')));
      if (parsed.success) summary = parsed.data;
    } catch {
      // Still running, or the process died before finishing.
    }
    return { run, history, summary };
  }

  /** Stops every live run (app quitting). */
  stopAll(): void {
    for (const run of this.live.values()) run.proc?.stop();
  }
}
