import { describe, expect, it, vi } from 'vitest';
import { HostError, type PreloadBridge, type WireEvent, type WireRequest, type WireResponse } from '../../graph/api/host.js';
import { getTemplate } from '../../graph/templates/index.js';
import { apiSocketUrl, createBridgeClient, readToken } from '../../renderer/host/client.js';

function fakeBridge(answer: (r: WireRequest) => WireResponse) {
  let push: ((e: WireEvent) => void) | null = null;
  const sent: WireRequest[] = [];
  const bridge: PreloadBridge = {
    invoke: async (r) => (sent.push(r), answer(r)),
    onEvent: (l) => (push = l),
    setDocumentState: vi.fn(),
  };
  return { bridge, sent, push: (e: WireEvent) => push!(e) };
}

describe('host client over the Electron bridge', () => {
  it('sends valid calls and returns validated results', async () => {
    const graph = getTemplate('iris-mlp')!.build();
    const f = fakeBridge((r) => ({ id: r.id, ok: true, result: { graph } }));
    const client = createBridgeClient(f.bridge);
    expect(client.transport).toBe('electron');
    expect((await client.call('templates.instantiate', { name: 'iris-mlp' })).graph).toEqual(graph);
    expect(f.sent[0]).toMatchObject({ method: 'templates.instantiate', params: { name: 'iris-mlp' } });
  });

  it('refuses to send invalid params, naming the field', async () => {
    const f = fakeBridge((r) => ({ id: r.id, ok: true, result: {} }));
    const client = createBridgeClient(f.bridge);
    await expect(client.call('files.autosave', { docId: '../x', path: null, graph: getTemplate('iris-mlp')!.build() })).rejects.toThrow(/docId/);
    expect(f.sent).toEqual([]);
  });

  it('rejects a result that breaks the contract, and rethrows host errors with their code', async () => {
    const bad = createBridgeClient(fakeBridge((r) => ({ id: r.id, ok: true, result: { templates: 'x' } })).bridge);
    await expect(bad.call('templates.list', {})).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('invalid answer') });
    const refused = createBridgeClient(fakeBridge((r) => ({ id: r.id, ok: false, error: { code: 'forbidden', message: 'no' } })).bridge);
    const err = await refused.call('files.open', { path: '/etc/passwd' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostError);
    expect(err).toMatchObject({ code: 'forbidden', message: 'no' });
  });

  it('delivers valid events to subscribers, drops invalid ones, and unsubscribes', () => {
    const f = fakeBridge((r) => ({ id: r.id, ok: true, result: {} }));
    const client = createBridgeClient(f.bridge);
    const got: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const off = client.subscribe('onMenuCommand', (p) => got.push(p.command));
    f.push({ event: 'onMenuCommand', payload: { command: 'save' } });
    f.push({ event: 'onMenuCommand', payload: { command: 'rm -rf' } });
    f.push({ event: 'onSomethingElse', payload: {} });
    off();
    f.push({ event: 'onMenuCommand', payload: { command: 'open' } });
    expect(got).toEqual(['save']);
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });
});

describe('browser transport helpers', () => {
  it('takes the token from the page URL, remembers it for reloads and removes it from the address bar', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) } as Storage;
    const replaced: string[] = [];
    const hist = { state: null, replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url) } as unknown as History;
    expect(readToken({ search: '?token=abc&x=1', pathname: '/', hash: '#h' } as Location, storage, hist)).toBe('abc');
    expect(replaced).toEqual(['/?x=1#h']);
    expect(readToken({ search: '', pathname: '/', hash: '' } as Location, storage, hist)).toBe('abc');
    expect(readToken({ search: '', pathname: '/', hash: '' } as Location, null, hist)).toBeNull();
  });

  it('builds the API socket URL on the serving origin', () => {
    expect(apiSocketUrl({ protocol: 'http:', host: '127.0.0.1:8787' } as Location, 'a b')).toBe('ws://127.0.0.1:8787/api?token=a%20b');
    expect(apiSocketUrl({ protocol: 'https:', host: 'x:1' } as Location, 't')).toBe('wss://x:1/api?token=t');
    expect(apiSocketUrl({ protocol: 'http:', host: 'x:1' } as Location, null)).toBe('ws://x:1/api');
  });
});
