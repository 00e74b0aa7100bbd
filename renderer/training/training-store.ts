import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { BackendInfo, RunInfo, RunResults } from '../../graph/api/host.js';
import { savedRunEvents, type SavedRun } from '../host/client.js';
import type { TrainingSettings } from '../../graph/document.js';
import { initialRunState, reduceRun, replayRun, type RunAction, type RunState } from './run-state.js';

// The training view's own store: runs and their folded state, chart options, dataset picker state. Session state
// only (DESIGN.md convention 5); the training settings themselves live in the document (editor store).

/** Colours for runs, distinct on light and dark backgrounds (Tableau 10). */
export const RUN_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac'];

/** One run as listed and charted. */
export interface RunEntry {
  runId: string;
  /** From runs.list, when the host knows it. */
  info: RunInfo | null;
  state: RunState;
  /** `live`: events stream in; `history`: loaded from its saved events; `listed`: only the list entry so far. */
  source: 'live' | 'history' | 'listed';
  /** Settings the run was started with (from its list entry; null only for records of older versions). */
  settings: TrainingSettings | null;
  /** Training samples it was limited to, or null for all. */
  limit: number | null;
  datasetName: string | null;
  color: string;
  startedAt: number;
}

/** Evaluation results of a finished run, shown in the Results tab. */
export type { RunResults };

/** Everything the training view holds. */
export interface TrainingViewState {
  runs: Readonly<Record<string, RunEntry>>;
  /** Run ids newest first. */
  order: readonly string[];
  /** The run the toolbar controls and the charts follow (the newest started here). */
  currentRunId: string | null;
  /** Runs overlaid for comparison; empty = just the current run. */
  selected: readonly string[];
  xMode: 'step' | 'epoch';
  smoothing: number;
  /** Log scale per chart name (`loss`, `acc`, ...). */
  logScale: Readonly<Record<string, boolean>>;
  tab: 'curves' | 'data' | 'settings' | 'results' | 'runs';
  backends: BackendInfo[] | null;
  /** Whose runs are listed: the graph's path, or `doc:<key>` for an unsaved document; undefined before the first list. */
  listedFor: string | null | undefined;
  /** Results by run id: loaded, loading, or an error message. */
  results: Readonly<Record<string, RunResults | 'loading' | { error: string }>>;
  /** A message for the toolbar (export finished, start refused). */
  notice: { text: string; kind: 'info' | 'error'; /** Says why Train cannot start; cleared once that is solved. */ blocker?: boolean } | null;
  /** Run being started (button disabled meanwhile). */
  starting: boolean;
}

/** Store actions; host calls live in controller.ts. */
export interface TrainingViewActions {
  /** Adds a run started here (or found live) and makes it current. */
  addRun(runId: string, opts: { settings?: TrainingSettings | null; limit?: number | null; datasetName?: string | null; startedAt?: number; info?: RunInfo | null; current?: boolean }): void;
  /** Folds an event or UI action into a run. */
  dispatch(runId: string, action: RunAction): void;
  /** Folds many events at once (a subscription replay). */
  replay(runId: string, actions: readonly RunAction[]): void;
  /** Sets a run's listed info, keeping its state. */
  setListed(runs: readonly RunInfo[], listedFor: string | null): void;
  /** Loads a past run's saved events (runs.load) into its state. */
  setHistory(runId: string, loaded: SavedRun): void;
  toggleSelected(runId: string, multi: boolean): void;
  setResults(runId: string, r: RunResults | 'loading' | { error: string }): void;
  set(p: Partial<TrainingViewState>): void;
}

/** The store's full type. */
export type TrainingStoreState = TrainingViewState & TrainingViewActions;

/** Creates a training store (one per window; tests make their own). */
export function createTrainingStore() {
  return createStore<TrainingStoreState>()((set, get) => {
    const colorFor = (): string => RUN_COLORS[get().order.length % RUN_COLORS.length]!;
    return {
      runs: {},
      order: [],
      currentRunId: null,
      selected: [],
      xMode: 'step',
      smoothing: 0.6,
      logScale: {},
      tab: 'curves',
      backends: null,
      listedFor: undefined,
      results: {},
      notice: null,
      starting: false,
      addRun(runId, opts) {
        const s = get();
        const existing = s.runs[runId];
        const entry: RunEntry = existing
          ? { ...existing, settings: opts.settings ?? existing.settings, limit: opts.limit ?? existing.limit, datasetName: opts.datasetName ?? existing.datasetName, info: opts.info ?? existing.info, source: 'live' }
          : {
              runId,
              info: opts.info ?? null,
              state: initialRunState(runId),
              source: 'live',
              settings: opts.settings ?? opts.info?.training ?? null,
              limit: opts.limit ?? opts.info?.limit ?? null,
              datasetName: opts.datasetName ?? null,
              color: colorFor(),
              startedAt: opts.startedAt ?? Date.now(),
            };
        set({
          runs: { ...s.runs, [runId]: entry },
          order: existing ? s.order : [runId, ...s.order],
          currentRunId: opts.current === false ? s.currentRunId : runId,
          // A new run replaces a single-run view but joins an existing comparison.
          selected: opts.current === false || s.selected.length < 2 ? s.selected.filter((id) => id !== runId && s.runs[id]) : [...s.selected, runId],
        });
      },
      dispatch(runId, action) {
        const s = get();
        const e = s.runs[runId];
        if (!e) return;
        const state = reduceRun(e.state, action);
        if (state === e.state) return;
        set({ runs: { ...s.runs, [runId]: { ...e, state } } });
      },
      replay(runId, actions) {
        const s = get();
        const e = s.runs[runId];
        if (!e) return;
        let state = e.state;
        for (const a of actions) state = reduceRun(state, a);
        set({ runs: { ...s.runs, [runId]: { ...e, state } } });
      },
      setListed(list, listedFor) {
        const s = get();
        const runs: Record<string, RunEntry> = {};
        // Runs of other graphs drop out of the view; live ones of this window stay.
        for (const id of s.order) {
          const e = s.runs[id];
          if (e && e.source === 'live' && (s.listedFor === listedFor || s.listedFor === undefined)) runs[id] = e;
        }
        let i = Object.keys(runs).length;
        for (const info of list) {
          // Run ids are unique, so an entry already here is the same run (e.g. a document just saved, whose runs followed it).
          const prev = runs[info.runId] ?? s.runs[info.runId];
          runs[info.runId] = prev
            ? { ...prev, info, state: prev.source === 'listed' ? listedState(info) : prev.state, settings: prev.settings ?? info.training, limit: prev.limit ?? info.limit, datasetName: prev.datasetName ?? datasetLabel(info.training) }
            : {
                runId: info.runId,
                info,
                state: listedState(info),
                source: 'listed',
                settings: info.training,
                limit: info.limit,
                datasetName: datasetLabel(info.training),
                color: RUN_COLORS[i++ % RUN_COLORS.length]!,
                startedAt: info.startedAt,
              };
        }
        const order = Object.values(runs)
          .sort((a, b) => b.startedAt - a.startedAt)
          .map((e) => e.runId);
        // Colours follow the run number (#1 = oldest), so a run keeps its colour across reloads.
        order.forEach((id, k) => {
          const color = RUN_COLORS[(order.length - 1 - k) % RUN_COLORS.length]!;
          if (runs[id]!.color !== color) runs[id] = { ...runs[id]!, color };
        });
        // Another document: its newest run is current. The same one: keep "no run shown" (e.g. after a dataset change).
        const currentRunId = s.currentRunId && runs[s.currentRunId] ? s.currentRunId : s.listedFor !== listedFor ? (order[0] ?? null) : null;
        set({ runs, order, listedFor, currentRunId, selected: s.selected.filter((id) => runs[id]) });
      },
      setHistory(runId, loaded) {
        const s = get();
        const e = s.runs[runId];
        if (!e || e.source === 'live') return;
        set({ runs: { ...s.runs, [runId]: { ...e, state: loadedRunState(runId, e.state, loaded), source: 'history' } } });
      },
      toggleSelected(runId, multi) {
        const s = get();
        if (!multi) {
          set({ selected: [], currentRunId: runId });
          return;
        }
        const base = s.selected.length ? s.selected : s.currentRunId ? [s.currentRunId] : [];
        const next = base.includes(runId) ? base.filter((id) => id !== runId) : [...base, runId];
        set({ selected: next.length === 1 ? [] : next, currentRunId: next.length === 1 ? next[0]! : s.currentRunId });
      },
      setResults(runId, r) {
        set({ results: { ...get().results, [runId]: r } });
      },
      set: (p) => set(p),
    };
  });
}

/** The dataset of a run's settings as a short label ('mnist', 'data/table.csv'). */
export function datasetLabel(t: TrainingSettings | null | undefined): string | null {
  const ds = t?.dataset;
  return ds ? (ds.kind === 'builtin' ? ds.name : ds.path) : null;
}

function listedState(info: RunInfo): RunState {
  const s = initialRunState(info.runId);
  return { ...s, phase: info.status === 'running' ? 'running' : info.status, firstTime: info.startedAt, error: info.status === 'failed' ? (info.reason ?? 'the run failed without giving a reason') : null };
}

/** A run's state rebuilt from its saved events, through the same reducer as live. */
function loadedRunState(runId: string, prev: RunState, loaded: SavedRun): RunState {
  const s = replayRun(runId, savedRunEvents(loaded));
  // Without a summary (the app closed mid-run) the list entry knows best how it ended.
  return loaded.summary ? s : { ...s, phase: prev.phase, error: prev.error, firstTime: s.firstTime ?? prev.firstTime };
}

/** The app's training store. */
export const trainingStore = createTrainingStore();

/** Reads the training store through a selector. */
export function useTraining<T>(selector: (s: TrainingStoreState) => T): T {
  return useStore(trainingStore, selector);
}

/** Runs shown on the charts: the comparison selection, else the current run. */
export function shownRunIds(s: TrainingViewState): string[] {
  if (s.selected.length > 0) return s.selected.filter((id) => s.runs[id]);
  return s.currentRunId && s.runs[s.currentRunId] ? [s.currentRunId] : [];
}
