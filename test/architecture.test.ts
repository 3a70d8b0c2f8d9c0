/**
 * The layering rules of the codebase, checked on every run: core/ is pure (no files, processes,
 * clocks or Math.random, and never imports io/ or app/), io/ never imports app/, nothing outside
 * the CLI imports app/cli (the server least of all), and the whole project type-checks under
 * strict TypeScript. The import rules hold for test files too: a core test may lean on
 * test/support, never on io/ or app/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join, relative, resolve, dirname } from 'node:path';
import { ROOT } from './support/cli.ts';

async function sourceFiles(dir: string, { tests = false } = {}): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(p, { tests })));
    else if (entry.name.endsWith('.ts') && (tests || !entry.name.endsWith('.test.ts'))) out.push(p);
  }
  return out;
}

const isTest = (file: string) => file.endsWith('.test.ts');

/** Files under `from` (tests included) whose relative imports land in `to`. */
async function importsInto(from: string, to: string, exempt: (file: string) => boolean = () => false): Promise<string[]> {
  const problems: string[] = [];
  for (const file of await sourceFiles(resolve(ROOT, from), { tests: true })) {
    if (exempt(file)) continue;
    for (const spec of imports(await readFile(file, 'utf8'))) {
      if (spec.startsWith('.') && !relative(resolve(ROOT, to), resolve(dirname(file), spec)).startsWith('..')) {
        problems.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
  }
  return problems;
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

test('core/ tests import neither io/ nor app/', async () => {
  const problems = [
    ...(await importsInto('src/core', 'src/io', (f) => !isTest(f))),
    ...(await importsInto('src/core', 'src/app', (f) => !isTest(f))),
  ];
  assert.deepEqual(problems, []);
});

test('io/ never imports app/, in product code or tests', async () => {
  assert.deepEqual(await importsInto('src/io', 'src/app'), []);
});

test('nothing imports app/cli but the CLI itself: not the server, workers, demo, io/ or test support', async () => {
  const problems = [
    ...(await importsInto('src/app', 'src/app/cli', (f) => f.startsWith(resolve(ROOT, 'src/app/cli') + '/'))),
    ...(await importsInto('src/io', 'src/app/cli')),
    ...(await importsInto('test/support', 'src/app/cli')),
  ];
  assert.deepEqual(problems, []);
});

test('the server never imports app/cli (tests included)', async () => {
  assert.deepEqual(await importsInto('src/app/server', 'src/app/cli'), []);
});

test('test support lives in test/support, not in src/', async () => {
  const stray = (await sourceFiles(resolve(ROOT, 'src'))).filter((f) => /(^|[-/])(test-|fixtures?\b|sample-input)/.test(relative(resolve(ROOT, 'src'), f)));
  assert.deepEqual(stray.map((f) => relative(ROOT, f)), []);
});

test('the project type-checks (tsc --noEmit, strict)', () => {
  const tsc = resolve(ROOT, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', ROOT], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
