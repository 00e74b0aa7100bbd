import { useEffect, useMemo, useState } from 'react';
import { TEMPLATES, type Template } from '../../graph/templates/index.js';
import { getLayer } from '../../graph/layers/index.js';
import type { HostResult, Recovery } from '../../graph/api/host.js';
import { inferGraph } from '../../graph/infer.js';
import * as cmd from '../app/commands.js';
import { categoryHue, formatCount, formatWhen } from '../app/format.js';
import { Icon } from '../app/icons.js';
import { RecoveryList } from '../app/dialogs.js';

type Recent = HostResult<'files.listRecent'>['files'][number];

function Preview({ template }: { template: Template }) {
  const { graph, params } = useMemo(() => {
    const g = template.build();
    return { graph: g, params: inferGraph(g).totals.trainable };
  }, [template]);
  const xs = graph.nodes.map((n) => n.position.x);
  const ys = graph.nodes.map((n) => n.position.y);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs) + 160;
  const minY = Math.min(...ys);
  const maxY = Math.max(...ys) + 80;
  const pos = new Map(graph.nodes.map((n) => [n.id, n.position] as const));
  return (
    <div className="template-preview">
      <svg viewBox={`${minX - 20} ${minY - 40} ${maxX - minX + 40} ${maxY - minY + 80}`} preserveAspectRatio="xMidYMid meet">
        {graph.edges.map((e) => {
          const a = pos.get(e.source);
          const b = pos.get(e.target);
          return a && b ? <line key={e.id} x1={a.x + 160} y1={a.y + 40} x2={b.x} y2={b.y + 40} className="template-edge" /> : null;
        })}
        {graph.nodes.map((n) => (
          <rect key={n.id} x={n.position.x} y={n.position.y} width={160} height={80} rx={14} style={{ fill: `hsl(${categoryHue(getLayer(n.type)?.category ?? '')} 60% 60%)` }} />
        ))}
      </svg>
      <span className="template-meta">
        {graph.nodes.length} layers · {formatCount(params)} params{graph.training.dataset?.kind === 'builtin' ? ` · ${graph.training.dataset.name}` : ''}
      </span>
    </div>
  );
}

/** First screen: new graph, open, recovery copies, recent files (what users come back for) and then the templates gallery. */
export function StartScreen() {
  const [recent, setRecent] = useState<Recent[]>([]);
  const [recoveries, setRecoveries] = useState<Recovery[]>([]);
  const [hostError, setHostError] = useState<string | null>(null);
  const now = Date.now();

  useEffect(() => {
    const host = cmd.getHost();
    if (!host) {
      setHostError('Not connected to a Tensorloom host: files cannot be opened or saved. Open the URL `tensorloom serve` printed.');
      return;
    }
    host.call('files.listRecent', {}).then((r) => setRecent(r.files), (e: Error) => setHostError(e.message));
    host.call('files.listRecoveries', {}).then((r) => setRecoveries(r.recoveries), () => undefined);
  }, []);

  return (
    <div className="start-screen" data-testid="start-screen">
      <div className="start-inner">
        <header className="start-header">
          <div className="brand-mark large" />
          <div>
            <h1>Tensorloom</h1>
            <p>Design neural networks by wiring layers, see shapes and costs as you go, and train them on your machine.</p>
          </div>
        </header>
        <div className="start-actions">
          <button className="button primary" data-testid="new-button" onClick={() => cmd.newDocument()}>
            <Icon name="plus" /> New graph
          </button>
          <button className="button" data-testid="open-button" onClick={() => void cmd.open()}>
            <Icon name="open" /> Open…
          </button>
        </div>
        {hostError && <div className="start-warning">{hostError}</div>}
        {recoveries.length > 0 && (
          <section className="start-section">
            <h2>Recover unsaved work</h2>
            <RecoveryList recoveries={recoveries} onChange={setRecoveries} />
          </section>
        )}
        <section className="start-section" data-testid="recent-section">
          <h2>Recent files</h2>
          {recent.length === 0 ? (
            <div className="empty-note">Graphs you open or save appear here.</div>
          ) : (
            <ul className="recent-list" data-testid="recent-files">
              {recent.map((r) => (
                <li key={r.path}>
                  <button className="recent-item" disabled={!r.exists} onClick={() => void cmd.openPath(r.path)} title={r.exists ? `Open ${r.path}` : `${r.path} no longer exists`}>
                    <Icon name="graph" />
                    <span className="recent-text">
                      <span className="recent-name">{r.name}</span>
                      <span className="recent-path">{r.path}</span>
                    </span>
                    <span className="recent-when" title={r.modifiedAt ? `Modified ${new Date(r.modifiedAt).toLocaleString()}` : undefined}>
                      {r.exists ? (r.modifiedAt ? `modified ${formatWhen(r.modifiedAt, now)}` : '') : 'missing'}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="start-section">
          <h2>Start from a template</h2>
          <div className="template-grid">
            {TEMPLATES.map((t) => (
              <button key={t.name} className="template-card" data-testid={`template-${t.name}`} onClick={() => void cmd.newFromTemplate(t)}>
                <Preview template={t} />
                <span className="template-title">{t.title}</span>
                <span className="template-desc">{t.description}</span>
              </button>
            ))}
          </div>
        </section>
      </div>
    </div>
  );
}
