import { defineConfig } from 'vite';

// The renderer is served by `tensorloom serve` (any path) and loaded from file:// by Electron,
// so asset URLs are relative.
export default defineConfig({
  root: 'renderer',
  base: './',
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
  },
  oxc: { jsx: { runtime: 'automatic' } },
});
