import { firstInput, formatTuple, joinSummary, lastDim, ONE_INPUT, requireRank } from './common.js';
import { spatialHint, spatialInput, windowOutput, type Padding } from './conv.js';
import { defineLayer, type LayerDef } from './types.js';

function poolLayer(op: 'Max' | 'Average', dims: 1 | 2): LayerDef {
  const id = `${op}Pooling${dims}D`;
  const what = op === 'Max' ? 'maximum' : 'average';
  return defineLayer({
    id,
    category: 'Pooling',
    label: id,
    description:
      dims === 1
        ? `Downsamples a sequence by taking the ${what} over windows of poolSize steps.`
        : `Downsamples an image by taking the ${what} over poolSize windows (e.g. 2×2 halves height and width).`,
    params: {
      poolSize: { kind: 'tuple', default: Array<number>(dims).fill(2), length: dims, min: 1, doc: 'Size of the pooling window.' },
      strides: { kind: 'tuple', default: null, nullable: true, length: dims, min: 1, doc: 'Step of the window; empty means the same as poolSize (non-overlapping windows).' },
      padding: { kind: 'choice', default: 'valid', choices: ['valid', 'same'], doc: "'valid' drops windows that do not fit; 'same' pads so every input position is covered." },
    },
    inputs: ONE_INPUT,
    outputs: 1,
    inferShape: (p, ctx) => {
      const s = spatialInput(ctx, dims);
      const pool = p.poolSize as number[];
      const strides = (p.strides as number[] | null) ?? pool;
      const out = windowOutput(s, pool, strides, p.padding as Padding, null, { noun: 'pool window', field: 'poolSize' });
      return [null, ...out, s[dims + 1]!];
    },
    tfjs: (p) => ({
      factory: `${op === 'Max' ? 'max' : 'average'}Pooling${dims}d`,
      args: { poolSize: p.poolSize, ...(p.strides ? { strides: p.strides } : {}), padding: p.padding },
    }),
    summary: (p) =>
      joinSummary(formatTuple(p.poolSize), p.strides !== null && `stride ${formatTuple(p.strides)}`, p.padding !== 'valid' && String(p.padding)),
  });
}

function globalPoolLayer(op: 'Max' | 'Average', dims: 1 | 2): LayerDef {
  const id = `Global${op}Pooling${dims}D`;
  return defineLayer({
    id,
    category: 'Pooling',
    label: id,
    description:
      dims === 1
        ? `Takes the ${op === 'Max' ? 'maximum' : 'average'} over all steps of a sequence: [null, steps, channels] to [null, channels].`
        : `Takes the ${op === 'Max' ? 'maximum' : 'average'} over height and width: [null, h, w, channels] to [null, channels].`,
    params: {},
    inputs: ONE_INPUT,
    outputs: 1,
    inferShape: (_p, ctx) => {
      const s = requireRank(firstInput(ctx), [dims + 2], spatialHint(dims));
      lastDim(s, 'the channels axis');
      return [null, s[dims + 1]!];
    },
    tfjs: () => ({ factory: `global${op}Pooling${dims}d`, args: {} }),
  });
}

/** keras.layers.MaxPooling1D: the maximum over windows of steps. */
export const MaxPooling1D = poolLayer('Max', 1);
/** keras.layers.MaxPooling2D: the maximum over windows of an image. */
export const MaxPooling2D = poolLayer('Max', 2);
/** keras.layers.AveragePooling1D: the average over windows of steps. */
export const AveragePooling1D = poolLayer('Average', 1);
/** keras.layers.AveragePooling2D: the average over windows of an image. */
export const AveragePooling2D = poolLayer('Average', 2);
/** keras.layers.GlobalMaxPooling1D: the maximum over all steps of a sequence. */
export const GlobalMaxPooling1D = globalPoolLayer('Max', 1);
/** keras.layers.GlobalMaxPooling2D: the maximum over the height and width of an image. */
export const GlobalMaxPooling2D = globalPoolLayer('Max', 2);
/** keras.layers.GlobalAveragePooling1D: the average over all steps of a sequence. */
export const GlobalAveragePooling1D = globalPoolLayer('Average', 1);
/** keras.layers.GlobalAveragePooling2D: the average over the height and width of an image. */
export const GlobalAveragePooling2D = globalPoolLayer('Average', 2);
