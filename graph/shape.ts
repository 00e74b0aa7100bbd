/** A tensor shape; `null` marks an unknown dimension (always the batch dimension at index 0). */
export type Shape = (number | null)[];

/** Thrown by a layer's `inferShape` when its inputs or params cannot work; the message starts with a verb phrase and says how to fix it. */
export class ShapeError extends Error {
  /** The param the problem is about, when there is one. */
  readonly field?: string;
  constructor(message: string, field?: string) {
    super(message);
    this.name = 'ShapeError';
    this.field = field;
  }
}

/** Formats a shape the way Keras prints it: `(None, 28, 28, 1)` style but with brackets, e.g. `[null, 28, 28, 1]`. */
export function formatShape(shape: Shape | null | undefined): string {
  if (!shape) return '?';
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/** Product of the known dimensions after the batch axis, or null when one is unknown. */
export function sampleSize(shape: Shape): number | null {
  let n = 1;
  for (let i = 1; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === null) return null;
    n *= d;
  }
  return n;
}

/** True when two shapes agree, treating `null` as matching anything. */
export function shapesCompatible(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  return a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

/** Output length of a convolution or pooling window along one axis (Keras' `conv_output_length`). */
export function convOutputLength(
  length: number | null,
  kernel: number,
  padding: 'valid' | 'same' | 'causal',
  stride: number,
  dilation = 1,
): number | null {
  if (length === null) return null;
  const dilated = (kernel - 1) * dilation + 1;
  const out = padding === 'valid' ? length - dilated + 1 : length;
  return Math.floor((out + stride - 1) / stride);
}

/** Output length of a transposed convolution along one axis (Keras' `deconv_output_length`, no output padding). */
export function deconvOutputLength(
  length: number | null,
  kernel: number,
  padding: 'valid' | 'same',
  stride: number,
  dilation = 1,
): number | null {
  if (length === null) return null;
  const dilated = (kernel - 1) * dilation + 1;
  return padding === 'valid' ? length * stride + Math.max(dilated - stride, 0) : length * stride;
}
