/** The graph file version this build writes and reads. */
export const CURRENT_VERSION = 1 as const;

/** One upgrade step: takes a raw document of version `from` and returns one of version `from + 1`. */
export interface Migration {
  from: number;
  /** What changed, for the changelog and test names. */
  description: string;
  up(doc: Record<string, unknown>): Record<string, unknown>;
}

/**
 * Ordered upgrade steps. Version 1 is the first released format, so the list is empty; adding
 * version 2 means appending `{from: 1, ...}` and bumping CURRENT_VERSION, with a fixture test.
 */
export const MIGRATIONS: readonly Migration[] = [];

/** Result of migrating a raw document. */
export type MigrateResult = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/** Applies the steps from the document's version up to `target`; refuses newer or malformed versions. */
export function migrateGraph(
  doc: Record<string, unknown>,
  steps: readonly Migration[] = MIGRATIONS,
  target: number = CURRENT_VERSION,
): MigrateResult {
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return { ok: false, error: `version must be a whole number of at least 1 (got ${JSON.stringify(version)})` };
  if (version > target)
    return { ok: false, error: `was saved by a newer Tensorloom (graph file version ${version}); this build reads versions up to ${target}. Update Tensorloom to open it` };
  // Steps work on a clone so a failing step never leaves the caller's object half-upgraded.
  let current = structuredClone(doc);
  for (let v = version; v < target; v++) {
    const step = steps.find((s) => s.from === v);
    if (!step) return { ok: false, error: `cannot be upgraded from graph file version ${v}: no migration step from it` };
    try {
      current = { ...step.up(current), version: v + 1 };
    } catch (e) {
      return { ok: false, error: `could not be upgraded from graph file version ${v} to ${v + 1} (${step.description}): ${(e as Error).message}` };
    }
  }
  return { ok: true, value: current };
}
