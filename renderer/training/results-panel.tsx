import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { loadResults } from './controller.js';
import { useTraining, type RunResults } from './training-store.js';

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

/** Validation samples with predicted and true labels; mistakes first and highlighted. */
export function SamplesGrid({ samples }: { samples: RunResults['samples'] }) {
  const sorted = [...samples].sort((a, b) => Number(a.correct) - Number(b.correct));
  return (
    <div className="tl-samples" data-testid="validation-samples">
      <div className="tl-section-title">
        Validation samples · {samples.filter((s) => !s.correct).length} mistakes and {samples.filter((s) => s.correct).length} correct (a selection)
      </div>
      <div className="tl-samples-grid">
        {sorted.map((s, i) => (
          <figure key={i} className={`tl-thumb${s.correct ? '' : ' wrong'}`} data-correct={s.correct}>
            {s.sample.kind === 'image' ? <img src={s.sample.dataUrl} alt="" /> : <div className="tl-snippet">{s.sample.kind === 'text' ? s.sample.text.slice(0, 80) : JSON.stringify(s.sample.values).slice(0, 80)}</div>}
            <figcaption>
              <b>{s.predicted}</b>
              {!s.correct && <span> (true {s.actual})</span>}
            </figcaption>
          </figure>
        ))}
      </div>
    </div>
  );
}

/** Predicted vs actual for regression, with the y = x line a perfect model would sit on. */
export function PredictedVsActual({ predicted, actual }: { predicted: number[]; actual: number[] }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const order = actual.map((_, i) => i).sort((a, b) => actual[a]! - actual[b]!);
    const xs = order.map((i) => actual[i]!);
    const ys = order.map((i) => predicted[i]!);
    const plot = new uPlot(
      {
        width: 320,
        height: 260,
        legend: { show: false },
        scales: { x: { time: false } },
        axes: [{ label: 'actual', stroke: '#888' }, { label: 'predicted', stroke: '#888' }],
        series: [{}, { stroke: 'transparent', points: { show: true, size: 4, fill: '#4e79a7', stroke: '#4e79a7' }, paths: () => null }, { stroke: '#aaa', dash: [4, 4], width: 1, points: { show: false } }],
      },
      [xs, ys, xs],
      el.current!,
    );
    return () => plot.destroy();
  }, [predicted, actual]);
  return (
    <div className="tl-pva" data-testid="predicted-vs-actual">
      <div className="tl-section-title">Predicted vs actual (validation)</div>
      <div ref={el} />
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
  if (!results || results === 'loading') return <div className="tl-pad muted">Evaluating…</div>;
  if ('error' in results) return <div className="tl-pad tl-error">Could not load the results: {results.error}</div>;
  return (
    <div className="tl-results">
      {results.confusion && <ConfusionMatrix {...results.confusion} />}
      {results.regression && <PredictedVsActual {...results.regression} />}
      {results.samples.length > 0 && <SamplesGrid samples={results.samples} />}
    </div>
  );
}
