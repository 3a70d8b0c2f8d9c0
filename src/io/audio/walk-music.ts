/**
 * Lists the audio files under the paths a user names: folders are walked (hidden entries skipped,
 * symlinks followed but each real folder visited once, so a link loop ends), files named
 * explicitly are taken whatever their extension.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';

/** Extensions picked up when walking a folder (explicitly named files are always tried). */
export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set([
  '.wav', '.wave', '.mp3', '.flac', '.ogg', '.oga', '.opus', '.m4a', '.mp4', '.aac', '.aif', '.aiff', '.wma', '.wv', '.ape', '.mka', '.webm',
]);

export interface WalkResult {
  /** Absolute paths, sorted, each once. */
  files: string[];
  /** Named paths that do not exist or cannot be read, with the reason. */
  missing: { path: string; message: string }[];
}

export async function listAudioFiles(inputs: readonly string[]): Promise<WalkResult> {
  const files = new Set<string>();
  const missing: WalkResult['missing'] = [];
  const visited = new Set<string>();

  async function walk(dir: string): Promise<void> {
    let real: string;
    try { real = await realpath(dir); } catch { return; }
    if (visited.has(real)) return;
    visited.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      missing.push({ path: dir, message: `cannot list folder (${(e as NodeJS.ErrnoException).code})` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const st = await stat(p).catch(() => null);
        if (!st) continue; // dangling link
        isDir = st.isDirectory();
        isFile = st.isFile();
      }
      if (isDir) await walk(p);
      else if (isFile && AUDIO_EXTENSIONS.has(extname(e.name).toLowerCase())) files.add(p);
    }
  }

  for (const input of inputs) {
    const abs = resolve(input);
    const st = await stat(abs).catch((e: NodeJS.ErrnoException) => e);
    if (st instanceof Error) {
      missing.push({ path: abs, message: st.code === 'ENOENT' ? 'no such file or folder' : `cannot read (${st.code})` });
    } else if (st.isDirectory()) await walk(abs);
    else files.add(abs);
  }
  return { files: [...files].sort(), missing };
}
