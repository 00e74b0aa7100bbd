import { useEffect } from 'react';
import { useEditor } from '../store/editor-store.js';
import { formatShape, type Shape } from '../../graph/shape.js';
import { applyFix, dataStore, refreshDataset, useData } from './controller.js';
import { checkFit } from './compat-check.js';

/** The chosen dataset: facts, preview samples, and its fit with the graph (with one-click fixes). */
export function DatasetPanel() {
  const ref = useEditor((s) => s.graph.training.dataset);
  const graph = useEditor((s) => s.graph);
  const inference = useEditor((s) => s.inference);
  const { description, preview, error, loading, limit } = useData((s) => s);
  useEffect(() => void refreshDataset(), [ref]);
  if (!ref) return <div className="tl-pad muted">Choose a dataset above to see its samples and whether it fits this graph.</div>;
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
              {s.label && <b>{s.label}</b>} {s.text.slice(0, 200)}
            </div>
          ) : null,
        )}
        {preview && preview.some((s) => s.kind === 'row') && <PreviewTable rows={preview.filter((s) => s.kind === 'row')} />}
        {description?.classNames && <ClassCounts names={description.classNames} labels={preview?.map((s) => s.label) ?? []} />}
      </div>
    </div>
  );
}

function PreviewTable({ rows }: { rows: Extract<NonNullable<ReturnType<typeof dataStore.getState>['preview']>[number], { kind: 'row' }>[] }) {
  const cols = Object.keys(rows[0]?.values ?? {});
  return (
    <table className="tl-table">
      <thead>
        <tr>
          {cols.map((c) => (
            <th key={c}>{c}</th>
          ))}
          <th>label</th>
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
