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

/** The settings that differ between runs (runs without known settings are shown as '?'). */
export function diffSettings(settings: readonly (TrainingSettings | null)[], extra: readonly Record<string, string>[] = []): SettingsDiffRow[] {
  const flat = settings.map((s, i) => (s ? { ...flatten({ ...s, dataset: s.dataset ? (s.dataset.kind === 'builtin' ? s.dataset.name : `${s.dataset.kind}:${s.dataset.path}`) : null }), ...(extra[i] ?? {}) } : null));
  const fields = new Set<string>();
  for (const f of flat) if (f) for (const k of Object.keys(f)) fields.add(k);
  const rows: SettingsDiffRow[] = [];
  for (const field of [...fields].sort()) {
    const values = flat.map((f) => (f ? (f[field] ?? '—') : '?'));
    const known = values.filter((v) => v !== '?');
    if (new Set(known).size > 1) rows.push({ field, values });
  }
  return rows;
}
