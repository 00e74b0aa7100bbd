import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serializeGraph } from '../../graph/document.js';
import { getTemplate } from '../../graph/templates/index.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = join(root, 'bin/tensorloom.js');
const dir = mkdtempSync(join(tmpdir(), 'tl-serve-'));
const env = { ...process.env, TENSORLOOM_DATA_DIR: join(dir, 'data') };
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `tensorloom serve` and resolves once it printed its URL (with everything printed so far). */
function serve(args: string[]): Promise<{ child: ChildProcess; url: string; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], { cwd: dir, env });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((ok, fail) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /http:\/\/\S+\?token=\S+/.exec(stdout);
      if (m) ok({ child, url: m[0], stdout, stderr });
    });
    child.on('exit', (code) => fail(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

function run(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => execFile(process.execPath, [bin, 'serve', ...args], { cwd: dir, env, timeout: 30_000 }, (e, _o, stderr) => done({ code: e ? Number(e.code) : 0, stderr })));
}

describe('tensorloom serve', () => {
  it('prints a tokened loopback URL, opens FILE in the app, and stops cleanly on SIGTERM', async () => {
    const file = join(dir, 'start.tlgraph');
    writeFileSync(file, serializeGraph(getTemplate('iris-mlp')!.build()));
    const s = await serve([file]);
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    expect(s.stderr).not.toMatch(/warning: listening/);
    const origin = new URL(s.url).origin;
    expect((await fetch(origin)).status).toBe(401);
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/api?token=${new URL(s.url).searchParams.get('token')}`, { headers: { Origin: origin } });
    await new Promise((r) => ws.once('open', r));
    const answer = new Promise<{ ok: boolean; result: { file: { path: string } | null } }>((r) => ws.once('message', (d) => r(JSON.parse(String(d)))));
    ws.send(JSON.stringify({ id: 1, method: 'files.startup', params: {} }));
    expect((await answer).result.file?.path).toBe(file);
    ws.close();
    const exited = new Promise<number | null>((r) => s.child.once('exit', (code) => r(code)));
    s.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('warns when bound to a non-loopback address', async () => {
    const s = await serve(['--host', '0.0.0.0']);
    await new Promise((r) => setTimeout(r, 100));
    expect(s.stderr + s.stdout).toMatch(/warning: listening on 0\.0\.0\.0, reachable from other machines/);
    s.child.kill('SIGTERM');
  });

  it('explains bad arguments in one line', async () => {
    const missing = await run(['nope.tlgraph']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/cannot open 'nope.tlgraph': no such file/);
    const port = await run(['--port', 'abc']);
    expect(port.stderr).toMatch(/--port must be a whole number/);
    const folder = await run([dir]);
    expect(folder.stderr).toMatch(/is a folder/);
  });
});
