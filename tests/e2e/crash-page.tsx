// A page that mounts the app's error boundary around a component that throws, with the real editor store and host
// client (over a stand-in preload bridge that records calls), so the crash screen's words can be checked in Chromium.
import { createRoot } from 'react-dom/client';
import { ErrorBoundary } from '../../renderer/app/error-boundary.js';
import { editorStore } from '../../renderer/store/editor-store.js';
import { getTemplate } from '../../graph/templates/index.js';
import type { PreloadBridge } from '../../graph/api/host.js';

const w = window as unknown as { tensorloom: PreloadBridge; __calls: string[]; __autosaveFails: boolean; __crash(dirty: boolean): void };
w.__calls = [];
w.__autosaveFails = false;
w.tensorloom = {
  invoke: async (req) => {
    w.__calls.push(req.method);
    if (req.method === 'files.autosave' && w.__autosaveFails) return { id: req.id, ok: false, error: { code: 'failed', message: 'disk full' } };
    return { id: req.id, ok: true, result: { savedAt: Date.now() } };
  },
  onEvent: () => undefined,
  setDocumentState: () => undefined,
};

function Boom(): never {
  throw new Error('a rendering bug');
}

w.__crash = (dirty) => {
  const graph = getTemplate('iris-mlp')!.build();
  editorStore.getState().load(graph, null);
  if (dirty) editorStore.getState().apply([{ kind: 'setMeta', field: 'name', from: graph.name, to: 'edited' }], 'Rename');
  const el = document.createElement('div');
  document.body.append(el);
  createRoot(el).render(
    <ErrorBoundary>
      <Boom />
    </ErrorBoundary>,
  );
};
