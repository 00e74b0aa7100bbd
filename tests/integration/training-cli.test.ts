import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TrainingEventSchema, type TrainingEvent } from '../../graph/api/training.js';
import { serializeGraph } from '../../graph/document.js';
import { getTemplate } from '../../graph/templates/index.js';

const BIN = resolve(__dirname, '../../bin/tensorloom.js');
const FIX = resolve(__dirname, '../fixtures/datasets');
const dir = mkdtempSync(join(tmpdir(), 'tl-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const graphFile = join(dir, 'iris.tlgraph');
writeFileSync(graphFile, serializeGraph(getTemplate('iris-mlp')!.build()));

const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir, timeout: 120_000 });

describe('tensorloom train / evaluate / predict', () => {
  it("the README and each command's --help give the forms of issue 3 exactly", () => {
    const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
    const forms = [
      'tensorloom train FILE [--data NAME|PATH] [--epochs N] [--batch-size N] [--lr X] [--backend auto|gpu|node|wasm|cpu] [--out DIR] [--json]',
      'tensorloom evaluate RUN_DIR [--data NAME|PATH]',
      'tensorloom predict RUN_DIR INPUT...',
    ];
    for (const form of forms) {
      expect(readme.split('\n')).toContain(form);
      const help = cli(form.split(' ')[1]!, '--help');
      expect(help.status).toBe(0);
      expect(help.stdout.startsWith(`usage: ${form}`)).toBe(true);
    }
  });

  it('train --json prints one protocol event per line and exits 0', () => {
    const r = cli('train', graphFile, '--epochs', '3', '--batch-size', '8', '--lr', '0.02', '--backend', 'cpu', '--out', 'run', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const events = r.stdout.trim().split('\n').map((line) => TrainingEventSchema.parse(JSON.parse(line)) as TrainingEvent);
    expect(events[0]!.type).toBe('runStarted');
    expect(events.at(-1)).toMatchObject({ type: 'runFinished', status: 'completed', artifactDir: join(dir, 'run') });
    const started = events[0]!;
    expect(started.type === 'runStarted' && [started.epochs, started.batchSize, started.backend]).toEqual([3, 8, 'cpu']);
    const batch = events.find((e) => e.type === 'batch')!;
    expect(batch.type === 'batch' && batch.samplesPerSecond).toBeGreaterThan(0);
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs).toHaveLength(3);
    expect(Object.keys(epochs[0]!.type === 'epoch' ? epochs[0]!.metrics : {})).toEqual(['loss', 'acc', 'val_loss', 'val_acc']);
    expect(events.some((e) => e.type === 'checkpoint')).toBe(true);
  });

  it('evaluate reports the validation loss the run ended with, with --data iris too (the run\'s standardisation); predict names classes', () => {
    const summary = JSON.parse(readFileSync(join(dir, 'run', 'summary.json'), 'utf8'));
    for (const extra of [[], ['--data', 'iris']]) {
      const ev = cli('evaluate', 'run', '--json', '--backend', 'cpu', ...extra);
      expect(ev.status).toBe(0);
      // Silent on stderr: no TensorFlow.js banner.
      expect(ev.stderr).toBe('');
      const result = JSON.parse(ev.stdout);
      expect(result).toMatchObject({ dataset: 'iris', split: 'validation', samples: 30 });
      expect(result.metrics.loss).toBeCloseTo(summary.finalMetrics.val_loss, 5);
    }
    const pr = cli('predict', 'run', '5.1,3.5,1.4,0.2', '--backend', 'cpu');
    expect(pr.status).toBe(0);
    expect(pr.stderr).toBe('');
    expect(pr.stdout).toMatch(/^5\.1,3\.5,1\.4,0\.2: setosa \(\d+\.\d%\)/);
    const bad = cli('predict', 'run', '5.1,3.5', '--backend', 'cpu');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("input '5.1,3.5' must be 4 numbers");
    // A CSV file of measurement rows (header optional) gives one prediction per row, named by file and line.
    writeFileSync(join(dir, 'flowers.csv'), 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n\n5.0,3.4,1.5,0.2\n');
    writeFileSync(join(dir, 'short.csv'), '5.1,3.5,1.4\n');
    const rows = cli('predict', 'run', 'flowers.csv', '--backend', 'cpu');
    expect(rows.stderr).toBe('');
    expect(rows.stdout).toMatch(/^flowers\.csv:2: setosa \(\d+\.\d%\)[^\n]*\nflowers\.csv:4: setosa /);
    const short = cli('predict', 'run', 'short.csv', '--backend', 'cpu');
    expect(short.status).toBe(1);
    expect(short.stderr).toBe("tensorloom predict: CSV file 'short.csv' line 1 must hold 4 numbers (the raw measurements); it has '5.1,3.5,1.4'\n");
  });

  it('predict piped into head exits quietly when the pipe closes', () => {
    const many = Array.from({ length: 3000 }, () => '5.1,3.5,1.4,0.2');
    // bash exits with predict's own status (PIPESTATUS), not head's.
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" predict run ${many.join(' ')} --backend cpu | head -1; exit \${PIPESTATUS[0]}`], { encoding: 'utf8', cwd: dir, timeout: 120_000 });
    expect(r.stdout).toMatch(/^5\.1,3\.5,1\.4,0\.2: setosa \(\d+\.\d%\)[^\n]*\n$/);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('human output shows a line per epoch with loss, metrics, samples/s and ETA', () => {
    const r = cli('train', graphFile, '--epochs', '2', '--backend', 'cpu', '--out', 'run2');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Training on cpu .*131 parameters, 120 training \/ 30 validation samples, 2 epochs of 8 batches$/m);
    expect(r.stdout).toMatch(/^Epoch 1\/2 {2}loss \d\.\d{4} {2}acc \d\.\d{4} {2}val_loss \d\.\d{4} {2}val_acc \d\.\d{4} {2}\d+ samples\/s {2}\d+s {2}ETA \d+s$/m);
    expect(r.stdout).toMatch(/^Training completed in \d+s; best epoch \d/m);
    const one = cli('train', graphFile, '--epochs', '1', '--batch-size', '200', '--backend', 'cpu', '--out', 'run3');
    expect(one.stdout).toMatch(/validation samples, 1 epoch of 1 batch$/m);
  });

  it('trains on a CSV given with --data, and a failed run exits 1 with the reason', () => {
    const g = getTemplate('iris-mlp')!.build();
    g.nodes[0]!.params.shape = [5];
    g.nodes[2]!.params.units = 2;
    const csvGraph = join(dir, 'table.tlgraph');
    writeFileSync(csvGraph, serializeGraph(g));
    const ok = cli('train', csvGraph, '--data', join(FIX, 'table.csv'), '--epochs', '2', '--backend', 'cpu', '--out', 'csvrun');
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const pre = JSON.parse(readFileSync(join(dir, 'csvrun', 'preprocessing.json'), 'utf8'));
    expect(pre.columns.map((c: { name: string }) => c.name)).toEqual(['length', 'width', 'colour']);
    const pr = cli('predict', 'csvrun', '10.5,5.2,red', '--json', '--backend', 'cpu');
    expect(JSON.parse(pr.stdout).top.map((t: { label: string }) => t.label).sort()).toEqual(['large', 'small']);

    // Without --data, --target chooses a column of the graph's own CSV: 'colour' has 3 classes, and the check says so.
    const csvOwn = getTemplate('iris-mlp')!.build();
    csvOwn.nodes[0]!.params.shape = [5];
    csvOwn.training.dataset = { kind: 'csv', path: join(FIX, 'table.csv'), target: 'kind' };
    writeFileSync(join(dir, 'own-csv.tlgraph'), serializeGraph(csvOwn));
    const colour = cli('train', 'own-csv.tlgraph', '--target', 'colour', '--epochs', '1', '--backend', 'cpu', '--out', 'colour');
    expect(colour.status).toBe(1);
    expect(colour.stderr).toContain("dataset 'table.csv' yields [4]");
    const ignored = cli('train', graphFile, '--target', 'species', '--epochs', '1', '--backend', 'cpu');
    expect(ignored.status).toBe(2);
    expect(ignored.stderr).toBe("tensorloom train: --target and --text-column name CSV columns, but graph 'Iris MLP' does not train on a CSV file; give --data FILE.csv too\n");

    const fail = cli('train', graphFile, '--data', 'mnist', '--epochs', '1', '--backend', 'cpu', '--out', 'bad');
    expect(fail.status).toBe(1);
    expect(fail.stderr).toContain("Training failed: Input 'features' expects [4] but dataset 'mnist' yields [28, 28, 1]");
    // Refused before training: no run folder, and none announced.
    expect(fail.stdout).not.toContain('Run folder');
    expect(existsSync(join(dir, 'bad'))).toBe(false);
    const diverged = cli('train', graphFile, '--epochs', '1', '--lr', '1e30', '--backend', 'cpu', '--out', 'nan');
    expect(diverged.status).toBe(1);
    expect(diverged.stderr).toMatch(/^Training failed: the (loss|weights) became NaN at epoch 1, batch \d+.*\(now 1e\+30, try 1e\+29\)/m);
    expect(diverged.stderr).not.toMatch(/[Tt]raining failed: training failed/);
    const missing = cli('train', graphFile, '--data', 'nowhere/flowers.csv');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("dataset file 'nowhere/flowers.csv' was not found");
  });

  it('Ctrl-C stops the run cleanly: artifacts written, status stopped, exit 0', async () => {
    const child = spawn(process.execPath, [BIN, 'train', graphFile, '--epochs', '500', '--batch-size', '4', '--backend', 'cpu', '--out', 'interrupted', '--json'], { cwd: dir });
    let out = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!sent && out.includes('"type":"epoch"')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(0);
    const last = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ type: 'runFinished', status: 'stopped' });
    expect(existsSync(join(dir, 'interrupted', 'model.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'interrupted', 'summary.json'), 'utf8')).status).toBe('stopped');
  }, 60_000);
});
