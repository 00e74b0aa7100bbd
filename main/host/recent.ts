import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { RecentFileSchema } from '../../graph/api/host.js';
import { writeFileAtomic } from './atomic-write.js';

type Recent = z.infer<typeof RecentFileSchema>;
const StoredSchema = z.object({ files: z.array(z.object({ path: z.string(), openedAt: z.number() })) });
const MAX = 12;

/** The recent-files list, kept in the app data folder. */
export class RecentFiles {
  private readonly file: string;
  constructor(dataDir: string) {
    this.file = join(dataDir, 'recent.json');
  }

  private async read(): Promise<{ path: string; openedAt: number }[]> {
    try {
      const parsed = StoredSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      return parsed.success ? parsed.data.files : [];
    } catch {
      return [];
    }
  }

  /** The stored paths, newest first (used to grant access at start). */
  async paths(): Promise<string[]> {
    return (await this.read()).map((f) => f.path);
  }

  async list(): Promise<Recent[]> {
    const files = await this.read();
    return Promise.all(
      files.map(async (f) => {
        const modifiedAt = await stat(f.path).then((st) => Math.round(st.mtimeMs), () => undefined);
        return { path: f.path, name: basename(f.path), openedAt: f.openedAt, exists: modifiedAt !== undefined, ...(modifiedAt !== undefined ? { modifiedAt } : {}) };
      }),
    );
  }

  async add(path: string): Promise<void> {
    const files = (await this.read()).filter((f) => f.path !== path);
    files.unshift({ path, openedAt: Date.now() });
    await writeFileAtomic(this.file, `${JSON.stringify({ files: files.slice(0, MAX) }, null, 2)}\n`);
  }
}
