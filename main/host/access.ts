import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { HostError } from '../../graph/api/host.js';

/** Whether `child` is `root` or lies inside it (both absolute, already normalized). */
export function isWithin(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(sep));
}

/** Whether a relative path has a segment starting with '.' (a dotfile or hidden folder), other than '.' and '..'. */
function hasHiddenSegment(rel: string): boolean {
  return rel.split(/[\\/]/).some((seg) => seg.startsWith('.') && seg !== '.' && seg !== '..');
}

// Resolves symlinks of the longest existing prefix, so a link inside the workspace cannot point outside it.
async function canonical(path: string): Promise<string> {
  const abs = resolve(path);
  try {
    return await realpath(abs);
  } catch {
    const parent = dirname(abs);
    if (parent === abs) return abs;
    return resolve(await canonical(parent), abs.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
  }
}

/**
 * Which paths the renderer may touch. A path is allowed when the user chose it (dialog, recent list, command line,
 * an earlier save) or it lies inside a root the user chose (the `serve` workspace root, a folder picked in a dialog).
 * Everything the renderer names goes through here; nothing else in the host opens user paths.
 */
export class PathAccess {
  private files = new Set<string>();
  private roots: string[] = [];

  constructor(roots: string[] = []) {
    for (const r of roots) this.roots.push(resolve(r));
  }

  /** Marks a file as chosen by the user. */
  async grantFile(path: string): Promise<string> {
    const c = await canonical(path);
    this.files.add(c);
    this.files.add(resolve(path));
    return c;
  }

  /** Marks a folder (and everything under it) as chosen by the user. */
  async grantRoot(path: string): Promise<void> {
    this.roots.push(await canonical(path));
  }

  /** Whether the user chose exactly this file (opened, saved, recent, command line), not merely a folder above it. */
  async isChosenFile(path: string): Promise<boolean> {
    if (!isAbsolute(path)) return false;
    return this.files.has(await canonical(path)) || this.files.has(resolve(path));
  }

  /** The canonical path if allowed; otherwise a 'forbidden' HostError naming the path. */
  async check(path: string, what = 'file'): Promise<string> {
    if (!isAbsolute(path)) throw new HostError('forbidden', `'${path}' is not an absolute path; choose the ${what} with Open or from the recent list`);
    const c = await canonical(path);
    if (this.files.has(c) || this.files.has(resolve(path))) return c;
    for (const root of this.roots) {
      const cr = await canonical(root);
      if (!isWithin(cr, c)) continue;
      // A root may be a home folder (`serve --root ~`): its dotfiles and hidden folders (.bashrc, .ssh, .config) are
      // settings and scripts, never graphs, exports or datasets, so nothing under a root may name them.
      if (hasHiddenSegment(relative(cr, c)))
        throw new HostError('forbidden', `'${path}' is a hidden file or lies in a hidden folder; the app does not read or write dotfiles. Choose a name that does not start with '.'`);
      return c;
    }
    throw new HostError('forbidden', `the app may not access '${path}': only files you opened or saved, files in the recent list, and files inside the workspace folder are reachable; open it with File > Open first`);
  }

  /** Whether the path is allowed (no throw). */
  async allows(path: string): Promise<boolean> {
    return this.check(path).then(
      () => true,
      () => false,
    );
  }
}
