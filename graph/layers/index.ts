import * as activation from './activation.js';
import * as attention from './attention.js';
import * as conv from './conv.js';
import * as core from './core.js';
import * as io from './io.js';
import * as merge from './merge.js';
import * as normalization from './normalization.js';
import * as pooling from './pooling.js';
import * as preprocessing from './preprocessing.js';
import * as recurrent from './recurrent.js';
import * as regularization from './regularization.js';
import * as reshaping from './reshaping.js';
import { CATEGORIES, type LayerDef } from './types.js';

export * from './types.js';
export { ACTIVATIONS } from './common.js';
export { LOSSES, METRICS } from './io.js';
export { defaultParams, normalizeParams } from './params.js';
export { OTHER_NAMES } from './other-names.js';

function isLayerDef(x: unknown): x is LayerDef {
  return typeof x === 'object' && x !== null && 'id' in x && 'inferShape' in x && 'inputs' in x;
}

const families = [io, core, conv, pooling, recurrent, normalization, regularization, attention, reshaping, merge, activation, preprocessing];

/** Every layer kind, in palette order (by category, then declaration order). */
export const LAYERS: readonly LayerDef[] = families
  .flatMap((m) => Object.values(m).filter(isLayerDef))
  .sort((a, b) => CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category));

const byId = new Map<string, LayerDef>();
for (const def of LAYERS) {
  if (byId.has(def.id)) throw new Error(`duplicate layer id ${def.id}`);
  byId.set(def.id, def);
  for (const alias of def.aliases ?? []) byId.set(alias, def);
}

/** The layer kind for an id or alias, or undefined when no such kind exists. */
export function getLayer(id: string): LayerDef | undefined {
  return byId.get(id);
}
