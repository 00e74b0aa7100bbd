import { formatShape, sampleSize, ShapeError } from '../shape.js';
import { firstInput, formatTuple, joinSummary, ONE_INPUT, product, requireRank } from './common.js';
import { sizeTuple, spatialInput } from './conv.js';
import { defineLayer, type Params } from './types.js';

/** keras.layers.Flatten: each sample to one axis. */
export const Flatten = defineLayer({
  id: 'Flatten',
  category: 'Reshaping',
  label: 'Flatten',
  description: 'Flattens each sample to one axis, e.g. [null, 5, 5, 64] to [null, 1600].',
  params: {},
  inputs: ONE_INPUT,
  outputs: 1,
  inferShape: (_p, ctx) => {
    const s = firstInput(ctx);
    if (s.length < 2) throw new ShapeError(`expects an input with at least one axis besides the batch but gets ${formatShape(s)}`);
    const n = sampleSize(s);
    if (n === null) throw new ShapeError(`needs every axis of its input known but gets ${formatShape(s)}`);
    return [null, n];
  },
  tfjs: () => ({ factory: 'flatten', args: {} }),
});

/** keras.layers.Reshape: each sample to a target shape (one axis may be -1). */
export const Reshape = defineLayer({
  id: 'Reshape',
  category: 'Reshaping',
  label: 'Reshape',
  description: 'Reshapes each sample to a target shape with the same number of elements; one axis may be -1 (inferred).',
  params: {
    targetShape: { kind: 'tuple', default: [-1], minLength: 1, maxLength: 5, min: -1, doc: 'Shape of one sample after reshaping, without the batch axis; at most one entry may be -1, meaning "whatever fits".' },
  },
  inputs: ONE_INPUT,
  outputs: 1,
  checkParams: (p) => {
    const t = p.targetShape as number[];
    if (t.includes(0)) return { message: `param 'targetShape' has a 0 in ${formatShape(t)}; every axis needs a size of at least 1 (or -1 for one inferred axis)`, field: 'targetShape' };
    if (t.filter((d) => d === -1).length > 1) return { message: `param 'targetShape' has more than one -1 in ${formatShape(t)}; only one axis can be inferred`, field: 'targetShape' };
    return null;
  },
  inferShape: (p, ctx) => {
    const s = firstInput(ctx);
    const t = p.targetShape as number[];
    const n = sampleSize(s);
    if (n === null) throw new ShapeError(`needs every axis of its input known but gets ${formatShape(s)}`);
    const known = product(t.filter((d) => d !== -1));
    if (t.includes(-1)) {
      if (n % known !== 0)
        throw new ShapeError(`cannot reshape ${formatShape(s)} (${n} values per sample) to ${formatShape(t)}: ${n} is not divisible by ${known}; change targetShape`, 'targetShape');
      return [null, ...t.map((d) => (d === -1 ? n / known : d))];
    }
    if (known !== n)
      throw new ShapeError(`cannot reshape ${formatShape(s)} (${n} values per sample) to ${formatShape(t)} (${known} values); the sizes must multiply to ${n}, or use -1 for one axis`, 'targetShape');
    return [null, ...t];
  },
  // A -1 is resolved here: tfjs' Reshape leaves an inferred axis unknown (null) in the symbolic shape.
  tfjs: (p, ctx) => {
    const t = p.targetShape as number[];
    const n = ctx.inputs[0] ? sampleSize(ctx.inputs[0]) : null;
    const known = product(t.filter((d) => d !== -1));
    return { factory: 'reshape', args: { targetShape: n === null ? t : t.map((d) => (d === -1 ? n / known : d)) } };
  },
  summary: (p) => formatTuple(p.targetShape),
});

/** keras.layers.Permute: reorders the axes of each sample. */
export const Permute = defineLayer({
  id: 'Permute',
  category: 'Reshaping',
  label: 'Permute',
  description: 'Reorders the axes of each sample, e.g. dims [2, 1] swaps the first two axes after the batch.',
  params: {
    dims: { kind: 'tuple', default: [2, 1], minLength: 1, maxLength: 5, min: 1, doc: 'New order of the axes, numbered from 1 (the batch axis is not included), e.g. [2, 1].' },
  },
  inputs: ONE_INPUT,
  outputs: 1,
  checkParams: (p) => {
    const d = p.dims as number[];
    const sorted = [...d].sort((a, b) => a - b);
    if (!sorted.every((v, i) => v === i + 1))
      return { message: `param 'dims' ${formatShape(d)} is not a permutation of 1..${d.length}; list each axis number from 1 to ${d.length} once`, field: 'dims' };
    return null;
  },
  inferShape: (p, ctx) => {
    const s = firstInput(ctx);
    const d = p.dims as number[];
    if (d.length !== s.length - 1)
      throw new ShapeError(`has dims ${formatShape(d)} for ${d.length} axes but its input ${formatShape(s)} has ${s.length - 1} axes besides the batch; give one number per axis`, 'dims');
    return [null, ...d.map((i) => s[i]!)];
  },
  tfjs: (p) => ({ factory: 'permute', args: { dims: p.dims } }),
  summary: (p) => formatShape(p.dims as number[]),
});

/** keras.layers.RepeatVector: repeats a vector n times along a new axis. */
export const RepeatVector = defineLayer({
  id: 'RepeatVector',
  category: 'Reshaping',
  label: 'RepeatVector',
  description: 'Repeats a vector n times: [null, d] becomes [null, n, d].',
  params: { n: { kind: 'int', default: 2, min: 1, doc: 'Number of repetitions.' } },
  inputs: ONE_INPUT,
  outputs: 1,
  inferShape: (p, ctx) => {
    const s = requireRank(firstInput(ctx), [2], 'add a Flatten before it');
    return [null, p.n as number, s[1]!];
  },
  tfjs: (p) => ({ factory: 'repeatVector', args: { n: p.n } }),
  summary: (p) => `×${String(p.n)}`,
});

/** keras.layers.UpSampling2D: enlarges an image by repeating or interpolating pixels. */
export const UpSampling2D = defineLayer({
  id: 'UpSampling2D',
  category: 'Reshaping',
  label: 'UpSampling2D',
  description: 'Repeats rows and columns to enlarge an image by an integer factor (no weights).',
  params: {
    size: sizeTuple(2, 2, 'Upsampling factors for height and width.'),
    interpolation: { kind: 'choice', default: 'nearest', choices: ['nearest', 'bilinear'], doc: "'nearest' repeats pixels; 'bilinear' interpolates between them." },
  },
  inputs: ONE_INPUT,
  outputs: 1,
  inferShape: (p, ctx) => {
    const s = spatialInput(ctx, 2);
    const size = p.size as number[];
    return [null, ...size.map((f, i) => (s[i + 1] === null ? null : s[i + 1]! * f)), s[3]!];
  },
  // Bilinear upsampling goes through graph/tfjs' ImageResizing: tfjs' ResizeBilinear gradient is wrong on
  // non-square images (CPU backend), which would break training. Nearest upsampling trains fine.
  tfjs: (p, ctx) => {
    const s = ctx.inputs[0];
    const size = p.size as number[];
    if (p.interpolation === 'bilinear' && s && typeof s[1] === 'number' && typeof s[2] === 'number')
      return { factory: 'custom:ImageResizing', args: { height: s[1] * size[0]!, width: s[2] * size[1]!, interpolation: 'bilinear' } };
    return { factory: 'upSampling2d', args: { size: p.size, interpolation: p.interpolation } };
  },
  summary: (p) => joinSummary(`×${formatTuple(p.size)}`, p.interpolation !== 'nearest' && String(p.interpolation)),
});

/** Padding or cropping amounts as [[top, bottom], [left, right]] from the 1, 2 or 4 numbers a param holds. */
function edges2d(t: readonly number[]): [[number, number], [number, number]] {
  if (t.length === 1) return [[t[0]!, t[0]!], [t[0]!, t[0]!]];
  if (t.length === 2) return [[t[0]!, t[0]!], [t[1]!, t[1]!]];
  return [[t[0]!, t[1]!], [t[2]!, t[3]!]];
}

function edgesCheck(field: string) {
  return (p: Params): { message: string; field?: string } | null => {
    const t = p[field] as number[];
    if (t.length === 3)
      return { message: `param '${field}' has 3 numbers; give 1 (all sides), 2 ([rows, columns], both sides each) or 4 ([top, bottom, left, right])`, field };
    return null;
  };
}

const edgesDoc = (what: string) =>
  `${what}: one number for every side, [rows, columns] for top/bottom and left/right, or [top, bottom, left, right].`;

/** keras.layers.ZeroPadding2D: adds rows and columns of zeros around an image. */
export const ZeroPadding2D = defineLayer({
  id: 'ZeroPadding2D',
  category: 'Reshaping',
  label: 'ZeroPadding2D',
  description: 'Adds rows and columns of zeros around an image.',
  params: { padding: { kind: 'tuple', default: [1, 1], minLength: 1, maxLength: 4, min: 0, doc: edgesDoc('Zeros added') } },
  inputs: ONE_INPUT,
  outputs: 1,
  checkParams: edgesCheck('padding'),
  inferShape: (p, ctx) => {
    const s = spatialInput(ctx, 2);
    const [[t, b], [l, r]] = edges2d(p.padding as number[]);
    return [null, s[1] === null ? null : s[1]! + t + b, s[2] === null ? null : s[2]! + l + r, s[3]!];
  },
  tfjs: (p) => ({ factory: 'zeroPadding2d', args: { padding: edges2d(p.padding as number[]) } }),
  summary: (p) => `pad ${(p.padding as number[]).join(', ')}`,
});

/** keras.layers.Cropping2D: cuts rows and columns off the edges of an image. */
export const Cropping2D = defineLayer({
  id: 'Cropping2D',
  category: 'Reshaping',
  label: 'Cropping2D',
  description: 'Cuts rows and columns off the edges of an image.',
  params: { cropping: { kind: 'tuple', default: [0, 0], minLength: 1, maxLength: 4, min: 0, doc: edgesDoc('Pixels removed') } },
  inputs: ONE_INPUT,
  outputs: 1,
  checkParams: edgesCheck('cropping'),
  inferShape: (p, ctx) => {
    const s = spatialInput(ctx, 2);
    const [[t, b], [l, r]] = edges2d(p.cropping as number[]);
    const h = s[1] === null ? null : s[1]! - t - b;
    const w = s[2] === null ? null : s[2]! - l - r;
    if ((h !== null && h < 1) || (w !== null && w < 1))
      throw new ShapeError(`crops ${t + b} rows and ${l + r} columns from an input ${formatShape(s)}, which leaves nothing; reduce cropping`, 'cropping');
    return [null, h, w, s[3]!];
  },
  tfjs: (p) => ({ factory: 'cropping2D', args: { cropping: edges2d(p.cropping as number[]) } }),
  summary: (p) => `crop ${(p.cropping as number[]).join(', ')}`,
});
