import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type TextareaHTMLAttributes } from 'react';
import { getLayer, type ParamSpec } from '../../graph/layers/index.js';
import { checkParamValue } from '../../graph/layers/params.js';
import { snakeCase } from '../../graph/codegen/python.js';
import { editorStore, useEditor } from '../store/editor-store.js';
import { categoryHue, formatInt, shapeText } from '../app/format.js';

/** Text shown in a field for a param value. */
export function formatParam(spec: ParamSpec, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (spec.kind === 'tuple' && Array.isArray(value)) return value.join(', ');
  return String(value);
}

/** Parses what the user typed into a param value; `{error}` when it cannot be one. */
export function parseParam(spec: ParamSpec, text: string): { value: unknown } | { error: string } {
  const t = text.trim();
  const nullable = 'nullable' in spec && spec.nullable;
  if (t === '' && nullable) return { value: null };
  let value: unknown;
  switch (spec.kind) {
    case 'int':
    case 'float':
      if (t === '' || !Number.isFinite(Number(t))) return { error: `must be a number${nullable ? ' or empty' : ''}` };
      value = Number(t);
      break;
    case 'tuple': {
      const parts = t.replace(/^[[(]|[\])]$/g, '').split(/[\s,×x]+/).filter(Boolean);
      if (parts.length === 0 || parts.some((p) => !/^-?\d+$/.test(p))) return { error: 'must be whole numbers separated by commas, e.g. 3, 3' };
      value = parts.map(Number);
      break;
    }
    default:
      value = text;
  }
  const problem = checkParamValue(spec, value);
  return problem ? { error: problem } : { value };
}

function setParam(nodeId: string, name: string, value: unknown): void {
  const s = editorStore.getState();
  const node = s.graph.nodes.find((n) => n.id === nodeId);
  if (!node) return;
  const from = node.params[name];
  if (JSON.stringify(from) === JSON.stringify(value)) return;
  s.apply([{ kind: 'setParam', id: nodeId, name, from, to: value }], `Set ${name}`);
}

// While a field has focus its keystrokes form one undo step, so undo reverts the whole edit of that field.
const beginEdit = (label: string) => editorStore.getState().begin(label);
const endEdit = () => editorStore.getState().commit();

/** A diagnostic shown under a field: errors in red, warnings (e.g. a loss that does not suit the activation) in amber. */
type FieldProblem = { message: string; severity: 'error' | 'warning' } | undefined;

function FieldMessage({ problem }: { problem: FieldProblem }) {
  if (!problem) return null;
  return <div className={problem.severity === 'warning' ? 'field-warning' : 'field-error'}>{problem.message}</div>;
}

function TextField({ nodeId, name, spec, value, problem }: { nodeId: string; name: string; spec: ParamSpec; value: unknown; problem: FieldProblem }) {
  const [draft, setDraft] = useState(() => formatParam(spec, value));
  const [error, setError] = useState<string | null>(null);
  // Follow outside changes (undo, another field) unless the draft already means the same value.
  useEffect(() => {
    const parsed = parseParam(spec, draft);
    if (!('value' in parsed) || JSON.stringify(parsed.value) !== JSON.stringify(value)) {
      setDraft(formatParam(spec, value));
      setError(null);
    }
  }, [value, spec]);
  const shown: FieldProblem = error ? { message: error, severity: 'error' } : problem;
  return (
    <>
      <input
        className={`field-input${shown ? (shown.severity === 'warning' ? ' warned' : ' invalid') : ''}`}
        data-testid={`param-${name}`}
        value={draft}
        inputMode={spec.kind === 'string' ? 'text' : 'decimal'}
        placeholder={'nullable' in spec && spec.nullable ? 'None' : ''}
        spellCheck={false}
        onFocus={() => beginEdit(`Set ${name}`)}
        onBlur={endEdit}
        onChange={(e) => {
          setDraft(e.target.value);
          const parsed = parseParam(spec, e.target.value);
          if ('error' in parsed) setError(`${paramLabel(name, spec)} ${parsed.error}`);
          else {
            setError(null);
            setParam(nodeId, name, parsed.value);
          }
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
        }}
      />
      <FieldMessage problem={shown} />
    </>
  );
}

function ParamField({ nodeId, name, spec, value, problem }: { nodeId: string; name: string; spec: ParamSpec; value: unknown; problem: FieldProblem }) {
  let control;
  switch (spec.kind) {
    case 'bool':
      control = (
        <label className="field-check">
          <input type="checkbox" data-testid={`param-${name}`} checked={value === true} onChange={(e) => setParam(nodeId, name, e.target.checked)} />
          <span>{value === true ? 'on' : 'off'}</span>
        </label>
      );
      break;
    case 'choice':
      control = (
        <select className="field-input" data-testid={`param-${name}`} value={String(value)} onChange={(e) => setParam(nodeId, name, e.target.value)}>
          {spec.choices.map((c) => (
            <option key={c} value={c}>{c}</option>
          ))}
        </select>
      );
      break;
    case 'multi': {
      const list = Array.isArray(value) ? (value as string[]) : [];
      control = (
        <div className="field-chips" data-testid={`param-${name}`}>
          {spec.choices.map((c) => (
            <button
              key={c}
              className={`chip${list.includes(c) ? ' on' : ''}`}
              aria-pressed={list.includes(c)}
              onClick={() => setParam(nodeId, name, list.includes(c) ? list.filter((x) => x !== c) : spec.choices.filter((x) => x === c || list.includes(x)))}
            >
              {c}
            </button>
          ))}
        </div>
      );
      break;
    }
    default:
      return (
        <div className="field" title={spec.doc}>
          <label className="field-label param">{paramLabel(name, spec)}<span className="field-hint">{rangeHint(spec)}</span></label>
          <TextField nodeId={nodeId} name={name} spec={spec} value={value} problem={problem} />
          <div className="field-doc">{spec.doc}</div>
        </div>
      );
  }
  return (
    <div className="field" title={spec.doc}>
      <label className="field-label param">{paramLabel(name, spec)}</label>
      {control}
      <FieldMessage problem={problem} />
      <div className="field-doc">{spec.doc}</div>
    </div>
  );
}

/**
 * A param's label: its Keras argument name (`kernel_size`, `dilation_rate`, `use_bias`). That is the name users
 * know from Keras (and, for most, PyTorch), find in their docs, and see again in the exported Python; the
 * registry's camelCase ids are tfjs spellings. The doc line under the field says what it means.
 */
function paramLabel(name: string, spec: ParamSpec): string {
  return spec.label ?? snakeCase(name);
}

function rangeHint(spec: ParamSpec): string {
  if (spec.kind === 'int' || spec.kind === 'float') {
    if (spec.min !== undefined && spec.max !== undefined) return `${spec.min}–${spec.max}`;
    if (spec.min !== undefined) return `≥ ${spec.min}`;
  }
  if (spec.kind === 'tuple' && spec.length) return `${spec.length} values`;
  return '';
}

function NameField({ nodeId, name }: { nodeId: string; name: string }) {
  const [draft, setDraft] = useState(name);
  useEffect(() => setDraft(name), [name]);
  const taken = useEditor((s) => {
    const to = draft.trim();
    return to !== '' && s.graph.nodes.some((n) => n.id !== nodeId && n.name === to);
  });
  // Inference reports a duplicate on the later of the two layers; the one being renamed says it too.
  const error = draft.trim() === '' ? 'A layer needs a name' : taken ? `Another layer is already named '${draft.trim()}'; layer names must be unique (Keras and the exported code need them)` : null;
  return (
    <div className="field">
      <label className="field-label">Name</label>
      <input
        className={`field-input${error ? ' invalid' : ''}`}
        data-testid="inspector-name"
        value={draft}
        spellCheck={false}
        onFocus={() => beginEdit('Rename')}
        onBlur={endEdit}
        onChange={(e) => {
          setDraft(e.target.value);
          const to = e.target.value.trim();
          if (to === '') return;
          const s = editorStore.getState();
          const node = s.graph.nodes.find((n) => n.id === nodeId);
          if (node && node.name !== to) s.apply([{ kind: 'rename', id: nodeId, from: node.name, to }], 'Rename');
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
        }}
      />
      {error && <div className="field-error">{error}</div>}
    </div>
  );
}

function NodeInspector({ nodeId }: { nodeId: string }) {
  const node = useEditor((s) => s.graph.nodes.find((n) => n.id === nodeId));
  const info = useEditor((s) => s.inference.nodes[nodeId]);
  if (!node) return null;
  const def = getLayer(node.type);
  const problems = info?.diagnostics ?? [];
  // An error on a field outranks a warning on it.
  const fieldProblem = (f: string): FieldProblem => problems.find((d) => d.field === f && d.severity === 'error') ?? problems.find((d) => d.field === f);
  const count = info ? info.paramCount.trainable + info.paramCount.nonTrainable : 0;
  return (
    <div className="inspector-node" style={{ '--hue': def ? categoryHue(def.category) : 0 } as CSSProperties}>
      <div className="inspector-head">
        <span className="inspector-kind">{def?.label ?? node.type}</span>
        <span className="inspector-cat">{def?.category ?? 'Unknown'}</span>
      </div>
      {def && <p className="inspector-desc">{def.description}</p>}
      <NameField nodeId={node.id} name={node.name} />
      {def &&
        Object.entries(def.params).map(([name, spec]) => (
          <ParamField key={`${node.id}:${name}`} nodeId={node.id} name={name} spec={spec} value={name in node.params ? node.params[name] : spec.default} problem={fieldProblem(name)} />
        ))}
      <dl className="inspector-facts">
        <dt>Output</dt>
        <dd className="mono">{shapeText(info?.outputShape)}</dd>
        <dt>Inputs</dt>
        <dd className="mono">{info?.inputShapes.length ? info.inputShapes.map((s) => shapeText(s)).join('  ') : '—'}</dd>
        <dt>Parameters</dt>
        <dd className="mono">{formatInt(count)}{info?.paramCount.nonTrainable ? ` (${formatInt(info.paramCount.nonTrainable)} non-trainable)` : ''}</dd>
        <dt>Mult-adds</dt>
        <dd className="mono">{formatInt(info?.macs ?? 0)}</dd>
      </dl>
      {problems.filter((d) => !d.field || !(d.field in (def?.params ?? {}))).map((d, i) => (
        <div key={i} className={`inspector-problem ${d.severity}`}>{d.message}</div>
      ))}
    </div>
  );
}

/** A textarea as tall as its text (up to a limit, then it scrolls), so a description never stops mid-line. */
function AutoTextarea(props: TextareaHTMLAttributes<HTMLTextAreaElement> & { 'data-testid': string }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight + 2, 240)}px`;
  }, [props.value]);
  return <textarea ref={ref} rows={2} {...props} className="field-input textarea" />;
}

function MetaField({ field, label, multiline }: { field: 'name' | 'description'; label: string; multiline?: boolean }) {
  const value = useEditor((s) => s.graph[field]);
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const props = {
    className: 'field-input',
    'data-testid': `graph-${field}`,
    value: draft,
    spellCheck: false,
    onFocus: () => beginEdit(`Edit graph ${field}`),
    onBlur: endEdit,
    onChange: (e: { target: { value: string } }) => {
      setDraft(e.target.value);
      const s = editorStore.getState();
      if (s.graph[field] !== e.target.value) s.apply([{ kind: 'setMeta', field, from: s.graph[field], to: e.target.value }], `Edit graph ${field}`);
    },
  };
  return (
    <div className="field">
      <label className="field-label">{label}</label>
      {multiline ? <AutoTextarea {...props} /> : <input {...props} />}
    </div>
  );
}

const SHORTCUTS: [string, string][] = [
  ['Tab / double-click', 'Add a layer by name'],
  ['Ctrl+Z · Ctrl+Shift+Z', 'Undo · redo'],
  ['Ctrl+C/X/V/D', 'Copy · cut · paste · duplicate'],
  ['Ctrl+A · Delete', 'Select all · delete'],
  ['Shift+drag', 'Select with a box'],
  ['F · Shift+L', 'Fit view · arrange'],
  ['Ctrl+S', 'Save'],
];

function GraphInspector({ selected }: { selected: number }) {
  return (
    <div className="inspector-graph">
      {selected > 1 && <div className="empty-note">{selected} layers selected.</div>}
      <div className="inspector-head plain">
        <span className="inspector-kind">Graph</span>
      </div>
      <MetaField field="name" label="Name" />
      <MetaField field="description" label="Description" multiline />
      <p className="hint">Select a layer to edit its parameters. Drag layers from the palette, or double-click the canvas (or press Tab) to add one by name.</p>
      <dl className="shortcuts">
        {SHORTCUTS.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** The inspector: a form generated from the selected layer's params schema, validating as the user types. */
export function Inspector() {
  const selected = useEditor((s) => (s.selection.nodes.size === 1 ? [...s.selection.nodes][0]! : s.selection.nodes.size));
  return (
    <div className="inspector" data-testid="inspector">
      {typeof selected === 'string' ? (
        <NodeInspector key={selected} nodeId={selected} />
      ) : (
        <GraphInspector selected={selected} />
      )}
    </div>
  );
}
