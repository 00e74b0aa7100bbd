import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { DocIdSchema, HostError, type Recovery } from '../../graph/api/host.js';
import { GraphSchema, type Graph } from '../../graph/document.js';
import { writeFileAtomic } from './atomic-write.js';

const CopySchema = z.object({ docId: DocIdSchema, path: z.string().nullable(), savedAt: z.number(), graph: GraphSchema });

/**
 * Recovery copies of modified documents, one file per document session in <dataDir>/recovery. A copy that is still
 * there at the next start means the app did not close the document cleanly, so the start offers it back.
 */
export class RecoveryStore {
  readonly dir: string;
  constructor(dataDir: string) {
    this.dir = join(dataDir, 'recovery');
  }

  private file(docId: string): string {
    // docId is validated by DocIdSchema (letters, digits, _ and -), so it cannot climb out of the folder.
    return join(this.dir, `${DocIdSchema.parse(docId)}.json`);
  }

  async save(docId: string, path: string | null, graph: Graph): Promise<number> {
    await mkdir(this.dir, { recursive: true });
    const savedAt = Date.now();
    await writeFileAtomic(this.file(docId), JSON.stringify({ docId, path, savedAt, graph }));
    return savedAt;
  }

  async discard(docId: string): Promise<void> {
    await rm(this.file(docId), { force: true });
  }

  async load(docId: string): Promise<z.infer<typeof CopySchema>> {
    let text: string;
    try {
      text = await readFile(this.file(docId), 'utf8');
    } catch {
      throw new HostError('notFound', `there is no recovery copy '${docId}'; it may have been restored or discarded already`);
    }
    const parsed = CopySchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new HostError('failed', `the recovery copy '${docId}' is damaged and cannot be restored`);
    return parsed.data;
  }

  async list(): Promise<Recovery[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: Recovery[] = [];
    for (const n of names.filter((n) => n.endsWith('.json'))) {
      try {
        const c = await this.load(n.slice(0, -5));
        out.push({ docId: c.docId, path: c.path, name: c.path ? basename(c.path) : c.graph.name, savedAt: c.savedAt });
      } catch {
        // A damaged copy is skipped rather than blocking the others.
      }
    }
    return out.sort((a, b) => b.savedAt - a.savedAt);
  }
}
