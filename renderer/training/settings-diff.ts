import type { TrainingSettings } from '../../graph/document.js';

// Which settings differ between runs: flattened to dotted fields so nested early-stopping options compare too.

/** One differing setting and each run's value, as text. */
export interface SettingsDiffRow {
  field: string;
  values: string[];
}

function flatten(obj: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out[prefix] = obj === undefined ? '—' : typeof obj === 'string' ? obj : JSON.stringify(obj);
  return out;
}

/**
 * The settings that differ between runs. `extra` holds per-run facts that are not settings (status, backend used);
 * a run without known settings (saved by an older version) shows '?' for every setting.
 */
export function diffSettings(settings: readonly (TrainingSettings | null)[], extra: readonly Record<string, string>[] = []): SettingsDiffRow[] {
  const flat = settings.map((s) => (s ? flatten({ ...s, dataset: s.dataset ? (s.dataset.kind === 'builtin' ? s.dataset.name : `${s.dataset.kind}:${s.dataset.path}`) : null }) : null));
  const fields = new Set<string>();
  for (const f of flat) if (f) for (const k of Object.keys(f)) fields.add(k);
  const extraFields = new Set<string>();
  for (const x of extra) for (const k of Object.keys(x)) extraFields.add(k);
  const rows: SettingsDiffRow[] = [];
  for (const field of [...fields].sort()) {
    const values = flat.map((f) => (f ? (f[field] ?? '—') : '?'));
    const known = values.filter((v) => v !== '?');
    if (new Set(known).size > 1) rows.push({ field, values });
  }
  for (const field of extraFields) {
    const values = settings.map((_, i) => extra[i]?.[field] ?? '—');
    if (new Set(values).size > 1) rows.push({ field, values });
  }
  return rows;
}
