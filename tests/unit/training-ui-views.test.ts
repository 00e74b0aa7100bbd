import { describe, expect, it } from 'vitest';
import type { DatasetDescription } from '../../graph/api/host.js';
import type { TrainingEvent } from '../../graph/api/training.js';
import { defaultTraining } from '../../graph/document.js';
import { inferGraph } from '../../graph/infer.js';
import { GraphBuilder } from '../../graph/templates/builder.js';
import { getTemplate, TEMPLATES } from '../../graph/templates/index.js';
import { checkCompatibility } from '../../main/datasets/index.js';
import { applyChanges, invertChanges } from '../../renderer/store/changes.js';
import { chartLines, chartNames, effectiveXMode } from '../../renderer/training/chart-lines.js';
import { checkFit } from '../../renderer/training/compat-check.js';
import { diffSettings } from '../../renderer/training/settings-diff.js';
import { formatTick, lowerBound, nearestIndex, unionX } from '../../renderer/training/stream-chart.js';
import { createTrainingStore } from '../../renderer/training/training-store.js';

const mnist: DatasetDescription = { name: 'mnist', task: 'classification', inputShape: [28, 28, 1], inputDtype: 'float32', targetShape: [], classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], vocabSize: null, trainSamples: 9000, validationSamples: 1000 };
const iris: DatasetDescription = { name: 'iris', task: 'classification', inputShape: [4], inputDtype: 'float32', targetShape: [], classNames: ['setosa', 'versicolor', 'virginica'], vocabSize: null, trainSamples: 135, validationSamples: 15 };

function mnistMlp() {
  return getTemplate('mnist-mlp')!.build();
}

describe('dataset fit check and one-click fixes', () => {
  it('mnist-mlp fits mnist', () => {
    const g = mnistMlp();
    expect(checkFit(g, inferGraph(g), mnist)).toEqual([]);
  });

  it('mnist-mlp on iris: the Input shape and the class count are wrong, each with a fix that makes it fit', () => {
    let g = mnistMlp();
    const issues = checkFit(g, inferGraph(g), iris);
    expect(issues.map((i) => i.message)).toEqual([
      "Input 'image' expects [28, 28, 1] but dataset 'iris' yields [4]; set the Input's shape to [4]",
      "Output 'digit' has 10 units but dataset 'iris' has 3 classes; give the layer before it 3 units",
    ]);
    expect(issues.map((i) => i.fix?.label)).toEqual(["Set 'image' shape to [4]", "Set 'logits' units to 3"]);
    for (const i of issues) g = applyChanges(g, i.fix!.changes);
    expect(checkFit(g, inferGraph(g), iris)).toEqual([]);
  });

  it('a convnet on flat pixel rows (784 columns): the fix sets the Input to [784] and adds a Reshape back to [28, 28, 1]', () => {
    const pixels: DatasetDescription = { ...mnist, name: 'pixels.csv', inputShape: [784] };
    let g = getTemplate('mnist-convnet')!.build();
    const before = g;
    const [issue, ...rest] = checkFit(g, inferGraph(g), pixels);
    expect(rest).toEqual([]);
    expect(issue!.message).toBe("Input 'image' expects [28, 28, 1] but dataset 'pixels.csv' yields [784]; set the Input's shape to [784]");
    expect(issue!.fix!.label).toBe("Set 'image' shape to [784] and add a Reshape to [28, 28, 1]");
    g = applyChanges(g, issue!.fix!.changes);
    const inference = inferGraph(g);
    expect(inference.valid).toBe(true);
    expect(checkFit(g, inference, pixels)).toEqual([]);
    const reshape = g.nodes.find((n) => n.type === 'Reshape')!;
    expect(inference.nodes[reshape.id]!.outputShape).toEqual([null, 28, 28, 1]);
    expect(inference.totals.trainable).toBe(inferGraph(before).totals.trainable);
    // One undo step restores the graph exactly, edge order included.
    expect(applyChanges(g, invertChanges(issue!.fix!.changes))).toEqual(before);
  });

  it('no fix is offered that would break a later layer; a graph with errors never reads as fitting', () => {
    let g = getTemplate('mnist-convnet')!.build();
    // [4] cannot be reshaped to an image: setting the Input to [4] would leave Conv2D 'conv1' without a rank-4 input.
    const [shape] = checkFit(g, inferGraph(g), iris);
    expect(shape!.message).toMatch(/^Input 'image' expects \[28, 28, 1\] but dataset 'iris' yields \[4\]/);
    expect(shape!.fix).toBeNull();
    const input = g.nodes.find((n) => n.type === 'Input')!;
    g = applyChanges(g, [{ kind: 'setParam', id: input.id, name: 'shape', from: input.params.shape, to: [4] }]);
    const issues = checkFit(g, inferGraph(g), iris);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.severity).toBe('error');
    expect(issues[0]!.message).toMatch(/^the graph has 1 error \(see Problems\), so its fit with dataset 'iris' is checked once it is fixed: conv1: .*rank-4/);
  });

  it("iris-mlp on a regression table: the fixes give one linear unit, not a softmax over one unit (always 1)", () => {
    const table: DatasetDescription = { name: 'regression.csv', task: 'regression', inputShape: [2], inputDtype: 'float32', targetShape: [1], classNames: null, vocabSize: null, trainSamples: 40, validationSamples: 10 };
    let g = getTemplate('iris-mlp')!.build();
    for (let i = 0; i < 3; i++) {
      const fix = checkFit(g, inferGraph(g), table).find((x) => x.fix)?.fix;
      if (!fix) break;
      g = applyChanges(g, fix.changes);
    }
    expect(checkFit(g, inferGraph(g), table)).toEqual([]);
    const last = g.nodes.find((n) => n.name === 'classes')!;
    expect([last.params.units, last.params.activation]).toEqual([1, 'linear']);
  });

  it('names-gpt on a text with another vocabulary: the fix gives the last layer one unit per character', () => {
    const text: DatasetDescription = { name: 'corpus.txt', task: 'languageModel', inputShape: [16], inputDtype: 'int32', targetShape: [16], classNames: null, vocabSize: 30, trainSamples: 100, validationSamples: 10 };
    let g = getTemplate('names-gpt')!.build();
    const [issue, ...rest] = checkFit(g, inferGraph(g), text);
    expect(rest).toEqual([]);
    expect(issue!.message).toMatch(/gets \[null, 16, 32\] but dataset 'corpus.txt' needs \[null, 16, 30\]/);
    g = applyChanges(g, issue!.fix!.changes);
    expect(checkFit(g, inferGraph(g), text)).toEqual([]);
  });

  it('a regression loss on a classification dataset offers categoricalCrossentropy', () => {
    const g = mnistMlp();
    const out = g.nodes.find((n) => n.type === 'Output')!;
    out.params.loss = 'meanSquaredError';
    const [issue] = checkFit(g, inferGraph(g), mnist);
    expect(issue!.message).toMatch(/uses meanSquaredError, a regression loss, but dataset 'mnist' is a classification dataset with 10 classes/);
    expect(issue!.fix!.label).toBe("Use categoricalCrossentropy on 'digit'");
  });
});

describe('the Data tab runs the same fit check as the trainer', () => {
  const spam: DatasetDescription = { name: 'spam', task: 'classification', inputShape: [128], inputDtype: 'int32', targetShape: [], classNames: ['ham', 'spam'], vocabSize: 8000, trainSamples: 900, validationSamples: 100 };
  function classifier(inputDim: number, units: number, activation: string) {
    const b = new GraphBuilder('t', '', null);
    b.chain(null, [
      ['Input', 'tokens', { shape: [128], dtype: 'int32' }],
      ['Embedding', 'embed', { inputDim, outputDim: 8 }],
      ['GlobalAveragePooling1D', 'pool'],
      ['Dense', 'p', { units, activation }],
      ['Output', 'is_spam', { loss: 'binaryCrossentropy', metrics: ['accuracy'] }],
    ]);
    return b.graph;
  }

  it('an Embedding smaller than the vocabulary is reported before Train (the run used to fail at start), with a fix', () => {
    let g = classifier(1000, 1, 'sigmoid');
    const issues = checkFit(g, inferGraph(g), spam);
    expect(issues.map((i) => i.message)).toEqual(["Embedding 'embed' has inputDim 1000 but dataset 'spam' has a vocabulary of 8000 token ids; set inputDim to 8000"]);
    expect(issues[0]!.fix!.label).toBe("Set 'embed' inputDim to 8000");
    g = applyChanges(g, issues[0]!.fix!.changes);
    expect(checkFit(g, inferGraph(g), spam)).toEqual([]);
    expect(checkCompatibility(g, spam)).toEqual([]);
  });

  it('binaryCrossentropy on 2 softmax units is reported, and the fix keeps the units with categoricalCrossentropy', () => {
    let g = classifier(8000, 2, 'softmax');
    const [issue, ...rest] = checkFit(g, inferGraph(g), spam);
    expect(rest).toEqual([]);
    expect(issue!.message).toBe(
      "Output 'is_spam' has 2 units but binaryCrossentropy needs one sigmoid unit (the probability of 'spam'); end the model with Dense(1, sigmoid), or keep the 2 softmax units and use categoricalCrossentropy",
    );
    expect(issue!.fix!.label).toBe("Use categoricalCrossentropy on 'is_spam'");
    g = applyChanges(g, issue!.fix!.changes);
    expect(checkFit(g, inferGraph(g), spam)).toEqual([]);
  });

  it('an autoencoder on mnist fits (its targets are its inputs), as the trainer reads it', () => {
    const g = getTemplate('mnist-autoencoder')!.build();
    expect(checkFit(g, inferGraph(g), mnist)).toEqual([]);
  });

  it('every template on every described dataset gets the same problems, word for word, in the window and in the trainer', () => {
    const text: DatasetDescription = { name: 'corpus.txt', task: 'languageModel', inputShape: [16], inputDtype: 'int32', targetShape: [16], classNames: null, vocabSize: 40, trainSamples: 100, validationSamples: 10 };
    const sine: DatasetDescription = { name: 'sine', task: 'regression', inputShape: [32, 1], inputDtype: 'float32', targetShape: [1], classNames: null, vocabSize: null, trainSamples: 100, validationSamples: 10 };
    for (const t of TEMPLATES) {
      const g = t.build();
      for (const d of [mnist, iris, spam, text, sine]) {
        const window = checkFit(g, inferGraph(g), d).filter((i) => i.kind !== 'graphErrors');
        expect(window.map((i) => [i.severity, i.message]), `${t.name} on ${d.name}`).toEqual(checkCompatibility(g, d).map((i) => [i.severity, i.message]));
      }
    }
  });
});

describe('settings diff', () => {
  it('lists facts beside the settings (status, backend used) even for runs whose settings are unknown', () => {
    const a = defaultTraining();
    expect(diffSettings([a, null], [{ status: 'completed' }, { status: 'failed' }])).toEqual([{ field: 'status', values: ['completed', 'failed'] }]);
    expect(diffSettings([a, { ...a, batchSize: 64 }], [{ backend: 'wasm' }, { backend: 'wasm' }])).toEqual([{ field: 'batchSize', values: ['32', '64'] }]);
  });

  it('lists only fields that differ, nested fields dotted, unknown runs as ?', () => {
    const a = defaultTraining();
    const b = { ...defaultTraining(), learningRate: 0.01, earlyStopping: { ...a.earlyStopping, patience: 5 }, dataset: { kind: 'builtin' as const, name: 'mnist' } };
    const rows = diffSettings([a, b, null]);
    expect(rows).toEqual([
      { field: 'dataset', values: ['null', 'mnist', '?'] },
      { field: 'earlyStopping.patience', values: ['3', '5', '?'] },
      { field: 'learningRate', values: ['0.001', '0.01', '?'] },
    ]);
    expect(diffSettings([a, a])).toEqual([]);
  });
});

describe('chart helpers', () => {
  it('binary searches and unions sorted x', () => {
    const xs = [1, 3, 5, 7];
    expect(lowerBound(xs, 4, 4)).toBe(2);
    expect(lowerBound(xs, 4, 0)).toBe(0);
    expect(lowerBound(xs, 4, 9)).toBe(4);
    expect(nearestIndex(xs, 4, 3.9)).toBe(1);
    expect(nearestIndex(xs, 4, 4.1)).toBe(2);
    expect(nearestIndex(xs, 0, 1)).toBe(-1);
    expect([...unionX([[1, 2, 4], [2, 3], [5]])]).toEqual([1, 2, 3, 4, 5]);
    expect(formatTick(12_500)).toBe('12.5k');
    expect(formatTick(0.00012)).toBe('1e-4');
    expect(formatTick(0.25)).toBe('0.25');
    // Large values stay short (the y axis is sized to its labels too): never '1000M'.
    expect([9500, 999_999.9, 1e9, 2.5e9, 3e12, 4e16, -2e6].map(formatTick)).toEqual(['9500', '1M', '1G', '2.5G', '3T', '4.0e16', '-2M']);
  });

  const R = 'r1';
  const ev = (e: Omit<TrainingEvent, 'runId' | 'time'> & { type: TrainingEvent['type'] }, time = 1): TrainingEvent => ({ runId: R, time, ...e }) as TrainingEvent;

  it('one run per batch: raw + smoothed + validation lines; two runs overlay without the raw lines', () => {
    const store = createTrainingStore();
    store.getState().addRun(R, {});
    store.getState().replay(R, [
      ev({ type: 'runStarted', backend: 'cpu', device: 'x', backendNotes: [], paramCount: 1, samplesPerEpoch: 4, validationSamples: 1, batchesPerEpoch: 2, epochs: 1, batchSize: 2 } as never),
      ev({ type: 'batch', epoch: 1, batch: 1, step: 1, loss: 1, metrics: { loss: 1, acc: 0.2 }, samplesPerSecond: 1 } as never),
      ev({ type: 'batch', epoch: 1, batch: 2, step: 2, loss: 0.8, metrics: { loss: 0.8, acc: 0.4 }, samplesPerSecond: 1 } as never),
      ev({ type: 'epoch', epoch: 1, loss: 0.9, metrics: { acc: 0.3, val_loss: 0.85, val_acc: 0.35 }, durationMs: 1 } as never),
    ]);
    let s = store.getState();
    expect(chartNames(s)).toEqual(['loss', 'acc']);
    expect(chartLines(s, 'loss').map((l) => [l.label, l.role])).toEqual([
      ['loss (raw)', 'raw'],
      ['loss', 'smoothed'],
      ['val_loss', 'sparse'],
    ]);
    store.getState().set({ xMode: 'epoch' });
    expect(chartLines(store.getState(), 'acc').map((l) => l.label)).toEqual(['acc', 'val_acc']);
    store.getState().set({ xMode: 'step' });
    store.getState().addRun('r2', {});
    store.getState().toggleSelected(R, true);
    s = store.getState();
    expect(s.selected).toEqual(['r2', R]);
    expect(chartLines(s, 'loss').map((l) => l.label)).toEqual(['#1 loss', '#1 val_loss']);
    // A saved run without batch events forces the per-epoch axis for the comparison.
    const old = { runId: 'old', graphPath: null, docId: null, graphName: 'g', startedAt: 0, status: 'completed' as const, epochs: 1, training: null, limit: null, backend: null, device: null, durationMs: 5, finalMetrics: null, bestMetrics: null, bestEpoch: null, reason: null, artifactDir: null };
    store.getState().setListed([old], null);
    store.getState().setHistory('old', { started: null, history: [ev({ type: 'epoch', epoch: 1, loss: 0.5, metrics: { val_loss: 0.6 }, durationMs: 1 } as never) as never], batches: [], summary: null });
    store.getState().toggleSelected('old', true);
    s = store.getState();
    expect(effectiveXMode(s, s.selected.map((id) => s.runs[id]!))).toBe('epoch');
  });
});
