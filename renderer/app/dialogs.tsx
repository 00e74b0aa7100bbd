import { useEffect, useState, type ReactNode } from 'react';
import type { ConnectionState, Recovery } from '../../graph/api/host.js';
import readme from '../../README.md?raw';
import { useUi } from '../store/ui-store.js';
import * as cmd from './commands.js';
import { Icon } from './icons.js';

/** A one-line text prompt (file names in the browser host, which has no native save dialog). */
export function PromptDialog() {
  const prompt = useUi((s) => s.prompt);
  const [value, setValue] = useState('');
  useEffect(() => setValue(prompt?.value ?? ''), [prompt]);
  if (!prompt) return null;
  const finish = (v: string | null) => {
    useUi.getState().set({ prompt: null });
    prompt.resolve(v);
  };
  return (
    <div className="modal-backdrop" onMouseDown={() => finish(null)}>
      <form
        className="modal"
        data-testid="prompt-dialog"
        onMouseDown={(e) => e.stopPropagation()}
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) finish(value.trim());
        }}
      >
        <h3>{prompt.title}</h3>
        <input autoFocus className="field-input" data-testid="prompt-input" value={value} onChange={(e) => setValue(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && finish(null)} />
        <div className="modal-actions">
          <button type="button" className="button" onClick={() => finish(null)}>Cancel</button>
          <button type="submit" className="button primary" data-testid="prompt-ok" disabled={!value.trim()}>OK</button>
        </div>
      </form>
    </div>
  );
}

type Listing = { dir: string; parent: string | null; entries: { name: string; path: string; kind: 'dir' | 'graph' | 'file' }[] };

/** The browser host's Open dialog: folders and graph files inside the server's workspace. */
export function FileBrowser() {
  const open = useUi((s) => s.browserOpen);
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const go = (dir?: string) => {
    const host = cmd.getHost();
    if (!host) return;
    host.call('files.browse', dir ? { dir } : {}).then(
      (l) => {
        setListing(l);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  };
  useEffect(() => {
    if (open) go();
  }, [open]);
  if (!open) return null;
  const close = () => useUi.getState().set({ browserOpen: false });
  return (
    <div className="modal-backdrop" onMouseDown={close}>
      <div className="modal wide" data-testid="file-browser" onMouseDown={(e) => e.stopPropagation()}>
        <h3>Open a graph</h3>
        <div className="browser-path mono">{listing?.dir ?? '…'}</div>
        {error && <div className="field-error">{error}</div>}
        <ul className="browser-list">
          {listing?.parent && (
            <li>
              <button className="recent-item" onClick={() => go(listing.parent!)}>
                <Icon name="folder" /> <span className="recent-name">..</span>
              </button>
            </li>
          )}
          {listing?.entries
            .filter((e) => e.kind !== 'file')
            .map((e) => (
              <li key={e.path}>
                <button
                  className="recent-item"
                  data-testid={`browse-${e.name}`}
                  onClick={async () => {
                    if (e.kind === 'dir') return go(e.path);
                    if (await cmd.openPath(e.path)) close();
                  }}
                >
                  <Icon name={e.kind === 'dir' ? 'folder' : 'graph'} /> <span className="recent-name">{e.name}</span>
                </button>
              </li>
            ))}
          {listing && listing.entries.filter((e) => e.kind !== 'file').length === 0 && <li className="empty-note">No graph files here.</li>}
        </ul>
        <div className="modal-actions">
          <button className="button" onClick={close}>Cancel</button>
        </div>
      </div>
    </div>
  );
}

/** The app's question modal (Save / Don't Save / Cancel and the like); Escape or a click outside dismisses it. */
export function ChoiceDialog() {
  const choice = useUi((s) => s.choice);
  if (!choice) return null;
  const finish = (id: string | null) => {
    useUi.getState().set({ choice: null });
    choice.resolve(id);
  };
  return (
    <div className="modal-backdrop" onMouseDown={() => finish(null)}>
      <div
        className="modal"
        role="alertdialog"
        aria-labelledby="choice-title"
        data-testid="choice-dialog"
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') finish(null);
          // The dialog's own keys must not reach the editor's shortcuts (Delete, Ctrl+Z) behind it.
          e.stopPropagation();
        }}
      >
        <h3 id="choice-title">{choice.title}</h3>
        <p>{choice.message}</p>
        <div className="modal-actions">
          {choice.answers.map((a, i) => (
            <button
              key={a.id}
              autoFocus={i === 0}
              className={`button${a.kind === 'primary' ? ' primary' : a.kind === 'danger' ? ' danger' : ''}`}
              data-testid={`choice-${a.id}`}
              onClick={() => finish(a.id)}
            >
              {a.label}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}

/** Recovery copies with Restore and Discard buttons (start screen, and the dialog when the app starts with a file). */
export function RecoveryList({ recoveries, onChange, onRestored }: { recoveries: Recovery[]; onChange(next: Recovery[]): void; onRestored?(): void }) {
  const restore = async (r: Recovery) => {
    if (await cmd.restoreRecovery(r)) {
      onChange(recoveries.filter((x) => x.docId !== r.docId));
      onRestored?.();
    }
  };
  return (
    <ul className="recent-list" data-testid="recovery-list">
      {recoveries.map((r) => (
        <li key={r.docId} className="recovery-item">
          <button
            className="recent-item"
            data-testid={`recover-${r.docId}`}
            title="Open this unsaved work as a modified document"
            onClick={() => void restore(r)}
          >
            <Icon name="file" />
            <span className="recent-name">{r.name}</span>
            <span className="recent-path">
              {r.path ?? 'never saved'} · {new Date(r.savedAt).toLocaleString()}
            </span>
          </button>
          <button
            className="button small primary"
            data-testid={`restore-recovery-${r.docId}`}
            onClick={() => void restore(r)}
          >
            Restore
          </button>
          <button
            className="button small"
            data-testid={`discard-recovery-${r.docId}`}
            title="Delete this unsaved work; it will not be offered again"
            onClick={async () => {
              if (await cmd.discardRecoveryCopy(r)) onChange(recoveries.filter((x) => x.docId !== r.docId));
            }}
          >
            Discard
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Offers recovery copies when the app started with a file (double-click, command line), so the start screen is skipped. */
export function RecoveryDialog() {
  const offer = useUi((s) => s.recoveryOffer);
  if (!offer || offer.length === 0) return null;
  const close = () => useUi.getState().set({ recoveryOffer: null });
  return (
    <div className="modal-backdrop">
      <div className="modal wide" role="dialog" aria-labelledby="recovery-title" data-testid="recovery-dialog">
        <h3 id="recovery-title">Recover unsaved work?</h3>
        <p>The app did not close cleanly last time. Restore a document to keep working on it, or discard it.</p>
        <RecoveryList recoveries={offer} onChange={(next) => useUi.getState().set({ recoveryOffer: next.length ? next : null })} onRestored={close} />
        <div className="modal-actions">
          <button className="button" data-testid="recovery-later" onClick={close} title="Keep them; the start screen offers them again">
            Not Now
          </button>
        </div>
      </div>
    </div>
  );
}

// Inline Markdown of the README: `code`, **bold** and [links](https://...), as React elements (never HTML strings).
function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > at) out.push(text.slice(at, m.index));
    if (m[1] !== undefined) out.push(<code key={m.index}>{m[1]}</code>);
    else if (m[2] !== undefined) out.push(<b key={m.index}>{m[2]}</b>);
    else if (/^https:\/\//.test(m[4]!))
      out.push(
        <a key={m.index} href={m[4]} target="_blank" rel="noopener noreferrer">
          {m[3]}
        </a>,
      );
    else out.push(m[3]);
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** Renders the README's Markdown subset: headings, paragraphs, lists and code blocks. */
function renderMarkdown(md: string): ReactNode[] {
  const blocks: ReactNode[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    if (line.startsWith('```')) {
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) code.push(lines[i]!);
      i++;
      blocks.push(<pre key={i}>{code.join('\n')}</pre>);
    } else if (/^#{1,4} /.test(line)) {
      const level = line.indexOf(' ');
      const text = inline(line.slice(level + 1));
      blocks.push(level <= 1 ? <h2 key={i}>{text}</h2> : level === 2 ? <h3 key={i}>{text}</h3> : <h4 key={i}>{text}</h4>);
      i++;
    } else if (/^\s*[-*] /.test(line)) {
      const items: string[] = [];
      for (; i < lines.length && /^\s*[-*] /.test(lines[i]!); i++) {
        items.push(lines[i]!.replace(/^\s*[-*] /, ''));
        // Continuation lines of an item are indented.
        while (i + 1 < lines.length && /^\s{2,}\S/.test(lines[i + 1]!) && !/^\s*[-*] /.test(lines[i + 1]!)) items[items.length - 1] += ` ${lines[++i]!.trim()}`;
      }
      blocks.push(
        <ul key={i}>
          {items.map((t, k) => (
            <li key={k}>{inline(t)}</li>
          ))}
        </ul>,
      );
    } else if (line.trim() === '') i++;
    else {
      const para: string[] = [];
      for (; i < lines.length && lines[i]!.trim() !== '' && !lines[i]!.startsWith('```') && !/^#{1,4} /.test(lines[i]!) && !/^\s*[-*] /.test(lines[i]!); i++) para.push(lines[i]!);
      blocks.push(<p key={i}>{inline(para.join(' '))}</p>);
    }
  }
  return blocks;
}

/** Help > Documentation: the README, inside the app (works offline, opens nothing outside it). */
export function HelpDialog() {
  const open = useUi((s) => s.helpOpen);
  if (!open) return null;
  const close = () => useUi.getState().set({ helpOpen: false });
  return (
    <div className="modal-backdrop" onMouseDown={close}>
      <div className="modal wide help-dialog" role="dialog" aria-label="Documentation" data-testid="help-dialog" onMouseDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.key === 'Escape' && close()}>
        <div className="help-body">{renderMarkdown(readme)}</div>
        <div className="modal-actions">
          <button className="button primary" autoFocus onClick={close}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}

/** A bar shown while the browser host's connection is down and being re-established. */
export function ConnectionBanner() {
  const [state, setState] = useState<ConnectionState>('connected');
  useEffect(() => cmd.getHost()?.onConnectionChange(setState), []);
  if (state === 'connected') return null;
  return (
    <div className="connection-banner" role="status" data-testid="connection-banner">
      Connection to the Tensorloom server lost — reconnecting… Live charts continue once it is back.
    </div>
  );
}
