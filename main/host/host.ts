import { copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
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
} from '../../graph/api/host.js';
import type { TrainingEvent } from '../../graph/api/training.js';
import { describeLoadError, GRAPH_EXTENSION, loadGraph, serializeGraph, type DatasetRef } from '../../graph/document.js';
import { getTemplate, TEMPLATES } from '../../graph/templates/index.js';
import { isWithin, PathAccess } from './access.js';
import { writeFileAtomic } from './atomic-write.js';
import { RecentFiles } from './recent.js';
import { RecoveryStore } from './recovery.js';
import { RunManager, type StartTraining } from './runs.js';
import { describeDataset, listDatasets, previewDataset, validationSampleViews } from './datasets.js';
import type { ValidationPredictions } from '../training/artifacts.js';
import type { Preprocessing } from '../datasets/index.js';

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
}

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

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
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

  constructor(readonly options: HostOptions) {
    this.access = new PathAccess(options.workspaceRoot ? [options.workspaceRoot] : []);
    this.recent = new RecentFiles(options.dataDir);
    this.recovery = new RecoveryStore(options.dataDir);
    this.runs = new RunManager(options.dataDir, options.startTraining ?? defaultStartTraining);
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

  /** Forgets a session (window closed, socket dropped). */
  closeSession(session: HostSession): void {
    const l = this.listeners.get(session);
    if (l) this.runs.unsubscribeAll(l);
    this.listeners.delete(session);
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
      text = await readFile(abs, 'utf8');
    } catch (e) {
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

    'files.startup': async () => {
      let file: OpenedFile | null = null;
      let error: string | null = null;
      if (this.options.initialFile) {
        try {
          file = await this.openFile(resolve(this.options.initialFile));
        } catch (e) {
          error = (e as Error).message;
        }
      }
      return { file, error, recoveries: await this.recovery.list() };
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
      const abs = await this.access.check(path, 'graph file');
      const savedAt = await this.writeGraph(abs, serializeGraph(graph));
      if (docId) await this.recovery.discard(docId);
      return { path, savedAt };
    },

    'files.saveAs': async ({ graph, path, suggestedName, docId, overwrite }) => {
      let target = path;
      if (target === undefined) {
        if (!this.options.dialogs) throw new HostError('unsupported', 'saving in the browser needs a path inside the workspace folder; choose a folder with the file browser and type a name');
        const chosen = await this.options.dialogs.saveGraph(suggestedName ?? `${graph.name || 'Untitled'}.${GRAPH_EXTENSION}`);
        if (!chosen) return null;
        await this.access.grantFile(chosen);
        target = chosen;
      } else {
        if (extname(target) !== `.${GRAPH_EXTENSION}`) throw new HostError('invalid', `'${basename(target)}' must end in .${GRAPH_EXTENSION}`);
        await this.access.check(target, 'graph file');
        if (!overwrite && (await exists(target))) throw new HostError('invalid', `'${basename(target)}' already exists; choose another name or confirm overwriting it`);
      }
      const savedAt = await this.writeGraph(target, serializeGraph(graph));
      if (docId) await this.recovery.discard(docId);
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
    'files.autosave': async ({ docId, path, graph }) => ({ savedAt: await this.recovery.save(docId, path, graph) }),
    'files.discardRecovery': async ({ docId }) => {
      await this.recovery.discard(docId);
      return {};
    },
    'files.listRecoveries': async () => ({ recoveries: await this.recovery.list() }),
    'files.recover': async ({ docId }) => {
      const copy = await this.recovery.load(docId);
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
      const { run, summary } = await this.runs.load(runId);
      const dir = summary?.artifactDir ?? run.artifactDir;
      if (!dir) throw new HostError('notFound', `run '${runId}' saved no results (it may have failed before its first epoch)`);
      // Files written by the training process (RUN_FILES and VALIDATION_FILE of main/training/artifacts.ts, named
      // here so the host does not load the training code); absent ones leave their part empty.
      const read = async <T,>(file: string): Promise<T | null> => JSON.parse(await readFile(join(dir, file), 'utf8').catch(() => 'null')) as T | null;
      const saved = await read<{ confusionMatrix?: { classNames: string[]; matrix: number[][] } | null }>('summary.json');
      const predictions = await read<ValidationPredictions>('validation-predictions.json');
      const preprocessing = await read<Preprocessing>('preprocessing.json');
      return {
        confusion: saved?.confusionMatrix ?? null,
        samples: predictions && preprocessing ? validationSampleViews(preprocessing, predictions.samples) : [],
        regression: predictions?.regression ?? null,
      };
    },

    'export.model': async ({ runId, dir }) => {
      const { run, summary } = await this.runs.load(runId);
      const from = summary?.artifactDir ?? run.artifactDir;
      if (!from) throw new HostError('notFound', `run '${runId}' saved no model (it may have failed before its first epoch)`);
      let target = dir;
      if (target === undefined) {
        if (!this.options.dialogs) throw new HostError('unsupported', 'exporting in the browser needs a folder inside the workspace; choose one with the file browser');
        const chosen = await this.options.dialogs.chooseFolder('Export model to folder');
        if (!chosen) return null;
        await this.access.grantRoot(chosen);
        target = chosen;
      } else await this.access.check(target, 'folder');
      await mkdir(target, { recursive: true });
      const files: string[] = [];
      for (const name of await readdir(from)) {
        const s = await stat(join(from, name));
        if (!s.isFile()) continue;
        await copyFile(join(from, name), join(target, name));
        files.push(name);
      }
      return { dir: target, files };
    },

    'export.code': async ({ graph, language, save, path }) => {
      const { generateCode } = await import('./codegen.js');
      const { code, extension } = await generateCode(graph, language);
      const base = (graph.name || 'model').replace(/[^A-Za-z0-9_-]+/g, '_');
      const fileName = `${base}.${extension}`;
      if (!save) return { code, fileName, path: null };
      let target = path;
      if (target === undefined) {
        if (!this.options.dialogs) throw new HostError('unsupported', 'saving code in the browser needs a path inside the workspace folder');
        const chosen = await this.options.dialogs.saveFile(fileName, extension);
        if (!chosen) return { code, fileName, path: null };
        target = chosen;
      } else await this.access.check(target, 'file');
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
  }
}
