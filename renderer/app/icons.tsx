// Small stroke icons (24×24 grid) so the toolbar needs no icon font or image assets.
const paths = {
  home: 'M3 11l9-7 9 7M5 10v10h5v-6h4v6h5V10',
  file: 'M6 3h8l5 5v13H6zM14 3v5h5',
  open: 'M3 7h6l2 2h10v10H3zM3 7V5h6',
  save: 'M5 4h11l3 3v13H5zM8 4v5h7V4M8 20v-6h8v6',
  saveAs: 'M5 4h11l3 3v6M5 4v16h7M8 4v5h7V4M15 19l5-5M17 21h4',
  undo: 'M9 14L4 9l5-5M4 9h10a6 6 0 010 12h-3',
  redo: 'M15 14l5-5-5-5M20 9H10a6 6 0 000 12h3',
  layout: 'M4 5h5v5H4zM15 3h5v5h-5zM15 16h5v5h-5zM9 7.5h3v11h3M12 5.5h3',
  fit: 'M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5',
  sun: 'M12 7a5 5 0 100 10 5 5 0 000-10zM12 1v3M12 20v3M1 12h3M20 12h3M4.2 4.2l2.1 2.1M17.7 17.7l2.1 2.1M4.2 19.8l2.1-2.1M17.7 6.3l2.1-2.1',
  moon: 'M20 14.5A8 8 0 019.5 4 8 8 0 1020 14.5z',
  auto: 'M12 3a9 9 0 100 18 9 9 0 000-18zM12 3v18M12 7h5M12 11h7M12 15h6',
  plus: 'M12 5v14M5 12h14',
  folder: 'M3 6h6l2 2h10v11H3z',
  graph: 'M5 6a2 2 0 100 .1M19 12a2 2 0 100 .1M5 18a2 2 0 100 .1M7 6l10 5M7 18l10-5',
  // A window with its left or right column marked: the palette and inspector toggles.
  palette: 'M3 4h18v16H3zM9 4v16M5 8h2M5 11h2M5 14h2',
  inspector: 'M3 4h18v16H3zM15 4v16M17 8h2M17 11h2M17 14h2',
} as const;

/** A toolbar icon. */
export function Icon({ name, size = 16 }: { name: keyof typeof paths; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d={paths[name]} />
    </svg>
  );
}
