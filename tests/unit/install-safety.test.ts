// `npm ci` must not download anything but npm packages, on npm 10 (Node 20's own) as on npm 11: the project's
// .npmrc turns install scripts off, since npm 10 ignores package.json's allowScripts and electron's postinstall
// would fetch its runtime from GitHub.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

describe('install runs no dependency scripts', () => {
  it('npm, run in the project, reads ignore-scripts=true from the .npmrc', async () => {
    // A clean environment, so a developer's own npm_config_* variables cannot decide the result.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k)));
    const { stdout } = await promisify(execFile)('npm', ['config', 'get', 'ignore-scripts'], { cwd: root, env, timeout: 30_000 });
    expect(stdout.trim()).toBe('true');
  });

  it('every locked package with an install script is also refused through allowScripts (npm 11.16+)', () => {
    const lock = JSON.parse(readFileSync(resolve(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    const withScripts = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts).toContain('electron');
    for (const name of withScripts) expect(pkg.allowScripts?.[name], `${name} runs an install script`).toBe(false);
  });
});
