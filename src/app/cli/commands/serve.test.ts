/**
 * `moodscape serve` as a user runs it: the real binary in a child process on a free port, with
 * --json (one line on stdout once it listens), /health answered, and SIGTERM closing it with
 * exit status 0.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BIN, ROOT } from '../../../../test/support/cli.ts';
import { withServeChild } from '../../../../test/support/serve-child.ts';
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

test('serve without --model on an analysed catalogue with no current model uses the audio mood model and says so', { timeout: 60_000 }, async () => {
  const csv = join(dir, 'analysed.csv');
  const rows = Array.from({ length: 12 }, (_, i) => `a${i},Piece ${i},Synth,${80 + i * 10},${-20 + i},${120000 + i * 5000},${i % 12},${i % 2},4,moodscape-analyze/1`);
  await writeFile(csv, ['id,name,artist,tempo,loudness,duration_ms,key,mode,time_signature,analyzer_version', ...rows].join('\n') + '\n');
  const analysed = join(dir, 'analysed.db');
  await importCsv(csv, analysed);
  await withServeChild(['--db', analysed], async (r) => {
    assert.equal(r.listening.tracks, 12);
    assert.match(r.stderr, /using moodscape's audio mood model/);
    assert.doesNotMatch(r.stderr, /built-in mood model/);
    assert.equal((await fetch(`${r.url}/health`)).status, 200);
  });
  await withServeChild(['--db', db, '--model', modelDir], async (r) => {
    assert.doesNotMatch(r.stderr, /audio mood model/, 'a catalogue not written by analyze keeps the model it is given');
  });
});
