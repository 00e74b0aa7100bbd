import { useEffect } from 'react';
import { getHost } from '../app/commands.js';
import { useEditor } from '../store/editor-store.js';
import { promptText } from '../store/ui-store.js';
import { chartNames, shownXMode } from './chart-lines.js';
import { connectTraining, exportCode, exportModel, refreshDataset, refreshRuns, workspaceRoot } from './controller.js';
import { DatasetPanel } from './dataset-panel.js';
import { LiveChart } from './live-chart.js';
import { BackendBadge, DatasetSelect, LatestValues, ProgressBar, RunButtons, RunLog } from './run-controls.js';
import { RunsList } from './runs-list.js';
import { ResultsPanel } from './results-panel.js';
import { SettingsForm } from './settings-form.js';
import { trainingStore, useTraining, type TrainingViewState } from './training-store.js';
import type { HostClient } from '../../graph/api/host.js';
import './training.css';

const TABS: [TrainingViewState['tab'], string][] = [
  ['curves', 'Curves'],
  ['data', 'Data'],
  ['settings', 'Settings'],
  ['results', 'Results'],
];

function download(name: string, text: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Exports a run's model: the native folder dialog, or a folder inside the workspace in the browser (also File > Export). */
export async function onExportModel(runId: string): Promise<void> {
  const root = await workspaceRoot();
  if (root === null) return exportModel(runId);
  // Browser host: no native dialog; the folder must lie inside the served workspace.
  const dir = await promptText('Export the trained model (tfjs artifacts) to this folder', `${root.replace(/[\\/]$/, '')}/exports/${runId}`);
  if (dir) await exportModel(runId, dir);
}

/** Exports the graph as code: the native save dialog in the desktop app, a download in the browser (also File > Export). */
export async function onExportCode(language: 'typescript' | 'python'): Promise<void> {
  if (getHost()?.transport === 'electron') {
    await exportCode(language, undefined, true);
    return;
  }
  const r = await exportCode(language);
  if (r) download(r.fileName, r.code);
}

function ExportButtons() {
  const runId = useTraining((s) => s.currentRunId);
  const canExport = useTraining((s) => {
    const e = s.currentRunId ? s.runs[s.currentRunId] : null;
    // A failed run keeps its settings and history but saved no model.
    return !!e && e.state.phase !== 'failed' && (e.state.finished?.artifactDir ?? e.info?.artifactDir ?? null) !== null;
  });
  return (
    <div className="tl-buttons">
      <button data-testid="export-button" disabled={!canExport || !runId} onClick={() => runId && void onExportModel(runId)} title="Save the trained model as tfjs artifacts (model.json + weights)">
        ⤓ Model
      </button>
      <button data-testid="export-code-ts" onClick={() => void onExportCode('typescript')} title="The graph as TensorFlow.js code">
        TS
      </button>
      <button data-testid="export-code-py" onClick={() => void onExportCode('python')} title="The graph as Keras code">
        Py
      </button>
    </div>
  );
}

function CurvesTab() {
  const names = useTraining((s) => chartNames(s).join(','));
  // The toggle shows the axis actually drawn: a run saved without batch points can only be drawn per epoch.
  const xMode = useTraining(shownXMode);
  const batchless = useTraining((s) => s.xMode === 'step' && xMode === 'epoch');
  const smoothing = useTraining((s) => s.smoothing);
  const set = trainingStore.getState().set;
  return (
    <div className="tl-curves">
      <div className="tl-charts-col">
        <div className="tl-chart-controls">
          <div className="tl-seg">
            <button
              className={xMode === 'step' ? 'on' : ''}
              data-testid="x-step"
              disabled={batchless}
              title={batchless ? 'A shown run was saved without per-batch points (an older version); only per-epoch values can be drawn' : 'x = batches trained'}
              onClick={() => set({ xMode: 'step' })}
            >
              Per batch
            </button>
            <button className={xMode === 'epoch' ? 'on' : ''} data-testid="x-epoch" title="x = epochs; one point per epoch" onClick={() => set({ xMode: 'epoch' })}>
              Per epoch
            </button>
          </div>
          <label className="tl-field inline" title="Exponential moving average of the per-batch values, as in TensorBoard (0 = raw)">
            <span>Smoothing</span>
            <input type="range" min={0} max={0.99} step={0.01} value={smoothing} data-testid="smoothing" disabled={xMode === 'epoch'} onChange={(e) => set({ smoothing: Number(e.target.value) })} />
            <span className="num">{smoothing.toFixed(2)}</span>
          </label>
          <span className="muted small tl-hint" title="Drag across a chart to zoom into that range; double-click to zoom back out. Ctrl-click (or tick) runs in the list to overlay them.">
            Drag to zoom, double-click to reset
          </span>
        </div>
        <div className="tl-charts">
          {names.split(',').map((n) => (
            <LiveChart key={n} name={n} />
          ))}
        </div>
        <RunLog />
      </div>
      <RunsList />
    </div>
  );
}

/** The reason as a sentence: capitalised, ending with a full stop, so the note after it reads as its own sentence. */
function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  return `${t[0]!.toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
}

function RunError() {
  const entry = useTraining((s) => (s.currentRunId ? s.runs[s.currentRunId] : null));
  if (!entry?.state.error) return null;
  return (
    <div className="tl-run-error" data-testid="run-error">
      <b>Run failed:</b> {sentence(entry.state.error)}
      <span className="tl-run-error-note"> The graph and earlier runs are unchanged.</span>
    </div>
  );
}

function Notice() {
  const notice = useTraining((s) => s.notice);
  if (!notice) return null;
  return (
    <div className={`tl-notice ${notice.kind}`} data-testid={notice.kind === 'error' ? 'training-notice-error' : 'training-notice'}>
      <span>{notice.text}</span>
      <button className="tl-close" onClick={() => trainingStore.getState().set({ notice: null })} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}

/** The training panel: dataset, controls, live curves, runs, results. `host` is the app's host client. */
export function TrainingPanel({ host }: { host: HostClient | null }) {
  const tab = useTraining((s) => s.tab);
  const current = useTraining((s) => (s.currentRunId ? s.runs[s.currentRunId]! : null));
  const filePath = useEditor((s) => s.filePath);
  const graphName = useEditor((s) => s.graph.name);
  useEffect(() => connectTraining(host), [host]);
  useEffect(() => {
    void refreshRuns();
    void refreshDataset(true);
  }, [filePath, graphName, host]);
  const set = trainingStore.getState().set;
  return (
    <div className="tl-panel" data-testid="training-panel">
      <div className="tl-toolbar">
        <DatasetSelect />
        <RunButtons />
        <ProgressBar state={current?.state ?? null} />
        <BackendBadge state={current?.state ?? null} />
        <ExportButtons />
      </div>
      <RunError />
      <Notice />
      <div className="tl-subtabs">
        {TABS.map(([id, title]) => (
          <button key={id} className={tab === id ? 'on' : ''} data-testid={`training-tab-${id}`} onClick={() => set({ tab: id })}>
            {title}
          </button>
        ))}
        <span className="spacer" />
        <LatestValues state={current?.state ?? null} />
      </div>
      <div className="tl-body">
        {tab === 'curves' && <CurvesTab />}
        {tab === 'data' && <DatasetPanel />}
        {tab === 'settings' && <SettingsForm />}
        {tab === 'results' && <ResultsPanel />}
      </div>
    </div>
  );
}
