/**
 * Atomic file and directory writes: the content goes to a temporary sibling first and is renamed
 * into place, so readers see either the old version or the complete new one, never a partial file.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat, mkdir, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** A unique temporary path next to `path` (same directory, hence same filesystem). */
export function tempSibling(path: string, tag = 'tmp'): string {
  const abs = resolve(path);
  return join(dirname(abs), `.${basename(abs)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch {
    // best effort
  }
}

/** Writes `data` to a temp file beside `path`, fsyncs it and renames it over `path`. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempSibling(path);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/**
 * Builds a directory atomically: `fill` populates a fresh temporary sibling directory, which then
 * replaces `finalDir`. An existing `finalDir` is moved aside first and removed after the swap (and
 * moved back if the swap fails). On any failure the temporary directory is removed.
 */
export async function writeDirAtomic(finalDir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  const target = resolve(finalDir);
  const tmp = tempSibling(target);
  await mkdir(tmp);
  let aside: string | null = null;
  try {
    await fill(tmp);
    if (await exists(target)) {
      aside = tempSibling(target, 'old');
      await rename(target, aside);
    }
    try {
      await rename(tmp, target);
    } catch (e) {
      if (aside) {
        await rename(aside, target).catch(() => undefined);
        aside = null;
      }
      throw e;
    }
  } catch (e) {
    await removeQuietly(tmp);
    throw e;
  }
  if (aside) await removeQuietly(aside);
}
