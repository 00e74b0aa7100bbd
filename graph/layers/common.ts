import type { Shape } from '../shape.js';
import { formatShape, ShapeError } from '../shape.js';
import type { ChoiceParam, LayerContext } from './types.js';

/** The inputs of a layer with one input port, 'in'. */
export const ONE_INPUT = { kind: 'fixed', ports: [{ name: 'in' }] } as const;

/** Activation names offered by every `activation` param (tfjs names; Keras spells them the same). */
export const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'gelu', 'swish', 'elu', 'selu', 'softplus', 'softsign', 'relu6', 'hardSigmoid', 'mish'] as const;

/** The standard `activation` param with the given default. */
export function activationParam(def: (typeof ACTIVATIONS)[number] = 'linear'): ChoiceParam {
  return { kind: 'choice', default: def, choices: ACTIVATIONS, doc: 'Activation function applied to the output.' };
}

/** The first input's shape; throws when it is missing (the walk reports unconnected ports itself). */
export function firstInput(ctx: LayerContext): Shape {
  const s = ctx.inputs[0];
  if (!s) throw new ShapeError('needs an input; connect one');
  return s;
}

/** Checks an input's rank against allowed ranks (counting the batch axis) and returns it. */
export function requireRank(shape: Shape, ranks: readonly number[], hint = ''): Shape {
  if (!ranks.includes(shape.length)) {
    const want = ranks.map((r) => `rank-${r}`).join(' or ');
    throw new ShapeError(`expects a ${want} input but gets ${formatShape(shape)}${hint ? `; ${hint}` : ''}`);
  }
  return shape;
}

/** The last dimension of a shape, required to be known. */
export function lastDim(shape: Shape, what = 'the last axis'): number {
  const d = shape[shape.length - 1];
  if (d === null || d === undefined) throw new ShapeError(`needs a known size on ${what} but gets ${formatShape(shape)}`);
  return d;
}

/** Resolves a possibly negative axis against a rank (batch axis included); null when out of range or the batch axis. */
export function resolveAxis(axis: number, rank: number): number | null {
  const a = axis < 0 ? rank + axis : axis;
  return a >= 1 && a < rank ? a : null;
}

/** The product of a list of sizes (1 for none). */
export function product(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

/** "3×3" style text for tuples on node faces. */
export function formatTuple(t: unknown): string {
  return Array.isArray(t) ? t.join('×') : String(t);
}

/** Node-face text joining the given parts with " · ", skipping empty ones and a linear activation. */
export function joinSummary(...parts: (string | number | null | undefined | false)[]): string {
  return parts.filter((p) => p !== undefined && p !== null && p !== false && p !== '' && p !== 'linear').join(' · ');
}

/**
 * A warning, not an error, for float token ids: tfjs and Keras cast them to int32 (truncating), so a float
 * Input holding whole numbers (e.g. ids read from a CSV) still works; but it is usually a forgotten dtype.
 */
export function floatIdsWarning(ctx: LayerContext): { message: string; field?: string }[] {
  if (ctx.dtypes?.[0] !== 'float32') return [];
  return [{ message: "reads token ids from a float32 Input; ids are truncated to whole numbers, so set that Input's dtype to int32" }];
}

/** Token-id input of an embedding: at least [batch, steps]. */
export function tokenInput(ctx: LayerContext): Shape {
  const s = firstInput(ctx);
  if (s.length < 2) throw new ShapeError(`expects token ids of shape [batch, steps] but gets ${formatShape(s)}; give the Input a shape like [128]`);
  return s;
}
