import type { DatasetDescription, DatasetSample, DatasetSummary, HostClient, Prediction, RunInfo } from '../../graph/api/host.js';
import type { TrainingEvent } from '../../graph/api/training.js';
import type { DatasetRef, TrainingSettings } from '../../graph/document.js';
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { currentRecoveryId } from '../app/commands.js';
import { editorStore } from '../store/editor-store.js';
import { askChoice } from '../store/ui-store.js';
import { checkFit, type FitIssue } from './compat-check.js';
import { isActive } from './run-state.js';
import { datasetLabel, trainingStore } from './training-store.js';

// Host calls of the training view: start/stop/pause/resume, run lists and histories, datasets, export.
// The store stays free of I/O; components call these.

let host: HostClient | null = null;
let offEvents: (() => void) | null = null;
/** Events of runs whose id is not known yet (runs.start has not answered): replayed when it does. */
const early = new Map<string, TrainingEvent[]>();
const subscribed = new Set<string>();

const ts = () => trainingStore.getState();
const ed = () => editorStore.getState();

/**
 * The key of the open document's runs while it is unsaved: its recovery-copy id, new for each document opened (so
 * no unsaved graph lists another's runs) and kept by a document restored after a crash, so its runs come back with it.
 */
function documentKey(): string {
  return currentRecoveryId();
}

/** Where the open document's runs are listed: its file, or its document key while unsaved. */
function runOwner(): { graphPath: string | null; docId?: string } {
  const path = ed().filePath;
  return path ? { graphPath: path } : { graphPath: null, docId: documentKey() };
}

/** Whose runs a list holds (TrainingViewState.listedFor): the file, or `doc:<key>` for an unsaved document. */
function listKey(owner: ReturnType<typeof runOwner>): string {
  return owner.graphPath ?? `doc:${owner.docId}`;
}

/** Dataset picker state (session only). */
export interface DataState {
  datasets: DatasetSummary[] | null;
  /** Key of the dataset the rest describes (JSON of the ref). */
  key: string | null;
  description: DatasetDescription | null;
  preview: DatasetSample[] | null;
  error: string | null;
  loading: boolean;
  /** Use only this many training samples (quick trials); not saved in the graph. */
  limit: number | null;
}

/** The dataset picker's store. */
export const dataStore = createStore<DataState>()(() => ({ datasets: null, key: null, description: null, preview: null, error: null, loading: false, limit: null }));

/** Reads the data store. */
export function useData<T>(selector: (s: DataState) => T): T {
  return useStore(dataStore, selector);
}

/** Connects the training view to a host: run events, backends, datasets. Idempotent. */
export function connectTraining(client: HostClient | null): void {
  if (!client || client === host) return;
  offEvents?.();
  host = client;
  offEvents = client.subscribe('onRunEvent', ({ runId, event }) => {
    if (ts().runs[runId]) ts().dispatch(runId, event);
    else {
      const list = early.get(runId) ?? [];
      list.push(event);
      early.set(runId, list);
    }
  });
  client.call('appInfo', {}).then((info) => ts().set({ backends: info.backends }), () => undefined);
  client.call('datasets.list', {}).then(
    (r) => dataStore.setState({ datasets: r.datasets }),
    (e: Error) => dataStore.setState({ error: `Could not list the built-in datasets: ${e.message}` }),
  );
}

function notice(text: string, kind: 'info' | 'error' = 'info', blocker = false): void {
  ts().set({ notice: { text, kind, blocker } });
}

// A "cannot train" notice goes away by itself once the graph and data fit (a one-click fix, an edit, another dataset).
editorStore.subscribe((s, prev) => {
  if (s.graph !== prev.graph || s.inference !== prev.inference) clearSolvedBlocker();
});
dataStore.subscribe((s, prev) => {
  if (s.description !== prev.description) clearSolvedBlocker();
});
function clearSolvedBlocker(): void {
  const n = ts().notice;
  if (n?.blocker && dataStore.getState().description && trainBlocker() === null) ts().set({ notice: null });
}

/** Writes the graph's training settings (saved with the graph file) as one undoable edit. */
export function editTraining(patch: Partial<TrainingSettings>, label = 'Change training settings'): void {
  const s = ed();
  const from = s.graph.training;
  const to = { ...from, ...patch };
  if (JSON.stringify(from) === JSON.stringify(to)) return;
  s.apply([{ kind: 'setTraining', from, to }], label);
}

/** Applies a compatibility fix (editor changes, one undo step). */
export function applyFix(issue: FitIssue): void {
  if (issue.fix) ed().apply(issue.fix.changes, issue.fix.label);
}

const refKey = (ref: DatasetRef | null): string | null => (ref ? JSON.stringify(ref) : null);

let loadingDataset: Promise<void> | null = null;

/** Loads the description and preview of the graph's dataset when it changed. */
export function refreshDataset(force = false): Promise<void> {
  const key = refKey(ed().graph.training.dataset);
  if (!force && key === dataStore.getState().key) return loadingDataset ?? Promise.resolve();
  const p = loadDataset();
  loadingDataset = p;
  void p.finally(() => {
    if (loadingDataset === p) loadingDataset = null;
  });
  return p;
}

async function loadDataset(): Promise<void> {
  const ref = ed().graph.training.dataset;
  const key = refKey(ref);
  dataStore.setState({ key, description: null, preview: null, error: null, loading: ref !== null });
  if (!ref || !host) return;
  const graphPath = ed().filePath;
  try {
    const [description, preview] = await Promise.all([
      host.call('datasets.describe', { dataset: ref, graphPath }),
      host.call('datasets.preview', { dataset: ref, graphPath, count: 16 }).catch(() => ({ samples: [] as DatasetSample[] })),
    ]);
    if (dataStore.getState().key !== key) return;
    dataStore.setState({ description, preview: preview.samples, loading: false });
  } catch (e) {
    if (dataStore.getState().key !== key) return;
    dataStore.setState({ error: (e as Error).message, loading: false });
  }
}

/** Chooses a dataset (writes the graph's training.dataset). */
export function chooseDataset(ref: DatasetRef | null): void {
  const before = ed().graph.training.dataset;
  editTraining({ dataset: ref }, ref ? `Train on ${ref.kind === 'builtin' ? ref.name : ref.path}` : 'Clear the dataset');
  // Progress, latest values and curves of a run on the other dataset would read as this dataset's: show none until
  // the user trains or picks a run in the list (a live run stays in view, so it can still be stopped).
  const t = ts();
  const cur = t.currentRunId ? t.runs[t.currentRunId] : null;
  if (refKey(before) !== refKey(ref) && cur && !(cur.source === 'live' && isActive(cur.state))) t.set({ currentRunId: null, selected: [] });
  void refreshDataset();
}

/** Compatibility problems of the current graph with the described dataset. */
export function currentFit(): FitIssue[] {
  const d = dataStore.getState().description;
  if (!d) return [];
  const s = ed();
  return checkFit(s.graph, s.inference, d);
}

/** Why Train cannot start now, or null. */
export function trainBlocker(): string | null {
  const s = ed();
  if (!s.graph.training.dataset) return 'Choose a dataset to train on first.';
  const graphErrors = s.inference.diagnostics.filter((d) => d.severity === 'error');
  if (graphErrors.length) {
    const d = graphErrors[0]!;
    const node = d.nodeId ? s.graph.nodes.find((n) => n.id === d.nodeId) : null;
    return `The graph has ${graphErrors.length} error${graphErrors.length > 1 ? 's' : ''}; fix ${graphErrors.length > 1 ? 'them' : 'it'} first: ${node ? `${node.name}: ` : ''}${d.message}`;
  }
  const fit = currentFit().filter((i) => i.severity === 'error');
  if (fit.length) return fit.map((i) => i.message).join('\n');
  return null;
}

/** Starts a run of the current graph with its settings. Shows why when it cannot. */
export async function startTraining(): Promise<string | null> {
  if (!host) return null;
  const current = ts().currentRunId ? ts().runs[ts().currentRunId!] : null;
  if (current && isActive(current.state) && current.source === 'live') return null;
  // The fit check needs the dataset's description: wait for it when the dataset was just chosen.
  await refreshDataset();
  const blocker = trainBlocker();
  if (blocker) {
    notice(blocker, 'error', true);
    return null;
  }
  const s = ed();
  const settings = s.graph.training;
  const limit = dataStore.getState().limit;
  ts().set({ starting: true, notice: null });
  try {
    const { runId } = await host.call('runs.start', { graph: s.graph, ...runOwner(), ...(limit ? { limit } : {}) });
    ts().addRun(runId, { settings, limit, datasetName: datasetLabel(settings), startedAt: Date.now() });
    subscribed.add(runId);
    const pending = early.get(runId);
    early.delete(runId);
    if (pending) ts().replay(runId, pending);
    ts().set({ tab: 'curves' });
    return runId;
  } catch (e) {
    notice(`Could not start training: ${(e as Error).message}`, 'error');
    return null;
  } finally {
    ts().set({ starting: false });
  }
}

async function control(method: 'runs.stop' | 'runs.pause' | 'runs.resume', runId: string): Promise<void> {
  if (!host) return;
  try {
    await host.call(method, { runId });
    if (method === 'runs.pause') ts().dispatch(runId, { type: 'paused', at: Date.now() });
    if (method === 'runs.resume') ts().dispatch(runId, { type: 'resumed', at: Date.now() });
  } catch (e) {
    notice(`Could not ${method.slice(5)} the run: ${(e as Error).message}`, 'error');
  }
}

export const stopRun = (runId: string) => control('runs.stop', runId);
export const pauseRun = (runId: string) => control('runs.pause', runId);
export const resumeRun = (runId: string) => control('runs.resume', runId);

/** Lists the runs of the open graph (its file path); subscribes to ones still running elsewhere. */
export async function refreshRuns(): Promise<void> {
  if (!host) return;
  const owner = runOwner();
  const key = listKey(owner);
  let runs: RunInfo[];
  try {
    runs = (await host.call('runs.list', owner)).runs;
  } catch (e) {
    notice(`Could not list the runs: ${(e as Error).message}`, 'error');
    return;
  }
  // Another document may have been opened while the list was on its way.
  if (listKey(runOwner()) !== key) return;
  ts().setListed(runs, key);
  for (const r of runs) {
    if (r.status === 'running' || r.status === 'paused') void follow(r.runId);
  }
}

/** Subscribes to a live run started elsewhere (another tab) and draws it from its replay. */
async function follow(runId: string): Promise<void> {
  if (!host || subscribed.has(runId)) return;
  subscribed.add(runId);
  try {
    const { replay } = await host.call('runs.subscribe', { runId });
    ts().addRun(runId, { current: false });
    ts().replay(runId, replay);
  } catch {
    subscribed.delete(runId);
  }
}

/** Loads the saved history of runs that only have their list entry. */
export async function loadHistories(runIds: readonly string[]): Promise<void> {
  if (!host) return;
  for (const id of runIds) {
    const e = ts().runs[id];
    if (!e || e.source !== 'listed') continue;
    try {
      const r = await host.call('runs.load', { runId: id });
      ts().setHistory(id, r);
    } catch (err) {
      notice(`Could not load run ${id}: ${(err as Error).message}`, 'error');
    }
  }
}

/**
 * The unsaved document was saved as a file: its runs follow it (so they are listed with the file from now on, in
 * this window and after a reload). Called when the editor's filePath goes from null to a path for the same document.
 */
export async function adoptRuns(graphPath: string): Promise<void> {
  if (!host) return;
  try {
    await host.call('runs.adopt', { docId: documentKey(), graphPath });
  } catch (e) {
    notice(`Could not move the runs to ${graphPath}: ${(e as Error).message}`, 'error');
  }
  await refreshRuns();
}

/** Loads a finished run's evaluation results when the host offers them. */
export async function loadResults(runId: string): Promise<void> {
  if (!host) return;
  const existing = ts().results[runId];
  if (existing && existing !== 'loading' && !('error' in existing)) return;
  ts().setResults(runId, 'loading');
  try {
    ts().setResults(runId, await host.call('runs.results', { runId }));
  } catch (e) {
    ts().setResults(runId, { error: (e as Error).message });
  }
}

/** The largest file the Results tab sends to try a model on (the host API's limit). */
const MAX_PREDICT_FILE_BYTES = 16 * 1024 * 1024;

function base64Of(bytes: Uint8Array): string {
  let out = '';
  // btoa takes a binary string; build it in chunks so big images do not overflow the argument list.
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(out);
}

/** Tries a finished run's model on a file the user dropped or picked, or on typed text. Throws with a readable message. */
export async function predict(runId: string, input: File | string): Promise<Prediction[]> {
  if (!host) throw new Error('not connected to the host');
  if (typeof input === 'string') return (await host.call('runs.predict', { runId, input: { kind: 'text', text: input } })).predictions;
  if (input.size > MAX_PREDICT_FILE_BYTES) throw new Error(`'${input.name}' is ${(input.size / 1e6).toFixed(1)} MB; files up to 16 MB can be tried`);
  const dataBase64 = base64Of(new Uint8Array(await input.arrayBuffer()));
  return (await host.call('runs.predict', { runId, input: { kind: 'file', name: input.name, dataBase64 } })).predictions;
}

/** Exports a run's model (tfjs artifacts) to a folder: the native dialog, or `dir` in the browser host. */
export async function exportModel(runId: string, dir?: string): Promise<void> {
  if (!host) return;
  try {
    const r = await host.call('export.model', { runId, ...(dir ? { dir } : {}) }).catch(async (e: Error) => {
      // The host never writes into a folder that holds files without being told to: ask first, like a desktop app.
      if (!dir || !/is not empty/.test(e.message)) throw e;
      const answer = await askChoice(`The folder already contains files. Export into it anyway?`, `${dir}: files with the same names (model.json, weights, metrics) will be replaced.`, [
        { id: 'replace', label: 'Replace', kind: 'danger' },
        { id: 'cancel', label: 'Cancel' },
      ]);
      return answer === 'replace' ? host!.call('export.model', { runId, dir, overwrite: true }) : null;
    });
    if (r) notice(`Exported ${r.files.length} files to ${r.dir}`);
  } catch (e) {
    notice(`Could not export the model: ${(e as Error).message}`, 'error');
  }
}

/** Generates the graph's code; with `save` (or a path) the host also writes it: to `path`, or where its dialog asks. */
export async function exportCode(language: 'typescript' | 'python', path?: string, save = path !== undefined): Promise<{ code: string; fileName: string; path: string | null } | null> {
  if (!host) return null;
  try {
    const r = await host.call('export.code', { graph: ed().graph, language, save, ...(path ? { path } : {}) });
    if (r.path) notice(`Saved ${r.fileName} to ${r.path}`);
    return r;
  } catch (e) {
    notice(`Could not export the code: ${(e as Error).message}`, 'error');
    return null;
  }
}

/** The workspace root of the browser host (export folders must lie inside it), or null in the desktop app. */
export async function workspaceRoot(): Promise<string | null> {
  if (!host) return null;
  const info = await host.call('appInfo', {}).catch(() => null);
  return info && !info.nativeDialogs ? info.workspaceRoot : null;
}
