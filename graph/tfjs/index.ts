import type * as tfjs from '@tensorflow/tfjs';

/** The TensorFlow.js namespace, passed in so any backend package (tfjs, tfjs-node, tfjs-node-gpu) can be used. */
export type Tf = typeof tfjs;

/** Builds a custom layer from tfjs-style args. */
export type CustomLayerFactory = (args: Record<string, unknown>) => tfjs.layers.Layer;

/** A module of custom layers: given `tf`, defines the classes, registers them for serialization, and returns factories by name. */
export type CustomLayerModule = (tf: Tf) => Record<string, CustomLayerFactory>;

const modules: CustomLayerModule[] = [];
const cache = new WeakMap<object, Record<string, CustomLayerFactory>>();

/** Adds a module of custom layers; called once by each module file at import. */
export function addCustomLayerModule(m: CustomLayerModule): void {
  modules.push(m);
}

/**
 * Defines and registers every custom layer with this `tf` (once per tf instance) and returns their
 * factories by name. Call it before `tf.loadLayersModel` on a model that uses them.
 */
export function registerCustomLayers(tf: Tf): Record<string, CustomLayerFactory> {
  let factories = cache.get(tf);
  if (!factories) {
    factories = {};
    for (const m of modules) Object.assign(factories, m(tf));
    cache.set(tf, factories);
  }
  return factories;
}
