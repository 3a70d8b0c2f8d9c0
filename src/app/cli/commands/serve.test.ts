/**
 * `moodscape serve` as a user runs it: the real binary in a child process on a free port, with
 * --json (one line on stdout once it listens), /health answered, and SIGTERM closing it with
 * exit status 0.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BIN, ROOT } from '../../../../test/support/cli.ts';
import { trainMoodsModel } from '../../../../test/support/moods-model.ts';
import { DATA_MOODS } from '../../../../test/support/server-fixtures.ts';
import { importCsv } from '../../../io/store/import-csv.ts';

let dir = '';
let modelDir = '';
let db = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moodscape-serve-'));
  modelDir = await trainMoodsModel(dir);
  db = join(dir, 'catalogue.db');
  await importCsv(DATA_MOODS, db);
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('serve --json prints where it listens, answers /health and exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--model', modelDir, '--port', '0', '--no-auth', '--json'], {
    cwd: ROOT, env: { ...process.env, MOODSCAPE_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const lines = createInterface({ input: child.stdout });
  const stdout: string[] = [];
  const first = await new Promise<string>((resolve, reject) => {
    lines.on('line', (l) => { stdout.push(l); if (stdout.length === 1) resolve(l); });
    void exited.then(({ code }) => reject(new Error(`serve exited (${code}) before listening: ${stderr}`)));
  });
  const listening = JSON.parse(first) as { url: string; tracks: number; model: string; db: string; writes: string };
  assert.match(listening.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(listening.tracks, 686);
  assert.match(listening.model, /^m_[0-9a-f]{16}$/);
  assert.equal(listening.writes, 'open');

  const health = await fetch(`${listening.url}/health`);
  assert.equal(health.status, 200);
  assert.equal(((await health.json()) as { status: string }).status, 'ok');

  child.kill('SIGTERM');
  const { code } = await exited;
  assert.equal(code, 0, stderr);
  assert.deepEqual(stdout, [first], 'with --json, stdout holds only the JSON line (request logs go to stderr)');
});
