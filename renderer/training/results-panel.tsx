import { useEffect, useRef, useState, type DragEvent } from 'react';
import uPlot from 'uplot';
import type { Prediction } from '../../graph/api/host.js';
import type { DatasetRef } from '../../graph/document.js';
import { loadResults, predict, useData } from './controller.js';
import { useTraining, type RunEntry, type RunResults } from './training-store.js';

/** Counts of true (rows) vs predicted (columns) classes, shaded by row share; the diagonal is right. */
export function ConfusionMatrix({ classNames, matrix }: { classNames: string[]; matrix: number[][] }) {
  const total = matrix.reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0);
  const correct = matrix.reduce((a, r, i) => a + (r[i] ?? 0), 0);
  return (
    <div className="tl-confusion" data-testid="confusion-matrix">
      <div className="tl-section-title">
        Confusion matrix (validation) · accuracy {total ? ((correct / total) * 100).toFixed(1) : '—'}% of {total}
      </div>
      <table>
        <thead>
          <tr>
            <th className="corner">true ↓ / predicted →</th>
            {classNames.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, i) => {
            const rowSum = row.reduce((a, b) => a + b, 0) || 1;
            return (
              <tr key={i}>
                <th>{classNames[i]}</th>
                {row.map((v, j) => {
                  const share = v / rowSum;
                  const bg = i === j ? `rgba(89,161,79,${0.15 + share * 0.75})` : v ? `rgba(225,87,89,${0.1 + share * 0.8})` : 'transparent';
                  return (
                    <td key={j} style={{ background: bg }} title={`true ${classNames[i]}, predicted ${classNames[j]}: ${v} (${(share * 100).toFixed(1)}% of the row)`}>
                      {v}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Validation samples with predicted and true labels; mistakes first and highlighted. */
export function SamplesGrid({ samples }: { samples: RunResults['samples'] }) {
  const sorted = [...samples].sort((a, b) => Number(a.correct) - Number(b.correct));
  return (
    <div className="tl-samples" data-testid="validation-samples">
      <div className="tl-section-title">
        Validation samples · {plural(samples.filter((s) => !s.correct).length, 'mistake')} and {samples.filter((s) => s.correct).length} correct (a selection)
      </div>
      {sorted.length > 0 && sorted.every((s) => s.sample.kind === 'row') ? (
        <SamplesTable samples={sorted} />
      ) : (
        <div className="tl-samples-grid">
          {sorted.map((s, i) => (
            <figure key={i} className={`tl-thumb${s.correct ? '' : ' wrong'}`} data-correct={s.correct}>
              {s.sample.kind === 'image' ? <img src={s.sample.dataUrl} alt="" /> : <div className="tl-snippet">{s.sample.kind === 'text' ? s.sample.text.slice(0, 80) : ''}</div>}
              <figcaption>
                <b>{s.predicted}</b>
                {!s.correct && <span> (true {s.actual})</span>}
              </figcaption>
            </figure>
          ))}
        </div>
      )}
    </div>
  );
}

/** Table rows as a table, the way the Data tab previews them, with the prediction and truth at the end. */
function SamplesTable({ samples }: { samples: RunResults['samples'] }) {
  const values = (s: RunResults['samples'][number]) => (s.sample.kind === 'row' ? s.sample.values : {});
  const cols = Object.keys(values(samples[0]!));
  return (
    <table className="tl-table tl-samples-table">
      <thead>
        <tr>
          {cols.map((c) => (
            <th key={c}>{c}</th>
          ))}
          <th>predicted</th>
          <th>true</th>
        </tr>
      </thead>
      <tbody>
        {samples.map((s, i) => (
          <tr key={i} className={s.correct ? '' : 'wrong'} data-correct={s.correct}>
            {cols.map((c) => (
              <td key={c}>{String(values(s)[c] ?? '')}</td>
            ))}
            <td>
              <b>{s.predicted}</b>
            </td>
            <td>{s.actual}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Predicted vs actual for regression, with the y = x line a perfect model would sit on. */
export function PredictedVsActual({ predicted, actual }: { predicted: number[]; actual: number[] }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const order = actual.map((_, i) => i).sort((a, b) => actual[a]! - actual[b]!);
    const xs = order.map((i) => actual[i]!);
    const ys = order.map((i) => predicted[i]!);
    // The diagonal spans both axes' range, so points above and below it read against the whole line.
    const lo = Math.min(...xs, ...ys);
    const hi = Math.max(...xs, ...ys);
    const css = getComputedStyle(el.current!);
    const text = css.getPropertyValue('--text-2').trim() || '#5a6374';
    const grid = css.getPropertyValue('--border').trim() || 'rgba(128,128,128,0.2)';
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, font: '11px system-ui, sans-serif', labelFont: '11px system-ui, sans-serif' };
    const plot = new uPlot(
      {
        width: 340,
        height: 280,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false, range: [lo, hi] }, y: { range: [lo, hi] } },
        axes: [{ ...axis, label: 'actual' }, { ...axis, label: 'predicted', size: 50 }],
        series: [{}, { stroke: 'transparent', points: { show: true, size: 5, fill: '#4e79a7cc', stroke: '#4e79a7' }, paths: () => null }, { stroke: text, dash: [6, 4], width: 1.5, spanGaps: true, points: { show: false } }],
      },
      [[lo, ...xs, hi], [null, ...ys, null], [lo, ...xs.map(() => null), hi]],
      el.current!,
    );
    return () => plot.destroy();
  }, [predicted, actual]);
  return (
    <div className="tl-pva" data-testid="predicted-vs-actual" data-points={predicted.length}>
      <div className="tl-section-title">Predicted vs actual (validation, {predicted.length} samples)</div>
      <div ref={el} />
      <div className="muted small">
        <i className="tl-swatch dash" style={{ borderColor: 'var(--text-2)' }} /> y = x: where a perfect model's points would lie
      </div>
    </div>
  );
}

/** What a run's model takes, in words, from its dataset (and its input shape when the current dataset is the run's). */
function inputHint(ds: DatasetRef | null | undefined, shape: readonly number[] | null): { accept: string; text: string; placeholder: string | null } {
  if (!ds) return { accept: '', text: 'a file like its training data', placeholder: 'an input' };
  if (ds.kind === 'images' || (ds.kind === 'builtin' && ds.name === 'mnist')) return { accept: 'image/png,image/jpeg', text: 'an image (PNG or JPEG); it is resized like the training images', placeholder: null };
  if (ds.kind === 'csv') return { accept: '.csv', text: 'a CSV file with the same columns (one prediction per row), or one row typed in', placeholder: 'one row: value, value, …' };
  if (ds.kind === 'text' || ds.kind === 'csvText' || (ds.kind === 'builtin' && /names|spam|text|shakespeare/.test(ds.name)))
    return { accept: '.txt,.text,.md', text: ds.kind === 'csvText' || (ds.kind === 'builtin' && ds.name === 'spam') ? 'some text (a .txt file or typed)' : 'a prompt to continue (a .txt file or typed)', placeholder: 'type some text' };
  const placeholder = shape ? `${shape.reduce((a, b) => a * b, 1)} input values, comma separated` : 'the input values, comma separated';
  return { accept: '.csv,.txt', text: 'a .csv or .txt file holding the input values', placeholder };
}

function pct(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

/** One prediction as read by people: top classes with bars, values, or the generated continuation. */
function PredictionView({ p }: { p: Prediction }) {
  if (p.kind === 'class')
    return (
      <div className="tl-prediction" data-testid="prediction" data-label={p.label}>
        <div className="muted small">{p.input}</div>
        <ol className="tl-top" data-testid="prediction-top">
          {p.top.map((t, i) => (
            <li key={t.label} data-label={t.label} data-probability={t.probability} className={i === 0 ? 'first' : ''}>
              <span className="tl-top-label">{t.label}</span>
              <span className="tl-top-bar">
                <i style={{ width: `${Math.max(0.5, t.probability * 100)}%` }} />
              </span>
              <span className="tl-top-p">{pct(t.probability)}</span>
            </li>
          ))}
        </ol>
      </div>
    );
  if (p.kind === 'values')
    return (
      <div className="tl-prediction" data-testid="prediction">
        <div className="muted small">{p.input}</div>
        <div className="tl-pred-values">
          predicted <b>{p.values.map((v) => Number(v.toPrecision(5))).join(', ')}</b>
        </div>
      </div>
    );
  return (
    <div className="tl-prediction" data-testid="prediction">
      <div className="tl-pred-text">
        <span className="muted">{p.input}</span>
        <b>{p.continuation}</b>
      </div>
      <div className="muted small">next character: {p.next.map((n) => `${JSON.stringify(n.char)} ${pct(n.probability)}`).join(' · ')}</div>
    </div>
  );
}

/** Try the trained model on the user's own input: drop or pick a file, or type one. */
function TryModel({ entry }: { entry: RunEntry }) {
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState(false);
  const [text, setText] = useState('');
  const [result, setResult] = useState<{ predictions: Prediction[]; from: string } | { error: string } | null>(null);
  const [thumb, setThumb] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const shape = useData((s) => (s.key && s.key === JSON.stringify(entry.settings?.dataset ?? null) ? (s.description?.inputShape ?? null) : null));
  const hint = inputHint(entry.settings?.dataset, shape);
  useEffect(() => setResult(null), [entry.runId]);
  useEffect(() => () => void (thumb && URL.revokeObjectURL(thumb)), [thumb]);
  const run = async (input: File | string) => {
    setBusy(true);
    setResult(null);
    setThumb(typeof input !== 'string' && input.type.startsWith('image/') ? URL.createObjectURL(input) : null);
    try {
      setResult({ predictions: await predict(entry.runId, input), from: typeof input === 'string' ? 'typed' : input.name });
    } catch (e) {
      setResult({ error: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) void run(file);
  };
  return (
    <div className="tl-try" data-testid="try-model">
      <div className="tl-section-title">Try the model</div>
      <div
        className={`tl-drop${over ? ' over' : ''}`}
        data-testid="predict-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <span>Drop {hint.text} here, or</span>
        <button onClick={() => fileInput.current?.click()} disabled={busy}>
          Choose a file…
        </button>
        <input
          ref={fileInput}
          type="file"
          hidden
          accept={hint.accept || undefined}
          data-testid="predict-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void run(f);
          }}
        />
      </div>
      {hint.placeholder && (
        <form
          className="tl-try-text"
          onSubmit={(e) => {
            e.preventDefault();
            if (text.trim()) void run(text);
          }}
        >
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder={hint.placeholder} data-testid="predict-text" aria-label="Input to try the model on" />
          <button type="submit" disabled={busy || !text.trim()} data-testid="predict-button">
            Predict
          </button>
        </form>
      )}
      {busy && <div className="muted">Running the model…</div>}
      {result && 'error' in result && (
        <div className="tl-error" data-testid="predict-error">
          {result.error}
        </div>
      )}
      {result && 'predictions' in result && (
        <div className="tl-predictions" data-testid="predictions">
          {thumb && <img className="tl-try-thumb" src={thumb} alt="the image the model was tried on" />}
          {result.predictions.slice(0, 20).map((p, i) => (
            <PredictionView key={i} p={p} />
          ))}
          {result.predictions.length > 20 && <div className="muted small">… and {result.predictions.length - 20} more rows</div>}
        </div>
      )}
    </div>
  );
}

/** Results of the current run once it has finished. */
export function ResultsPanel() {
  const runId = useTraining((s) => s.currentRunId);
  const entry = useTraining((s) => (s.currentRunId ? s.runs[s.currentRunId] : null));
  const results = useTraining((s) => (s.currentRunId ? s.results[s.currentRunId] : undefined));
  const done = entry && (entry.state.phase === 'completed' || entry.state.phase === 'stopped');
  useEffect(() => {
    if (runId && done) void loadResults(runId);
  }, [runId, done]);
  if (!entry) return <div className="tl-pad muted">Train the graph to see its results here.</div>;
  if (!done) return <div className="tl-pad muted">{entry.state.phase === 'failed' ? 'The run failed; there are no results.' : 'Results appear when the run ends.'}</div>;
  return (
    <div className="tl-results">
      <TryModel entry={entry} />
      {!results || results === 'loading' ? (
        <div className="muted">Evaluating…</div>
      ) : 'error' in results ? (
        <div className="tl-error">Could not load the results: {results.error}</div>
      ) : (
        <>
          {results.confusion && <ConfusionMatrix {...results.confusion} />}
          {results.regression && <PredictedVsActual {...results.regression} />}
          {results.samples.length > 0 && <SamplesGrid samples={results.samples} />}
        </>
      )}
    </div>
  );
}
