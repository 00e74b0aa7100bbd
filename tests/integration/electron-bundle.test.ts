// What of the desktop app can be exercised without the Electron runtime (which cannot be downloaded here): the
// main-process bundles build, the bundled training and prediction workers run in plain child processes speaking the
// protocols they speak over a utilityProcess port, the preload needs nothing but 'electron', and the menu and argv handling.
import { fork } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { MENU_COMMANDS } from '../../graph/api/host.js';
import { TrainingEventSchema, type TrainingEvent } from '../../graph/api/training.js';
import { getTemplate } from '../../graph/templates/index.js';
import { buildElectron } from '../../main/electron/build.js';
import { graphFileFromArgv, menuTemplate } from '../../main/electron/menu.js';
import { nodePredictChannel, PredictionProcess, type PredictChannel } from '../../main/training/predict-process.js';

let outputs: string[];
let tmp: string;
beforeAll(async () => {
  outputs = await buildElectron();
  tmp = await mkdtemp(join(tmpdir(), 'tl-electron-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('desktop app bundles', () => {
  it('the bundled worker trains a run from a start command and reports events that satisfy the protocol', async () => {
    const worker = outputs.find((o) => o.endsWith('worker.mjs'))!;
    const child = fork(worker, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const events: TrainingEvent[] = [];
    const graph = getTemplate('iris-mlp')!.build();
    const finished = new Promise<void>((resolve) => {
      child.on('message', (m) => {
        const e = TrainingEventSchema.parse(m);
        events.push(e);
        if (e.type === 'runFinished') resolve();
      });
      child.on('exit', () => resolve());
    });
    child.send({ type: 'start', runId: 'r1', graph, training: { ...graph.training, epochs: 1 }, dataset: { kind: 'builtin', name: 'iris' }, baseDir: null, backend: 'cpu', outDir: join(tmp, 'run'), limit: 32 });
    await finished;
    expect(events.at(-1)).toMatchObject({ type: 'runFinished', status: 'completed' });
    expect(events.some((e) => e.type === 'epoch')).toBe(true);
  });

  it('the bundled prediction worker, started without tsx as the utilityProcess starts it, tries the run it trained', async () => {
    const bundle = outputs.find((o) => o.endsWith('predict-worker.mjs'))!;
    // The bundle as the utilityProcess runs it (no tsx loader), here over a plain fork.
    const spawn = (): PredictChannel => nodePredictChannel(bundle, []);
    const predictions = new PredictionProcess({ spawn });
    try {
      const [p] = await predictions.predict({ dir: join(tmp, 'run'), inputs: ['5.1,3.5,1.4,0.2'], backend: 'cpu' });
      expect(p).toMatchObject({ input: '5.1,3.5,1.4,0.2', kind: 'class' });
      if (p?.kind !== 'class') throw new Error('expected a class prediction');
      expect(p.top.map((t) => t.label).sort()).toEqual(['setosa', 'versicolor', 'virginica']);
    } finally {
      predictions.close();
    }
  });

  it('the sandboxed preload requires nothing but electron and never exposes ipcRenderer', async () => {
    const preload = await readFile(outputs.find((o) => o.endsWith('preload.cjs'))!, 'utf8');
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).toMatch(/exposeInMainWorld\("tensorloom"/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*\)/);
  });
});

describe('menus and command line', () => {
  const sent: string[] = [];
  const template = menuTemplate({ command: (c) => sent.push(c), openRecent: (p) => sent.push(`recent:${p}`), about: () => sent.push('about') }, [{ path: '/x/a.tlgraph', name: 'a.tlgraph', openedAt: 1, exists: true }], 'linux');
  const items = (list: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] => list.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu) : [])]);
  const byLabel = (label: string) => items(template).find((i) => i.label === label);

  it('has the usual menus and accelerators, each item sending a declared command', () => {
    expect(template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Run', '&Help']);
    expect(byLabel('Open…')?.accelerator).toBe('CmdOrCtrl+O');
    expect(byLabel('Save As…')?.accelerator).toBe('CmdOrCtrl+Shift+S');
    expect(byLabel('Undo')?.accelerator).toBe('CmdOrCtrl+Z');
    expect(byLabel('Train')?.accelerator).toBe('CmdOrCtrl+Enter');
    for (const item of items(template)) (item.click as (() => void) | undefined)?.();
    for (const c of sent.filter((s) => !s.startsWith('recent:') && s !== 'about')) expect(MENU_COMMANDS).toContain(c);
    expect(sent).toContain('recent:/x/a.tlgraph');
  });

  it('finds the graph file on a command line', () => {
    expect(graphFileFromArgv(['/opt/Tensorloom/tensorloom', '--no-sandbox', 'models/a.tlgraph'], '/home/u')).toBe('/home/u/models/a.tlgraph');
    expect(graphFileFromArgv(['electron', 'out/electron/main.mjs'], '/w')).toBeNull();
  });
});
