// The preload script: the renderer's only way to the main process. It exposes the typed bridge of graph/api/host.ts
// and nothing else; ipcRenderer itself never reaches the page. Sandboxed preloads can only require 'electron', so
// this file imports types only; validation happens in the renderer's client and again in the main process.
import { contextBridge, ipcRenderer } from 'electron';
import type { PreloadBridge, WireEvent, WireRequest, WireResponse } from '../../graph/api/host.js';

let listener: ((event: WireEvent) => void) | null = null;
const early: WireEvent[] = [];

// Pushed events (run events, menu commands, files opened by the OS) arrive over a MessagePort the main process sends
// once per page load.
ipcRenderer.on('tensorloom:events', (e) => {
  const port = e.ports[0];
  if (!port) return;
  port.onmessage = (m: MessageEvent) => {
    const event = m.data as WireEvent;
    if (listener) listener(event);
    else early.push(event);
  };
  port.start();
});

const bridge: PreloadBridge = {
  invoke: (request: WireRequest) => ipcRenderer.invoke('tensorloom:invoke', request) as Promise<WireResponse>,
  onEvent(l) {
    listener = l;
    for (const e of early.splice(0)) l(e);
  },
  setDocumentState: (state) => ipcRenderer.send('tensorloom:state', { name: String(state.name), dirty: Boolean(state.dirty) }),
};

contextBridge.exposeInMainWorld('tensorloom', bridge);
