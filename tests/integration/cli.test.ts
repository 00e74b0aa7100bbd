import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeGraph } from '../../graph/document.js';
import { getTemplate, TEMPLATES } from '../../graph/templates/index.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = join(root, 'bin/tensorloom.js');
let dir: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Result> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir, timeout: 60_000, env: { ...process.env, TENSORLOOM_DEBUG: '' } }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A user-facing failure: non-zero exit, exactly one line on stderr, no stack trace. */
function expectOneLineError(r: Result, pattern: RegExp, code?: number): void {
  expect(r.code).not.toBe(0);
  if (code !== undefined) expect(r.code).toBe(code);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
  expect(lines[0]).toMatch(pattern);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tensorloom-cli-'));
  // Exported TypeScript imports @tensorflow/tfjs; the link lets it resolve from this folder.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'iris.tlgraph'), serializeGraph(getTemplate('iris-mlp')!.build()));
  writeFileSync(join(dir, 'broken.tlgraph'), '{"format": "tensorloom.graph", "version": 1, "nodes": [');
  writeFileSync(join(dir, 'newer.tlgraph'), JSON.stringify({ format: 'tensorloom.graph', version: 99, nodes: [], edges: [] }));
  const tiny = (extra: Record<string, unknown>) => JSON.stringify({ format: 'tensorloom.graph', version: 1, nodes: [{ id: 'a', type: 'Input', name: 'x', position: { x: 0, y: 0 }, params: { shape: [4] } }], edges: [], ...extra });
  writeFileSync(join(dir, 'dangling.tlgraph'), tiny({ edges: [{ id: 'e1', source: 'a', target: 'ghost', targetHandle: 'in' }] }));
  writeFileSync(join(dir, 'bad-training.tlgraph'), tiny({ training: { batchSize: -5 } }));
  writeFileSync(
    join(dir, 'bad-param.tlgraph'),
    tiny({
      nodes: [
        { id: 'a', type: 'Input', name: 'x', position: { x: 0, y: 0 }, params: { shape: [4] } },
        { id: 'b', type: 'Dense', name: 'fc', position: { x: 0, y: 0 }, params: { units: 0 } },
        { id: 'c', type: 'Output', name: 'y', position: { x: 0, y: 0 }, params: { loss: 'meanSquaredError', metrics: [] } },
      ],
      edges: [
        { id: 'e1', source: 'a', target: 'b', targetHandle: 'in' },
        { id: 'e2', source: 'b', target: 'c', targetHandle: 'in' },
      ],
    }),
  );
  writeFileSync(
    join(dir, 'invalid.tlgraph'),
    JSON.stringify({
      format: 'tensorloom.graph',
      version: 1,
      name: 'invalid',
      nodes: [
        { id: 'a', type: 'Input', name: 'x', position: { x: 0, y: 0 }, params: { shape: [28, 28, 1] } },
        { id: 'b', type: 'Dense', name: 'fc', position: { x: 0, y: 0 }, params: { units: 10 } },
        { id: 'c', type: 'Output', name: 'y', position: { x: 0, y: 0 }, params: { loss: 'meanSquaredError' } },
      ],
      edges: [
        { id: 'e1', source: 'a', target: 'b', targetHandle: 'in' },
        { id: 'e2', source: 'b', target: 'c', targetHandle: 'in' },
      ],
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tensorloom CLI', () => {
  it('templates: one name per line', async () => {
    const r = await cli('templates');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(TEMPLATES.map((t) => `${t.name}\n`).join(''));
    expectOneLineError(await cli('templates', 'extra'), /^tensorloom templates: takes no arguments/, 2);
  });

  it('new: writes a valid graph file and refuses to overwrite it', async () => {
    const r = await cli('new', 'mnist-convnet', '-o', 'convnet.tlgraph');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Wrote convnet.tlgraph from template 'mnist-convnet'\n");
    const doc = JSON.parse(readFileSync(join(dir, 'convnet.tlgraph'), 'utf8')) as { format: string; nodes: unknown[] };
    expect(doc.format).toBe('tensorloom.graph');
    expect(doc.nodes).toHaveLength(9);
    expectOneLineError(await cli('new', 'mnist-convnet', '-o', 'convnet.tlgraph'), /already exists; choose another name or pass --force/, 2);
    expectOneLineError(await cli('new', 'mnist-convent', '-o', 'x.tlgraph'), /^tensorloom new: no template 'mnist-convent'; choose one of iris-mlp, /, 2);
    expectOneLineError(await cli('new', 'mnist-mlp'), /^tensorloom new: missing -o FILE/, 2);
    expectOneLineError(await cli('new'), /^tensorloom new: missing TEMPLATE/, 2);
    expectOneLineError(await cli('new', 'mnist-mlp', '-o', 'nowhere/x.tlgraph'), /cannot write 'nowhere\/x.tlgraph': its folder does not exist/, 2);
    expect(existsSync(join(dir, 'x.tlgraph'))).toBe(false);
  });

  it('validate: exit 0 with per-node shapes for a valid graph', async () => {
    await cli('new', 'mnist-convnet', '-o', 'v.tlgraph');
    const r = await cli('validate', 'v.tlgraph');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/conv1 \(Conv2D\)\s+\[null, 26, 26, 32\]\s+320/);
    // Thousands separators, as in `tensorloom summary`.
    expect(r.stdout).toMatch(/\nconv2 \(Conv2D\)\s+\[null, 11, 11, 64\]\s+18,496\n/);
    expect(r.stdout).toContain('Total params: 34,826');
    expect(r.stdout.trimEnd().endsWith('valid')).toBe(true);
  });

  it('validate --json: follows the documented schema', async () => {
    await cli('new', 'spam-lstm', '-o', 'j.tlgraph');
    // The exact shape: no key more or less than it lists.
    const schema = {
      type: 'object',
      additionalProperties: false,
      required: ['valid', 'diagnostics', 'nodes', 'totalParams'],
      properties: {
        valid: { type: 'boolean' },
        diagnostics: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['nodeId', 'nodeName', 'severity', 'message'],
            properties: {
              nodeId: { type: ['string', 'null'] },
              nodeName: { type: ['string', 'null'] },
              severity: { enum: ['error', 'warning'] },
              message: { type: 'string', minLength: 1 },
            },
          },
        },
        nodes: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'name', 'type', 'outputShape', 'params'],
            properties: {
              id: { type: 'string' },
              name: { type: 'string' },
              type: { type: 'string' },
              outputShape: { anyOf: [{ type: 'null' }, { type: 'array', items: { type: ['integer', 'null'] } }] },
              params: { type: 'integer', minimum: 0 },
            },
          },
        },
        totalParams: { type: 'integer', minimum: 0 },
      },
    };
    const validateSchema = new Ajv({ strict: false }).compile(schema);

    const ok = await cli('validate', 'j.tlgraph', '--json');
    expect(ok.code).toBe(0);
    const good = JSON.parse(ok.stdout) as { valid: boolean; totalParams: number; nodes: { name: string; outputShape: unknown }[] };
    expect(validateSchema(good), JSON.stringify(validateSchema.errors)).toBe(true);
    expect(good.valid).toBe(true);
    expect(good.totalParams).toBe(264_353);
    expect(good.nodes.find((n) => n.name === 'lstm')!.outputShape).toEqual([null, 32]);

    const bad = await cli('validate', 'invalid.tlgraph', '--json');
    expect(bad.code).toBe(1);
    const parsed = JSON.parse(bad.stdout) as { valid: boolean; diagnostics: { nodeName: string; severity: string; message: string }[] };
    expect(validateSchema(parsed), JSON.stringify(validateSchema.errors)).toBe(true);
    expect(parsed.valid).toBe(false);
    expect(parsed.diagnostics).toContainEqual(expect.objectContaining({ nodeName: 'fc', severity: 'error', message: expect.stringContaining('add a Flatten before it') }));

    // A diagnostic about a param (which the inspector highlights through its field) still has only the four keys.
    const badParam = await cli('validate', 'bad-param.tlgraph', '--json');
    expect(badParam.code).toBe(1);
    const withField = JSON.parse(badParam.stdout) as { diagnostics: Record<string, unknown>[] };
    expect(validateSchema(withField), JSON.stringify(validateSchema.errors)).toBe(true);
    expect(withField.diagnostics).toEqual([{ nodeId: 'b', nodeName: 'fc', severity: 'error', message: "Dense 'fc' param 'units' must be at least 1 (got 0)" }]);

    // Files that do not load: the same shape, one graph-level error naming the file, exit 1, nothing on stderr.
    const failures: [string, RegExp][] = [
      ['broken.tlgraph', /^'broken\.tlgraph' is not valid JSON: .* at line 1, column \d+$/],
      ['dangling.tlgraph', /^'dangling\.tlgraph': edge 'e1' ends at node id 'ghost', which does not exist/],
      ['newer.tlgraph', /^'newer\.tlgraph' was saved by a newer Tensorloom \(graph file version 99\)/],
      ['bad-training.tlgraph', /^'bad-training\.tlgraph': training\.batchSize must be at least 1 \(got -5\)$/],
      ['missing.tlgraph', /^cannot read 'missing\.tlgraph': no such file$/],
    ];
    for (const [file, message] of failures) {
      const r = await cli('validate', file, '--json');
      expect(r.code, file).toBe(1);
      expect(r.stderr, file).toBe('');
      const out = JSON.parse(r.stdout) as { diagnostics: { message: string }[] };
      expect(validateSchema(out), JSON.stringify(validateSchema.errors)).toBe(true);
      expect(out).toEqual({ valid: false, diagnostics: [{ nodeId: null, nodeName: null, severity: 'error', message: expect.stringMatching(message) }], nodes: [], totalParams: 0 });
    }
  });

  it('validate: exit 1 listing errors for an invalid graph', async () => {
    const r = await cli('validate', 'invalid.tlgraph');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error: Dense 'fc' expects a rank-2 input (or rank-3 for sequences) but gets [null, 28, 28, 1]; add a Flatten before it");
    expect(r.stdout.trimEnd().endsWith('invalid: 1 error')).toBe(true);
  });

  it('bad files: one line naming the file, no stack trace', async () => {
    const cases: [string[], RegExp, number][] = [
      [['validate', 'missing.tlgraph'], /^tensorloom validate: cannot read 'missing.tlgraph': no such file$/, 2],
      [['validate', 'broken.tlgraph'], /^tensorloom validate: 'broken.tlgraph' is not valid JSON/, 1],
      [['summary', 'newer.tlgraph'], /graph file version 99\); this build reads versions up to 1/, 1],
      [['export-code', '.', '--lang', 'ts'], /^tensorloom export-code: cannot read '.': it is a folder$/, 2],
      [['validate'], /^tensorloom validate: missing FILE/, 2],
      [['validate', 'a.tlgraph', 'b.tlgraph'], /^tensorloom validate: expected one FILE but got 2/, 2],
      [['validate', 'invalid.tlgraph', '--jsn'], /^tensorloom validate: unknown option '--jsn' \(did you mean '--json'\?\); usage: tensorloom validate FILE \[--json\]$/, 2],
      [['export-code', 'invalid.tlgraph', '--lang'], /^tensorloom export-code: option '--lang' needs a value; usage: tensorloom export-code FILE/, 2],
      [['summary', 'bad-training.tlgraph'], /^tensorloom summary: 'bad-training\.tlgraph': training\.batchSize must be at least 1 \(got -5\)$/, 1],
      [['frobnicate'], /^tensorloom: unknown command 'frobnicate'/, 2],
      // Options the run would refuse are refused by name, in the graph file's own bounds (not a zod dump).
      [['train', 'iris.tlgraph', '--batch-size', '100000'], /^tensorloom train: --batch-size must be a whole number from 1 to 65,536 \(got '100000'\)$/, 2],
      [['train', 'iris.tlgraph', '--epochs', '200000'], /^tensorloom train: --epochs must be a whole number from 1 to 100,000 \(got '200000'\)$/, 2],
      [['train', 'iris.tlgraph', '--seed', '1e30'], /^tensorloom train: --seed must be a whole number of at least 0 \(got '1e30', too big\)$/, 2],
      // A dash-led value: say what to write instead of parseArgs' "argument is ambiguous".
      [['train', 'iris.tlgraph', '--lr', '-1'], /^tensorloom train: option '--lr' is followed by '-1', which reads as an option; write --lr=-1 if it is the value; see 'tensorloom train --help'$/, 2],
      [['train', 'a.tlgraph', 'b.tlgraph'], /^tensorloom train: expected one FILE but got 2 \(a\.tlgraph, b\.tlgraph\); see 'tensorloom train --help'$/, 2],
      [['predict', 'run'], /^tensorloom predict: expected RUN_DIR and at least one INPUT; see 'tensorloom predict --help'$/, 2],
      // An invalid graph is refused in one line naming the file, before any training process starts.
      [['train', 'bad-param.tlgraph'], /^tensorloom train: 'bad-param\.tlgraph': the graph has 1 error; fix it before training: Dense 'fc' param 'units' must be at least 1 \(got 0\)$/, 1],
      // --backend is checked by name before any run folder or model is read, as train does.
      [['predict', 'no-run', '1,2,3,4', '--backend', 'tpu'], /^tensorloom predict: --backend must be one of auto, gpu, node, wasm, cpu \(got 'tpu'\)$/, 2],
      [['evaluate', 'no-run', '--backend', 'tpu'], /^tensorloom evaluate: --backend must be one of auto, gpu, node, wasm, cpu \(got 'tpu'\)$/, 2],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(...args)));
    results.forEach((r, i) => expectOneLineError(r, cases[i]![1], cases[i]![2]));
  });

  it('summary: a Keras-style table with connections and totals', async () => {
    await cli('new', 'mnist-resnet', '-o', 's.tlgraph');
    const r = await cli('summary', 's.tlgraph');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Model: "MNIST ResNet"');
    expect(lines[2]).toMatch(/^Layer \(type\)\s+Output shape\s+Params\s+Connected to$/);
    expect(r.stdout).toMatch(/\nblock1_add \(Add\)\s+\[null, 28, 28, 16\]\s+0\s+stem, block1_conv2\n/);
    expect(r.stdout).toMatch(/\nblock2_conv2 \(Conv2D\)\s+\[null, 14, 14, 32\]\s+9,248\s+block2_conv1\n/);
    expect(r.stdout).toMatch(/\nimage \(Input\)\s+\[null, 28, 28, 1\]\s+0\s+-\n/);
    expect(r.stdout).toContain('Total params: 19,562\nTrainable params: 19,562\nNon-trainable params: 0\nMultiply-adds per sample: ');
    expect(r.stdout).toContain('Output: digit <- classes (loss categoricalCrossentropy; metrics accuracy)');

    const bad = await cli('summary', 'invalid.tlgraph');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/\nfc \(Dense\)\s+\?\s+0\s+x\n/);
    expect(bad.stdout).toContain("error: Dense 'fc' expects a rank-2 input");
  });

  it('export-code: TypeScript and Python to stdout or a file', async () => {
    await cli('new', 'names-gpt', '-o', 'gpt.tlgraph');
    const py = await cli('export-code', 'gpt.tlgraph', '--lang', 'python');
    expect(py.code).toBe(0);
    expect(py.stdout).toContain('class PositionalEmbedding(');
    expect(py.stdout).toContain('model = keras.Model(inputs=chars, outputs=next_char, name="Names_GPT")');

    const ts = await cli('export-code', 'gpt.tlgraph', '--lang', 'ts');
    expect(ts.code).toBe(0);
    expect(ts.stdout).toMatch(/import \{ registerCustomLayers \} from 'file:\/\/.*\/graph\/tfjs\/all\.ts';/);

    const written = await cli('export-code', 'gpt.tlgraph', '--lang', 'ts', '-o', 'gpt.ts');
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('Wrote gpt.ts (TypeScript, run with npx tsx)\n');
    // The program finds Tensorloom's custom layers through a path relative to where it was written.
    const program = readFileSync(join(dir, 'gpt.ts'), 'utf8');
    expect(program).toMatch(/from '\.\.?\/.*graph\/tfjs\/all\.ts';/);
    const run = await new Promise<Result>((done) =>
      execFile(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), 'gpt.ts'], { cwd: dir, timeout: 60_000 }, (error, stdout, stderr) =>
        done({ code: error ? 1 : 0, stdout, stderr }),
      ),
    );
    // tfjs prints a hint about tfjs-node to stderr; anything else there would be a failure.
    expect(run.stderr).not.toMatch(/Error|at /);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Total params: 72096');

    expectOneLineError(await cli('export-code', 'gpt.tlgraph'), /^tensorloom export-code: missing --lang; choose ts or python$/, 2);
    expectOneLineError(await cli('export-code', 'gpt.tlgraph', '--lang', 'rust'), /^tensorloom export-code: unknown --lang 'rust'; choose ts or python$/, 2);
    expectOneLineError(await cli('export-code', 'invalid.tlgraph', '--lang', 'python'), /^tensorloom export-code: 'invalid.tlgraph': the graph has 1 error, fix it before exporting code: Dense 'fc' expects/, 1);
    expectOneLineError(await cli('export-code', '--lang', 'ts'), /^tensorloom export-code: missing FILE/, 2);
  });
});
