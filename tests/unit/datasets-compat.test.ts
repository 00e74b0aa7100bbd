import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../graph/templates/builder.js';
import { getTemplate } from '../../graph/templates/index.js';
import { checkCompatibility, wantsReconstruction, type DatasetInfo } from '../../main/datasets/index.js';

const info = (over: Partial<DatasetInfo>): DatasetInfo => ({ name: 'x', task: 'classification', inputShape: [4], inputDtype: 'float32', targetShape: [], classNames: ['a', 'b', 'c'], vocabSize: null, trainSamples: 10, validationSamples: 2, ...over });
const IRIS = info({ name: 'iris', classNames: ['setosa', 'versicolor', 'virginica'] });
const MNIST = info({ name: 'mnist', inputShape: [28, 28, 1], classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
const SINE = info({ name: 'sine', task: 'regression', inputShape: [32, 1], targetShape: [1], classNames: null });
const SPAM = info({ name: 'spam', inputShape: [128], inputDtype: 'int32', classNames: ['ham', 'spam'], vocabSize: 8000 });

function mlp(inputShape: number[], units: number, loss = 'categoricalCrossentropy', activation = 'softmax', dtype = 'float32') {
  const b = new GraphBuilder('t', '', null);
  b.chain(null, [
    ['Input', 'image', { shape: inputShape, dtype }],
    ['Flatten', 'flat'],
    ['Dense', 'digits', { units, activation }],
    ['Output', 'digits', { loss, metrics: ['accuracy'] }],
  ]);
  return b.graph;
}

const errors = (g: ReturnType<typeof mlp>, i: DatasetInfo): string[] => checkCompatibility(g, i).filter((x) => x.severity === 'error').map((x) => x.message);

describe('checkCompatibility', () => {
  it('accepts each template with its own dataset', () => {
    expect(errors(getTemplate('iris-mlp')!.build(), IRIS)).toEqual([]);
    expect(errors(getTemplate('mnist-mlp')!.build(), MNIST)).toEqual([]);
  });

  it('names the Input, what it expects and what the dataset yields', () => {
    expect(errors(mlp([28, 28, 1], 3), IRIS)).toContain("Input 'image' expects [28, 28, 1] but dataset 'iris' yields [4]; set the Input's shape to [4]");
  });

  it('compares output units with the number of classes', () => {
    expect(errors(mlp([4], 10), IRIS)).toEqual(["Output 'digits' has 10 units but dataset 'iris' has 3 classes; give the layer before it 3 units"]);
  });

  it('rejects a class loss on real-valued targets', () => {
    const [msg] = errors(mlp([32, 1], 4, 'sparseCategoricalCrossentropy'), SINE);
    expect(msg).toMatch(/^loss sparseCategoricalCrossentropy on Output 'digits' needs integer class labels, but dataset 'sine' gives real-valued targets of shape \[1\]; use meanSquaredError/);
  });

  it('rejects a regression loss on class labels', () => {
    expect(errors(mlp([4], 3, 'meanSquaredError'), IRIS)[0]).toMatch(/uses meanSquaredError, a regression loss, but dataset 'iris' is a classification dataset with 3 classes/);
  });

  it('loss and label format: class ids suit every classification loss, so only the Output width can be wrong, and the message says which to change', () => {
    const TWO = info({ name: 'xor', inputShape: [2], classNames: ['same sign', 'different sign'] });
    // categorical and sparse crossentropy both take the dataset's class ids (one-hot encoded for the former).
    expect(errors(mlp([2], 2, 'categoricalCrossentropy'), TWO)).toEqual([]);
    expect(errors(mlp([2], 2, 'sparseCategoricalCrossentropy'), TWO)).toEqual([]);
    expect(errors(mlp([2], 1, 'binaryCrossentropy', 'sigmoid'), TWO)).toEqual([]);
    // Two softmax units with binaryCrossentropy: both fixes are named. (One unit with a categorical loss is
    // already an error of the graph itself, from inference.)
    expect(errors(mlp([2], 2, 'binaryCrossentropy'), TWO)).toEqual([
      "Output 'digits' has 2 units but binaryCrossentropy needs one sigmoid unit (the probability of 'different sign'); end the model with Dense(1, sigmoid), or keep the 2 softmax units and use categoricalCrossentropy",
    ]);
    expect(errors(mlp([4], 2), IRIS)).toEqual(["Output 'digits' has 2 units but dataset 'iris' has 3 classes; give the layer before it 3 units"]);
    // A CSV regression target with a class loss also says how to read the column as classes.
    const CSV = info({ name: 'prices.csv', task: 'regression', inputShape: [4], targetShape: [1], classNames: null });
    expect(errors(mlp([4], 3, 'sparseCategoricalCrossentropy'), CSV)[0]).toMatch(/needs integer class labels, but dataset 'prices\.csv' gives real-valued targets .*; use meanSquaredError or meanAbsoluteError, or, if the target column holds class labels, set the dataset's options\.task to 'classification'$/);
  });

  it('binaryCrossentropy needs two classes and one unit', () => {
    expect(errors(mlp([4], 1, 'binaryCrossentropy', 'sigmoid'), IRIS)[0]).toMatch(/needs 2 classes, but dataset 'iris' has 3 classes/);
    expect(errors(mlp([128], 1, 'binaryCrossentropy', 'sigmoid', 'int32'), SPAM)).toEqual([]);
  });

  it('token datasets need an int32 Input', () => {
    expect(errors(mlp([128], 2), SPAM)).toContain("Input 'image' has dtype float32 but dataset 'spam' yields int32 token ids; set the Input's dtype to int32 (an Embedding needs integer ids)");
  });

  it('an Output with the Input shape and a regression loss trains as an autoencoder', () => {
    const g = getTemplate('mnist-autoencoder')?.build();
    if (!g) return; // the template is optional in this checkout
    expect(wantsReconstruction(g, MNIST)).toBe(true);
    expect(errors(g, MNIST)).toEqual([]);
  });
});

describe('checkCompatibility with token inputs', () => {
  it('an Embedding smaller than the vocabulary is named with the size to use', () => {
    const b = new GraphBuilder('t', '', null);
    b.chain(null, [
      ['Input', 'tokens', { shape: [128], dtype: 'int32' }],
      ['Embedding', 'embed', { inputDim: 1000, outputDim: 8 }],
      ['GlobalAveragePooling1D', 'pool'],
      ['Dense', 'p', { units: 1, activation: 'sigmoid' }],
      ['Output', 'is_spam', { loss: 'binaryCrossentropy', metrics: ['accuracy'] }],
    ]);
    expect(errors(b.graph, SPAM)).toEqual(["Embedding 'embed' has inputDim 1000 but dataset 'spam' has a vocabulary of 8000 token ids; set inputDim to 8000"]);
  });
});
