import { formatShape, sampleSize, ShapeError, shapesCompatible, type Shape } from '../shape.js';
import { joinSummary, resolveAxis } from './common.js';
import { defineLayer, type LayerContext, type LayerDef } from './types.js';

/** Input shapes of a merge layer, all connected (the walk blocks on missing ones). */
function mergeInputs(ctx: LayerContext): Shape[] {
  const shapes = ctx.inputs.filter((s): s is Shape => s !== undefined);
  if (shapes.length < 2) throw new ShapeError(`needs at least 2 inputs but has ${shapes.length}; connect more layers to it`);
  return shapes;
}

/** Merges dimensions of compatible shapes, preferring known sizes over null. */
function unify(shapes: readonly Shape[]): Shape {
  return shapes[0]!.map((_, i) => shapes.map((s) => s[i] ?? null).find((d) => d !== null) ?? null);
}

function elementwise(id: string, verb: string, maxInputs?: number): LayerDef {
  const exact = maxInputs === 2;
  return defineLayer({
    id,
    category: 'Merging',
    label: id,
    description: exact ? `${verb} its second input from its first, element-wise; both must have the same shape.` : `${verb} its inputs element-wise; all must have the same shape.`,
    params: {},
    inputs: { kind: 'variadic', name: 'in', min: 2, ...(maxInputs ? { max: maxInputs } : {}) },
    outputs: 1,
    inferShape: (_p, ctx) => {
      const shapes = mergeInputs(ctx);
      const first = shapes[0]!;
      for (const s of shapes.slice(1)) {
        if (!shapesCompatible(first, s))
          throw new ShapeError(
            `gets inputs of different shapes ${formatShape(first)} and ${formatShape(s)}; all inputs must have the same shape (add a Dense, Reshape or Conv layer on one branch to match them)`,
          );
      }
      return unify(shapes);
    },
    macs: (_p, ctx, out) => (ctx.inputs.length - 1) * (sampleSize(out) ?? 0),
    tfjs: () => (id === 'Subtract' ? { factory: 'custom:Subtract', args: {} } : { factory: id.toLowerCase(), args: {} }),
  });
}

/** keras.layers.Add: the element-wise sum of its inputs. */
export const Add = elementwise('Add', 'Adds');
/** keras.layers.Subtract: its first input minus its second, element-wise. */
export const Subtract = elementwise('Subtract', 'Subtracts', 2);
/** keras.layers.Multiply: the element-wise product of its inputs. */
export const Multiply = elementwise('Multiply', 'Multiplies');
/** keras.layers.Average: the element-wise mean of its inputs. */
export const Average = elementwise('Average', 'Averages');
/** keras.layers.Maximum: the element-wise maximum of its inputs. */
export const Maximum = elementwise('Maximum', 'Takes the maximum of');
/** keras.layers.Minimum: the element-wise minimum of its inputs. */
export const Minimum = elementwise('Minimum', 'Takes the minimum of');

/** keras.layers.Concatenate: joins its inputs along one axis. */
export const Concatenate = defineLayer({
  id: 'Concatenate',
  category: 'Merging',
  label: 'Concatenate',
  description: 'Joins its inputs along one axis; all other axes must match.',
  params: { axis: { kind: 'int', default: -1, doc: 'Axis to join along, counting the batch as axis 0; -1 is the last axis.' } },
  inputs: { kind: 'variadic', name: 'in', min: 2 },
  outputs: 1,
  checkParams: (p) => (p.axis === 0 ? { message: "param 'axis' is 0, the batch axis, which cannot be concatenated; use -1 for the last axis or 1 for the first axis of a sample", field: 'axis' } : null),
  inferShape: (p, ctx) => {
    const shapes = mergeInputs(ctx);
    const first = shapes[0]!;
    const axis = p.axis as number;
    const a = resolveAxis(axis, first.length);
    if (a === null)
      throw new ShapeError(`has axis ${axis}, but its inputs ${formatShape(first)} have axes 1 to ${first.length - 1} (or -1 to -${first.length - 1}); pick one of those`, 'axis');
    for (const s of shapes.slice(1)) {
      const offAxisMatch = s.length === first.length && s.every((d, i) => i === a || d === null || first[i] === null || d === first[i]);
      if (!offAxisMatch)
        throw new ShapeError(
          `gets inputs whose shapes differ off the concatenation axis: ${formatShape(first)} and ${formatShape(s)}; all axes except axis ${axis} must match (reshape or resize one branch)`,
        );
    }
    const out = unify(shapes);
    out[a] = shapes.some((s) => s[a] === null) ? null : shapes.reduce((sum, s) => sum + s[a]!, 0);
    return out;
  },
  // tfjs resolves a negative axis other than -1 wrongly at run time, so pass it resolved.
  tfjs: (p, ctx) => {
    const rank = ctx.inputs[0]?.length;
    const axis = p.axis as number;
    return { factory: 'concatenate', args: { axis: rank === undefined ? axis : (resolveAxis(axis, rank) ?? axis) } };
  },
  summary: (p) => (p.axis === -1 ? '' : `axis ${String(p.axis)}`),
});

/** keras.layers.Dot: the dot product (or cosine similarity) of two inputs along given axes. */
export const Dot = defineLayer({
  id: 'Dot',
  category: 'Merging',
  label: 'Dot',
  description: 'Dot product of two inputs along the given axes (cosine similarity with normalize).',
  params: {
    axes: { kind: 'tuple', default: [-1], minLength: 1, maxLength: 2, min: -2, doc: 'Axis to contract, or [axis of first, axis of second], counting the batch as axis 0; -1 is the last axis.' },
    normalize: { kind: 'bool', default: false, doc: 'L2-normalize both inputs along the axes first, so the result is the cosine similarity.' },
  },
  inputs: { kind: 'variadic', name: 'in', min: 2, max: 2 },
  outputs: 1,
  checkParams: (p) =>
    (p.axes as number[]).includes(0) ? { message: "param 'axes' includes 0, the batch axis, which cannot be contracted; use -1 for the last axis", field: 'axes' } : null,
  inferShape: (p, ctx) => {
    const [s1, s2] = mergeInputs(ctx) as [Shape, Shape];
    for (const s of [s1, s2])
      if (s.length < 2 || s.length > 3)
        throw new ShapeError(`supports inputs of rank 2 or 3 (TensorFlow.js has no Dot for higher ranks) but gets ${formatShape(s)}; Flatten or Reshape it first`);
    const axes = p.axes as number[];
    const a1 = resolveAxis(axes[0]!, s1.length);
    const a2 = resolveAxis(axes[1] ?? axes[0]!, s2.length);
    if (a1 === null || a2 === null)
      throw new ShapeError(`has axes ${formatShape(axes)}, which do not fit its inputs ${formatShape(s1)} and ${formatShape(s2)}; use -1 for the last axis`, 'axes');
    const d1 = s1[a1]!;
    const d2 = s2[a2]!;
    if (d1 !== null && d2 !== null && d1 !== d2)
      throw new ShapeError(`contracts axis ${a1} of ${formatShape(s1)} (size ${d1}) with axis ${a2} of ${formatShape(s2)} (size ${d2}); those sizes must be equal`, 'axes');
    const out: Shape = [...s1.filter((_, i) => i !== a1), ...s2.filter((_, i) => i !== a2 && i !== 0)];
    if (out.length === 1) out.push(1);
    return out;
  },
  macs: (_p, ctx, out) => {
    const s1 = ctx.inputs[0]!;
    const n = sampleSize(out) ?? 0;
    const d = s1[s1.length - 1] ?? 0;
    return n * d;
  },
  tfjs: (p, ctx) => {
    // tfjs' Dot.computeOutputShape does not resolve negative axes given as a pair, so pass them resolved.
    const axes = p.axes as number[];
    const r1 = ctx.inputs[0]?.length ?? 2;
    const r2 = ctx.inputs[1]?.length ?? 2;
    const a1 = resolveAxis(axes[0]!, r1) ?? axes[0]!;
    const a2 = resolveAxis(axes[1] ?? axes[0]!, r2) ?? axes[1] ?? axes[0]!;
    return { factory: 'dot', args: { axes: [a1, a2], normalize: p.normalize } };
  },
  summary: (p) => joinSummary(`axes ${(p.axes as number[]).join(',')}`, p.normalize === true && 'cosine'),
});
