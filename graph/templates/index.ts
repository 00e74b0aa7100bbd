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
];

/** The template with this name, or undefined. */
export function getTemplate(name: string): Template | undefined {
  return TEMPLATES.find((t) => t.name === name);
}
