import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeDirAtomic, writeFileAtomic } from './atomic.ts';

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
    assert.deepEqual(await readdir(dir), ['model']);
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
    assert.deepEqual(await readdir(dir), ['model']);
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
  });
});
