import { mkdir, mkdtemp, readFile, rm, symlink, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeGraph, type Graph } from '../../graph/document.js';
import { getTemplate } from '../../graph/templates/index.js';
import { writeFileAtomic } from '../../main/host/atomic-write.js';
import { Host, type HostDialogs, type HostOptions, type HostSession } from '../../main/host/host.js';

let base: string;
let workspace: string;
let dataDir: string;
const session: HostSession = { send: () => undefined };
const iris = (): Graph => getTemplate('iris-mlp')!.build();

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'tl-host-'));
  workspace = join(base, 'workspace');
  dataDir = join(base, 'data');
  await mkdir(workspace);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

function serverHost(extra: Partial<HostOptions> = {}): Host {
  return new Host({ kind: 'server', version: 't', dataDir, workspaceRoot: workspace, listBackends: async () => [], ...extra });
}

async function code(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? 'no code',
  );
}

describe('atomic saves', () => {
  it('keeps the previous version when writing fails, and leaves no temporary file', async () => {
    const file = join(workspace, 'a.tlgraph');
    await writeFile(file, 'previous');
    await expect(writeFileAtomic(file, 42 as unknown as string)).rejects.toThrow();
    expect(await readFile(file, 'utf8')).toBe('previous');
    expect(await readdir(workspace)).toEqual(['a.tlgraph']);
  });

  it('save writes the canonical serialization and an invalid document never reaches the disk', async () => {
    const host = serverHost();
    const path = join(workspace, 'g.tlgraph');
    await host.handle('files.saveAs', { graph: iris(), path }, session);
    expect(await readFile(path, 'utf8')).toBe(serializeGraph(iris()));
    const broken = { ...iris(), nodes: 'nope' };
    expect(await code(host.handle('files.save', { path, graph: broken }, session))).toBe('invalid');
    expect(await readFile(path, 'utf8')).toBe(serializeGraph(iris()));
  });

  it('saveAs refuses to overwrite an existing file unless asked, and requires the graph extension', async () => {
    const host = serverHost();
    const path = join(workspace, 'g.tlgraph');
    await writeFile(path, 'keep');
    expect(await code(host.handle('files.saveAs', { graph: iris(), path }, session))).toBe('invalid');
    expect(await readFile(path, 'utf8')).toBe('keep');
    await host.handle('files.saveAs', { graph: iris(), path, overwrite: true }, session);
    expect(await readFile(path, 'utf8')).toBe(serializeGraph(iris()));
    expect(await code(host.handle('files.saveAs', { graph: iris(), path: join(workspace, 'g.json') }, session))).toBe('invalid');
  });
});

describe('file access rule', () => {
  it('refuses crafted paths outside the workspace: absolute, traversal, symlink, relative', async () => {
    const outside = join(base, 'secret.tlgraph');
    await writeFile(outside, serializeGraph(iris()));
    await symlink(outside, join(workspace, 'link.tlgraph'));
    await symlink(base, join(workspace, 'up'));
    const host = serverHost();
    for (const path of [outside, '/etc/passwd', join(workspace, '..', 'secret.tlgraph'), join(workspace, 'link.tlgraph'), join(workspace, 'up', 'secret.tlgraph'), 'secret.tlgraph'])
      expect(await code(host.handle('files.open', { path }, session)), path).toBe('forbidden');
    expect(await code(host.handle('files.save', { path: outside, graph: iris() }, session))).toBe('forbidden');
    expect(await code(host.handle('files.saveAs', { path: join(base, 'new.tlgraph'), graph: iris() }, session))).toBe('forbidden');
    expect(await code(host.handle('files.browse', { dir: base }, session))).toBe('forbidden');
    expect(await code(host.handle('datasets.preview', { dataset: { kind: 'csv', path: '/etc/passwd', target: 'x' } }, session))).toBe('forbidden');
    expect(await code(host.handle('datasets.describe', { dataset: { kind: 'text', path: '../secret.tlgraph' }, graphPath: null }, session))).toBe('forbidden');
    expect(await code(host.handle('export.code', { graph: iris(), language: 'python', save: true, path: join(base, 'x.py') }, session))).toBe('forbidden');
    // Ids that would name folders of the app data folder cannot climb out of it.
    expect(await code(host.handle('files.recover', { docId: '../../secret' }, session))).toBe('invalid');
    expect(await code(host.handle('runs.load', { runId: '../x' }, session))).toBe('invalid');
    expect(await readFile(outside, 'utf8')).toBe(serializeGraph(iris()));
  });

  it("reads datasets next to a chosen graph, but not its folder's dotfiles or non-data files", async () => {
    const home = join(base, 'home');
    await mkdir(join(home, '.ssh'), { recursive: true });
    await writeFile(join(home, '.ssh', 'id_rsa.csv'), 'secret,key\n1,2\n');
    await writeFile(join(home, 'notes.json'), '{"a":1}');
    await writeFile(join(home, 'data.csv'), 'a,b,label\n1,2,x\n3,4,y\n');
    const graphPath = join(home, 'g.tlgraph');
    await writeFile(graphPath, serializeGraph(iris()));
    const host = new Host({ kind: 'electron', version: 't', dataDir, workspaceRoot: null, initialFile: graphPath, listBackends: async () => [] });
    const preview = (path: string) => host.handle('datasets.preview', { dataset: { kind: 'csv', path, target: 'label' }, graphPath, count: 1 }, session);
    expect(await code(preview('data.csv'))).toBe('ok');
    expect(await code(preview('.ssh/id_rsa.csv'))).toBe('forbidden');
    expect(await code(preview('notes.json'))).toBe('forbidden');
    expect(await code(preview('../workspace/x.csv'))).toBe('forbidden');
  });

  it('allows the file given at start, files inside the workspace, and recent files in a later session', async () => {
    const elsewhere = join(base, 'elsewhere');
    await mkdir(elsewhere);
    const initial = join(elsewhere, 'start.tlgraph');
    await writeFile(initial, serializeGraph(iris()));
    const first = new Host({ kind: 'electron', version: 't', dataDir, workspaceRoot: null, initialFile: initial, listBackends: async () => [] });
    const startup = (await first.handle('files.startup', {}, session)) as { file: { path: string; graph: Graph } | null };
    expect(startup.file?.graph.nodes).toHaveLength(4);
    // A sibling of the chosen file is not reachable.
    await writeFile(join(elsewhere, 'sibling.tlgraph'), serializeGraph(iris()));
    expect(await code(first.handle('files.open', { path: join(elsewhere, 'sibling.tlgraph') }, session))).toBe('forbidden');
    // Next session, no command-line file: the recent list keeps it reachable.
    const second = new Host({ kind: 'electron', version: 't', dataDir, workspaceRoot: null, listBackends: async () => [] });
    const recent = (await second.handle('files.listRecent', {}, session)) as { files: { path: string; exists: boolean }[] };
    expect(recent.files.map((f) => f.path)).toEqual([initial]);
    expect(recent.files[0]!.exists).toBe(true);
    expect(await code(second.handle('files.open', { path: initial }, session))).toBe('ok');
  });

  it('grants exactly what the native dialog returned', async () => {
    const chosen = join(base, 'picked.tlgraph');
    await writeFile(chosen, serializeGraph(iris()));
    const dialogs: HostDialogs = { openGraph: async () => chosen, saveGraph: async () => null, chooseFolder: async () => null, saveFile: async () => null };
    const host = new Host({ kind: 'electron', version: 't', dataDir, workspaceRoot: null, dialogs, listBackends: async () => [] });
    const opened = (await host.handle('files.open', {}, session)) as { path: string };
    expect(opened.path).toBe(chosen);
    expect(await code(host.handle('files.save', { path: chosen, graph: iris() }, session))).toBe('ok');
    expect(await host.handle('files.saveAs', { graph: iris() }, session)).toBeNull();
  });

  it('the browser lists folders and graph files inside the workspace only', async () => {
    await mkdir(join(workspace, 'sub'));
    await writeFile(join(workspace, 'sub', 'x.tlgraph'), serializeGraph(iris()));
    await writeFile(join(workspace, '.hidden.tlgraph'), '');
    const host = serverHost();
    const top = (await host.handle('files.browse', {}, session)) as { parent: string | null; entries: { name: string; kind: string }[] };
    expect(top.parent).toBeNull();
    expect(top.entries).toEqual([{ name: 'sub', path: join(workspace, 'sub'), kind: 'dir' }]);
    const sub = (await host.handle('files.browse', { dir: join(workspace, 'sub') }, session)) as { parent: string; entries: { name: string; kind: string }[] };
    expect(sub.parent).toBe(workspace);
    expect(sub.entries.map((e) => [e.name, e.kind])).toEqual([['x.tlgraph', 'graph']]);
  });
});

describe('autosave and recovery', () => {
  it('offers a recovery copy at the next start until it is saved or discarded', async () => {
    const path = join(workspace, 'doc.tlgraph');
    const first = serverHost();
    const edited = { ...iris(), name: 'edited' };
    await first.handle('files.saveAs', { graph: iris(), path }, session);
    await first.handle('files.autosave', { docId: 'doc1', path, graph: edited }, session);
    await first.handle('files.autosave', { docId: 'doc2', path: null, graph: iris() }, session);
    // "Crash": a new host over the same data folder.
    const second = serverHost();
    const startup = (await second.handle('files.startup', {}, session)) as { recoveries: { docId: string; path: string | null }[] };
    expect(startup.recoveries.map((r) => r.docId).sort()).toEqual(['doc1', 'doc2']);
    const recovered = (await second.handle('files.recover', { docId: 'doc1' }, session)) as { path: string; graph: Graph };
    expect(recovered.path).toBe(path);
    expect(recovered.graph.name).toBe('edited');
    // Saving the document with its docId drops the copy; discarding drops the other.
    await second.handle('files.save', { path, graph: recovered.graph, docId: 'doc1' }, session);
    await second.handle('files.discardRecovery', { docId: 'doc2' }, session);
    expect(((await serverHost().handle('files.listRecoveries', {}, session)) as { recoveries: unknown[] }).recoveries).toEqual([]);
  });
});

describe('templates, datasets, export, app info', () => {
  it('lists and instantiates templates', async () => {
    const host = serverHost();
    const list = (await host.handle('templates.list', {}, session)) as { templates: { name: string; dataset: string | null }[] };
    expect(list.templates.find((t) => t.name === 'iris-mlp')?.dataset).toBe('iris');
    expect(((await host.handle('templates.instantiate', { name: 'iris-mlp' }, session)) as { graph: Graph }).graph).toEqual(iris());
    expect(await code(host.handle('templates.instantiate', { name: 'nope' }, session))).toBe('notFound');
  });

  it('describes and previews built-in datasets as rows, images and text', async () => {
    const host = serverHost();
    const d = (await host.handle('datasets.describe', { dataset: { kind: 'builtin', name: 'iris' } }, session)) as { inputShape: number[]; classNames: string[] };
    expect(d.inputShape).toEqual([4]);
    expect(d.classNames).toHaveLength(3);
    const rows = (await host.handle('datasets.preview', { dataset: { kind: 'builtin', name: 'iris' }, count: 3 }, session)) as { samples: { kind: string; values: Record<string, number>; label: string }[] };
    expect(rows.samples).toHaveLength(3);
    expect(rows.samples[0]!.kind).toBe('row');
    // Preview shows measurements in centimetres again, not standardized values.
    for (const v of Object.values(rows.samples[0]!.values)) expect(v).toBeGreaterThan(0);
    const images = (await host.handle('datasets.preview', { dataset: { kind: 'builtin', name: 'mnist' }, count: 2 }, session)) as { samples: { kind: string; dataUrl: string }[] };
    expect(images.samples.map((s) => s.kind)).toEqual(['image', 'image']);
    expect(images.samples[0]!.dataUrl).toMatch(/^data:image\/png;base64,iVBOR/);
    const text = (await host.handle('datasets.preview', { dataset: { kind: 'builtin', name: 'names' }, count: 2 }, session)) as { samples: { kind: string; text: string }[] };
    expect(text.samples[0]!.kind).toBe('text');
    expect(text.samples[0]!.text).toMatch(/^\.[a-z]/);
  });

  it('previews a CSV next to the graph file', async () => {
    await writeFile(join(workspace, 'data.csv'), 'a,b,label\n1,2,x\n3,4,y\n5,6,x\n');
    const graphPath = join(workspace, 'g.tlgraph');
    await writeFile(graphPath, serializeGraph(iris()));
    const host = serverHost();
    const r = (await host.handle('datasets.preview', { dataset: { kind: 'csv', path: 'data.csv', target: 'label' }, graphPath, count: 2 }, session)) as { samples: { kind: string; label: string | null }[] };
    expect(r.samples.length).toBeGreaterThan(0);
    expect(r.samples[0]!.kind).toBe('row');
  });

  it('exports code as text and into the workspace', async () => {
    const host = serverHost();
    const py = (await host.handle('export.code', { graph: iris(), language: 'python' }, session)) as { code: string; fileName: string };
    expect(py.fileName).toBe('Iris_MLP.py');
    expect(py.code).toContain('keras');
    const ts = (await host.handle('export.code', { graph: iris(), language: 'typescript', save: true, path: join(workspace, 'model.ts') }, session)) as { code: string; path: string };
    expect(await readFile(ts.path, 'utf8')).toBe(ts.code);
  });

  it('app info names the host and its backends', async () => {
    const host = serverHost({ listBackends: async () => [{ name: 'cpu', available: true, device: 'CPU', note: null }] });
    const info = (await host.handle('appInfo', {}, session)) as { host: string; nativeDialogs: boolean; workspaceRoot: string; backends: unknown[] };
    expect(info).toMatchObject({ host: 'server', nativeDialogs: false, workspaceRoot: workspace });
    expect(info.backends).toHaveLength(1);
  });

  it('rejects unknown methods and malformed params with the field named', async () => {
    const host = serverHost();
    await expect(host.handle('files.delete', {}, session)).rejects.toMatchObject({ code: 'invalid', message: "unknown method 'files.delete'" });
    await expect(host.handle('files.open', { path: 3 }, session)).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('path') });
    await expect(host.handle('appInfo', { extra: 1 }, session)).rejects.toMatchObject({ code: 'invalid' });
  });
});

