import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CURRENT_VERSION, GraphSchema, loadGraph } from '../../graph/document.js';
import { migrateGraph, MIGRATIONS, type Migration } from '../../graph/migrations.js';

const v1Text = readFileSync(new URL('../fixtures/graph-v1.tlgraph', import.meta.url), 'utf8');
const v1 = (): Record<string, unknown> => JSON.parse(v1Text) as Record<string, unknown>;

// A made-up version 2 that renames node `name` to `label`; it exercises the mechanism exactly as a
// real step would, so adding the real version 2 is one entry in MIGRATIONS plus a fixture test.
const toV2: Migration = {
  from: 1,
  description: 'nodes: rename name to label',
  up(doc) {
    const nodes = (doc.nodes as Record<string, unknown>[]).map(({ name, ...rest }) => ({ ...rest, label: name }));
    return { ...doc, nodes };
  },
};
const toV3: Migration = { from: 2, description: 'add a created field', up: (doc) => ({ ...doc, created: 'unknown' }) };

describe('migrations', () => {
  it('every real step starts from a version below the current one, once, in order', () => {
    const froms = MIGRATIONS.map((m) => m.from);
    expect(froms).toEqual([...froms].sort((a, b) => a - b));
    expect(new Set(froms).size).toBe(froms.length);
    for (const f of froms) expect(f).toBeLessThan(CURRENT_VERSION);
    // Without a step for every older version, files of that version could not be opened.
    expect(froms).toEqual(Array.from({ length: CURRENT_VERSION - 1 }, (_, i) => i + 1));
  });

  it('the version-1 fixture loads with the current build', () => {
    const result = loadGraph(v1Text);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.graph.version).toBe(CURRENT_VERSION);
    expect(GraphSchema.safeParse(v1()).success).toBe(CURRENT_VERSION === 1);
  });

  it('applies a step to the v1 fixture and stamps the new version', () => {
    const original = v1();
    const result = migrateGraph(original, [toV2], 2);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.version).toBe(2);
    const nodes = result.value.nodes as Record<string, unknown>[];
    expect(nodes.map((n) => n.label)).toEqual(['features', 'hidden', 'dropout', 'classes', 'species']);
    expect(nodes.every((n) => !('name' in n))).toBe(true);
    // The caller's object is left untouched.
    expect(original).toEqual(v1());
  });

  it('chains steps in order, whatever order they are listed in', () => {
    const result = migrateGraph(v1(), [toV3, toV2], 3);
    expect(result).toMatchObject({ ok: true, value: { version: 3, created: 'unknown' } });
    if (result.ok) expect((result.value.nodes as Record<string, unknown>[])[0]!.label).toBe('features');
  });

  it('leaves a current-version document as it is', () => {
    expect(migrateGraph(v1(), [toV2], 1)).toEqual({ ok: true, value: v1() });
  });

  it('refuses a newer version, naming both versions', () => {
    const result = migrateGraph({ ...v1(), version: 3 }, [toV2], 2);
    expect(result).toEqual({
      ok: false,
      error: 'was saved by a newer Tensorloom (graph file version 3); this build reads versions up to 2. Update Tensorloom to open it',
    });
  });

  it('reports a missing step instead of skipping it', () => {
    expect(migrateGraph(v1(), [toV3], 3)).toEqual({ ok: false, error: 'cannot be upgraded from graph file version 1: no migration step from it' });
  });

  it('turns a failing step into a message and never a partial document', () => {
    const broken: Migration = {
      from: 1,
      description: 'needs nodes to be objects',
      up(doc) {
        (doc.nodes as unknown[]).length = 0; // mutates before failing: must not leak out
        throw new Error('node list is malformed');
      },
    };
    const original = v1();
    const result = migrateGraph(original, [broken], 2);
    expect(result).toEqual({ ok: false, error: 'could not be upgraded from graph file version 1 to 2 (needs nodes to be objects): node list is malformed' });
    expect(original).toEqual(v1());
  });
});
