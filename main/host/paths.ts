import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The app's data folder (recent list, recovery copies, runs); TENSORLOOM_DATA_DIR overrides it (tests, portable use). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.TENSORLOOM_DATA_DIR) return env.TENSORLOOM_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Tensorloom');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Tensorloom');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'tensorloom');
}

/** The project (package) root, from which dist/ and package.json are found. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where `vite build` writes the renderer. */
export const RENDERER_DIST = join(PACKAGE_ROOT, 'dist', 'renderer');
