import { useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type DragEvent } from 'react';
import { snakeCase } from '../../graph/codegen/python.js';
import { CATEGORIES, LAYERS, OTHER_NAMES, type LayerDef } from '../../graph/layers/index.js';
import { addLayer } from '../app/commands.js';
import { categoryHue } from '../app/format.js';
import { LAYER_MIME } from '../canvas/canvas.js';
import { useUi } from '../store/ui-store.js';

// Among equally good matches, the kinds most networks use come first ("conv" + Enter adds a Conv2D, "pool" a MaxPooling2D).
const COMMON_FIRST = ['Dense', 'Conv2D', 'MaxPooling2D', 'Dropout', 'Flatten', 'BatchNormalization', 'Activation', 'LSTM', 'Embedding', 'Add', 'Concatenate', 'GlobalAveragePooling2D', 'LayerNormalization', 'MultiHeadAttention'];

function commonness(id: string): number {
  const i = COMMON_FIRST.indexOf(id);
  return i < 0 ? COMMON_FIRST.length : i;
}

/** Layer kinds matching a search: by id, label, PyTorch's or other common names, category or description words; best matches first. */
export function searchLayers(query: string, layers: readonly LayerDef[] = LAYERS): LayerDef[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...layers];
  const scored: [LayerDef, number][] = [];
  for (const def of layers) {
    const names = [def.label, def.id, ...(OTHER_NAMES[def.id] ?? [])].map((n) => n.toLowerCase());
    let score = -1;
    if (names.includes(q)) score = 0;
    else if (names.some((n) => n.startsWith(q))) score = 1;
    else if (names.some((n) => n.includes(q))) score = 2;
    else if (def.category.toLowerCase().includes(q)) score = 3;
    else if (def.description.toLowerCase().includes(q)) score = 4;
    if (score >= 0) scored.push([def, score]);
  }
  return scored.sort((a, b) => a[1] - b[1] || commonness(a[0].id) - commonness(b[0].id)).map(([d]) => d);
}

function onDragStart(e: DragEvent, def: LayerDef): void {
  e.dataTransfer.setData(LAYER_MIME, def.id);
  e.dataTransfer.setData('text/plain', def.id);
  e.dataTransfer.effectAllowed = 'copy';
  // dragover cannot read the dragged data, only its types: the canvas learns the kind here to show where it would go.
  useUi.getState().set({ layerDrag: { type: def.id, edge: null } });
}

function portsText(def: LayerDef): string {
  if (def.inputs.kind === 'variadic') return `${def.inputs.min}${def.inputs.max === undefined ? ' or more' : def.inputs.max === def.inputs.min ? '' : `–${def.inputs.max}`} inputs`;
  const n = def.inputs.ports.length;
  if (n === 0) return 'no input';
  return n === 1 ? '1 input' : `${n} inputs (${def.inputs.ports.map((p) => p.name).join(', ')})`;
}

/** The full description of a palette entry, beside the palette (a browser tooltip would cut it and come late). */
function LayerPopover({ def, top }: { def: LayerDef; top: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const [y, setY] = useState(top);
  // Keep it inside the window when the entry is near the bottom.
  useLayoutEffect(() => {
    const h = ref.current?.offsetHeight ?? 0;
    setY(Math.max(8, Math.min(top - 6, window.innerHeight - h - 8)));
  }, [top, def]);
  const params = Object.keys(def.params);
  return (
    <div ref={ref} className="palette-popover" data-testid="palette-popover" role="tooltip" style={{ top: y, '--hue': categoryHue(def.category) } as CSSProperties}>
      <div className="palette-popover-head">
        <span className="palette-popover-title">{def.label}</span>
        <span className="palette-popover-cat">{def.category}</span>
      </div>
      <p className="palette-popover-desc">{def.description}</p>
      <div className="palette-popover-facts">
        {portsText(def)}
        {def.outputs === 0 ? ' · no output' : ''}
        {params.length > 0 && ` · ${params.map((p) => snakeCase(p)).join(', ')}`}
      </div>
      <div className="palette-popover-hint">Drag onto the canvas, or double-click to add</div>
    </div>
  );
}

/** The layer palette: every registry kind grouped by category, with search and descriptions on hover. */
export function Palette() {
  const [query, setQuery] = useState('');
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [hover, setHover] = useState<{ def: LayerDef; top: number } | null>(null);
  const found = useMemo(() => searchLayers(query), [query]);
  // Categories come from the registry; any category a new family declares shows up after the known ones.
  const groups = useMemo(() => {
    const cats = [...CATEGORIES, ...new Set(found.map((d) => d.category as string).filter((c) => !(CATEGORIES as readonly string[]).includes(c)))];
    return cats.map((c) => ({ category: c, items: found.filter((d) => d.category === c) })).filter((g) => g.items.length > 0);
  }, [found]);

  return (
    <aside className="palette" data-testid="palette">
      <div className="panel-title">Layers</div>
      <input
        className="palette-search"
        data-testid="palette-search"
        type="search"
        placeholder="Search layers…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && found[0]) addLayer(found[0].id, null);
          if (e.key === 'Escape') setQuery('');
        }}
      />
      <div className="palette-list">
        {groups.map(({ category, items }) => {
          const open = query !== '' || !collapsed.has(category);
          return (
            <section key={category} className="palette-group" style={{ '--hue': categoryHue(category) } as CSSProperties}>
              <button
                className="palette-group-title"
                onClick={() => setCollapsed((c) => {
                  const n = new Set(c);
                  if (n.has(category)) n.delete(category);
                  else n.add(category);
                  return n;
                })}
              >
                <span className={`chevron${open ? ' open' : ''}`}>›</span>
                {category}
                <span className="palette-count">{items.length}</span>
              </button>
              {open &&
                items.map((def) => (
                  <div
                    key={def.id}
                    className="palette-item"
                    data-testid={`palette-item-${def.id}`}
                    draggable
                    onDragStart={(e) => onDragStart(e, def)}
                    onDragEnd={() => useUi.getState().set({ layerDrag: null })}
                    onDoubleClick={() => addLayer(def.id, null)}
                    onMouseEnter={(e) => setHover({ def, top: e.currentTarget.getBoundingClientRect().top })}
                    onMouseLeave={() => setHover(null)}
                    onDragStartCapture={() => setHover(null)}
                  >
                    <span className="palette-swatch" />
                    <span className="palette-label">{def.label}</span>
                  </div>
                ))}
            </section>
          );
        })}
        {groups.length === 0 && <div className="empty-note">No layer matches “{query}”.</div>}
      </div>
      {hover && <LayerPopover def={hover.def} top={hover.top} />}
    </aside>
  );
}
