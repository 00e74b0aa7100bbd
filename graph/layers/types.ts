import type { Shape } from '../shape.js';

/**
 * Families the palette groups layer kinds into, in palette order: Keras' own grouping of its layers API (Core,
 * Convolution, Pooling, Recurrent, Normalization, Regularization, Attention, Reshaping, Merging, Activation,
 * Preprocessing) after the graph's inputs and outputs. Categories may change; layer ids never do.
 */
export const CATEGORIES = [
  'Inputs/outputs',
  'Core',
  'Convolution',
  'Pooling',
  'Recurrent',
  'Normalization',
  'Regularization',
  'Attention',
  'Reshaping',
  'Merging',
  'Activation',
  'Preprocessing',
] as const;

/** One palette category. */
export type Category = (typeof CATEGORIES)[number];

interface ParamBase {
  /** One sentence shown in the inspector and in exported docs, Keras' meaning. */
  doc: string;
  /** Label in the inspector; defaults to the param name. */
  label?: string;
}

/** An integer param; `nullable` allows `null` (Keras' `None`). */
export interface IntParam extends ParamBase {
  kind: 'int';
  default: number | null;
  min?: number;
  max?: number;
  nullable?: boolean;
}

/** A real-valued param; `nullable` allows `null` (Keras' `None`, e.g. ReLU's maxValue). */
export interface FloatParam extends ParamBase {
  kind: 'float';
  default: number | null;
  nullable?: boolean;
  min?: number;
  max?: number;
  /** When true the value must be strictly above `min`. */
  exclusiveMin?: boolean;
}

/** A boolean param. */
export interface BoolParam extends ParamBase {
  kind: 'bool';
  default: boolean;
}

/** One of a fixed set of strings. */
export interface ChoiceParam extends ParamBase {
  kind: 'choice';
  default: string;
  choices: readonly string[];
}

/** Any subset of a fixed set of strings (e.g. metrics). */
export interface MultiChoiceParam extends ParamBase {
  kind: 'multi';
  default: readonly string[];
  choices: readonly string[];
}

/** A tuple of integers such as a kernel size `[3, 3]` or an input shape `[28, 28, 1]`. */
export interface TupleParam extends ParamBase {
  kind: 'tuple';
  default: readonly number[] | null;
  /** Exact length, or a range of lengths. */
  length?: number;
  minLength?: number;
  maxLength?: number;
  /** Smallest allowed element (e.g. 1 for sizes, -1 for Reshape's inferred axis). */
  min?: number;
  nullable?: boolean;
}

/** Free text. */
export interface StringParam extends ParamBase {
  kind: 'string';
  default: string;
}

/** A param declaration: type, default, range or choices, and documentation. */
export type ParamSpec = IntParam | FloatParam | BoolParam | ChoiceParam | MultiChoiceParam | TupleParam | StringParam;

/** A layer's param declarations, keyed by the Keras-style camelCase name used in graph files. */
export type ParamsSpec = Record<string, ParamSpec>;

/** Param values after defaults are applied and validated. */
export type Params = Record<string, unknown>;

/** A named input port. */
export interface PortSpec {
  name: string;
  /** Shown on hover; defaults to the name. */
  label?: string;
  /** An optional port may stay unconnected. */
  optional?: boolean;
}

/**
 * Inputs of a layer: a fixed list of named ports, or a variadic port whose handles are
 * `${name}0`, `${name}1`, ... (e.g. Add, Concatenate).
 */
export type InputsSpec =
  | { kind: 'fixed'; ports: readonly PortSpec[] }
  | { kind: 'variadic'; name: string; min: number; max?: number };

/** Parameter counts of one layer. */
export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

/** What inference knows about the node feeding one input, for warnings that look past the shape. */
export interface InputSource {
  /** Display name of the node whose activation it is (past any Dropout-like layers), for messages. */
  name: string;
  /** That node's layer type id. */
  type: string;
  /** The activation its output ends in (see `LayerDef.outputActivation`); undefined when unknown. */
  activation: string | undefined;
}

/** What a layer's functions get besides its params. */
export interface LayerContext {
  /** Input shapes in port order; `undefined` for an unconnected optional port. For variadic inputs, the connected ones in handle order. */
  inputs: readonly (Shape | undefined)[];
  /** Element type of each input in the same order where known (an Input node's dtype); undefined when unknown. */
  dtypes?: readonly ('float32' | 'int32' | undefined)[];
  /** The node feeding each input, in the same order; given to `warnings` only. */
  sources?: readonly (InputSource | undefined)[];
}

/**
 * How a layer is built in tfjs: a factory of `tf.layers` (or of the custom layers in `graph/tfjs`),
 * its args, and optionally a wrapper such as `bidirectional`.
 */
export interface TfjsSpec {
  /** Name of a `tf.layers` factory (`dense`, `conv2d`, ...) or a custom layer factory (`custom:MultiHeadAttention`). */
  factory: string;
  /** Args for the factory, tfjs camelCase names; `name` is added by the compiler. */
  args: Record<string, unknown>;
  /** Wrapper applied around the layer, e.g. `{factory: 'bidirectional', args: {mergeMode: 'concat'}}`. */
  wrapper?: { factory: string; args: Record<string, unknown> };
}

/** A layer kind, declared as data. The palette, inspector, inference, compile and codegen all read this. */
export interface LayerDef {
  /** Stable id stored in graph files; never renamed (add to `aliases` instead). */
  id: string;
  /** Former ids that still load. */
  aliases?: readonly string[];
  category: Category;
  /** Label in the palette. */
  label: string;
  /** One line shown on hover in the palette. */
  description: string;
  params: ParamsSpec;
  inputs: InputsSpec;
  /** Number of output ports; 0 for Output. Output handles are named `out`. */
  outputs: 0 | 1;
  /** Output shape (batch dimension `null`) from validated params and input shapes; throws `ShapeError` on bad input. */
  inferShape(params: Params, ctx: LayerContext): Shape;
  /** Trainable and non-trainable parameter counts. */
  paramCount?(params: Params, ctx: LayerContext, output: Shape): ParamCount;
  /** Multiply-adds per sample (an estimate; 0 when negligible). */
  macs?(params: Params, ctx: LayerContext, output: Shape): number;
  /** The activation the layer's output ends in ('softmax', 'sigmoid', 'linear', ...), so an Output can check it against its loss. */
  outputActivation?(params: Params): string;
  /** True for layers that keep their input's activation at inference (Dropout, GaussianNoise, ...). */
  passesActivation?: boolean;
  /** Warnings about a layer that works but is likely a mistake (e.g. float token ids into an Embedding); run after `inferShape` succeeds. */
  warnings?(params: Params, ctx: LayerContext): { message: string; field?: string }[];
  /** Cross-param checks beyond ranges; returns a message (and the param) when params conflict. */
  checkParams?(params: Params): { message: string; field?: string } | null;
  /** The tfjs layer for these params; absent for Input and Output, which the compiler handles. */
  tfjs?(params: Params, ctx: LayerContext): TfjsSpec;
  /** Short text of the key params for the node face, e.g. "32 · 3×3 · relu". */
  summary?(params: Params): string;
}

/** Helper so layer files get contextual typing without repeating the interface. */
export function defineLayer(def: LayerDef): LayerDef {
  return def;
}
