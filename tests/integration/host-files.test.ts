import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeGraph, type Graph } from '../../graph/document.js';
import { getTemplate } from '../../graph/templates/index.js';
import { atomicWriteSteps, writeFileAtomic } from '../../main/host/atomic-write.js';
import { Host, type HostDialogs, type HostOptions, type HostSession } from '../../main/host/host.js';

const execFileP = promisify(execFile);
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

  it('saveAs refuses to overwrite an existing file unless asked, and only ever writes .tlgraph files', async () => {
    const host = serverHost();
    const path = join(workspace, 'g.tlgraph');
    await writeFile(path, 'keep');
    expect(await code(host.handle('files.saveAs', { graph: iris(), path }, session))).toBe('invalid');
    expect(await readFile(path, 'utf8')).toBe('keep');
    await host.handle('files.saveAs', { graph: iris(), path, overwrite: true }, session);
    expect(await readFile(path, 'utf8')).toBe(serializeGraph(iris()));
    // A name without the extension gets it; another extension is never written as such.
    expect(await host.handle('files.saveAs', { graph: iris(), path: join(workspace, 'model') }, session)).toMatchObject({ path: join(workspace, 'model.tlgraph') });
    await writeFile(join(workspace, 'notes.txt'), 'my notes');
    expect(await host.handle('files.saveAs', { graph: iris(), path: join(workspace, 'notes.txt'), overwrite: true }, session)).toMatchObject({ path: join(workspace, 'notes.txt.tlgraph') });
    expect(await readFile(join(workspace, 'notes.txt'), 'utf8')).toBe('my notes');
  });

  it('save writes only a .tlgraph file the user opened or saved, never another workspace file', async () => {
    const host = serverHost();
    const notes = join(workspace, 'notes.txt');
    await writeFile(notes, 'my notes');
    const other = join(workspace, 'other.tlgraph');
    await writeFile(other, serializeGraph({ ...iris(), name: 'other' }));
    await expect(host.handle('files.save', { path: notes, graph: iris() }, session)).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('use Save As') });
    await expect(host.handle('files.save', { path: other, graph: iris() }, session)).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining("'other.tlgraph' was not opened or saved") });
    expect(await readFile(notes, 'utf8')).toBe('my notes');
    expect(JSON.parse(await readFile(other, 'utf8')).name).toBe('other');
    expect(((await host.handle('files.listRecent', {}, session)) as { files: unknown[] }).files).toEqual([]);
    // Once opened, it is the document's own file and Save writes it.
    await host.handle('files.open', { path: other }, session);
    expect(await code(host.handle('files.save', { path: other, graph: iris() }, session))).toBe('ok');
    expect(await readFile(other, 'utf8')).toBe(serializeGraph(iris()));
  });

  it('refuses dotfiles and hidden folders under the workspace for every read and write', async () => {
    await mkdir(join(workspace, '.git'));
    await writeFile(join(workspace, '.git', 'x.tlgraph'), serializeGraph(iris()));
    await writeFile(join(workspace, '.env'), 'SECRET=1');
    const host = serverHost();
    expect(await code(host.handle('files.open', { path: join(workspace, '.git', 'x.tlgraph') }, session))).toBe('forbidden');
    expect(await code(host.handle('files.open', { path: join(workspace, '.env') }, session))).toBe('forbidden');
    expect(await code(host.handle('files.saveAs', { graph: iris(), path: join(workspace, '.hidden.tlgraph') }, session))).toBe('forbidden');
    expect(await code(host.handle('files.saveAs', { graph: iris(), path: join(workspace, '.config', 'g.tlgraph') }, session))).toBe('forbidden');
    expect(await code(host.handle('export.code', { graph: iris(), language: 'python', save: true, path: join(workspace, '.hidden_rc') }, session))).toBe('forbidden');
    expect(await code(host.handle('export.code', { graph: iris(), language: 'typescript', save: true, path: join(workspace, '.bashrc'), overwrite: true }, session))).toBe('forbidden');
    expect((await readdir(workspace)).sort()).toEqual(['.env', '.git']);
  });

  it('keeps the permissions of the file it replaces', async () => {
    const host = serverHost();
    const path = join(workspace, 'private.tlgraph');
    await writeFile(path, serializeGraph(iris()));
    await chmod(path, 0o600);
    await host.handle('files.open', { path }, session);
    await host.handle('files.save', { path, graph: { ...iris(), name: 'changed' } }, session);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await chmod(path, 0o640);
    await host.handle('files.saveAs', { graph: iris(), path, overwrite: true }, session);
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    // A new file gets the usual default.
    await writeFileAtomic(join(workspace, 'fresh.tlgraph'), 'x');
    expect((await stat(join(workspace, 'fresh.tlgraph'))).mode & 0o777).toBe(0o666 & ~process.umask());
  });

  it('keeps the previous version when the final rename fails, and leaves no temporary file', async () => {
    const host = serverHost();
    const path = join(workspace, 'a.tlgraph');
    await writeFile(path, serializeGraph(iris()));
    await host.handle('files.open', { path }, session);
    const rename = atomicWriteSteps.rename;
    atomicWriteSteps.rename = async () => {
      throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
    };
    try {
      await expect(host.handle('files.save', { path, graph: { ...iris(), name: 'lost?' } }, session)).rejects.toMatchObject({
        code: 'failed',
        message: expect.stringContaining('the previous version of the file is unchanged'),
      });
    } finally {
      atomicWriteSteps.rename = rename;
    }
    expect(await readFile(path, 'utf8')).toBe(serializeGraph(iris()));
    expect(await readdir(workspace)).toEqual(['a.tlgraph']);
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
    const dialogs: HostDialogs = { openGraph: async () => chosen, saveGraph: async () => null, chooseFolder: async () => null, saveFile: async () => null, confirmReplace: async () => false };
    const host = new Host({ kind: 'electron', version: 't', dataDir, workspaceRoot: null, dialogs, listBackends: async () => [] });
    const opened = (await host.handle('files.open', {}, session)) as { path: string };
    expect(opened.path).toBe(chosen);
    expect(await code(host.handle('files.save', { path: chosen, graph: iris() }, session))).toBe('ok');
    expect(await host.handle('files.saveAs', { graph: iris() }, session)).toBeNull();
  });

  it('completes a name from the native dialog with its extension and asks before replacing what that name hits', async () => {
    const folder = join(base, 'desk');
    await mkdir(folder);
    await writeFile(join(folder, 'model.tlgraph'), 'previous graph');
    await writeFile(join(folder, 'net.py'), 'previous code');
    await mkdir(join(folder, 'exports'));
    await writeFile(join(folder, 'exports', 'keep.txt'), 'mine');
    const asked: string[] = [];
    let answer = false;
    const dialogs: HostDialogs = {
      openGraph: async () => null,
      saveGraph: async () => join(folder, 'model'),
      chooseFolder: async () => join(folder, 'exports'),
      saveFile: async () => join(folder, 'net'),
      confirmReplace: async (message) => (asked.push(message), answer),
    };
    const host = new Host({ kind: 'electron', version: 't', dataDir, workspaceRoot: null, dialogs, listBackends: async () => [] });
    expect(await host.handle('files.saveAs', { graph: iris() }, session)).toBeNull();
    expect(await host.handle('export.code', { graph: iris(), language: 'python', save: true }, session)).toMatchObject({ path: null });
    const runId = 'run-d';
    await mkdir(join(dataDir, 'runs', runId), { recursive: true });
    await mkdir(join(base, 'art'));
    await writeFile(join(base, 'art', 'model.json'), '{}');
    await writeFile(join(dataDir, 'runs', runId, 'run.json'), JSON.stringify({ runId, graphPath: null, graphName: 'g', startedAt: 1, status: 'completed', epochs: 1, bestMetrics: null, artifactDir: join(base, 'art') }));
    expect(await host.handle('export.model', { runId }, session)).toBeNull();
    expect(asked).toEqual(["'model.tlgraph' already exists. Replace it?", "'net.py' already exists. Replace it?", "'exports' already contains files. Export into it anyway?"]);
    expect(await readFile(join(folder, 'model.tlgraph'), 'utf8')).toBe('previous graph');
    expect(await readFile(join(folder, 'net.py'), 'utf8')).toBe('previous code');
    expect(await readdir(join(folder, 'exports'))).toEqual(['keep.txt']);
    answer = true;
    expect(await host.handle('files.saveAs', { graph: iris() }, session)).toMatchObject({ path: join(folder, 'model.tlgraph') });
    expect(await readFile(join(folder, 'model.tlgraph'), 'utf8')).toBe(serializeGraph(iris()));
    expect((await host.handle('export.model', { runId }, session)) as { files: string[] }).toMatchObject({ files: ['model.json'] });
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

describe('opening files that are not graphs', () => {
  it('names the file and says what is wrong without echoing its contents', async () => {
    await writeFile(join(workspace, 'notes.tlgraph'), 'secret data line\npassword=hunter2\n');
    await writeFile(join(workspace, 'image.tlgraph'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]));
    await writeFile(join(workspace, 'broken.tlgraph'), '{\n  "format": "tensorloom.graph",\n  "name": "secret name" oops\n}');
    const host = serverHost();
    const message = (name: string) => host.handle('files.open', { path: join(workspace, name) }, session).then(() => 'opened', (e: Error) => e.message);
    expect(await message('notes.tlgraph')).toBe(`'notes.tlgraph' is not a Tensorloom graph: it is not JSON (a graph file starts with "{")`);
    expect(await message('image.tlgraph')).toBe(`'image.tlgraph' is not a Tensorloom graph: it is a binary file, not JSON text`);
    const broken = await message('broken.tlgraph');
    expect(broken).toBe(`'broken.tlgraph' is not valid JSON: expected ',' or '}' after a property value at line 3, column 25`);
    for (const m of [await message('notes.tlgraph'), broken]) expect(m).not.toMatch(/secret|hunter2/);
    expect(await message('')).toBe(`cannot open '${join(workspace, '')}': it is a folder`);
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

  const listed = async (host: Host, s: HostSession) => ((await host.handle('files.listRecoveries', {}, s)) as { recoveries: { docId: string; name: string }[] }).recoveries.map((r) => r.docId);

  it('a restored copy belongs to the window that restored it, and goes away when that document is saved or discarded', async () => {
    const path = join(workspace, 'doc.tlgraph');
    await serverHost().handle('files.saveAs', { graph: iris(), path }, session);
    await serverHost().handle('files.autosave', { docId: 'crashed', path, graph: { ...iris(), name: 'edited' } }, session);
    const host = serverHost();
    const tabA: HostSession = { send: () => undefined };
    const tabB: HostSession = { send: () => undefined };
    await host.handle('files.recover', { docId: 'crashed' }, tabA);
    // Open in tab A: tab B neither lists it nor can take it over.
    expect(await listed(host, tabB)).toEqual([]);
    expect(await code(host.handle('files.recover', { docId: 'crashed' }, tabB))).toBe('invalid');
    expect(await code(host.handle('files.discardRecovery', { docId: 'crashed' }, tabB))).toBe('invalid');
    // Tab A keeps editing under the same docId: still one copy, now with the newer edit.
    await host.handle('files.autosave', { docId: 'crashed', path, graph: { ...iris(), name: 'edited again' } }, tabA);
    expect(await readdir(join(dataDir, 'recovery'))).toEqual(['crashed.json']);
    // Tab A goes away without saving: the copy is offered again.
    host.closeSession(tabA);
    expect(await listed(host, tabB)).toEqual(['crashed']);
    await host.handle('files.recover', { docId: 'crashed' }, tabB);
    await host.handle('files.save', { path, graph: iris(), docId: 'crashed' }, tabB);
    expect(await listed(serverHost(), session)).toEqual([]);
  });

  it('offers one copy per file, the newest, and drops the ones it supersedes', async () => {
    const path = join(workspace, 'convnet.tlgraph');
    const first = serverHost();
    await first.handle('files.autosave', { docId: 'older', path, graph: { ...iris(), name: 'v1' } }, session);
    await new Promise((r) => setTimeout(r, 5));
    await first.handle('files.autosave', { docId: 'newer', path, graph: { ...iris(), name: 'v2' } }, { send: () => undefined });
    await first.handle('files.autosave', { docId: 'untitled1', path: null, graph: iris() }, session);
    await first.handle('files.autosave', { docId: 'untitled2', path: null, graph: iris() }, session);
    const next = serverHost();
    const startup = (await next.handle('files.startup', {}, session)) as { recoveries: { docId: string; name: string }[] };
    expect(startup.recoveries.filter((r) => r.name === 'convnet.tlgraph').map((r) => r.docId)).toEqual(['newer']);
    expect(startup.recoveries.map((r) => r.docId).sort()).toEqual(['newer', 'untitled1', 'untitled2']);
    expect((await readdir(join(dataDir, 'recovery'))).sort()).toEqual(['newer.json', 'untitled1.json', 'untitled2.json']);
  });

  it('closing a window without saving drops its copy', async () => {
    const host = serverHost();
    const win: HostSession = { send: () => undefined };
    await host.handle('files.autosave', { docId: 'w1', path: null, graph: iris() }, win);
    await host.discardSessionRecoveries(win);
    expect(await listed(serverHost(), session)).toEqual([]);
  });

  it('opens the start file in the first window only; later windows start empty', async () => {
    const file = join(workspace, 'start.tlgraph');
    await writeFile(file, serializeGraph(iris()));
    const host = serverHost({ initialFile: file });
    const first = (await host.handle('files.startup', {}, session)) as { file: { path: string } | null };
    expect(first.file?.path).toBe(file);
    const second = (await host.handle('files.startup', {}, { send: () => undefined })) as { file: unknown };
    expect(second.file).toBeNull();
    // The OS asks to open a file while no window is open: the next window starts with it.
    await host.setStartupFile(file);
    expect(((await host.handle('files.startup', {}, session)) as { file: { path: string } | null }).file?.path).toBe(file);
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

  it("previews a CSV's numbers as the file has them, not as standardized values mapped back (no -7.3e-7 for a 0)", async () => {
    // Pixel-like columns (0..255) and a large one: float32 standardization round trips leave tiny errors behind.
    const rows = [[0, 255, 52341, 0.125], [128, 0, 1000, 3], [255, 17, 999999, 0], [3, 200, 0, 1.5]];
    await writeFile(join(workspace, 'pixels.csv'), `p0,p1,big,frac,label\n${rows.map((r, i) => `${r.join(',')},${i % 2}`).join('\n')}\n`);
    const host = serverHost();
    const r = (await host.handle('datasets.preview', { dataset: { kind: 'csv', path: 'pixels.csv', target: 'label' }, graphPath: join(workspace, 'g.tlgraph'), count: 4 }, session)) as { samples: { values: Record<string, number> }[] };
    const seen = r.samples.map((s) => [s.values.p0, s.values.p1, s.values.big, s.values.frac]);
    expect(seen).toHaveLength(4);
    for (const row of seen) expect(rows).toContainEqual(row);
  });

  it('exports code as text and into the workspace', async () => {
    const host = serverHost();
    const py = (await host.handle('export.code', { graph: iris(), language: 'python' }, session)) as { code: string; fileName: string };
    expect(py.fileName).toBe('Iris_MLP.py');
    expect(py.code).toContain('keras');
    const ts = (await host.handle('export.code', { graph: iris(), language: 'typescript', save: true, path: join(workspace, 'model.ts') }, session)) as { code: string; path: string };
    expect(await readFile(ts.path, 'utf8')).toBe(ts.code);
  });

  it('writes code only as a .ts/.py file of its language, asking before it replaces one', async () => {
    const host = serverHost();
    const save = (path: string, extra: Record<string, unknown> = {}) => host.handle('export.code', { graph: iris(), language: 'python', save: true, path, ...extra }, session) as Promise<{ path: string; code: string }>;
    expect((await save(join(workspace, 'model'))).path).toBe(join(workspace, 'model.py'));
    expect((await save(join(workspace, 'run.sh'))).path).toBe(join(workspace, 'run.sh.py'));
    await expect(save(join(workspace, 'model.py'))).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining("'model.py' already exists") });
    expect(await code(save(join(workspace, 'model.py'), { overwrite: true }))).toBe('ok');
    const ts = (await host.handle('export.code', { graph: iris(), language: 'typescript', save: true, path: join(workspace, 'model.py') }, session)) as { path: string };
    expect(ts.path).toBe(join(workspace, 'model.py.ts'));
    expect((await readdir(workspace)).sort()).toEqual(['model.py', 'model.py.ts', 'run.sh.py']);
  });

  it('keeps names and descriptions inside comments and strings of the generated code', async () => {
    const host = serverHost();
    const g = iris();
    // Every line terminator TypeScript or Python knows, each followed by code that must not run.
    g.description = 'ok\rglobalThis.__tlPwned = 1;\u2028globalThis.__tlPwned = 2;\u2029globalThis.__tlPwned = 3;\r\n__import__("os").system("echo PWNED")\n*/ globalThis.__tlPwned = 4; /*';
    g.name = 'net\u2028globalThis.__tlPwned = 5;';
    g.training = { ...g.training, dataset: { kind: 'builtin', name: "iris' */ globalThis.__tlPwned = 6; /*\n__import__('os').system('echo PWNED')" } };
    const tsFile = join(workspace, 'model.ts');
    const pyFile = join(workspace, 'model.py');
    await host.handle('export.code', { graph: g, language: 'typescript', save: true, path: tsFile }, session);
    await host.handle('export.code', { graph: g, language: 'python', save: true, path: pyFile }, session);
    await symlink(join(process.cwd(), 'node_modules'), join(workspace, 'node_modules'), 'dir');
    const mod = (await import(pathToFileURL(tsFile).href)) as { buildModel(): { dispose(): void } };
    mod.buildModel().dispose();
    expect((globalThis as Record<string, unknown>).__tlPwned).toBeUndefined();
    // Python: the only calls at module level are the ones the exporter writes (no os.system smuggled in).
    const calls = await execFileP('python3', ['-c', 'import ast,sys; t=ast.parse(open(sys.argv[1]).read()); print(sorted({n.func.id for n in ast.walk(t) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}))', pyFile]);
    expect(calls.stdout).not.toContain('__import__');
    // The text is still there, as documentation.
    expect(await readFile(pyFile, 'utf8')).toContain('__import__("os").system("echo PWNED")');
  });

  it('exports a model only into an empty or new visible folder unless told to replace', async () => {
    const host = serverHost();
    const artifacts = join(base, 'artifacts');
    await mkdir(artifacts);
    await writeFile(join(artifacts, 'model.json'), '{"modelTopology":{}}');
    await writeFile(join(artifacts, 'weights.bin'), 'w');
    const runId = 'run-1';
    await mkdir(join(dataDir, 'runs', runId), { recursive: true });
    await writeFile(join(dataDir, 'runs', runId, 'run.json'), JSON.stringify({ runId, graphPath: null, graphName: 'g', startedAt: 1, status: 'completed', epochs: 1, bestMetrics: null, artifactDir: artifacts }));
    const exportTo = (dir: string, overwrite?: boolean) => host.handle('export.model', { runId, dir, ...(overwrite ? { overwrite } : {}) }, session) as Promise<{ files: string[] }>;
    expect((await exportTo(join(workspace, 'exports', 'm1'))).files.sort()).toEqual(['model.json', 'weights.bin']);
    await mkdir(join(workspace, 'busy'));
    await writeFile(join(workspace, 'busy', 'model.json'), 'mine');
    await expect(exportTo(join(workspace, 'busy'))).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining("'busy' is not empty") });
    expect(await readFile(join(workspace, 'busy', 'model.json'), 'utf8')).toBe('mine');
    // A link planted in the folder is replaced, not written through.
    await writeFile(join(base, 'victim'), 'untouched');
    await symlink(join(base, 'victim'), join(workspace, 'busy', 'weights.bin'));
    await exportTo(join(workspace, 'busy'), true);
    expect(await readFile(join(workspace, 'busy', 'model.json'), 'utf8')).toBe('{"modelTopology":{}}');
    expect(await readFile(join(base, 'victim'), 'utf8')).toBe('untouched');
    expect(await code(exportTo(join(workspace, '.config', 'm')))).toBe('forbidden');
    expect(await code(exportTo(join(workspace, 'exports', 'm1', 'model.json'), true))).toBe('invalid');
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

