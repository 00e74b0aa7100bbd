// Python output is compared with golden files in tests/fixtures/codegen/ (one per template). After an intended
// change to the export or to a layer's tfjs mapping, rewrite them with
//   UPDATE_GOLDEN=1 npx vitest run tests/integration/codegen.test.ts
// and review the diff.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraph } from '../../graph/document.js';
import { inferGraph } from '../../graph/infer.js';
import { CodegenError } from '../../graph/codegen/plan.js';
import { generatePython, pyLiteral, snakeCase } from '../../graph/codegen/python.js';
import { generateTypeScript } from '../../graph/codegen/typescript.js';
import { TEMPLATES } from '../../graph/templates/index.js';

const run = promisify(execFile);
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const customLayers = join(root, 'graph/tfjs/all.ts');
const goldenDir = join(root, 'tests/fixtures/codegen');
let work: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  // Generated programs import @tensorflow/tfjs; a node_modules link lets them resolve it from a temp folder.
  work = mkdtempSync(join(tmpdir(), 'tensorloom-codegen-'));
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Built = { buildModel(): tf.LayersModel; training: { batchSize: number } };

describe('TypeScript export', () => {
  it.each(TEMPLATES.map((t) => t.name))('%s: the generated program builds the same model', async (name) => {
    const graph = TEMPLATES.find((t) => t.name === name)!.build();
    const file = join(work, `${name}.ts`);
    writeFileSync(file, generateTypeScript(graph, { customLayersImport: customLayers }));
    const mod = (await import(pathToFileURL(file).href)) as Built;
    const model = mod.buildModel();
    try {
      const inference = inferGraph(graph);
      expect(model.countParams()).toBe(inference.totals.trainable + inference.totals.nonTrainable);
      for (const node of graph.nodes) {
        if (node.type === 'Output') continue;
        const layer = model.getLayer(node.name);
        expect(layer.outputShape, node.name).toEqual(inference.nodes[node.id]!.outputShape);
        expect(layer.countParams(), node.name).toBe(inference.nodes[node.id]!.paramCount.trainable + inference.nodes[node.id]!.paramCount.nonTrainable);
      }
      // Compiled with the graph's settings: the loss and optimizer are in place.
      expect(model.optimizer).toBeDefined();
      const loss = graph.nodes.find((n) => n.type === 'Output')!.params.loss ?? 'categoricalCrossentropy';
      if (loss !== 'huber') expect(model.loss).toBe(loss);
      expect(mod.training.batchSize).toBe(graph.training.batchSize);
    } finally {
      model.dispose();
    }
  });

  it('runs on its own with tsx and prints the model summary', async () => {
    const graph = TEMPLATES.find((t) => t.name === 'names-gpt')!.build();
    const file = join(work, 'standalone.ts');
    writeFileSync(file, generateTypeScript(graph, { customLayersImport: customLayers }));
    const { stdout } = await run(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), file], { cwd: work, timeout: 60_000 });
    const total = inferGraph(graph).totals.trainable;
    expect(stdout).toContain(`Total params: ${total}`);
    expect(stdout).toContain('decoder2 (TransformerDecode');
  });

  it("exports adadelta as Tensorloom's Keras-rule optimizer, which does not step like SGD", async () => {
    const steps = async (optimizer: 'adadelta' | 'sgd', tag: string): Promise<number[]> => {
      const graph = TEMPLATES.find((t) => t.name === 'iris-mlp')!.build();
      graph.training = { ...graph.training, optimizer, learningRate: 1 };
      const code = generateTypeScript(graph, { customLayersImport: customLayers });
      if (optimizer === 'adadelta') expect(code).toMatch(/import \{ adadelta \} from /);
      const file = join(work, `opt-${tag}.ts`);
      writeFileSync(file, code);
      const model = ((await import(pathToFileURL(file).href)) as Built).buildModel();
      try {
        model.setWeights(model.getWeights().map((w, i) => tf.fill(w.shape, 0.05 * ((i % 3) + 1))));
        const x = tf.tensor2d([[1, 2, 3, 4], [4, 3, 2, 1]]);
        const y = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3);
        await model.fit(x, y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0 });
        tf.dispose([x, y]);
        return Array.from(model.getWeights()[0]!.dataSync());
      } finally {
        model.dispose();
      }
    };
    const a = await steps('adadelta', 'a');
    const s = await steps('sgd', 's');
    // tfjs' own adadelta would give exactly SGD's weights here.
    expect(a.some((v, i) => Math.abs(v - s[i]!) > 1e-4)).toBe(true);
  });

  it('keeps multi-output compile settings and the Huber loss', async () => {
    const g = createGraph('two heads');
    const add = (id: string, type: string, params: Record<string, unknown> = {}): void => {
      g.nodes.push({ id, type, name: id, position: { x: 0, y: 0 }, params });
    };
    add('x', 'Input', { shape: [4] });
    add('h', 'Dense', { units: 8, activation: 'relu' });
    add('cls', 'Dense', { units: 3, activation: 'softmax' });
    add('reg', 'Dense', { units: 1 });
    add('y1', 'Output', { loss: 'categoricalCrossentropy', metrics: ['accuracy'], lossWeight: 1 });
    add('y2', 'Output', { loss: 'huber', metrics: ['mae'], lossWeight: 0.5 });
    const edge = (s: string, t: string): void => void g.edges.push({ id: `${s}-${t}`, source: s, sourceHandle: 'out', target: t, targetHandle: 'in' });
    edge('x', 'h');
    edge('h', 'cls');
    edge('h', 'reg');
    edge('cls', 'y1');
    edge('reg', 'y2');
    g.training.optimizer = 'sgd';
    g.training.momentum = 0.9;
    const code = generateTypeScript(g);
    expect(code).toContain('tf.train.momentum(0.001, 0.9)');
    expect(code).toContain("loss: ['categoricalCrossentropy', huber]");
    // tfjs ignores compile's lossWeights, so the program scales the weighted output's loss itself.
    expect(code).not.toContain('lossWeights:');
    expect(code).toContain('lossFunctions[1] = (yTrue, yPred) => tf.mul(loss1(yTrue, yPred), 0.5);');
    expect(code).not.toContain('registerCustomLayers');
    const file = join(work, 'two-heads.ts');
    writeFileSync(file, code);
    const model = ((await import(pathToFileURL(file).href)) as Built).buildModel();
    expect(model.outputs.map((o) => o.shape)).toEqual([[null, 3], [null, 1]]);
    const h = tf.tidy(() => (model.evaluate([tf.ones([2, 4])], [tf.oneHot([0, 1], 3).toFloat(), tf.ones([2, 1])]) as tf.Scalar[])[0]!.dataSync()[0]!);
    expect(Number.isFinite(h)).toBe(true);
    model.dispose();

    const py = generatePython(g);
    expect(py).toContain('keras.optimizers.SGD(learning_rate=0.001, momentum=0.9)');
    expect(py).toContain('loss=["categorical_crossentropy", keras.losses.Huber()]');
    expect(py).toContain('metrics=[["accuracy"], [keras.metrics.MeanAbsoluteError(name="mae")]]');
    expect(py).toContain('loss_weights=[1, 0.5]');
    expect(py).toContain('outputs=[cls, reg]');
  });

  it('refuses an invalid graph with the graph\'s errors', () => {
    const g = createGraph('broken');
    g.nodes.push({ id: 'x', type: 'Input', name: 'x', position: { x: 0, y: 0 }, params: { shape: [4] } });
    expect(() => generateTypeScript(g)).toThrow(CodegenError);
    expect(() => generatePython(g)).toThrow(/^the graph has 1 error, fix it before exporting code: The graph has no Output/);
  });

  it('turns node names into safe, unique identifiers', () => {
    const g = createGraph('names');
    const names = ['in put', 'class', '2nd', 'class_'];
    g.nodes.push({ id: 'a', type: 'Input', name: names[0]!, position: { x: 0, y: 0 }, params: { shape: [4] } });
    g.nodes.push({ id: 'b', type: 'Dense', name: names[1]!, position: { x: 0, y: 0 }, params: { units: 2 } });
    g.nodes.push({ id: 'c', type: 'Dense', name: names[2]!, position: { x: 0, y: 0 }, params: { units: 2 } });
    g.nodes.push({ id: 'd', type: 'Output', name: names[3]!, position: { x: 0, y: 0 }, params: { loss: 'meanSquaredError', metrics: [] } });
    g.edges.push({ id: 'e1', source: 'a', sourceHandle: 'out', target: 'b', targetHandle: 'in' });
    g.edges.push({ id: 'e2', source: 'b', sourceHandle: 'out', target: 'c', targetHandle: 'in' });
    g.edges.push({ id: 'e3', source: 'c', sourceHandle: 'out', target: 'd', targetHandle: 'in' });
    const ts = generateTypeScript(g);
    expect(ts).toContain("const in_put = tf.input({ shape: [4], dtype: 'float32', name: 'in put' });");
    expect(ts).toContain("const l_class = tf.layers.dense({ units: 2, activation: 'linear', useBias: true, name: 'class' }).apply(in_put)");
    expect(ts).toContain('const l_2nd = ');
    const py = generatePython(g);
    expect(py).toContain('l_class = layers.Dense(units=2, activation="linear", use_bias=True, name="class")(in_put)');
    expect(py).toContain('metrics=[]');
  });

  it('survives awkward graph names and descriptions in both languages', async () => {
    const g = TEMPLATES.find((t) => t.name === 'iris-mlp')!.build();
    g.name = "it's a\nnew \"model\" */";
    g.description = 'line one\nline two with """ quotes, a \\ backslash and */ a comment end';
    const file = join(work, 'awkward.ts');
    writeFileSync(file, generateTypeScript(g));
    const model = ((await import(pathToFileURL(file).href)) as Built).buildModel();
    expect(model.name).toMatch(/^it_s_a_new__model___/);
    model.dispose();
    const pyFile = join(work, 'awkward.py');
    writeFileSync(pyFile, generatePython(g));
    await expect(run('python3', ['-m', 'py_compile', pyFile])).resolves.toBeDefined();
    const doc = (await run('python3', ['-c', 'import ast,sys; print(ast.get_docstring(ast.parse(open(sys.argv[1]).read())))', pyFile])).stdout;
    expect(doc).toContain('line two with """ quotes, a \\ backslash');
  });
});

describe('Python export', () => {
  it('writes Python literals and Keras argument names', () => {
    expect(pyLiteral([3, 3])).toBe('(3, 3)');
    expect(pyLiteral([4])).toBe('(4,)');
    expect(pyLiteral([[1, 1], [2, 2]])).toBe('((1, 1), (2, 2))');
    expect(pyLiteral({ a: null, b: true, c: 'x"y' })).toBe('{"a": None, "b": True, "c": "x\\"y"}');
    expect(snakeCase('kernelSize')).toBe('kernel_size');
    expect(snakeCase('recurrentDropout')).toBe('recurrent_dropout');
    expect(snakeCase('units')).toBe('units');
  });

  it.each(TEMPLATES.map((t) => t.name))('%s matches its golden file', (name) => {
    const code = generatePython(TEMPLATES.find((t) => t.name === name)!.build());
    const golden = join(goldenDir, `${name}.py`);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(goldenDir, { recursive: true });
      writeFileSync(golden, code);
    }
    expect(existsSync(golden), `${golden} is missing; run with UPDATE_GOLDEN=1 to write it`).toBe(true);
    expect(code).toBe(readFileSync(golden, 'utf8'));
  });

  it("carries the graph's early stopping as Keras' EarlyStopping callback (Keras log names) and in the TypeScript settings", async () => {
    const g = TEMPLATES.find((t) => t.name === 'iris-mlp')!.build();
    expect(generatePython(g)).not.toContain('CALLBACKS');
    g.training.earlyStopping = { enabled: true, monitor: 'val_acc', patience: 4, minDelta: 0.001, restoreBestWeights: false };
    const py = generatePython(g);
    expect(py).toContain('CALLBACKS = [keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=4, min_delta=0.001, restore_best_weights=False)]');
    const file = join(work, 'early.py');
    writeFileSync(file, py);
    await expect(run('python3', ['-m', 'py_compile', file])).resolves.toBeDefined();
    expect(generateTypeScript(g)).toContain("earlyStopping: { monitor: 'val_acc', patience: 4, minDelta: 0.001, restoreBestWeights: false }");
  });

  const hasPython = (() => {
    try {
      return existsSync('/usr/bin/python3') || process.env.PATH?.split(':').some((p) => existsSync(join(p, 'python3'))) === true;
    } catch {
      return false;
    }
  })();
  // Skipped only where no python3 is installed, since compiling Python needs one.
  it.skipIf(!hasPython)('every golden script compiles with python3 -m py_compile', async () => {
    const dir = join(work, 'py');
    mkdirSync(dir);
    const files = TEMPLATES.map((t) => {
      const f = join(dir, `${t.name.replace(/-/g, '_')}.py`);
      copyFileSync(join(goldenDir, `${t.name}.py`), f);
      return f;
    });
    await expect(run('python3', ['-m', 'py_compile', ...files])).resolves.toBeDefined();
    // And a broken script does fail, so the check above means something.
    const bad = join(dir, 'bad.py');
    writeFileSync(bad, 'def f(:\n');
    await expect(run('python3', ['-m', 'py_compile', bad])).rejects.toThrow();
  });
});
