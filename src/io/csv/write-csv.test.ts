import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatNumber, quoteCsvField, writeCsv, writeTableCsv } from './write-csv.ts';
import { readTracksCsv } from './read-tracks.ts';
import type { TrackTable } from '../../core/data/track-table.ts';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'moodscape-write-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('formatNumber is compact and free of float noise', () => {
  assert.equal(formatNumber(196707), '196707');
  assert.equal(formatNumber(0.13699999999999998), '0.137');
  assert.equal(formatNumber(0.1 + 0.2), '0.3');
  assert.equal(formatNumber(-7.727), '-7.727');
  assert.equal(formatNumber(6.24e-6), '0.00000624');
  assert.equal(formatNumber(133.06161), '133.062');
  assert.equal(formatNumber(0.9793333333), '0.979333');
  assert.equal(formatNumber(0.9793333333, 10), '0.9793333333');
  assert.equal(formatNumber(NaN), '');
  assert.equal(formatNumber(Infinity), '');
});

test('quoteCsvField quotes only when needed', () => {
  assert.equal(quoteCsvField('plain'), 'plain');
  assert.equal(quoteCsvField('a,b'), '"a,b"');
  assert.equal(quoteCsvField('say "hi"'), '"say ""hi"""');
  assert.equal(quoteCsvField('two\nlines'), '"two\nlines"');
  assert.equal(quoteCsvField(' padded'), '" padded"');
});

test('writeCsv writes header, quoted cells, empty cells for null/NaN', async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, 'out.csv');
    await writeCsv(file, ['a', 'b,c', 'n'], [
      ['x', 'y,z', 1.5],
      [null, undefined, NaN],
      ['q"q', 'line\nbreak', 0.1 + 0.2],
    ]);
    assert.equal(await readFile(file, 'utf8'), 'a,"b,c",n\nx,"y,z",1.5\n,,\n"q""q","line\nbreak",0.3\n');
    assert.deepEqual(await readdir(dir), ['out.csv']);
  });
});

test('writeTableCsv → readTracksCsv round-trip', async () => {
  await withDir(async (dir) => {
    const table: TrackTable = {
      rowCount: 3,
      numeric: {
        valence: Float64Array.from([0.5, 0.13699999999999998, 1]),
        danceability: Float64Array.from([0.1, 0.2, 0.3]),
        energy: Float64Array.from([0.9, 0.8, 0.7]),
        acousticness: Float64Array.from([1.2e-5, 0, 0.5]),
        tempo: Float64Array.from([120.5, 99.999, 0]),
        loudness: Float64Array.from([-6.2, -60, 3.7]),
        mode: Float64Array.from([1, 0, 1]),
      },
      text: {
        mood: ['happy', 'sad', 'calm'],
        id: ['a', 'b', 'c'],
        name: ['Hello, "World"', 'Ünïcødé', 'multi\r\nline'],
      },
    };
    const file = path.join(dir, 'tracks.csv');
    await writeTableCsv(file, table, { predicted: ['happy', 'sad', 'calm'] });
    const text = await readFile(file, 'utf8');
    assert.ok(text.startsWith('id,name,valence,danceability,energy,acousticness,tempo,loudness,mode,mood,predicted\n'), text);
    const back = await readTracksCsv(file);
    assert.equal(back.table.rowCount, 3);
    assert.deepEqual(back.table.text.id, table.text.id);
    assert.deepEqual(back.table.text.name, table.text.name);
    assert.deepEqual(back.table.text.mood, table.text.mood);
    assert.deepEqual(back.table.text.predicted, ['happy', 'sad', 'calm']);
    assert.deepEqual([...back.table.numeric.valence], [0.5, 0.137, 1]);
    for (const k of ['danceability', 'energy', 'acousticness', 'tempo', 'loudness', 'mode']) {
      assert.deepEqual([...back.table.numeric[k]], [...table.numeric[k]], k);
    }
  });
});

test('a failed write leaves no file (and no temp file)', async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, 'out.csv');
    function* rows(): Generator<(string | number)[]> {
      for (let i = 0; i < 50_000; i++) yield [`row ${i}`, i];
      throw new Error('boom');
    }
    await assert.rejects(writeCsv(file, ['name', 'n'], rows()), /boom/);
    assert.deepEqual(await readdir(dir), []);
  });
});

test('a failed write keeps the previous file intact', async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, 'out.csv');
    await writeCsv(file, ['a'], [['old']]);
    await assert.rejects(
      writeCsv(file, ['a'], (function* () {
        yield ['new'];
        throw new Error('boom');
      })()),
      /boom/,
    );
    assert.equal(await readFile(file, 'utf8'), 'a\nold\n');
    assert.deepEqual(await readdir(dir), ['out.csv']);
  });
});

test('writing into a missing directory rejects without leaving anything', async () => {
  await withDir(async (dir) => {
    await assert.rejects(writeCsv(path.join(dir, 'nope', 'out.csv'), ['a'], [['x']]), { code: 'ENOENT' });
    assert.deepEqual(await readdir(dir), []);
  });
});

test('rename onto a directory fails and the temp file is removed', async () => {
  await withDir(async (dir) => {
    await mkdir(path.join(dir, 'taken'));
    await mkdir(path.join(dir, 'taken', 'x'));
    await assert.rejects(writeCsv(path.join(dir, 'taken'), ['a'], [['x']]));
    assert.deepEqual(await readdir(dir), ['taken']);
  });
});

test('writeTableCsv rejects extra columns of the wrong length', async () => {
  await withDir(async (dir) => {
    const t: TrackTable = { rowCount: 2, numeric: { valence: Float64Array.from([0.1, 0.2]) }, text: {} };
    await assert.rejects(writeTableCsv(path.join(dir, 'x.csv'), t, { bad: ['one'] }), /1 values for 2 rows/);
    assert.deepEqual(await readdir(dir), []);
  });
});
