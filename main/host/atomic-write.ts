import { randomBytes } from 'node:crypto';
import { chmod, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file-system steps of an atomic write; tests replace one to make it fail. */
export const atomicWriteSteps = { rename, chmod };

/**
 * Writes a file atomically: the data goes to a temporary file in the same folder, is flushed to disk,
 * then renamed over the target. A failure at any point leaves the previous file untouched. A file that
 * already exists keeps its permission bits (the temporary file would otherwise bring the umask default,
 * e.g. turning a private 0600 graph world-readable).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const previous = await stat(path).catch(() => null);
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', previous ? previous.mode & 0o777 : 0o666);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    // open()'s mode is filtered by the umask; chmod sets exactly the previous bits.
    if (previous) await atomicWriteSteps.chmod(tmp, previous.mode & 0o7777);
    await atomicWriteSteps.rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  // Make the rename itself durable; folders cannot be opened for syncing on every platform (Windows), which is fine.
  const dir = await open(dirname(path), 'r').catch(() => null);
  if (dir) await dir.sync().catch(() => undefined).finally(() => dir.close());
}
