// The layering of DESIGN.md is enforced by eslint.config.js; these tests lint small snippets as if they were
// files in each folder and check that every forbidden way of importing is reported and allowed ones are not.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** Every message ESLint reports for `code` placed at `file` (relative to the repository root); the snippets are otherwise clean. */
async function layering(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return result!.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const GRAPH_FILE = 'graph/layers/probe.ts';
const COMPILE_FILE = 'graph/compile.ts';
const MAIN_FILE = 'main/cli/probe.ts';
const RENDERER_FILE = 'renderer/panels/probe.tsx';

describe('lint: graph/ imports nothing of the others', () => {
  it.each([
    ['node: built-in', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;", 'no Node built-ins'],
    ['bare built-in from the old list', "import { join } from 'path';\nexport const j = join;", 'no Node built-ins'],
    ['bare readline', "import * as readline from 'readline';\nexport const r = readline;", 'no Node built-ins'],
    ['bare assert', "import assert from 'assert';\nexport const a = assert;", 'no Node built-ins'],
    ['bare vm', "import { runInNewContext } from 'vm';\nexport const v = runInNewContext;", 'no Node built-ins'],
    ['bare dns', "import { lookup } from 'dns';\nexport const l = lookup;", 'no Node built-ins'],
    ['bare module', "import { createRequire } from 'module';\nexport const c = createRequire;", 'no Node built-ins'],
    ['built-in subpath', "import { readFile } from 'fs/promises';\nexport const r = readFile;", 'no Node built-ins'],
    ['prefixed-only built-in', "import { test } from 'node:test';\nexport const t = test;", 'no Node built-ins'],
    ['dynamic import of a built-in', "export async function f() { return await import('node:fs'); }", 'no Node built-ins'],
    ['dynamic import in a template literal', 'export async function f() { return await import(`os`); }', 'no Node built-ins'],
    ['require of a built-in', "declare const require: (s: string) => unknown;\nexport const fs = require('fs');", 'no Node built-ins'],
    ['import = require', "import fs = require('fs');\nexport const f = fs;", 'no Node built-ins'],
    ['re-export of a built-in', "export { readFile } from 'node:fs/promises';", 'no Node built-ins'],
    ['main/ folder index', "import * as m from '../../main';\nexport const x = m;", 'graph/ is the pure core'],
    ['main/ module', "import { x } from '../../main/cli/index.js';\nexport const y = x;", 'graph/ is the pure core'],
    ['renderer/ folder index', "import * as r from '../../renderer';\nexport const x = r;", 'graph/ is the pure core'],
    ['renderer/ through ./..', "import { x } from './../../renderer/app/format.js';\nexport const y = x;", 'graph/ is the pure core'],
    ['dynamic import of main/', "export const f = () => import('../../main/cli/index.js');", 'graph/ is the pure core'],
    ['react', "import { useState } from 'react';\nexport const u = useState;", 'must not depend on UI or Electron'],
    ['react-dom subpath', "import { createRoot } from 'react-dom/client';\nexport const c = createRoot;", 'must not depend on UI or Electron'],
    ['@xyflow', "import { ReactFlow } from '@xyflow/react';\nexport const r = ReactFlow;", 'must not depend on UI or Electron'],
    ['electron', "import { app } from 'electron';\nexport const a = app;", 'must not depend on UI or Electron'],
    ['tfjs at run time', "import * as tf from '@tensorflow/tfjs';\nexport const t = tf;", 'take `tf` as a parameter'],
    ['computed dynamic import', 'export const f = (m: string) => import(m);', 'computed module specifier'],
  ])('reports %s', async (_name, code, message) => {
    expect(await layering(GRAPH_FILE, code)).toContainEqual(expect.stringContaining(message));
  });

  it('reports built-ins in graph/compile.ts and graph/tfjs/ too, and tfjs there only at run time', async () => {
    expect(await layering(COMPILE_FILE, "import { readFileSync } from 'fs';\nexport const r = readFileSync;")).toEqual([expect.stringContaining('no Node built-ins')]);
    expect(await layering('graph/tfjs/probe.ts', "export const f = () => import('node:os');")).toEqual([expect.stringContaining('no Node built-ins')]);
    expect(await layering(COMPILE_FILE, "import * as tf from '@tensorflow/tfjs';\nexport const t = tf;")).toEqual([expect.stringContaining('instead of importing a backend package')]);
  });

  it('allows graph/ imports, zod and type-only tfjs imports', async () => {
    const code = [
      "import { z } from 'zod';",
      "import type * as tfjs from '@tensorflow/tfjs';",
      "import { type LayersModel } from '@tensorflow/tfjs';",
      "import { formatShape } from '../shape.js';",
      "import { inferGraph } from '../infer.js';",
      "export type { Tensor } from '@tensorflow/tfjs';",
      'export const x = [z, formatShape, inferGraph];',
      'export type M = LayersModel | tfjs.Tensor;',
      "export const later = () => import('./io.js');",
    ].join('\n');
    expect(await layering(GRAPH_FILE, code)).toEqual([]);
    // A graph/ module named like a folder of the root ('graph/main.ts') is not main/.
    expect(await layering(GRAPH_FILE, "import { x } from '../main.js';\nexport const y = x;")).toEqual([]);
  });
});

describe('lint: main/ and renderer/ never import each other', () => {
  it.each([
    [MAIN_FILE, "import { App } from '../../renderer/app/app.js';\nexport const a = App;", 'main/ and renderer/ never import each other'],
    [MAIN_FILE, "import * as r from '../../renderer';\nexport const a = r;", 'main/ and renderer/ never import each other'],
    [MAIN_FILE, "export const f = () => import('../../renderer/app/format.js');", 'main/ and renderer/ never import each other'],
    [MAIN_FILE, "import { app } from 'electron';\nexport const a = app;", 'Only main/electron/ imports electron'],
    ['main/electron/probe.ts', "import * as r from '../../renderer/app/format.js';\nexport const a = r;", 'main/ and renderer/ never import each other'],
    [RENDERER_FILE, "import { Host } from '../../main/host/host.js';\nexport const h = Host;", 'main/ and renderer/ never import each other'],
    [RENDERER_FILE, "import * as m from '../../main';\nexport const x = m;", 'main/ and renderer/ never import each other'],
    [RENDERER_FILE, "export const f = () => import('../../main/cli/index.js');", 'main/ and renderer/ never import each other'],
    [RENDERER_FILE, "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;", 'preload bridge only'],
    [RENDERER_FILE, "import * as readline from 'readline';\nexport const r = readline;", 'The renderer is sandboxed'],
    [RENDERER_FILE, "export const f = () => import('node:child_process');", 'The renderer is sandboxed'],
    [RENDERER_FILE, "import type { Tensor } from '@tensorflow/tfjs';\nexport type T = Tensor;", 'does not run TensorFlow.js'],
  ])('%s: reports %s', async (file, code, message) => {
    expect(await layering(file, code)).toContainEqual(expect.stringContaining(message));
  });

  it('allows what each side may import', async () => {
    expect(
      await layering(
        MAIN_FILE,
        "import { readFile } from 'node:fs/promises';\nimport { inferGraph } from '../../graph/infer.js';\nimport * as tf from '@tensorflow/tfjs';\nexport const x = [readFile, inferGraph, tf, (p: string) => import(p)];",
      ),
    ).toEqual([]);
    expect(await layering('main/electron/probe.ts', "import { app } from 'electron';\nexport const a = app;")).toEqual([]);
    expect(
      await layering(
        RENDERER_FILE,
        "import { useState } from 'react';\nimport { ReactFlow } from '@xyflow/react';\nimport { inferGraph } from '../../graph/infer.js';\nimport { App } from '../main.js';\nexport const x = [useState, ReactFlow, inferGraph, App];",
      ),
    ).toEqual([]);
  });
});
