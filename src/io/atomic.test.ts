import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, readlink, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveDir, writeDirAtomic, writeFileAtomic } from './atomic.ts';

/** Entries beside `model` other than the link and the version it points to. */
async function leftovers(dir: string): Promise<string[]> {
  const link = await readlink(path.join(dir, 'model')).catch(() => null);
  return (await readdir(dir)).filter((n) => n !== 'model' && n !== link).sort();
}

/** A pid that no longer runs. */
const deadPid = () => spawnSync('true').pid;

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'moodscape-atomic-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('writeFileAtomic creates and replaces a file', async () => {
  await withDir(async (dir) => {
    const f = path.join(dir, 'a.json');
    await writeFileAtomic(f, '{"v":1}');
    assert.equal(await readFile(f, 'utf8'), '{"v":1}');
    await writeFileAtomic(f, new Uint8Array([104, 105]));
    assert.equal(await readFile(f, 'utf8'), 'hi');
    assert.deepEqual(await readdir(dir), ['a.json']);
  });
});

test('writeFileAtomic failure leaves no temp file and keeps the old content', async () => {
  await withDir(async (dir) => {
    await mkdir(path.join(dir, 'target'));
    await writeFile(path.join(dir, 'target', 'inside'), 'x');
    // Renaming a file over a non-empty directory fails.
    await assert.rejects(writeFileAtomic(path.join(dir, 'target'), 'data'));
    assert.deepEqual(await readdir(dir), ['target']);
    await assert.rejects(writeFileAtomic(path.join(dir, 'missing', 'f'), 'data'), { code: 'ENOENT' });
  });
});

test('writeDirAtomic creates a directory', async () => {
  await withDir(async (dir) => {
    const out = path.join(dir, 'model');
    await writeDirAtomic(out, async (tmp) => {
      await writeFile(path.join(tmp, 'a.txt'), 'A');
      await writeFile(path.join(tmp, 'b.txt'), 'B');
    });
    assert.deepEqual((await readdir(out)).sort(), ['a.txt', 'b.txt']);
    assert.deepEqual(await leftovers(dir), [], 'only the link and its one version');
  });
});

test('writeDirAtomic replaces an existing directory and removes the old one', async () => {
  await withDir(async (dir) => {
    const out = path.join(dir, 'model');
    await mkdir(out);
    await writeFile(path.join(out, 'old.txt'), 'old');
    await writeDirAtomic(out, async (tmp) => {
      await writeFile(path.join(tmp, 'new.txt'), 'new');
    });
    assert.deepEqual(await readdir(out), ['new.txt']);
    assert.deepEqual(await leftovers(dir), [], 'the old plain directory was migrated, then removed');
  });
});

test('writeDirAtomic failure keeps the old directory and removes the temp one', async () => {
  await withDir(async (dir) => {
    const out = path.join(dir, 'model');
    await mkdir(out);
    await writeFile(path.join(out, 'old.txt'), 'old');
    await assert.rejects(
      writeDirAtomic(out, async (tmp) => {
        await writeFile(path.join(tmp, 'half.txt'), 'half');
        throw new Error('fill failed');
      }),
      /fill failed/,
    );
    assert.deepEqual(await readdir(out), ['old.txt']);
    assert.deepEqual(await readdir(dir), ['model']);
    assert.equal((await lstat(out)).isDirectory(), true, 'a failed fill does not even migrate');
  });
});

test('writeDirAtomic replaces a version through the link and removes the previous version', async () => {
  await withDir(async (dir) => {
    const out = path.join(dir, 'model');
    for (const v of ['1', '2', '3']) await writeDirAtomic(out, async (tmp) => writeFile(path.join(tmp, 'v.txt'), v));
    assert.equal(await readFile(path.join(out, 'v.txt'), 'utf8'), '3');
    assert.equal((await lstat(out)).isSymbolicLink(), true);
    assert.deepEqual(await leftovers(dir), []);
  });
});

test('a path left missing by the old two-rename swap is restored from .model.old-* on load', async () => {
  await withDir(async (dir) => {
    const out = path.join(dir, 'model');
    const aside = path.join(dir, `.model.old-${deadPid()}-0badc0de`);
    await mkdir(aside);
    await writeFile(path.join(aside, 'v.txt'), 'old');
    assert.equal(await readFile(path.join(await resolveDir(out), 'v.txt'), 'utf8'), 'old');
    assert.deepEqual(await readdir(dir), ['model']);
  });
});

test('leftover temporary and old directories of dead writers are removed on the next write', async () => {
  await withDir(async (dir) => {
    const out = path.join(dir, 'model');
    await mkdir(out);
    await writeFile(path.join(out, 'v.txt'), 'old');
    for (const tag of ['tmp', 'old', 'tmp']) {
      const p = path.join(dir, `.model.${tag}-${deadPid()}-${Math.random().toString(16).slice(2, 10)}`);
      await mkdir(p);
      await writeFile(path.join(p, 'v.txt'), 'junk');
    }
    await writeDirAtomic(out, async (tmp) => writeFile(path.join(tmp, 'v.txt'), 'new'));
    assert.equal(await readFile(path.join(out, 'v.txt'), 'utf8'), 'new');
    assert.deepEqual(await leftovers(dir), []);
  });
});

test('a complete version whose link was never made is linked when the path is missing', async () => {
  await withDir(async (dir) => {
    const out = path.join(dir, 'model');
    await writeDirAtomic(out, async (tmp) => writeFile(path.join(tmp, 'v.txt'), 'linked'));
    const version = await readlink(out);
    await rm(out);
    await rename(path.join(dir, version), path.join(dir, version.replace(/-\d+-([0-9a-f]+)$/, `-${deadPid()}-$1`)));
    assert.equal(await readFile(path.join(await resolveDir(out), 'v.txt'), 'utf8'), 'linked');
    assert.equal((await lstat(out)).isSymbolicLink(), true);
  });
});
