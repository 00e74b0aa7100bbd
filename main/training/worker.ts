// The training process. Forked by run-process.ts (CLI, `tensorloom serve`) as a Node child process,
// or started as an Electron utilityProcess; it reads commands from its parent, runs one training run,
// streams events back, and exits.
import { TrainingCommandSchema, TrainingEventSchema, type TrainingEvent } from '../../graph/api/training.js';
import { runTraining, RunControl } from './trainer.js';

type ParentPort = { on(event: 'message', listener: (e: { data: unknown }) => void): void; postMessage(message: unknown): void };
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(event: TrainingEvent): void {
  // Validated on the way out too, so a bug here shows up as a clear failure rather than a confused host.
  const checked = TrainingEventSchema.parse(event);
  if (parentPort) parentPort.postMessage(checked);
  else if (process.send) lastSend = new Promise<void>((resolve) => process.send!(checked, undefined, {}, () => resolve()));
}

let lastSend: Promise<void> = Promise.resolve();

const control = new RunControl();
let started = false;

async function exitWhenFlushed(code: number): Promise<void> {
  if (parentPort) {
    setTimeout(() => process.exit(code), 50);
    return;
  }
  // process.send is asynchronous: exit only once the last event (runFinished) has been written.
  await lastSend;
  process.exit(code);
}

function onMessage(raw: unknown): void {
  const parsed = TrainingCommandSchema.safeParse(raw);
  if (!parsed.success) {
    process.stderr.write(`training worker: ignored an invalid command: ${parsed.error.issues[0]?.message ?? 'unknown problem'}\n`);
    return;
  }
  const cmd = parsed.data;
  switch (cmd.type) {
    case 'start':
      if (started) {
        process.stderr.write('training worker: ignored a second start command; each run gets its own process\n');
        return;
      }
      started = true;
      void runTraining(cmd, { emit: send, control }).then(
        (finished) => exitWhenFlushed(finished.status === 'failed' ? 1 : 0),
        (e: unknown) => {
          process.stderr.write(`training worker: ${(e as Error).stack ?? String(e)}\n`);
          void exitWhenFlushed(1);
        },
      );
      return;
    case 'stop':
      control.stop();
      return;
    case 'pause':
      control.pause();
      return;
    case 'resume':
      control.resume();
  }
}

if (parentPort) parentPort.on('message', (e) => onMessage(e.data));
else if (process.send) {
  process.on('message', onMessage);
  // The host went away: nobody is listening, so stop rather than train an orphaned run.
  process.on('disconnect', () => process.exit(1));
  // Ctrl-C in a terminal reaches the whole process group; the parent turns it into a stop command so the run still saves.
  process.on('SIGINT', () => undefined);
} else {
  process.stderr.write('training worker: start me from run-process.ts (needs an IPC channel)\n');
  process.exit(2);
}
