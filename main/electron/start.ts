// `npm start`: builds the renderer and the main-process bundles, makes sure the Electron runtime is there (Electron
// downloads it on first use), and launches the app. Where the runtime cannot be downloaded it says so and points to
// the browser host instead of printing a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../host/paths.js';
import { buildElectron, OUT_DIR } from './build.js';

const require = createRequire(import.meta.url);

/** The Electron executable, or null when its runtime is not installed. */
export function electronBinary(): string | null {
  try {
    const path = require('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function fail(why: string): never {
  process.stderr.write(
    `\nTensorloom: cannot start the desktop app: ${why}\n` +
      'The Electron runtime is downloaded on first launch (from github.com or $ELECTRON_MIRROR), and this machine could not get it.\n' +
      'Run the app in a browser instead:\n\n    npm run serve\n\n' +
      'It prints a URL to open; on a remote machine forward the port with ssh -L.\n',
  );
  process.exit(1);
}

async function main(): Promise<void> {
  const vite = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: PACKAGE_ROOT, stdio: 'inherit' });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
  await buildElectron();
  let binary = electronBinary();
  if (!binary) {
    process.stderr.write('Downloading the Electron runtime (first launch)…\n');
    const install = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'node_modules/electron/install.js')], { cwd: join(PACKAGE_ROOT, 'node_modules/electron'), stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', timeout: 300_000 });
    binary = electronBinary();
    if (!binary) {
      const lines = (install.stderr ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
      const why = lines.find((l) => /error|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|403|404/i.test(l) && !l.startsWith('at ')) ?? (install.error ? install.error.message : `the download exited with code ${install.status}`);
      fail(why);
    }
  }
  const child = spawn(binary, [join(OUT_DIR, 'main.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
}

await main();
