/**
 * Bad input through the real CLI: each error class exits 2, names the file, row and column, and
 * leaves no output file (nor a temporary one) behind.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.ts';

const H = 'id,name,valence,danceability,energy,acousticness,tempo,loudness';
const good = (id: string) => `${id},Song ${id},0.5,0.6,0.7,0.1,120,-6`;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moodscape-bad-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cases: { name: string; csv: string; row: number; column: string; extra?: string[] }[] = [
  { name: 'missing required column', csv: `id,name,valence,danceability,energy,acousticness,tempo\n${'a,A,0.5,0.6,0.7,0.1,120'}\n`, row: 1, column: 'loudness' },
  { name: 'non-numeric cell', csv: `${H}\n${good('a')}\nb,B,0.5,0.6,loud,0.1,120,-6\n`, row: 3, column: 'energy' },
  { name: 'out-of-range value', csv: `${H}\n${good('a')}\n${good('b')}\nc,C,1.7,0.6,0.7,0.1,120,-6\n`, row: 4, column: 'valence' },
  { name: 'tempo below zero', csv: `${H}\na,A,0.5,0.6,0.7,0.1,-3,-6\n`, row: 2, column: 'tempo' },
  { name: 'loudness +20 dB', csv: `${H}\na,A,0.5,0.6,0.7,0.1,120,20\n`, row: 2, column: 'loudness' },
  { name: 'ragged row', csv: `${H}\n${good('a')}\nb,B,0.5\n`, row: 3, column: 'danceability' },
  { name: 'duplicate ids', csv: `${H}\n${good('a')}\n${good('b')}\n${good('a')}\n`, row: 4, column: 'id', extra: ['--unique-ids'] },
];

for (const c of cases) {
  test(`bad input: ${c.name} → exit 2, row ${c.row} and column "${c.column}" named, no output left`, async () => {
    const file = join(dir, `${c.name.replace(/\W+/g, '-')}.csv`);
    await writeFile(file, c.csv);
    const out = join(dir, `${c.name.replace(/\W+/g, '-')}.out.csv`);
    const r = await runCli(['cluster', file, '--k', '2', '--out', out, ...(c.extra ?? [])]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`row ${c.row}\\b`));
    assert.match(r.stderr, new RegExp(`column "${c.column}"`));
    assert.ok(r.stderr.includes(file), 'the message names the file');
    assert.doesNotMatch(r.stderr, /\bat .*\.ts:\d+/, 'no stack trace for a user error');
    const left = (await readdir(dir)).filter((f) => f.startsWith(c.name.replace(/\W+/g, '-')) && f !== `${c.name.replace(/\W+/g, '-')}.csv`);
    assert.deepEqual(left, [], 'no output or temporary file is left behind');
  });
}

test('bad input: empty file → exit 2, row 1 named, no model directory left', async () => {
  const file = join(dir, 'empty.csv');
  await writeFile(file, '');
  const out = join(dir, 'empty-model');
  const r = await runCli(['train', file, '--label', 'mood', '--out', out]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /empty\.csv, row 1: file is empty/);
  assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('empty-model')), []);
});

test('--lenient drops the bad rows instead, reports each one, and writes the output', async () => {
  const file = join(dir, 'lenient.csv');
  await writeFile(file, `${H}\n${good('a')}\nb,B,1.7,0.6,0.7,0.1,120,-6\n${good('c')}\nd,D,0.5\n${good('e')}\n`);
  const out = join(dir, 'lenient.out.csv');
  const r = await runCli(['cluster', file, '--k', '2', '--out', out, '--lenient']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /2 invalid rows dropped/);
  assert.match(r.stderr, /row 3, column "valence"/);
  assert.match(r.stderr, /row 5, column "danceability"/);
  assert.ok((await readdir(dir)).includes('lenient.out.csv'));
});

test('usage errors exit 2: unknown flag value, missing required option, unknown command', async () => {
  const file = join(dir, 'ok.csv');
  await writeFile(file, `${H}\n${good('a')}\n${good('b')}\n${good('c')}\n`);
  assert.equal((await runCli(['cluster', file, '--k', 'eleven', '--out', join(dir, 'x.csv')])).code, 2);
  assert.equal((await runCli(['cluster', file])).code, 2);
  assert.equal((await runCli(['frobnicate'])).code, 2);
  assert.equal((await runCli(['train', file, '--out', join(dir, 'm')])).code, 2, 'neither --label nor --from-clusters');
});

test('a missing file is a bad-input error, not a crash', async () => {
  const r = await runCli(['profile', join(dir, 'nope.csv')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nope\.csv/);
});
