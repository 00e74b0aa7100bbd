import { useEffect, useState } from 'react';
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
