import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import {
  HostError,
  parseParams,
  parseResult,
  type BackendInfo,
  type HostEvent,
  type HostEventPayload,
  type HostMethod,
  type HostParsedParams,
  type HostResult,
  type OpenedFile,
  type Recovery,
  type PredictInput,
  type Prediction,
} from '../../graph/api/host.js';
import type { TrainingEvent } from '../../graph/api/training.js';
import { type BACKENDS, describeLoadError, GRAPH_EXTENSION, loadGraph, serializeGraph, type DatasetRef } from '../../graph/document.js';
import { getTemplate, TEMPLATES } from '../../graph/templates/index.js';
import { isWithin, PathAccess } from './access.js';
import { writeFileAtomic } from './atomic-write.js';
import { RecentFiles } from './recent.js';
import { RecoveryStore } from './recovery.js';
import { RunManager, type StartTraining } from './runs.js';
import { describeDataset, listDatasets, previewDataset, validationSampleViews } from './datasets.js';
import type { ValidationPredictions } from '../training/artifacts.js';
import { sizeOf, type Preprocessing } from '../datasets/index.js';

/** One connected renderer (a window or a browser tab): where pushed events go. */
export interface HostSession {
  send<E extends HostEvent>(event: E, payload: HostEventPayload<E>): void;
}

/** Native dialogs (desktop app only). Each resolves with the chosen path, or null when cancelled. */
export interface HostDialogs {
  openGraph(): Promise<string | null>;
  saveGraph(suggestedName: string): Promise<string | null>;
  chooseFolder(title: string): Promise<string | null>;
  saveFile(suggestedName: string, extension: string): Promise<string | null>;
  /**
   * Asks before replacing something the save dialog did not already ask about (a name the host completed with its
   * extension, a folder that already holds files). Resolves true to replace.
   */
  confirmReplace(message: string, detail: string): Promise<boolean>;
}

/** How a host is set up. */
export interface HostOptions {
  kind: 'electron' | 'server';
  version: string;
  /** The app's own data folder: recent list, recovery copies, runs. */
  dataDir: string;
  /** The folder the server's file browser and saves are limited to (browser host); null in the desktop app. */
  workspaceRoot: string | null;
  /** A file given on the command line (or by the OS): opened at startup and allowed. */
  initialFile?: string | null;
  dialogs?: HostDialogs;
  /** Starts training processes; defaults to the engine's child-process runner. */
  startTraining?: () => Promise<StartTraining>;
  /** Backend availability; defaults to the engine's listBackends. */
  listBackends?: () => Promise<BackendInfo[]>;
  /** Runs a trained model on inputs in another process; defaults to the engine's child-process predictor. */
  predict?: Predictor;
}

/** Predictions of a run folder's model for inputs (paths the host wrote, or literal prompts), off the event loop. */
export type Predictor = (request: { dir: string; inputs: string[]; backend: (typeof BACKENDS)[number] }) => Promise<Prediction[]>;

let sharedPredictor: import('../training/predict-process.js').PredictionProcess | null = null;
const defaultPredict: Predictor = async (request) => {
  const { PredictionProcess } = await import('../training/predict-process.js');
  sharedPredictor ??= new PredictionProcess();
  return sharedPredictor.predict(request);
};

/** Predictions shown for one input at most (a CSV file gives one per row). */
const MAX_PREDICTIONS = 100;

type Handler<M extends HostMethod> = (params: HostParsedParams<M>, session: HostSession) => Promise<HostResult<M>>;

const defaultStartTraining = async (): Promise<StartTraining> => {
  const { startTrainingProcess } = await import('../training/run-process.js');
  return (cmd) => startTrainingProcess(cmd);
};

const defaultListBackends = async (): Promise<BackendInfo[]> => {
  const { listBackends } = await import('../training/backends.js');
  const list = await listBackends();
  return list.map((b) => ({ name: b.backend, available: b.available, device: b.device ?? '', note: b.reason ?? null }));
};

/** Graph files larger than this are refused before reading (a graph of thousands of layers is a few MB). */
const MAX_GRAPH_BYTES = 64 * 1024 * 1024;

/** `path` with `.ext` appended unless it already ends with it (case-insensitive), so a save never writes another kind of file. */
export function withExtension(path: string, ext: string): string {
  return path.toLowerCase().endsWith(`.${ext.toLowerCase()}`) ? path : `${path}.${ext}`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function folderHasFiles(dir: string): Promise<boolean> {
  return readdir(dir).then(
    (names) => names.length > 0,
    () => false,
  );
}

/**
 * A JSON file the training process wrote into a run folder (RUN_FILES and VALIDATION_FILE of
 * main/training/artifacts.ts, named here so the host does not load the training code), or null when absent.
 */
async function readRunFile<T>(dir: string, file: string): Promise<T | null> {
  return JSON.parse(await readFile(join(dir, file), 'utf8').catch(() => 'null')) as T | null;
}

function ioMessage(e: unknown, path: string, verb: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : code === 'ENOSPC' ? 'the disk is full' : (e as Error).message;
  return `cannot ${verb} '${path}': ${why}`;
}

/**
 * The host API, independent of transport: the Electron IPC handler and the WebSocket server both feed requests to
 * `handle`, which validates params, applies the file access rule, runs the method and validates the result.
 */
export class Host {
  readonly access: PathAccess;
  readonly recent: RecentFiles;
  readonly recovery: RecoveryStore;
  readonly runs: RunManager;
  private readonly listeners = new Map<HostSession, (runId: string, event: TrainingEvent) => void>();
  private ready: Promise<void>;
  private backends: Promise<BackendInfo[]> | null = null;
  /** Recovery copies whose document is open in a connected window or tab, by docId: not offered to the others. */
  private readonly liveDocs = new Map<string, HostSession>();
  /** The file the next `files.startup` opens (command line, OS); taken once so later windows start empty. */
  private startupFile: string | null;

  constructor(readonly options: HostOptions) {
    this.access = new PathAccess(options.workspaceRoot ? [options.workspaceRoot] : []);
    this.recent = new RecentFiles(options.dataDir);
    this.recovery = new RecoveryStore(options.dataDir);
    this.runs = new RunManager(options.dataDir, options.startTraining ?? defaultStartTraining);
    this.startupFile = options.initialFile ? resolve(options.initialFile) : null;
    this.ready = this.init();
  }

  private async init(): Promise<void> {
    await mkdir(this.options.dataDir, { recursive: true });
    // Paths the user chose in earlier sessions stay reachable through the recent list.
    for (const p of await this.recent.paths()) await this.access.grantFile(p);
    if (this.options.initialFile) await this.access.grantFile(resolve(this.options.initialFile));
  }

  private listenerFor(session: HostSession): (runId: string, event: TrainingEvent) => void {
    let l = this.listeners.get(session);
    if (!l) {
      l = (runId, event) => session.send('onRunEvent', { runId, event });
      this.listeners.set(session, l);
    }
    return l;
  }

  /** Forgets a session (window closed, socket dropped); its recovery copies are offered again at the next start. */
  closeSession(session: HostSession): void {
    const l = this.listeners.get(session);
    if (l) this.runs.unsubscribeAll(l);
    this.listeners.delete(session);
    for (const [docId, s] of this.liveDocs) if (s === session) this.liveDocs.delete(docId);
  }

  /** Drops the recovery copies of a session's documents: the user closed its window choosing not to save. */
  async discardSessionRecoveries(session: HostSession): Promise<void> {
    for (const [docId, s] of [...this.liveDocs]) if (s === session) await this.dropRecovery(docId);
  }

  /** Makes `path` the file the next window opens at its start (a file opened by the OS while no window is open). */
  async setStartupFile(path: string): Promise<void> {
    await this.ready;
    const abs = resolve(path);
    await this.access.grantFile(abs);
    this.startupFile = abs;
  }

  /** Refuses a call about the document `docId` when another window or tab has it open (its recovery copy is that one's). */
  private refuseIfOpenElsewhere(docId: string, session: HostSession, message: string): void {
    const owner = this.liveDocs.get(docId);
    if (owner && owner !== session) throw new HostError('invalid', message);
  }

  private async dropRecovery(docId: string): Promise<void> {
    this.liveDocs.delete(docId);
    await this.recovery.discard(docId);
  }

  /**
   * Recovery copies to offer `session`: not those of documents open in another window or tab, and one per file (the
   * newest; older copies of the same file are superseded and removed, so the start screen never lists a file twice).
   */
  private async recoveriesFor(session: HostSession): Promise<Recovery[]> {
    const seen = new Set<string>();
    const out: Recovery[] = [];
    for (const r of await this.recovery.list()) {
      const owner = this.liveDocs.get(r.docId);
      if (owner && owner !== session) continue;
      if (r.path !== null) {
        if (seen.has(r.path)) {
          if (!owner) await this.recovery.discard(r.docId);
          continue;
        }
        seen.add(r.path);
      }
      out.push(r);
    }
    return out;
  }

  /** Validates and runs one call. Throws HostError with a user-readable message. */
  async handle(method: string, params: unknown, session: HostSession): Promise<unknown> {
    await this.ready;
    if (!Object.prototype.hasOwnProperty.call(this.handlers, method)) throw new HostError('invalid', `unknown method '${method}'`);
    const m = method as HostMethod;
    const parsed = parseParams(m, params);
    const handler = this.handlers[m] as unknown as (p: unknown, s: HostSession) => Promise<unknown>;
    let result: unknown;
    try {
      result = await handler(parsed, session);
    } catch (e) {
      if (e instanceof HostError) throw e;
      throw new HostError('failed', `${method}: ${(e as Error).message}`);
    }
    return parseResult(m, result);
  }

  /** Reads and parses a graph file the user may access. */
  async openFile(path: string): Promise<OpenedFile> {
    const abs = await this.access.check(path, 'graph file');
    let text: string;
    try {
      const s = await stat(abs);
      if (s.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
      if (s.size > MAX_GRAPH_BYTES) throw new HostError('invalid', `'${basename(path)}' is not a Tensorloom graph: it is ${Math.round(s.size / 1024 / 1024)} MB, far larger than any graph file`);
      text = await readFile(abs, 'utf8');
    } catch (e) {
      if (e instanceof HostError) throw e;
      throw new HostError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'notFound' : 'failed', ioMessage(e, path, 'open'));
    }
    const loaded = loadGraph(text);
    if (!loaded.ok) throw new HostError('invalid', describeLoadError(basename(path), loaded.error));
    let migratedFrom: number | null = null;
    try {
      const v = (JSON.parse(text) as { version?: unknown }).version;
      if (typeof v === 'number' && v < loaded.graph.version) migratedFrom = v;
    } catch {
      // loadGraph already parsed it.
    }
    await this.access.grantFile(abs);
    await this.recent.add(path);
    return { path, name: basename(path), graph: loaded.graph, migratedFrom };
  }

  private async writeGraph(path: string, text: string): Promise<number> {
    try {
      await writeFileAtomic(path, text);
    } catch (e) {
      throw new HostError('failed', `${ioMessage(e, path, 'save')}; the previous version of the file is unchanged`);
    }
    await this.access.grantFile(path);
    await this.recent.add(path);
    return Date.now();
  }

  private async baseDirOf(graphPath: string | null): Promise<string | null> {
    if (!graphPath) return null;
    return dirname(await this.access.check(graphPath, 'graph file'));
  }

  /**
   * A dataset's files may be read only inside the graph's folder, the workspace, or granted folders. Returns the folder
   * relative dataset paths resolve against, the same one the check used (graph folder, else the workspace root).
   */
  private async checkDataset(ref: DatasetRef, graphPath: string | null): Promise<string | null> {
    const baseDir = (await this.baseDirOf(graphPath)) ?? this.options.workspaceRoot;
    if (ref.kind === 'builtin') return baseDir;
    const full = resolve(baseDir ?? '/nonexistent', ref.path);
    // The graph's folder may be a home folder: keep dataset reads to data files, never dotfiles such as ~/.ssh.
    const shown = baseDir !== null && isWithin(resolve(baseDir), full) ? relative(resolve(baseDir), full) : full;
    if (shown.split(/[\\/]/).some((seg) => seg.startsWith('.') && seg !== '.' && seg !== '..'))
      throw new HostError('forbidden', `dataset path '${ref.path}' goes through a hidden file or folder; move the data to a visible folder`);
    const allowed = ref.kind === 'images' ? null : ['.csv', '.tsv', '.txt', '.text', '.md'];
    if (allowed && !allowed.includes(extname(full).toLowerCase()))
      throw new HostError('forbidden', `dataset file '${ref.path}' must be a ${ref.kind === 'text' ? '.txt' : '.csv'} file (or one of ${allowed.join(', ')})`);
    if (baseDir !== null && (await new PathAccess([baseDir]).allows(full))) return baseDir;
    await this.access.check(full, 'dataset');
    return baseDir;
  }

  /**
   * Turns a dropped file or typed text into predictRun inputs for a model with this preprocessing. Files (and typed
   * text that predictRun would otherwise try as a path) are written into a folder the host owns, so the training
   * code never reads a path the renderer named.
   */
  private async predictInputs(pre: Preprocessing, input: PredictInput, scratch: string): Promise<string[]> {
    const ext = input.kind === 'file' ? extname(input.name).toLowerCase() : '';
    const bytes = input.kind === 'file' ? Buffer.from(input.dataBase64, 'base64') : null;
    const text = bytes ? bytes.toString('utf8') : input.kind === 'text' ? input.text : '';
    const write = async (name: string, data: Buffer | string): Promise<string> => {
      await mkdir(scratch, { recursive: true });
      const p = join(scratch, name);
      await writeFile(p, data);
      return p;
    };
    const want = (what: string) => new HostError('invalid', `this model takes ${what}; ${input.kind === 'file' ? `'${input.name}' is not one` : 'typed text is not one'}`);
    if (pre.image) {
      const size = `${pre.image.width}×${pre.image.height}${pre.image.channels === 1 ? ' grayscale' : ' colour'}`;
      if (!bytes || !['.png', '.jpg', '.jpeg'].includes(ext)) throw want(`images (drop a PNG or JPEG; it is resized to ${size})`);
      return [await write(`input${ext}`, bytes)];
    }
    if (pre.columns) {
      const header = pre.columns.map((c) => c.name).join(',');
      if (bytes) {
        if (ext !== '.csv') throw want(`CSV rows with the columns ${header} (drop a .csv file with a header row, or type one row)`);
        return [await write('input.csv', bytes)];
      }
      return [await write('input.csv', `${header}\n${text.trim().split(/\r?\n/)[0]}\n`)];
    }
    if (pre.words) {
      if (bytes && !['.txt', '.text', '.md', '.csv'].includes(ext)) throw want('text (drop a .txt file or type some)');
      return [await write('input.txt', text)];
    }
    if (pre.chars) {
      if (bytes && !['.txt', '.text', '.md'].includes(ext)) throw want('a text prompt (drop a .txt file or type one)');
      const prompt = text.replace(/\s+$/, '');
      if (!prompt) throw new HostError('invalid', 'the prompt is empty; type a few characters to continue');
      return [prompt];
    }
    // Plain numeric features (iris, sine): the first line of numbers.
    if (bytes && !['.txt', '.csv'].includes(ext)) throw want(`${sizeOf(pre.inputShape)} numbers (type them separated by commas)`);
    const line = text.split(/\r?\n/).find((l) => /\d/.test(l)) ?? text;
    return [line.trim()];
  }

  /**
   * A name from the native save dialog with `ext` added when it lacks it. The dialog asked about replacing the name
   * it returned, not the completed one, so that is asked here; null when the user keeps the existing file.
   */
  private async completeChosenName(chosen: string, ext: string, doing: string): Promise<string | null> {
    const target = withExtension(chosen, ext);
    if (target === chosen || !(await exists(target))) return target;
    return (await this.options.dialogs!.confirmReplace(`'${basename(target)}' already exists. Replace it?`, `${doing} will replace ${target}.`)) ? target : null;
  }

  private readonly handlers: { [M in HostMethod]: Handler<M> } = {
    appInfo: async () => ({
      version: this.options.version,
      host: this.options.kind,
      platform: process.platform,
      // Probing backends loads TensorFlow.js and may run nvidia-smi; the answer does not change while the app runs.
      backends: await (this.backends ??= (this.options.listBackends ?? defaultListBackends)().catch((e: Error) => {
        this.backends = null;
        throw e;
      })),
      nativeDialogs: Boolean(this.options.dialogs),
      workspaceRoot: this.options.workspaceRoot,
    }),

    'files.startup': async (_p, session) => {
      let file: OpenedFile | null = null;
      let error: string | null = null;
      const initial = this.startupFile;
      this.startupFile = null;
      if (initial) {
        try {
          file = await this.openFile(initial);
        } catch (e) {
          error = (e as Error).message;
        }
      }
      return { file, error, recoveries: await this.recoveriesFor(session) };
    },

    'files.open': async ({ path }) => {
      if (path === undefined) {
        if (!this.options.dialogs) throw new HostError('unsupported', 'there is no file dialog in the browser; pick a file from the workspace browser (files.browse) or the recent list');
        const chosen = await this.options.dialogs.openGraph();
        if (!chosen) return null;
        await this.access.grantFile(chosen);
        return this.openFile(chosen);
      }
      return this.openFile(path);
    },

    'files.save': async ({ path, graph, docId }) => {
      // Save writes back the document's own file; anything else (a new name, another kind of file) is Save As, which
      // checks the extension and asks before replacing.
      if (extname(path).toLowerCase() !== `.${GRAPH_EXTENSION}`)
        throw new HostError('invalid', `'${basename(path)}' is not a .${GRAPH_EXTENSION} file, so Save will not write over it; use Save As to save the graph as a .${GRAPH_EXTENSION} file`);
      if (!(await this.access.isChosenFile(path)))
        throw new HostError('forbidden', `'${basename(path)}' was not opened or saved in this app, so Save will not write over it; use Save As to choose where to save`);
      const abs = await this.access.check(path, 'graph file');
      const savedAt = await this.writeGraph(abs, serializeGraph(graph));
      if (docId) await this.dropRecovery(docId);
      return { path, savedAt };
    },

    'files.saveAs': async ({ graph, path, suggestedName, docId, overwrite }) => {
      let target: string;
      if (path === undefined) {
        if (!this.options.dialogs) throw new HostError('unsupported', 'saving in the browser needs a path inside the workspace folder; choose a folder with the file browser and type a name');
        const chosen = await this.options.dialogs.saveGraph(suggestedName ?? `${graph.name || 'Untitled'}.${GRAPH_EXTENSION}`);
        if (!chosen) return null;
        const completed = await this.completeChosenName(chosen, GRAPH_EXTENSION, 'Saving the graph');
        if (!completed) return null;
        target = completed;
        await this.access.grantFile(target);
      } else {
        target = withExtension(path, GRAPH_EXTENSION);
        await this.access.check(target, 'graph file');
        if (!overwrite && (await exists(target))) throw new HostError('invalid', `'${basename(target)}' already exists; choose another name or confirm replacing it`);
      }
      const savedAt = await this.writeGraph(target, serializeGraph(graph));
      if (docId) await this.dropRecovery(docId);
      return { path: target, savedAt };
    },

    'files.browse': async ({ dir }) => {
      const root = this.options.workspaceRoot;
      if (!root) throw new HostError('unsupported', 'the file browser is only available in the browser host; use File > Open');
      const target = dir ?? resolve(root);
      const abs = await this.access.check(target, 'folder');
      let names: import('node:fs').Dirent[];
      try {
        names = await readdir(abs, { withFileTypes: true });
      } catch (e) {
        throw new HostError('notFound', ioMessage(e, target, 'list'));
      }
      const entries = names
        .filter((d) => !d.name.startsWith('.'))
        .map((d) => ({ name: d.name, path: join(target, d.name), kind: d.isDirectory() ? ('dir' as const) : d.name.endsWith(`.${GRAPH_EXTENSION}`) ? ('graph' as const) : ('file' as const) }))
        .sort((a, b) => (a.kind === 'dir' ? 0 : 1) - (b.kind === 'dir' ? 0 : 1) || a.name.localeCompare(b.name));
      const parent = resolve(target) === resolve(root) ? null : dirname(target);
      return { dir: target, parent, entries };
    },

    'files.listRecent': async () => ({ files: await this.recent.list() }),
    'files.autosave': async ({ docId, path, graph }, session) => {
      this.refuseIfOpenElsewhere(docId, session, `recovery copy '${docId}' belongs to a document open in another window`);
      this.liveDocs.set(docId, session);
      return { savedAt: await this.recovery.save(docId, path, graph) };
    },
    'files.discardRecovery': async ({ docId }, session) => {
      this.refuseIfOpenElsewhere(docId, session, `recovery copy '${docId}' belongs to a document open in another window`);
      await this.dropRecovery(docId);
      return {};
    },
    'files.listRecoveries': async (_p, session) => ({ recoveries: await this.recoveriesFor(session) }),
    'files.recover': async ({ docId }, session) => {
      this.refuseIfOpenElsewhere(docId, session, `that unsaved work is open in another window; switch to it there`);
      const copy = await this.recovery.load(docId);
      // The restored document continues under the copy's docId: its autosaves replace the copy, and saving or
      // discarding it removes the copy, so it is not offered again.
      this.liveDocs.set(docId, session);
      // The recovered document belonged to a file the user had open, so saving back to it stays allowed.
      if (copy.path) await this.access.grantFile(copy.path);
      return { docId: copy.docId, path: copy.path, graph: copy.graph };
    },

    'templates.list': async () => ({
      templates: TEMPLATES.map((t) => {
        const ds = t.build().training.dataset;
        return { name: t.name, title: t.title, description: t.description, dataset: ds?.kind === 'builtin' ? ds.name : null };
      }),
    }),
    'templates.instantiate': async ({ name }) => {
      const t = getTemplate(name);
      if (!t) throw new HostError('notFound', `there is no template '${name}'; choose one of ${TEMPLATES.map((x) => x.name).join(', ')}`);
      return { graph: t.build() };
    },

    'datasets.list': async () => ({ datasets: await listDatasets() }),
    'datasets.describe': async ({ dataset, graphPath }) => describeDataset(dataset, await this.checkDataset(dataset, graphPath)),
    'datasets.preview': async ({ dataset, graphPath, count }) => ({ samples: await previewDataset(dataset, await this.checkDataset(dataset, graphPath), count) }),

    'runs.start': async ({ graph, graphPath, docId, training, limit }, session) => {
      const settings = training ?? graph.training;
      const dataset = settings.dataset;
      if (!dataset) throw new HostError('invalid', `graph '${graph.name}' has no dataset; choose one in the training panel before training`);
      const baseDir = await this.checkDataset(dataset, graphPath);
      const runId = await this.runs.start(
        { graph, training: settings, dataset, baseDir, backend: settings.backend, ...(limit !== undefined ? { limit } : {}) },
        { graphPath, docId: docId ?? null },
        this.listenerFor(session),
      );
      return { runId };
    },
    'runs.stop': async ({ runId }) => (this.runs.stop(runId), {}),
    'runs.pause': async ({ runId }) => (this.runs.pause(runId), {}),
    'runs.resume': async ({ runId }) => (this.runs.resume(runId), {}),
    'runs.list': async ({ graphPath, docId }) => ({ runs: await this.runs.list(graphPath, docId ?? null) }),
    'runs.adopt': async ({ docId, graphPath }) => {
      await this.access.check(graphPath, 'graph file');
      return { moved: await this.runs.adopt(docId, graphPath) };
    },
    'runs.load': async ({ runId }) => this.runs.load(runId),
    'runs.subscribe': async ({ runId }, session) => ({ replay: this.runs.subscribe(runId, this.listenerFor(session)) }),
    'runs.unsubscribe': async ({ runId }, session) => {
      this.runs.unsubscribe(runId, this.listenerFor(session));
      return {};
    },
    'runs.results': async ({ runId }) => {
      const { dir } = await this.runs.artifacts(runId);
      if (!dir) throw new HostError('notFound', `run '${runId}' saved no results (it may have failed before its first epoch)`);
      // Absent files leave their part empty.
      const saved = await readRunFile<{ confusionMatrix?: { classNames: string[]; matrix: number[][] } | null }>(dir, 'summary.json');
      const predictions = await readRunFile<ValidationPredictions>(dir, 'validation-predictions.json');
      const preprocessing = await readRunFile<Preprocessing>(dir, 'preprocessing.json');
      return {
        confusion: saved?.confusionMatrix ?? null,
        samples: predictions && preprocessing ? validationSampleViews(preprocessing, predictions.samples) : [],
        regression: predictions?.regression ?? null,
      };
    },

    'runs.predict': async ({ runId, input }) => {
      const { run, dir } = await this.runs.artifacts(runId);
      if (!dir || run.status === 'failed' || !(await exists(join(dir, 'model.json'))))
        throw new HostError('notFound', `run '${runId}' saved no model to try (it ${run.status === 'failed' ? 'failed' : run.status === 'running' || run.status === 'paused' ? 'is still running' : 'saved no weights'})`);
      const pre = await readRunFile<Preprocessing>(dir, 'preprocessing.json');
      if (!pre) throw new HostError('notFound', `run '${runId}' kept no preprocessing, so inputs cannot be encoded the way it was trained`);
      const scratch = join(this.runs.dir, runId, `predict-${randomBytes(4).toString('hex')}`);
      try {
        const inputs = await this.predictInputs(pre, input, scratch);
        let predictions: Prediction[];
        try {
          predictions = await (this.options.predict ?? defaultPredict)({ dir, inputs, backend: run.training?.backend ?? 'auto' });
        } catch (e) {
          throw new HostError('failed', `could not run the model: ${(e as Error).message}`);
        }
        // Inputs written to the scratch folder read as the user's file name.
        const shown = input.kind === 'file' ? input.name : input.text.length > 60 ? `${input.text.slice(0, 57)}...` : input.text;
        // Rows of a CSV keep their line number ('table.csv:3'); everything else reads as what the user gave.
        const relabel = (label: string) => {
          const row = input.kind === 'file' ? /\.csv:(\d+)$/.exec(label)?.[1] : undefined;
          return row ? `${shown}:${row}` : shown;
        };
        return { predictions: predictions.slice(0, MAX_PREDICTIONS).map((p) => ({ ...p, input: relabel(p.input) })) };
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },

    'export.model': async ({ runId, dir, overwrite }) => {
      const { dir: from } = await this.runs.artifacts(runId);
      if (!from) throw new HostError('notFound', `run '${runId}' saved no model (it may have failed before its first epoch)`);
      let target: string;
      let confirmed = overwrite;
      if (dir === undefined) {
        if (!this.options.dialogs) throw new HostError('unsupported', 'exporting in the browser needs a folder inside the workspace; choose one with the file browser');
        const chosen = await this.options.dialogs.chooseFolder('Export model to folder');
        if (!chosen) return null;
        if (!confirmed && (await folderHasFiles(chosen))) {
          if (!(await this.options.dialogs.confirmReplace(`'${basename(chosen)}' already contains files. Export into it anyway?`, 'Files with the same names (model.json, weights, metrics) will be replaced.'))) return null;
          confirmed = true;
        }
        await this.access.grantRoot(chosen);
        target = chosen;
      } else target = await this.access.check(dir, 'folder');
      const names: string[] = [];
      for (const name of await readdir(from)) if ((await stat(join(from, name))).isFile()) names.push(name);
      const existing = await stat(target).catch(() => null);
      if (existing && !existing.isDirectory()) throw new HostError('invalid', `'${basename(target)}' is a file, not a folder; choose a folder to export the model into`);
      if (!confirmed && (await folderHasFiles(target)))
        throw new HostError('invalid', `the folder '${basename(target)}' is not empty; choose an empty or new folder, or confirm replacing the files in it`);
      try {
        await mkdir(target, { recursive: true });
        // Atomic writes replace a symlink planted in the folder instead of writing through it.
        for (const name of names) await writeFileAtomic(join(target, name), await readFile(join(from, name)));
      } catch (e) {
        throw new HostError('failed', ioMessage(e, target, 'export the model to'));
      }
      return { dir: target, files: names };
    },

    'export.code': async ({ graph, language, save, path, overwrite }) => {
      const { generateCode } = await import('./codegen.js');
      const { code, extension } = await generateCode(graph, language);
      const base = (graph.name || 'model').replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+(?=.)/, '');
      const fileName = `${base}.${extension}`;
      if (!save) return { code, fileName, path: null };
      let target: string;
      if (path === undefined) {
        if (!this.options.dialogs) throw new HostError('unsupported', 'saving code in the browser needs a path inside the workspace folder');
        const chosen = await this.options.dialogs.saveFile(fileName, extension);
        if (!chosen) return { code, fileName, path: null };
        const completed = await this.completeChosenName(chosen, extension, 'Exporting the code');
        if (!completed) return { code, fileName, path: null };
        target = completed;
      } else {
        // Only source files of the chosen language: never a shell profile, a config file or anything that runs.
        target = withExtension(path, extension);
        await this.access.check(target, 'file');
        if (!overwrite && (await exists(target))) throw new HostError('invalid', `'${basename(target)}' already exists; choose another name or confirm replacing it`);
      }
      try {
        await writeFileAtomic(target, code);
      } catch (e) {
        throw new HostError('failed', ioMessage(e, target, 'write'));
      }
      return { code, fileName, path: target };
    },
  };

  /** Stops live runs (quitting). */
  dispose(): void {
    this.runs.stopAll();
    sharedPredictor?.close();
  }
}
