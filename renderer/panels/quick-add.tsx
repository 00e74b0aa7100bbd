import { useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { addLayer } from '../app/commands.js';
import { categoryHue } from '../app/format.js';
import { useUi } from '../store/ui-store.js';
import { searchLayers } from './palette.js';

/** Quick-add: a search box at the pointer (double-click the canvas or press Tab); Enter adds the highlighted layer. */
export function QuickAdd() {
  const state = useUi((s) => s.quickAdd);
  const set = useUi((s) => s.set);
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const found = useMemo(() => searchLayers(query).slice(0, 12), [query]);

  // Focus before the next keystroke arrives (not on the next frame): "Tab, c, o, n, v" typed at once keeps its first letters.
  useLayoutEffect(() => {
    if (state) {
      setQuery('');
      setIndex(0);
      input.current?.focus();
    }
  }, [state]);

  if (!state) return null;
  const close = () => set({ quickAdd: null });
  const choose = (id: string | undefined) => {
    if (!id) return;
    close();
    addLayer(id, state.flow, { connectFrom: state.connectFrom });
  };
  const left = Math.min(state.screen.x, window.innerWidth - 340);
  const top = Math.min(state.screen.y, window.innerHeight - 380);

  return (
    <div className="quick-add-backdrop" onMouseDown={close}>
      <div className="quick-add" data-testid="quick-add" style={{ left, top }} onMouseDown={(e) => e.stopPropagation()}>
        <input
          ref={input}
          value={query}
          placeholder={state.connectFrom ? 'Add and connect a layer…' : 'Add a layer…'}
          onChange={(e) => {
            setQuery(e.target.value);
            setIndex(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
            else if (e.key === 'ArrowDown') {
              e.preventDefault();
              setIndex((i) => Math.min(i + 1, found.length - 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setIndex((i) => Math.max(i - 1, 0));
            } else if (e.key === 'Enter') choose(found[index]?.id);
          }}
        />
        <div className="quick-add-list">
          {found.map((def, i) => (
            <div
              key={def.id}
              className={`quick-add-item${i === index ? ' active' : ''}`}
              style={{ '--hue': categoryHue(def.category) } as CSSProperties}
              onMouseEnter={() => setIndex(i)}
              onClick={() => choose(def.id)}
              data-testid={`quick-add-item-${def.id}`}
            >
              <span className="palette-swatch" />
              <span className="quick-add-label">{def.label}</span>
              <span className="quick-add-cat">{def.category}</span>
            </div>
          ))}
          {found.length === 0 && <div className="empty-note">No layer matches.</div>}
        </div>
        {found[index] && <div className="quick-add-desc">{found[index].description}</div>}
      </div>
    </div>
  );
}
