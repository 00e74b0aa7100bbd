import { formatShape, ShapeError, type Shape } from '../shape.js';
import { firstInput, joinSummary, ONE_INPUT, product, resolveAxis } from './common.js';
import { defineLayer } from './types.js';

/** The sizes of the normalized axes of `shape`, resolved and required to be known; throws a ShapeError naming `axis`. */
function normalizedSizes(shape: Shape, axes: readonly number[]): number[] {
  const resolved = axes.map((a) => resolveAxis(a, shape.length));
  const bad = axes.find((_, i) => resolved[i] === null);
  if (bad !== undefined)
    throw new ShapeError(`has axis ${bad}, but its input ${formatShape(shape)} has axes 1 to ${shape.length - 1} (or -1 to -${shape.length - 1}); pick one of those`, 'axis');
  if (new Set(resolved).size !== resolved.length) throw new ShapeError(`names axis ${formatShape(axes as number[])} twice for its input ${formatShape(shape)}; list each axis once`, 'axis');
  return resolved.map((a) => {
    const d = shape[a!];
    if (d === null || d === undefined) throw new ShapeError(`needs a known size on axis ${a} but gets ${formatShape(shape)}`, 'axis');
    return d;
  });
}

/** True when `axis` is the last axis of `shape` (or the shape is unknown and the axis is -1). */
const lastAxis = (axis: number, shape: Shape | undefined): boolean => axis === -1 || (shape !== undefined && axis === shape.length - 1);

const batchAxis = (field: string) => (p: Record<string, unknown>) => {
  const axes = [p[field]].flat() as number[];
  return axes.includes(0) ? { message: `param '${field}' includes 0, the batch axis, which cannot be normalized within a sample; use -1 for the last axis`, field } : null;
};

/** keras.layers.BatchNormalization: normalizes one axis with batch statistics and moving averages. */
export const BatchNormalization = defineLayer({
  id: 'BatchNormalization',
  category: 'Normalization',
  label: 'BatchNormalization',
  description: 'Normalizes each channel (the axis, by default the last) with batch statistics while training and moving averages at inference.',
  params: {
    axis: { kind: 'int', default: -1, doc: 'The features (channels) axis, counting the batch as axis 0; -1 is the last axis (channels-last images, Dense outputs).' },
    momentum: { kind: 'float', default: 0.99, min: 0, max: 1, doc: 'Momentum of the moving mean and variance used at inference.' },
    epsilon: { kind: 'float', default: 0.001, min: 0, exclusiveMin: true, doc: 'Small number added to the variance to avoid dividing by zero.' },
    center: { kind: 'bool', default: true, doc: 'Learn an offset (beta) added after normalizing.' },
    scale: { kind: 'bool', default: true, doc: 'Learn a factor (gamma) multiplied after normalizing.' },
  },
  inputs: ONE_INPUT,
  outputs: 1,
  checkParams: batchAxis('axis'),
  inferShape: (p, ctx) => {
    const s = firstInput(ctx);
    normalizedSizes(s, [p.axis as number]);
    return s;
  },
  paramCount: (p, ctx) => {
    const [c] = normalizedSizes(ctx.inputs[0]!, [p.axis as number]) as [number];
    // gamma and beta train; the moving mean and variance are updated by statistics, not gradients.
    return { trainable: (p.center ? c : 0) + (p.scale ? c : 0), nonTrainable: 2 * c };
  },
  // tf.layers.batchNormalization reads gamma and beta unconditionally while training, so it crashes with
  // center or scale off, and it cannot train on any axis but the last; graph/tfjs' PartialBatchNormalization
  // fills in the missing weight and moves the axis to the end.
  tfjs: (p, ctx) => ({
    factory: p.center && p.scale && lastAxis(p.axis as number, ctx.inputs[0]) ? 'batchNormalization' : 'custom:PartialBatchNormalization',
    // axis only when it is not the default, so exported code stays as short as Keras' own.
    args: { ...(p.axis !== -1 ? { axis: p.axis } : {}), momentum: p.momentum, epsilon: p.epsilon, center: p.center, scale: p.scale },
  }),
  summary: (p) => joinSummary(p.axis !== -1 && `axis ${String(p.axis)}`, !p.center && 'no center', !p.scale && 'no scale'),
});

/** keras.layers.LayerNormalization: normalizes each sample over the given axes. */
export const LayerNormalization = defineLayer({
  id: 'LayerNormalization',
  category: 'Normalization',
  label: 'LayerNormalization',
  description: 'Normalizes each sample over its last axis (or the given axes), then applies a learned scale and offset.',
  params: {
    axis: { kind: 'tuple', default: [-1], minLength: 1, maxLength: 4, min: -5, doc: 'Axis or axes to normalize over, counting the batch as axis 0; -1 is the last axis, [1, 2, 3] a whole image.' },
    epsilon: { kind: 'float', default: 0.001, min: 0, exclusiveMin: true, doc: 'Small number added to the variance to avoid dividing by zero.' },
  },
  inputs: ONE_INPUT,
  outputs: 1,
  checkParams: batchAxis('axis'),
  inferShape: (p, ctx) => {
    const s = firstInput(ctx);
    normalizedSizes(s, p.axis as number[]);
    return s;
  },
  // One gamma and one beta of the normalized axes' shape.
  paramCount: (p, ctx) => ({ trainable: 2 * product(normalizedSizes(ctx.inputs[0]!, p.axis as number[])), nonTrainable: 0 }),
  tfjs: (p) => {
    const axis = p.axis as number[];
    return { factory: 'layerNormalization', args: { ...(axis.length !== 1 || axis[0] !== -1 ? { axis } : {}), epsilon: p.epsilon } };
  },
  summary: (p) => {
    const axis = p.axis as number[];
    return axis.length === 1 && axis[0] === -1 ? '' : `axis ${axis.join(', ')}`;
  },
});

