// Builds the desktop app's main-process code with esbuild (installed with tsx): main.mjs, the sandboxed preload
// (CommonJS, as sandboxed preloads require) and the training and prediction workers for utilityProcess. Packages stay external: they
// ship in node_modules (native TensorFlow and wasm binaries are unpacked from the asar, see electron-builder.yml).
import { build } from 'esbuild';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../host/paths.js';

/** Where the bundles go. */
export const OUT_DIR = join(PACKAGE_ROOT, 'out', 'electron');

/** Bundles main, preload and the two workers; returns the output paths. */
export async function buildElectron(): Promise<string[]> {
  const common = { bundle: true, platform: 'node' as const, target: 'node22', sourcemap: true, logLevel: 'warning' as const, absWorkingDir: PACKAGE_ROOT };
  // ESM bundles may still contain require() calls from bundled CommonJS; give them a real require.
  const banner = { js: "import { createRequire as __tlCreateRequire } from 'node:module'; const require = __tlCreateRequire(import.meta.url);" };
  const outputs = [join(OUT_DIR, 'main.mjs'), join(OUT_DIR, 'worker.mjs'), join(OUT_DIR, 'preload.cjs'), join(OUT_DIR, 'predict-worker.mjs')];
  await Promise.all([
    build({ ...common, entryPoints: [join(PACKAGE_ROOT, 'main/electron/main.ts')], outfile: outputs[0], format: 'esm', packages: 'external', banner }),
    build({ ...common, entryPoints: [join(PACKAGE_ROOT, 'main/training/worker.ts')], outfile: outputs[1], format: 'esm', packages: 'external', banner }),
    build({ ...common, entryPoints: [join(PACKAGE_ROOT, 'main/electron/preload.ts')], outfile: outputs[2], format: 'cjs', external: ['electron'] }),
    build({ ...common, entryPoints: [join(PACKAGE_ROOT, 'main/training/predict-worker.ts')], outfile: outputs[3], format: 'esm', packages: 'external', banner }),
  ]);
  return outputs;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split(/[\\/]/).pop()!)) {
  const files = await buildElectron();
  process.stdout.write(`built ${files.map((f) => f.slice(PACKAGE_ROOT.length)).join(', ')}\n`);
}
