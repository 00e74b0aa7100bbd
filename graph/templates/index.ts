import type { Graph } from '../document.js';
import { GraphBuilder } from './builder.js';

/** A built-in example graph. */
export interface Template {
  name: string;
  title: string;
  description: string;
  build(): Graph;
}

function template(name: string, title: string, description: string, build: (b: GraphBuilder) => void, dataset: string, training: Partial<Graph['training']> = {}): Template {
  return {
    name,
    title,
    description,
    build() {
      const b = new GraphBuilder(title, description, { kind: 'builtin', name: dataset }, training);
      build(b);
      return b.graph;
    },
  };
}

/** Every built-in template, in gallery order. */
export const TEMPLATES: readonly Template[] = [
  template('iris-mlp', 'Iris MLP', 'A small multilayer perceptron that classifies iris flowers from four measurements.', (b) => {
    b.chain(null, [
      ['Input', 'features', { shape: [4] }],
      ['Dense', 'hidden', { units: 16, activation: 'relu' }],
      ['Dense', 'classes', { units: 3, activation: 'softmax' }],
      ['Output', 'species', { loss: 'categoricalCrossentropy', metrics: ['accuracy'] }],
    ]);
  }, 'iris', { epochs: 50, batchSize: 16, learningRate: 0.01, validationSplit: 0.2 }),
  template('mnist-mlp', 'MNIST MLP', 'A multilayer perceptron for handwritten digits: flatten the image, two dense layers, softmax over 10 classes.', (b) => {
    b.chain(null, [
      ['Input', 'image', { shape: [28, 28, 1] }],
      ['Flatten', 'flatten'],
      ['Dense', 'hidden', { units: 128, activation: 'relu' }],
      ['Dropout', 'dropout', { rate: 0.2 }],
      ['Dense', 'logits', { units: 10, activation: 'softmax' }],
      ['Output', 'digit', { loss: 'categoricalCrossentropy', metrics: ['accuracy'] }],
    ]);
  }, 'mnist', { epochs: 3, batchSize: 64 }),
  template('mnist-convnet', 'MNIST convnet', "Keras' Simple MNIST convnet: two convolution blocks, dropout and a softmax classifier (34,826 parameters).", (b) => {
    b.chain(null, [
      ['Input', 'image', { shape: [28, 28, 1] }],
      ['Conv2D', 'conv1', { filters: 32, kernelSize: [3, 3], activation: 'relu' }],
      ['MaxPooling2D', 'pool1', { poolSize: [2, 2] }],
      ['Conv2D', 'conv2', { filters: 64, kernelSize: [3, 3], activation: 'relu' }],
      ['MaxPooling2D', 'pool2', { poolSize: [2, 2] }],
      ['Flatten', 'flatten'],
      ['Dropout', 'dropout', { rate: 0.5 }],
      ['Dense', 'classes', { units: 10, activation: 'softmax' }],
      ['Output', 'digit', { loss: 'categoricalCrossentropy', metrics: ['accuracy'] }],
    ]);
  }, 'mnist', { epochs: 15, batchSize: 128 }),
  template('mnist-resnet', 'MNIST ResNet', 'A small residual CNN: two blocks whose inputs skip past their convolutions through Add, then global average pooling and a softmax classifier.', (b) => {
    const image = b.add('Input', 'image', { shape: [28, 28, 1] });
    const stem = b.chain(image, [['Conv2D', 'stem', { filters: 16, kernelSize: [3, 3], padding: 'same', activation: 'relu' }]]);
    // Block 1: identity skip (same width), so the stem output is added back unchanged.
    const b1 = b.chain(stem, [
      ['Conv2D', 'block1_conv1', { filters: 16, kernelSize: [3, 3], padding: 'same', activation: 'relu' }],
      ['Conv2D', 'block1_conv2', { filters: 16, kernelSize: [3, 3], padding: 'same' }],
    ]);
    const add1 = b.add('Add', 'block1_add');
    b.connect(stem, add1, 'in0').connect(b1, add1, 'in1');
    const pooled = b.chain(add1, [
      ['Activation', 'block1_relu', { activation: 'relu' }],
      ['MaxPooling2D', 'pool', { poolSize: [2, 2] }],
    ]);
    // Block 2 widens to 32 channels, so the skip path needs a 1×1 projection to match shapes.
    const b2 = b.chain(pooled, [
      ['Conv2D', 'block2_conv1', { filters: 32, kernelSize: [3, 3], padding: 'same', activation: 'relu' }],
      ['Conv2D', 'block2_conv2', { filters: 32, kernelSize: [3, 3], padding: 'same' }],
    ]);
    const proj = b.add('Conv2D', 'block2_skip', { filters: 32, kernelSize: [1, 1] }, 1);
    b.connect(pooled, proj);
    const add2 = b.add('Add', 'block2_add');
    b.connect(proj, add2, 'in0').connect(b2, add2, 'in1');
    b.chain(add2, [
      ['Activation', 'block2_relu', { activation: 'relu' }],
      ['GlobalAveragePooling2D', 'gap'],
      ['Dense', 'classes', { units: 10, activation: 'softmax' }],
      ['Output', 'digit', { loss: 'categoricalCrossentropy', metrics: ['accuracy'] }],
    ]);
  }, 'mnist', { epochs: 5, batchSize: 64 }),
  template('mnist-autoencoder', 'MNIST autoencoder', 'A convolutional autoencoder: squeezes each digit to a 7×7×8 code and rebuilds the image from it; trained to reproduce its input (mean squared error).', (b) => {
    b.chain(null, [
      ['Input', 'image', { shape: [28, 28, 1] }],
      ['Conv2D', 'enc1', { filters: 16, kernelSize: [3, 3], padding: 'same', activation: 'relu' }],
      ['MaxPooling2D', 'down1', { poolSize: [2, 2] }],
      ['Conv2D', 'enc2', { filters: 8, kernelSize: [3, 3], padding: 'same', activation: 'relu' }],
      ['MaxPooling2D', 'code', { poolSize: [2, 2] }],
      ['Conv2DTranspose', 'dec1', { filters: 8, kernelSize: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' }],
      ['Conv2DTranspose', 'dec2', { filters: 16, kernelSize: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' }],
      ['Conv2D', 'reconstruction', { filters: 1, kernelSize: [3, 3], padding: 'same', activation: 'sigmoid' }],
      // The Output has the input's shape, which tells the trainer to use the image itself as the target.
      ['Output', 'image_out', { loss: 'meanSquaredError', metrics: ['mae'] }],
    ]);
  }, 'mnist', { epochs: 5, batchSize: 128 }),
  template('spam-lstm', 'Spam LSTM', 'Text classification: embeds the token ids of a message, reads them with an LSTM and outputs the probability that it is spam.', (b) => {
    b.chain(null, [
      ['Input', 'tokens', { shape: [128], dtype: 'int32' }],
      ['Embedding', 'embedding', { inputDim: 8000, outputDim: 32 }],
      ['LSTM', 'lstm', { units: 32 }],
      ['Dropout', 'dropout', { rate: 0.3 }],
      ['Dense', 'spam', { units: 1, activation: 'sigmoid' }],
      ['Output', 'is_spam', { loss: 'binaryCrossentropy', metrics: ['accuracy'] }],
    ]);
  }, 'spam', { epochs: 5, batchSize: 32 }),
  template('spam-transformer', 'Spam transformer', 'A BERT-style encoder classifier: token + position embeddings, two transformer encoder blocks, average over the sequence, then a spam probability.', (b) => {
    b.chain(null, [
      ['Input', 'tokens', { shape: [128], dtype: 'int32' }],
      ['PositionalEmbedding', 'embedding', { vocabSize: 8000, sequenceLength: 128, embedDim: 32 }],
      ['TransformerEncoderBlock', 'encoder1', { numHeads: 2, intermediateDim: 64, dropout: 0.1 }],
      ['TransformerEncoderBlock', 'encoder2', { numHeads: 2, intermediateDim: 64, dropout: 0.1 }],
      ['GlobalAveragePooling1D', 'pool'],
      ['Dropout', 'dropout', { rate: 0.1 }],
      ['Dense', 'spam', { units: 1, activation: 'sigmoid' }],
      ['Output', 'is_spam', { loss: 'binaryCrossentropy', metrics: ['accuracy'] }],
    ]);
  }, 'spam', { epochs: 5, batchSize: 32, learningRate: 0.0005 }),
  template('names-gpt', 'Names GPT', 'A tiny GPT: a causal transformer language model that learns to spell first names one character at a time, predicting the next character at every position.', (b) => {
    b.chain(null, [
      ['Input', 'chars', { shape: [16], dtype: 'int32' }],
      ['PositionalEmbedding', 'embedding', { vocabSize: 32, sequenceLength: 16, embedDim: 64 }],
      ['TransformerDecoderBlock', 'decoder1', { numHeads: 4, intermediateDim: 128, dropout: 0.1 }],
      ['TransformerDecoderBlock', 'decoder2', { numHeads: 4, intermediateDim: 128, dropout: 0.1 }],
      ['Dense', 'next_char', { units: 32, activation: 'softmax' }],
      ['Output', 'next', { loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] }],
    ]);
  }, 'names', { epochs: 20, batchSize: 64 }),
  template('sine-gru', 'Sine GRU', 'Time-series forecasting: a GRU reads a window of 32 noisy sine values and predicts the next one.', (b) => {
    b.chain(null, [
      ['Input', 'window', { shape: [32, 1] }],
      ['GRU', 'gru', { units: 32 }],
      ['Dense', 'next_value', { units: 1 }],
      ['Output', 'forecast', { loss: 'meanSquaredError', metrics: ['mae'] }],
    ]);
  }, 'sine', { epochs: 20, batchSize: 32, learningRate: 0.005 }),
  template('spiral-mlp', 'Spiral MLP', 'Two-dimensional toy classification: a small MLP learns to separate three interleaved spirals, the classic test of non-linear decision boundaries.', (b) => {
    b.chain(null, [
      ['Input', 'point', { shape: [2] }],
      ['Dense', 'hidden1', { units: 32, activation: 'relu' }],
      ['Dense', 'hidden2', { units: 32, activation: 'relu' }],
      ['Dense', 'classes', { units: 3, activation: 'softmax' }],
      ['Output', 'arm', { loss: 'categoricalCrossentropy', metrics: ['accuracy'] }],
    ]);
  }, 'spiral', { epochs: 100, batchSize: 32, learningRate: 0.01, validationSplit: 0.2 }),
];

/** The template with this name, or undefined. */
export function getTemplate(name: string): Template | undefined {
  return TEMPLATES.find((t) => t.name === name);
}
