import type { ParamSpec, Params, ParamsSpec } from './types.js';

/** A problem with one param value. */
export interface ParamProblem {
  field: string;
  message: string;
}

function describeRange(spec: { min?: number; max?: number }): string {
  if (spec.min !== undefined && spec.max !== undefined) return `between ${spec.min} and ${spec.max}`;
  if (spec.min !== undefined) return `at least ${spec.min}`;
  if (spec.max !== undefined) return `at most ${spec.max}`;
  return '';
}

/** Checks one value against its spec; returns a message fragment ("must be ...") or null when it is fine. */
export function checkParamValue(spec: ParamSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'int': {
      if (value === null && spec.nullable) return null;
      if (typeof value !== 'number' || !Number.isInteger(value)) return `must be a whole number${spec.nullable ? ' or empty' : ''}`;
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max))
        return `must be ${describeRange(spec)}`;
      return null;
    }
    case 'float': {
      if (value === null && spec.nullable) return null;
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number${spec.nullable ? ' or empty' : ''}`;
      if (spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min))
        return spec.exclusiveMin ? `must be greater than ${spec.min}` : `must be ${describeRange(spec)}`;
      if (spec.max !== undefined && value > spec.max) return `must be ${describeRange(spec)}`;
      return null;
    }
    case 'bool':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'choice':
      return typeof value === 'string' && spec.choices.includes(value) ? null : `must be one of ${spec.choices.join(', ')}`;
    case 'multi':
      if (!Array.isArray(value)) return `must be a list drawn from ${spec.choices.join(', ')}`;
      for (const v of value) if (typeof v !== 'string' || !spec.choices.includes(v)) return `has '${String(v)}', which is not one of ${spec.choices.join(', ')}`;
      return null;
    case 'tuple': {
      if (value === null && spec.nullable) return null;
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isInteger(v)))
        return 'must be a list of whole numbers, e.g. [3, 3]';
      if (spec.length !== undefined && value.length !== spec.length) return `must have exactly ${spec.length} numbers`;
      if (spec.minLength !== undefined && value.length < spec.minLength) return `must have at least ${spec.minLength} numbers`;
      if (spec.maxLength !== undefined && value.length > spec.maxLength) return `must have at most ${spec.maxLength} numbers`;
      const min = spec.min ?? 1;
      if (value.some((v: number) => v < min)) return `must hold numbers of at least ${min}`;
      return null;
    }
    case 'string':
      return typeof value === 'string' ? null : 'must be text';
  }
}

/** Default values for every declared param. */
export function defaultParams(spec: ParamsSpec): Params {
  const out: Params = {};
  for (const [name, p] of Object.entries(spec)) out[name] = Array.isArray(p.default) ? [...p.default] : p.default;
  return out;
}

/**
 * Fills defaults for missing params and checks every value. Unknown params are reported too,
 * since a misspelt param in a hand-edited file would otherwise be silently ignored.
 */
export function normalizeParams(spec: ParamsSpec, raw: Record<string, unknown>): { params: Params; problems: ParamProblem[] } {
  const params: Params = {};
  const problems: ParamProblem[] = [];
  // for-in over the plain spec literal (no per-call entries array; this runs for every node on every edit), and
  // own-property checks so a param named like an Object.prototype member ('toString') is not mistaken for a known one.
  for (const name in spec) {
    const p = spec[name]!;
    const value = Object.hasOwn(raw, name) ? raw[name] : p.default;
    const problem = checkParamValue(p, value);
    if (problem) {
      problems.push({ field: name, message: `param '${name}' ${problem} (got ${JSON.stringify(value)})` });
      params[name] = p.default;
    } else params[name] = value;
  }
  for (const name in raw) {
    if (Object.hasOwn(raw, name) && !Object.hasOwn(spec, name)) problems.push({ field: name, message: `has an unknown param '${name}'; remove it (known: ${Object.keys(spec).join(', ') || 'none'})` });
  }
  return { params, problems };
}
