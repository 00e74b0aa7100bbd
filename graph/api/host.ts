import { z } from 'zod';
import { BACKENDS, DatasetRefSchema, GraphSchema, TrainingSchema } from '../document.js';
import { BatchEventSchema, EpochEventSchema, MetricsSchema, RunFinishedEventSchema, RunStartedEventSchema, TrainingEventSchema } from './training.js';

// The host API: every method the renderer may call on the main side and every event the main side pushes.
// Both transports (Electron preload bridge, WebSocket of `tensorloom serve`) carry exactly these messages and
// validate them on both ends. Method names are declared once, here; events are named onX.
//
// File access rule: the renderer never names an arbitrary path. A path is usable only when the user chose it
// (native dialog, the server's file browser inside its workspace root, the recent list, the FILE argument), or it
// is a folder the host owns (app data: autosave, runs). Autosave and recovery address documents by `docId`, not path.

const Path = z.string().min(1).max(4096);
/** A document session id chosen by the renderer (autosave/recovery key); restricted so it can never form a path. */
export const DocIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');
/** A run id; the same restriction as doc ids because it names a folder under the app data folder. */
export const RunIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'must be 1-80 letters, digits, _ or -');

const Empty = z.object({}).strict();

/** A graph file as opened: where it lives and its parsed, migrated document. */
export const OpenedFileSchema = z
  .object({
    path: Path,
    /** File name without folders, for titles and tabs. */
    name: z.string(),
    graph: GraphSchema,
    /** The version the file had on disk before migration, when older than the current one. */
    migratedFrom: z.number().int().nullable(),
  })
  .strict();

/** An entry of the recent-files list. */
export const RecentFileSchema = z.object({ path: Path, name: z.string(), openedAt: z.number(), exists: z.boolean(), /** When the file was last written (ms), if it exists. */ modifiedAt: z.number().optional() }).strict();

/** A recovery copy left by autosave (the app did not close the document cleanly). */
export const RecoverySchema = z
  .object({ docId: DocIdSchema, path: Path.nullable(), name: z.string(), savedAt: z.number() })
  .strict();

/** One entry of the server-side file browser. */
export const BrowseEntrySchema = z.object({ name: z.string(), path: Path, kind: z.enum(['dir', 'graph', 'file']) }).strict();

/** A compute backend and whether this machine can use it. */
export const BackendInfoSchema = z
  .object({
    name: z.enum(BACKENDS),
    available: z.boolean(),
    /** What it would run on, e.g. "CPU (libtensorflow)", "NVIDIA H100 (CUDA)", "WebAssembly SIMD". */
    device: z.string(),
    /** Why it is unavailable, or a caveat. */
    note: z.string().nullable(),
  })
  .strict();

/** A built-in dataset entry of the picker. */
export const DatasetSummarySchema = z.object({ name: z.string(), title: z.string(), description: z.string() }).strict();

/** What a dataset (built-in or the user's) holds: enough to check it against a graph and show it. */
export const DatasetDescriptionSchema = z
  .object({
    name: z.string(),
    task: z.enum(['classification', 'regression', 'languageModel', 'reconstruction']),
    /** Shape of one input sample, without the batch dimension. */
    inputShape: z.array(z.number().int()),
    inputDtype: z.enum(['float32', 'int32']),
    /** Shape of one target before label encoding ([] for one class id). */
    targetShape: z.array(z.number().int()),
    classNames: z.array(z.string()).nullable(),
    vocabSize: z.number().int().nullable(),
    trainSamples: z.number().int(),
    validationSamples: z.number().int(),
  })
  .strict();

/** One sample shown in the dataset preview. */
export const DatasetSampleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('image'), dataUrl: z.string().startsWith('data:image/'), label: z.string().nullable() }).strict(),
  z.object({ kind: z.literal('row'), values: z.record(z.string(), z.union([z.string(), z.number(), z.null()])), label: z.string().nullable() }).strict(),
  z.object({ kind: z.literal('text'), text: z.string(), label: z.string().nullable() }).strict(),
]);

/** A run's status as listed. */
export const RunStatusSchema = z.enum(['running', 'paused', 'completed', 'stopped', 'failed']);

/** A past or current run of a graph: self-contained, so a list entry needs no history to show its figures. */
export const RunInfoSchema = z
  .object({
    runId: RunIdSchema,
    graphPath: Path.nullable(),
    /** The unsaved document the run belongs to (its session id), while graphPath is null; records of older versions lack it. */
    docId: DocIdSchema.nullable().default(null),
    graphName: z.string(),
    startedAt: z.number(),
    status: RunStatusSchema,
    /** Epochs completed. */
    epochs: z.number().int(),
    /** The training settings the run started with (dataset and backend included); null in records of older versions. */
    training: TrainingSchema.nullable().default(null),
    /** Training samples the run was limited to (quick trials), or null for all. */
    limit: z.number().int().nullable().default(null),
    /** The backend and device it trained on, once known. */
    backend: z.string().nullable().default(null),
    device: z.string().nullable().default(null),
    /** Wall time of the whole run as the training process measured it; null while it runs. */
    durationMs: z.number().nullable().default(null),
    /** Metrics of the last epoch, and of the best one (by the early-stopping monitor). */
    finalMetrics: MetricsSchema.nullable().default(null),
    bestMetrics: MetricsSchema.nullable(),
    bestEpoch: z.number().int().nullable().default(null),
    /** Why a failed run failed. */
    reason: z.string().nullable().default(null),
    artifactDir: z.string().nullable(),
  })
  .strict();

/** A finished run's evaluation on its validation split, for the training view's Results tab. */
export const RunResultsSchema = z
  .object({
    /** Classification: counts by true class (rows) and predicted class (columns). */
    confusion: z.object({ classNames: z.array(z.string()), matrix: z.array(z.array(z.number())) }).strict().nullable(),
    /** A few validation samples with the model's prediction (empty when the run did not record them). */
    samples: z.array(z.object({ sample: DatasetSampleSchema, predicted: z.string(), actual: z.string(), correct: z.boolean() }).strict()),
    /** Regression: predicted and actual values of validation samples. */
    regression: z.object({ predicted: z.array(z.number()), actual: z.array(z.number()) }).strict().nullable(),
  })
  .strict();

/** One prediction of a trained model, decoded for people (the training process's `predictRun` result). */
export const PredictionSchema = z.discriminatedUnion('kind', [
  z
    .object({
      input: z.string(),
      kind: z.literal('class'),
      label: z.string(),
      probability: z.number(),
      /** The most likely classes, best first. */
      top: z.array(z.object({ label: z.string(), probability: z.number() }).strict()),
    })
    .strict(),
  z.object({ input: z.string(), kind: z.literal('values'), values: z.array(z.number()) }).strict(),
  z
    .object({
      input: z.string(),
      kind: z.literal('text'),
      /** What the model generated after the prompt. */
      continuation: z.string(),
      /** The most likely next characters after the prompt. */
      next: z.array(z.object({ char: z.string(), probability: z.number() }).strict()),
    })
    .strict(),
]);

/** What to try a trained model on: a file the user dropped or picked (its bytes), or text typed in. */
export const PredictInputSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('file'),
      /** The file's name, for its extension and the read-out; never used as a path. */
      name: z.string().min(1).max(255),
      /** The file's bytes, base64 (at most 16 MB of file). */
      dataBase64: z.string().max(22_000_000),
    })
    .strict(),
  z.object({ kind: z.literal('text'), text: z.string().min(1).max(100_000) }).strict(),
]);

/** A whole template entry of the gallery. */
export const TemplateInfoSchema = z.object({ name: z.string(), title: z.string(), description: z.string(), dataset: z.string().nullable() }).strict();

const req = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R) => ({ params, result });

/**
 * Every method: its params and result schemas. `null` results from dialog-backed methods mean the user cancelled.
 * Paths in params must be ones the user chose (see the file access rule above), else the call fails with code 'forbidden'.
 */
export const HOST_METHODS = {
  /** Version, host kind, backends, and what the host can do (native dialogs or the workspace browser). */
  appInfo: req(
    Empty,
    z
      .object({
        version: z.string(),
        host: z.enum(['electron', 'server']),
        platform: z.string(),
        backends: z.array(BackendInfoSchema),
        nativeDialogs: z.boolean(),
        /** The folder the server's file browser is limited to; null in the desktop app. */
        workspaceRoot: z.string().nullable(),
      })
      .strict(),
  ),
  /** The file the app was started with (command line, OS double-click), and recovery copies to offer. */
  'files.startup': req(Empty, z.object({ file: OpenedFileSchema.nullable(), error: z.string().nullable(), recoveries: z.array(RecoverySchema) }).strict()),
  /** Opens a graph: with a path (recent list, browser entry) or, without one, through the native dialog. */
  'files.open': req(z.object({ path: Path.optional() }).strict(), OpenedFileSchema.nullable()),
  /**
   * Saves over the document's own .tlgraph file, one that was opened or saved before (atomically; the old version and
   * its permissions survive). Any other path is refused: that is Save As.
   */
  'files.save': req(z.object({ path: Path, graph: GraphSchema, docId: DocIdSchema.optional() }).strict(), z.object({ path: Path, savedAt: z.number() }).strict()),
  /**
   * Saves under a new name: the native dialog in the desktop app; in the browser host `path` is required and must
   * lie inside the workspace root (the renderer picks the folder with files.browse and types the name). The name gets
   * the .tlgraph extension when it lacks it; dotfiles are refused; an existing file is replaced only with `overwrite`
   * (the UI asks the user first).
   */
  'files.saveAs': req(
    z.object({ graph: GraphSchema, path: Path.optional(), suggestedName: z.string().max(255).optional(), docId: DocIdSchema.optional(), overwrite: z.boolean().default(false) }).strict(),
    z.object({ path: Path, savedAt: z.number() }).strict().nullable(),
  ),
  /** Lists a folder inside the workspace root (browser host only): sub-folders and graph files. */
  'files.browse': req(z.object({ dir: Path.optional() }).strict(), z.object({ dir: Path, parent: Path.nullable(), entries: z.array(BrowseEntrySchema) }).strict()),
  'files.listRecent': req(Empty, z.object({ files: z.array(RecentFileSchema) }).strict()),
  /** Writes a recovery copy of a modified document into the app data folder (call every few seconds while dirty). */
  'files.autosave': req(z.object({ docId: DocIdSchema, path: Path.nullable(), graph: GraphSchema }).strict(), z.object({ savedAt: z.number() }).strict()),
  /** Drops a document's recovery copy (after a save, or when the user discards it). */
  'files.discardRecovery': req(z.object({ docId: DocIdSchema }).strict(), Empty),
  'files.listRecoveries': req(Empty, z.object({ recoveries: z.array(RecoverySchema) }).strict()),
  /** Loads a recovery copy; the renderer then shows it as a modified document (path = the file it belonged to). */
  'files.recover': req(z.object({ docId: DocIdSchema }).strict(), z.object({ docId: DocIdSchema, path: Path.nullable(), graph: GraphSchema }).strict()),

  'templates.list': req(Empty, z.object({ templates: z.array(TemplateInfoSchema) }).strict()),
  'templates.instantiate': req(z.object({ name: z.string().min(1) }).strict(), z.object({ graph: GraphSchema }).strict()),

  'datasets.list': req(Empty, z.object({ datasets: z.array(DatasetSummarySchema) }).strict()),
  /** Describes a dataset; relative paths resolve against the folder of `graphPath` (which must be a chosen file). */
  'datasets.describe': req(z.object({ dataset: DatasetRefSchema, graphPath: Path.nullable().default(null) }).strict(), DatasetDescriptionSchema),
  'datasets.preview': req(
    z.object({ dataset: DatasetRefSchema, graphPath: Path.nullable().default(null), count: z.number().int().min(1).max(64).default(12) }).strict(),
    z.object({ samples: z.array(DatasetSampleSchema) }).strict(),
  ),

  /** Starts training in its own process; events follow on onRunEvent for subscribers (the caller is subscribed). */
  'runs.start': req(
    z
      .object({
        graph: GraphSchema,
        graphPath: Path.nullable(),
        /** The unsaved document's session id: its runs are listed by it until it is saved (runs.adopt). */
        docId: DocIdSchema.optional(),
        /** Overrides the graph's own training settings. */
        training: TrainingSchema.optional(),
        limit: z.number().int().positive().optional(),
      })
      .strict(),
    z.object({ runId: RunIdSchema }).strict(),
  ),
  'runs.stop': req(z.object({ runId: RunIdSchema }).strict(), Empty),
  'runs.pause': req(z.object({ runId: RunIdSchema }).strict(), Empty),
  'runs.resume': req(z.object({ runId: RunIdSchema }).strict(), Empty),
  /** Runs of one graph file, or with graphPath null of one unsaved document (docId), newest first, including live ones. */
  'runs.list': req(z.object({ graphPath: Path.nullable(), docId: DocIdSchema.optional() }).strict(), z.object({ runs: z.array(RunInfoSchema) }).strict()),
  /** The unsaved document `docId` was saved as `graphPath` (a file the user chose): its runs now belong to the file. */
  'runs.adopt': req(z.object({ docId: DocIdSchema, graphPath: Path }).strict(), z.object({ moved: z.number().int() }).strict()),
  /**
   * A saved run, to draw it as it was: its runStarted event (null when it failed before), per-epoch history, per-batch
   * points (throttled as sent; thinned evenly to at most 20,000 for long runs) and final summary (null while it runs).
   */
  'runs.load': req(
    z.object({ runId: RunIdSchema }).strict(),
    z
      .object({ run: RunInfoSchema, started: RunStartedEventSchema.nullable(), history: z.array(EpochEventSchema), batches: z.array(BatchEventSchema), summary: RunFinishedEventSchema.nullable() })
      .strict(),
  ),
  /** Starts receiving onRunEvent for a run; `replay` holds the events so far so a late tab can draw the whole chart. */
  'runs.subscribe': req(z.object({ runId: RunIdSchema }).strict(), z.object({ replay: z.array(TrainingEventSchema) }).strict()),
  'runs.unsubscribe': req(z.object({ runId: RunIdSchema }).strict(), Empty),
  /** A finished run's evaluation results (confusion matrix, samples); from its artifacts. */
  'runs.results': req(z.object({ runId: RunIdSchema }).strict(), RunResultsSchema),

  /**
   * Tries a finished run's model on one input, encoded with the run's saved preprocessing (image size, CSV columns,
   * vocabulary). Runs in a separate process, never on the host's event loop.
   */
  'runs.predict': req(z.object({ runId: RunIdSchema, input: PredictInputSchema }).strict(), z.object({ predictions: z.array(PredictionSchema) }).strict()),

  /**
   * Copies a run's model artifacts (model.json, weights, metrics.csv, summary.json) to a folder the user chooses. A
   * folder that already holds files is used only with `overwrite` (the UI asks first); hidden folders are refused.
   */
  'export.model': req(z.object({ runId: RunIdSchema, dir: Path.optional(), overwrite: z.boolean().default(false) }).strict(), z.object({ dir: Path, files: z.array(z.string()) }).strict().nullable()),
  /**
   * Generates code for a graph; with `save: true` also writes it where the user chooses: a .ts or .py file (the
   * extension is added when missing), never a dotfile, replacing an existing file only with `overwrite`.
   */
  'export.code': req(
    z.object({ graph: GraphSchema, language: z.enum(['typescript', 'python']), save: z.boolean().default(false), path: Path.optional(), overwrite: z.boolean().default(false) }).strict(),
    z.object({ code: z.string(), fileName: z.string(), path: Path.nullable() }).strict(),
  ),
} as const;

/** Menu commands the desktop shell sends to the renderer (the browser host's UI has its own buttons). */
export const MENU_COMMANDS = [
  'new', 'open', 'save', 'saveAs', 'exportModel', 'exportCode',
  'undo', 'redo', 'cut', 'copy', 'paste', 'delete', 'selectAll',
  'zoomIn', 'zoomOut', 'zoomReset', 'fitView', 'toggleTheme', 'togglePalette', 'toggleInspector', 'toggleTraining',
  'train', 'stop', 'about', 'docs',
] as const;

/** Events the host pushes; payload schemas. */
export const HOST_EVENTS = {
  /** An event of a run this client subscribed to. */
  onRunEvent: z.object({ runId: RunIdSchema, event: TrainingEventSchema }).strict(),
  /** A menu item or accelerator was used (desktop app). */
  onMenuCommand: z.object({ command: z.enum(MENU_COMMANDS) }).strict(),
  /** The OS or a second app instance asked to open a file in this window. */
  onOpenFile: z.object({ file: OpenedFileSchema }).strict(),
} as const;

/** A method name. */
export type HostMethod = keyof typeof HOST_METHODS;
/** A method's params as the caller may write them (defaults not yet applied). */
export type HostParams<M extends HostMethod> = z.input<(typeof HOST_METHODS)[M]['params']>;
/** A method's params after validation. */
export type HostParsedParams<M extends HostMethod> = z.output<(typeof HOST_METHODS)[M]['params']>;
/** A method's result. */
export type HostResult<M extends HostMethod> = z.output<(typeof HOST_METHODS)[M]['result']>;
/** An event name. */
export type HostEvent = keyof typeof HOST_EVENTS;
/** An event's payload. */
export type HostEventPayload<E extends HostEvent> = z.output<(typeof HOST_EVENTS)[E]>;
/** A menu command. */
export type MenuCommand = (typeof MENU_COMMANDS)[number];
/** An opened graph file. */
export type OpenedFile = z.infer<typeof OpenedFileSchema>;
/** A recovery copy. */
export type Recovery = z.infer<typeof RecoverySchema>;
/** A run entry. */
export type RunInfo = z.infer<typeof RunInfoSchema>;
/** A backend entry. */
export type BackendInfo = z.infer<typeof BackendInfoSchema>;
/** A run's evaluation results. */
export type RunResults = z.infer<typeof RunResultsSchema>;
/** One prediction of a trained model. */
export type Prediction = z.infer<typeof PredictionSchema>;
/** An input to try a model on. */
export type PredictInput = z.infer<typeof PredictInputSchema>;
/** A dataset sample for the preview. */
export type DatasetSample = z.infer<typeof DatasetSampleSchema>;
/** A dataset summary. */
export type DatasetSummary = z.infer<typeof DatasetSummarySchema>;
/** A dataset description. */
export type DatasetDescription = z.infer<typeof DatasetDescriptionSchema>;

/** Error codes a call can fail with; `message` is always user-readable. */
export const HOST_ERROR_CODES = ['invalid', 'forbidden', 'notFound', 'unsupported', 'failed'] as const;
/** A failed call's error. */
export const HostErrorSchema = z.object({ code: z.enum(HOST_ERROR_CODES), message: z.string() }).strict();
/** A failed call's error. */
export type HostErrorInfo = z.infer<typeof HostErrorSchema>;

/** An error with a code, thrown by host implementations and rethrown by clients. */
export class HostError extends Error {
  constructor(
    readonly code: HostErrorInfo['code'],
    message: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

// Wire framing shared by the WebSocket and the Electron bridge (both carry JSON-compatible values).

/** A call from the renderer. */
export const WireRequestSchema = z.object({ id: z.number().int().nonnegative(), method: z.string().max(64), params: z.unknown() }).strict();
/** The answer to one call. */
export const WireResponseSchema = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }).strict(),
  z.object({ id: z.number().int(), ok: z.literal(false), error: HostErrorSchema }).strict(),
]);
/** A pushed event. */
export const WireEventSchema = z.object({ event: z.string().max(64), payload: z.unknown() }).strict();
/** Anything the host sends. */
export const WireServerMessageSchema = z.union([WireResponseSchema, WireEventSchema]);
/** A call from the renderer. */
export type WireRequest = z.infer<typeof WireRequestSchema>;
/** A call's answer. */
export type WireResponse = z.infer<typeof WireResponseSchema>;
/** A pushed event. */
export type WireEvent = z.infer<typeof WireEventSchema>;

/** Whether a string names a method. */
export function isHostMethod(name: string): name is HostMethod {
  return Object.prototype.hasOwnProperty.call(HOST_METHODS, name);
}

/** Whether a string names an event. */
export function isHostEvent(name: string): name is HostEvent {
  return Object.prototype.hasOwnProperty.call(HOST_EVENTS, name);
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  return issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
}

/** Validates a method's params; throws HostError('invalid') naming the method and field. */
export function parseParams<M extends HostMethod>(method: M, params: unknown): HostParsedParams<M> {
  const parsed = HOST_METHODS[method].params.safeParse(params ?? {});
  if (!parsed.success) throw new HostError('invalid', `${method}: invalid request (${firstIssue(parsed.error)})`);
  return parsed.data as HostParsedParams<M>;
}

/** Validates a method's result; throws HostError('invalid') when the host broke the contract. */
export function parseResult<M extends HostMethod>(method: M, result: unknown): HostResult<M> {
  const parsed = HOST_METHODS[method].result.safeParse(result);
  if (!parsed.success) throw new HostError('invalid', `${method}: the host sent an invalid answer (${firstIssue(parsed.error)})`);
  return parsed.data as HostResult<M>;
}

/** Validates an event payload; throws HostError('invalid'). */
export function parseEvent<E extends HostEvent>(event: E, payload: unknown): HostEventPayload<E> {
  const parsed = HOST_EVENTS[event].safeParse(payload);
  if (!parsed.success) throw new HostError('invalid', `${event}: invalid event (${firstIssue(parsed.error)})`);
  return parsed.data as HostEventPayload<E>;
}

/** The typed interface both transports implement for the renderer. */
export interface HostClient {
  /** Calls a method; resolves with its validated result or rejects with a HostError. */
  call<M extends HostMethod>(method: M, params: HostParams<M>): Promise<HostResult<M>>;
  /** Listens to an event; returns the function that stops listening. */
  subscribe<E extends HostEvent>(event: E, handler: (payload: HostEventPayload<E>) => void): () => void;
  /** Which host this is. */
  readonly transport: 'electron' | 'websocket';
  /** Tells the desktop shell the window's title and dirty state (title bar, close prompt); no-op in the browser. */
  setDocumentState(state: { name: string; dirty: boolean }): void;
  /**
   * Follows the connection to the host: `reconnecting` while a dropped WebSocket is being re-established (calls wait or
   * fail, run events pause), `connected` again once it is back and run subscriptions are restored. The Electron bridge
   * never drops, so its client never reports.
   */
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

/** The state of a client's connection to its host. */
export type ConnectionState = 'connected' | 'reconnecting';

/** The object the Electron preload script exposes as `window.tensorloom`. */
export interface PreloadBridge {
  /** Sends one wire request; resolves with the wire response. */
  invoke(request: WireRequest): Promise<WireResponse>;
  /** Registers the single listener for pushed wire events. */
  onEvent(listener: (event: WireEvent) => void): void;
  /** Reports title/dirty state to the main process. */
  setDocumentState(state: { name: string; dirty: boolean }): void;
}
