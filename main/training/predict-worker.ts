// The prediction process: tries trained runs' models on inputs with the engine's own predictRun (each run's saved
// preprocessing encodes them), so TensorFlow.js never runs on the host's event loop. Forked by predict-process.ts
// (or started as an Electron utilityProcess). It answers requests one at a time and stays up while its parent
// keeps it (a user trying several files pays for loading TensorFlow.js once).
import { predictRun } from './evaluate.js';
import { PredictReplySchema, PredictRequestSchema, type PredictReply, type PredictRequest } from './predict-protocol.js';

type ParentPort = { on(event: 'message', listener: (e: { data: unknown }) => void): void; postMessage(message: unknown): void };
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function reply(message: PredictReply): void {
  // Checked on the way out too: a bug here is a clear failure, not a confused host.
  const checked = PredictReplySchema.parse(message);
  if (parentPort) parentPort.postMessage(checked);
  else process.send!(checked);
}

let queue: Promise<void> = Promise.resolve();

async function handle(request: PredictRequest): Promise<void> {
  try {
    reply({ type: 'result', id: request.id, predictions: await predictRun(request.dir, request.inputs, { backend: request.backend }) });
  } catch (e) {
    reply({ type: 'error', id: request.id, message: (e as Error)?.message ?? String(e) });
  }
}

function onMessage(raw: unknown): void {
  const parsed = PredictRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
    reply({ type: 'error', id, message: `invalid prediction request (${parsed.error.issues[0]?.message ?? 'unknown problem'})` });
    return;
  }
  queue = queue.then(() => handle(parsed.data));
}

if (parentPort) parentPort.on('message', (e) => onMessage(e.data));
else if (process.send) {
  process.on('message', onMessage);
  process.on('disconnect', () => process.exit(0));
} else {
  process.stderr.write('prediction worker: start me from predict-process.ts (needs an IPC channel)\n');
  process.exit(2);
}
