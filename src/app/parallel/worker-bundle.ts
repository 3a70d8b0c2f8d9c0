/**
 * The worker entry (fold-worker.ts and the core it imports) bundled into one CommonJS script by
 * esbuild, so a worker thread starts by evaluating it (≈ 50 ms) instead of registering tsx and
 * transpiling the core file by file (0.25–0.45 s measured, plus a loader thread per worker).
 *
 * The bundle is cached in node_modules/.cache/moodscape and rebuilt when any input file's size or
 * modification time changed; writing the cache is best-effort (temp file, then rename). Null when
 * esbuild is missing or the build fails: callers then start workers through tsx as before.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('./fold-worker.ts', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'moodscape', 'fold-worker.json');

interface Cached {
  /** Input path (relative to the project root) → [size, mtimeMs] when the bundle was built. */
  inputs: Record<string, [number, number]>;
  code: string;
}

let memo: string | null | undefined;

export function workerBundle(): string | null {
  if (memo === undefined) memo = readCache() ?? build();
  return memo;
}

function fingerprint(path: string): [number, number] {
  const st = statSync(join(ROOT, path));
  return [st.size, st.mtimeMs];
}

function readCache(): string | null {
  try {
    const cached = JSON.parse(readFileSync(CACHE, 'utf8')) as Cached;
    for (const [path, [size, mtime]] of Object.entries(cached.inputs)) {
      const [s, m] = fingerprint(path);
      if (s !== size || m !== mtime) return null;
    }
    return typeof cached.code === 'string' ? cached.code : null;
  } catch {
    return null;
  }
}

function build(): string | null {
  try {
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const result = esbuild.buildSync({
      entryPoints: [ENTRY],
      absWorkingDir: ROOT,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].text;
    const inputs: Cached['inputs'] = {};
    for (const path of Object.keys(result.metafile.inputs)) inputs[path] = fingerprint(path);
    try {
      mkdirSync(dirname(CACHE), { recursive: true });
      const tmp = `${CACHE}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ inputs, code } satisfies Cached));
      renameSync(tmp, CACHE);
    } catch {
      // A read-only install: build again next time.
    }
    return code;
  } catch {
    return null;
  }
}
