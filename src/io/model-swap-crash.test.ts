/**
 * The model swap survives `kill -9` at every step: a writer is paused at each step of
 * writeDirAtomic and killed; the path then loads, and holds the old model or the new one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ROOT } from '../../test/support/cli.ts';
import { SWAP_STEPS } from './atomic.ts';
import { loadModelDir, saveModelDir } from './model-store.ts';

const CHILD = join(ROOT, 'test/support/model-swap-child.ts');

/** Runs the child until it reports the pause, then SIGKILLs it and waits for it to be reaped. */
function writeAndKill(dir: string, marker: string, step: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, marker, step], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('paused')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(out.trim()) : reject(new Error(`child did not pause at ${step}: ${out}${err}`))));
  });
}

const weights = { w: { kind: 'weights', formatVersion: 1, config: {}, arrays: { x: Float64Array.of(1, 2, 3) } } };

/** Writes the old model at `model` in the given layout. */
async function writeOld(dir: string, model: string, layout: string): Promise<void> {
  if (layout === 'versioned link') return saveModelDir(model, { meta: { marker: 'old' }, stages: weights });
  // The layout older moodscapes wrote: a plain directory.
  const scratch = `${model}-scratch`;
  await saveModelDir(scratch, { meta: { marker: 'old' }, stages: weights });
  await cp(scratch, model, { recursive: true, dereference: true });
  await rm(scratch, { force: true });
  for (const n of await readdir(dir)) if (n.startsWith(`.${basename(scratch)}.`)) await rm(join(dir, n), { recursive: true, force: true });
}

async function killAndCheck(dir: string, layout: string, step: string): Promise<void> {
  const model = join(dir, `m-${step}`);
  await writeOld(dir, model, layout);
  assert.equal(await writeAndKill(model, 'new', step), `paused ${step}`);
  const loaded = await loadModelDir(model);
  assert.ok(['old', 'new'].includes(loaded.meta.marker as string), `${step}: marker ${String(loaded.meta.marker)}`);
  assert.deepEqual(Array.from(loaded.stages.w.arrays.x), [1, 2, 3]);
  if (['linked', 'swapped', 'cleaned'].includes(step)) assert.equal(loaded.meta.marker, 'new', `${step}: the link was swapped`);
  // The next write starts clean: nothing of the killed writer is left.
  await saveModelDir(model, { meta: { marker: 'next' }, stages: weights });
  assert.equal((await loadModelDir(model)).meta.marker, 'next');
  const version = await readlink(model);
  const beside = (await readdir(dir)).filter((n) => n.startsWith(`.m-${step}.`) && n !== version);
  assert.deepEqual(beside, [], `${step}: leftovers removed`);
}

for (const layout of ['plain directory (before versioning)', 'versioned link'] as const) {
  test(`kill -9 at every swap step over a ${layout}: a model loads, old or new`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'moodscape-swap-'));
    try {
      // Two writers at a time: each step has its own model path.
      for (let i = 0; i < SWAP_STEPS.length; i += 2) await Promise.all(SWAP_STEPS.slice(i, i + 2).map((step) => killAndCheck(dir, layout, step)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
