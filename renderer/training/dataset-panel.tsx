import { useEffect, useState } from 'react';
import type { DatasetRef } from '../../graph/document.js';
import { useEditor } from '../store/editor-store.js';
import { formatShape, type Shape } from '../../graph/shape.js';
import { applyFix, chooseDataset, dataStore, refreshDataset, useData } from './controller.js';
import { checkFit } from './compat-check.js';

/** The chosen dataset: facts, preview samples, and its fit with the graph (with one-click fixes). */
export function DatasetPanel() {
  const ref = useEditor((s) => s.graph.training.dataset);
  const graph = useEditor((s) => s.graph);
  const inference = useEditor((s) => s.inference);
  const { description, preview, error, loading, limit } = useData((s) => s);
  useEffect(() => void refreshDataset(), [ref]);
  if (!ref)
    return (
      <div className="tl-data">
        <div className="tl-data-facts">
          <span className="muted">Choose a built-in dataset above, or use your own data:</span>
          <OwnDataForm />
        </div>
      </div>
    );
  const issues = description ? checkFit(graph, inference, description) : [];
  return (
    <div className="tl-data">
      <div className="tl-data-facts">
        {loading && <span className="muted">Reading the dataset…</span>}
        {error && <div className="tl-error">{error}</div>}
        {description && (
          <>
            <div className="tl-section-title">{description.name}</div>
            <dl>
              <dt>Task</dt>
              <dd>{description.task}</dd>
              <dt>Input</dt>
              <dd>
                {formatShape([null, ...description.inputShape] as Shape)} {description.inputDtype}
              </dd>
              <dt>Target</dt>
              <dd>{description.classNames ? `${description.classNames.length} classes` : formatShape([null, ...description.targetShape] as Shape)}</dd>
              {description.vocabSize !== null && (
                <>
                  <dt>Vocabulary</dt>
                  <dd>{description.vocabSize}</dd>
                </>
              )}
              <dt>Samples</dt>
              <dd>
                {description.trainSamples.toLocaleString()} train · {description.validationSamples.toLocaleString()} validation
              </dd>
            </dl>
            <div className="tl-fit" data-testid="dataset-fit">
              {issues.length === 0 ? (
                <div className="tl-ok">✓ Fits the graph</div>
              ) : (
                issues.map((i, k) => (
                  <div key={k} className={i.severity === 'error' ? 'tl-error' : 'tl-warning'} data-testid="fit-issue">
                    {i.message}
                    {i.fix && (
                      <button className="tl-fix" data-testid="fit-fix" onClick={() => applyFix(i)}>
                        {i.fix.label}
                      </button>
                    )}
                  </div>
                ))
              )}
            </div>
          </>
        )}
        <OwnDataForm />
        <label className="tl-field">
          <span>Use only the first N training samples (quick trial; not saved)</span>
          <input
            type="number"
            min={1}
            placeholder="all"
            data-testid="sample-limit"
            value={limit ?? ''}
            onChange={(e) => dataStore.setState({ limit: e.target.value ? Math.max(1, Math.floor(Number(e.target.value))) : null })}
          />
        </label>
      </div>
      <div className="tl-preview" data-testid="dataset-preview">
        {preview?.map((s, i) =>
          s.kind === 'image' ? (
            <figure key={i} className="tl-thumb">
              <img src={s.dataUrl} alt={s.label ?? ''} />
              <figcaption>{s.label}</figcaption>
            </figure>
          ) : s.kind === 'text' ? (
            <div key={i} className="tl-snippet">
              {/* A language model's target is its own text shifted by one character: shown, it read 'ashlee. .ashlee'. */}
              {s.label && description?.task !== 'languageModel' && <b>{s.label}</b>} {s.text.slice(0, 200)}
            </div>
          ) : null,
        )}
        {preview && preview.some((s) => s.kind === 'row') && <PreviewTable rows={preview.filter((s) => s.kind === 'row')} target={ref.kind === 'csv' || ref.kind === 'csvText' ? ref.target : 'label'} />}
        {description?.classNames && <ClassCounts names={description.classNames} labels={preview?.map((s) => s.label) ?? []} />}
      </div>
    </div>
  );
}

/** The first rows of a table; the last column is the target, headed by its column's name. */
function PreviewTable({ rows, target }: { rows: Extract<NonNullable<ReturnType<typeof dataStore.getState>['preview']>[number], { kind: 'row' }>[]; target: string }) {
  const cols = Object.keys(rows[0]?.values ?? {});
  return (
    <table className="tl-table">
      <thead>
        <tr>
          {cols.map((c) => (
            <th key={c}>{c}</th>
          ))}
          <th className="tl-target" title="The target column: what the model learns to predict">
            {target} (target)
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {cols.map((c) => (
              <td key={c}>{String(r.values[c] ?? '')}</td>
            ))}
            <td>{r.label}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ClassCounts({ names, labels }: { names: string[]; labels: (string | null)[] }) {
  const counts = new Map<string, number>();
  for (const l of labels) if (l !== null) counts.set(l, (counts.get(l) ?? 0) + 1);
  return (
    <div className="tl-classes">
      {names.length} classes: {names.slice(0, 20).join(', ')}
      {names.length > 20 ? ', …' : ''}
      {counts.size > 0 && <span className="muted"> (preview: {[...counts].map(([k, v]) => `${k}×${v}`).join(' ')})</span>}
    </div>
  );
}

/** The user's own data: a CSV file, an image folder (one subfolder per class) or a text file. */
function OwnDataForm() {
  const ref = useEditor((s) => s.graph.training.dataset);
  const own = ref && ref.kind !== 'builtin' ? ref : null;
  const [kind, setKind] = useState<Exclude<DatasetRef['kind'], 'builtin'>>(own?.kind ?? 'csv');
  const [path, setPath] = useState(own?.path ?? '');
  const [target, setTarget] = useState(own && 'target' in own ? own.target : '');
  const [textColumn, setTextColumn] = useState(own && own.kind === 'csvText' ? own.textColumn : 'text');
  const [color, setColor] = useState<'rgb' | 'grayscale'>(own && own.kind === 'images' ? own.color : 'rgb');
  const needsTarget = kind === 'csv' || kind === 'csvText';
  const ready = path.trim() !== '' && (!needsTarget || target.trim() !== '');
  const use = () => {
    const p = path.trim();
    const next: DatasetRef =
      kind === 'csv' ? { kind, path: p, target: target.trim() } : kind === 'csvText' ? { kind, path: p, textColumn: textColumn.trim(), target: target.trim() } : kind === 'images' ? { kind, path: p, color } : { kind, path: p };
    chooseDataset(next);
  };
  return (
    <details className="tl-own" open={!!own}>
      <summary>Your own data</summary>
      <div className="tl-own-form">
        <label className="tl-field">
          <span>Kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} data-testid="own-data-kind">
            <option value="csv">CSV table (numeric/categorical columns)</option>
            <option value="csvText">CSV with a text column (text classification)</option>
            <option value="images">Image folder (one subfolder per class)</option>
            <option value="text">Text file (character language model)</option>
          </select>
        </label>
        <label className="tl-field">
          <span>Path (relative to the graph file, or absolute)</span>
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder={kind === 'images' ? 'data/images' : kind === 'text' ? 'data/corpus.txt' : 'data/table.csv'} data-testid="own-data-path" />
        </label>
        {needsTarget && (
          <label className="tl-field">
            <span>Target column</span>
            <input value={target} onChange={(e) => setTarget(e.target.value)} placeholder="label" data-testid="own-data-target" />
          </label>
        )}
        {kind === 'csvText' && (
          <label className="tl-field">
            <span>Text column</span>
            <input value={textColumn} onChange={(e) => setTextColumn(e.target.value)} />
          </label>
        )}
        {kind === 'images' && (
          <label className="tl-field">
            <span>Colour</span>
            <select value={color} onChange={(e) => setColor(e.target.value as 'rgb' | 'grayscale')}>
              <option value="rgb">RGB</option>
              <option value="grayscale">Grayscale</option>
            </select>
          </label>
        )}
        <button disabled={!ready} onClick={use} data-testid="own-data-use">
          Use this data
        </button>
      </div>
    </details>
  );
}
