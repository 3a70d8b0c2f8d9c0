/**
 * Atomic file and directory writes: readers see either the old version or the complete new one,
 * never a partial one, and a crash (even `kill -9`) at any instant leaves one of the two in place.
 *
 * Files: written to a temporary sibling, fsynced, renamed over the target, parent fsynced.
 *
 * Directories (model directories): the path is a symbolic link to a versioned sibling directory,
 *
 *   model -> .model.v-<time>-<pid>-<rand>/
 *
 * A new version is filled under `.model.tmp-*`, its files and the directory are fsynced, it is
 * renamed to a `.model.v-*` name (complete from then on), and a new link is renamed over `model`:
 * rename(2) replaces a link atomically, which no pair of directory renames can do. The previous
 * version is removed afterwards. An old plain directory at the path is migrated on the first write
 * by renaming it to a version name; if a crash leaves the path missing, the newest complete
 * version (or a `.model.old-*` left by older moodscapes) is linked back on the next load or write,
 * and leftover temporary, old and unlinked versions of dead processes are removed.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readlink, rename, rm, symlink, unlink } from 'node:fs/promises';
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

/** fsync of a file or directory (directories make renames and new entries durable). */
async function syncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } catch (e) {
    // Some filesystems refuse fsync on directories; the data files were synced already.
    if ((e as NodeJS.ErrnoException).code !== 'EINVAL' && (e as NodeJS.ErrnoException).code !== 'EISDIR') throw e;
  } finally {
    await fh.close();
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
  await syncPath(dirname(resolve(path))).catch(() => undefined);
}

/** The steps of a directory swap, in order, for `onStep` (tests pause or kill a writer at each). */
export const SWAP_STEPS = ['filled', 'synced', 'versioned', 'migrated', 'linked', 'swapped', 'cleaned'] as const;
export type SwapStep = (typeof SWAP_STEPS)[number];

export interface WriteDirOptions {
  /** Awaited after each step of the swap. */
  onStep?: (step: SwapStep) => Promise<void> | void;
}

type EntryKind = 'missing' | 'link' | 'dir' | 'other';

async function kindOf(path: string): Promise<EntryKind> {
  try {
    const s = await lstat(path);
    return s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'dir' : 'other';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
}

/** Temporary and version directories this process is writing right now (never cleaned up under it). */
const inFlight = new Set<string>();

/** Whether a sibling may still be in use by the process that made it. */
function inUse(path: string, pid: number): boolean {
  if (pid === process.pid) return inFlight.has(path);
  return processAlive(pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Sibling {
  name: string;
  tag: 'tmp' | 'old' | 'v' | 'link';
  pid: number;
}

/** The `.NAME.<tag>-…` siblings of a versioned directory (tag `v` names carry time first, then pid). */
async function siblingsOf(target: string): Promise<Sibling[]> {
  const prefix = `.${basename(target)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch {
    return [];
  }
  const out: Sibling[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(tmp|old|v|link)-(?:(\d{13})-)?(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length));
    if (m) out.push({ name, tag: m[1] as Sibling['tag'], pid: Number(m[3]) });
  }
  return out;
}

function versionName(target: string): string {
  return `.${basename(target)}.v-${String(Date.now()).padStart(13, '0')}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Points `target` at the sibling directory `versionDir` (a name, not a path) with one rename. */
async function linkTo(target: string, versionDir: string): Promise<void> {
  const link = tempSibling(target, 'link');
  await symlink(versionDir, link, 'dir');
  try {
    await rename(link, target);
  } catch (e) {
    await unlink(link).catch(() => undefined);
    throw e;
  }
}

/**
 * Repairs what a crashed writer can leave: a missing path gets the newest complete version (or
 * the directory an older moodscape had moved aside) back; temporary and superseded versions of
 * processes that no longer run are removed. Safe to call at any time; returns nothing, throws
 * only when the path cannot be restored.
 */
export async function recoverDir(finalDir: string): Promise<void> {
  const target = resolve(finalDir);
  const parent = dirname(target);
  const siblings = await siblingsOf(target);
  if (siblings.length === 0) return;
  let kind = await kindOf(target);
  if (kind === 'missing') {
    const versions = siblings.filter((s) => s.tag === 'v').map((s) => s.name).sort();
    const old = siblings.find((s) => s.tag === 'old');
    if (versions.length) await linkTo(target, versions[versions.length - 1]);
    else if (old) await rename(join(parent, old.name), target);
    kind = await kindOf(target);
    await syncPath(parent).catch(() => undefined);
  }
  const current = kind === 'link' ? basename(await readlink(target)) : null;
  for (const s of siblings) {
    const p = join(parent, s.name);
    if (s.name === current || inUse(p, s.pid)) continue;
    if (s.tag === 'old' && kind === 'missing') continue;
    if (s.tag === 'link') await unlink(p).catch(() => undefined);
    else await removeQuietly(p);
  }
}

async function syncTree(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await syncTree(p);
    else if (e.isFile()) await syncPath(p);
  }
  await syncPath(dir);
}

/**
 * Builds a directory atomically: `fill` populates a fresh temporary directory, which becomes the
 * new version that `finalDir` links to (see the file comment). On a failure before the swap the
 * temporary directory is removed and `finalDir` is untouched.
 */
export async function writeDirAtomic(finalDir: string, fill: (tmpDir: string) => Promise<void>, options: WriteDirOptions = {}): Promise<void> {
  const target = resolve(finalDir);
  await recoverDir(target);
  const tmp = tempSibling(target);
  const version = join(dirname(target), versionName(target));
  inFlight.add(tmp).add(version);
  try {
    await swapIn(target, tmp, version, fill, async (s) => options.onStep?.(s));
  } finally {
    inFlight.delete(tmp);
    inFlight.delete(version);
  }
}

async function swapIn(target: string, tmp: string, version: string, fill: (tmpDir: string) => Promise<void>, step: (s: SwapStep) => Promise<void>): Promise<void> {
  const parent = dirname(target);
  await mkdir(tmp);
  try {
    await fill(tmp);
    await step('filled');
    await syncTree(tmp);
    await step('synced');
    await rename(tmp, version);
    await syncPath(parent);
  } catch (e) {
    await removeQuietly(tmp);
    throw e;
  }
  await step('versioned');
  const kind = await kindOf(target);
  let previous: string | null = null;
  if (kind === 'link') previous = join(parent, basename(await readlink(target)));
  else if (kind === 'dir') {
    // An old plain directory: it becomes a version (older than the new one), so a crash before the
    // link is made still leaves a model to recover.
    previous = join(parent, versionName(target).replace(/v-\d{13}/, 'v-0000000000000'));
    await rename(target, previous);
  } else if (kind === 'other') {
    await removeQuietly(version);
    throw new Error(`${target} exists and is not a directory`);
  }
  await step('migrated');
  await linkTo(target, basename(version));
  await step('linked');
  await syncPath(parent);
  await step('swapped');
  if (previous && previous !== version) await removeQuietly(previous);
  await step('cleaned');
}

/**
 * The directory a versioned path currently stands for, with a crashed swap repaired first when the
 * path is missing. Readers should read every file of one load from the returned directory, so a
 * swap in the middle of a load cannot mix two versions.
 */
export async function resolveDir(finalDir: string): Promise<string> {
  const target = resolve(finalDir);
  // Best effort: a read-only location still loads, it just keeps its leftovers.
  await recoverDir(target).catch(() => undefined);
  if ((await kindOf(target)) !== 'link') return finalDir;
  return join(dirname(target), basename(await readlink(target)));
}

