/**
 * The layering rules of the codebase, checked on every run: core/ is pure (no files, processes,
 * clocks or Math.random, and never imports io/ or app/), io/ never imports app/, and the whole
 * project type-checks under strict TypeScript.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join, relative, resolve, dirname } from 'node:path';
import { ROOT } from './support/cli.ts';

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(p)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function imports(text: string): string[] {
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]);
}

test('core/ is pure: no I/O modules, clocks or Math.random, and no imports of io/ or app/', async () => {
  const core = resolve(ROOT, 'src/core');
  const problems: string[] = [];
  for (const file of await sourceFiles(core)) {
    const text = await readFile(file, 'utf8');
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    for (const spec of imports(code)) {
      if (spec.startsWith('node:') || !spec.startsWith('.')) {
        problems.push(`${relative(ROOT, file)} imports ${spec}`);
        continue;
      }
      const target = relative(core, resolve(dirname(file), spec));
      if (target.startsWith('..')) problems.push(`${relative(ROOT, file)} imports ${spec} (outside core/)`);
    }
    for (const banned of ['Math.random', 'Date.now', 'new Date(', 'process.', 'performance.now']) {
      if (code.includes(banned)) problems.push(`${relative(ROOT, file)} uses ${banned}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('io/ never imports app/', async () => {
  const io = resolve(ROOT, 'src/io');
  const problems: string[] = [];
  for (const file of await sourceFiles(io)) {
    for (const spec of imports(await readFile(file, 'utf8'))) {
      if (spec.startsWith('.') && relative(resolve(ROOT, 'src/app'), resolve(dirname(file), spec)).split('/')[0] !== '..') {
        problems.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('the project type-checks (tsc --noEmit, strict)', () => {
  const tsc = resolve(ROOT, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', ROOT], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
