import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { generateCatalogue } from '../core/generator/generate.ts';
import { GENERATED_CSV_COLUMNS, csvField, generatedCsvHeader, writeGeneratedCsv } from './generate-csv.ts';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'moodscape-gencsv-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const SPOTIFY_ORDER = 'id,name,artist,album,genre,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,duration_ms,time_signature,popularity';

test('header follows the Spotify-export column order (+mood when labelled)', () => {
  assert.equal(GENERATED_CSV_COLUMNS.join(','), SPOTIFY_ORDER);
  assert.equal(generatedCsvHeader(false).join(','), SPOTIFY_ORDER);
  assert.equal(generatedCsvHeader(true).join(','), SPOTIFY_ORDER + ',mood');
});

test('csvField quotes only when needed', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
});

test('writes a CSV that parses back to the generated rows, leaving no temp file', async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, 'catalogue.csv');
    const res = await writeGeneratedCsv(file, { tracks: 1234, seed: 5, chunkSize: 300 });
    assert.equal(res.rows, 1234);
    const text = await readFile(file, 'utf8');
    assert.equal(res.bytes, Buffer.byteLength(text));
    assert.deepEqual(await readdir(dir), ['catalogue.csv']);
    const records = parse(text, { columns: true }) as Record<string, string>[];
    assert.equal(records.length, 1234);
    assert.equal(text.slice(0, text.indexOf('\n')), SPOTIFY_ORDER);
    const t = generateCatalogue({ tracks: 1234, seed: 5 });
    for (const i of [0, 1, 299, 300, 777, 1233]) {
      const r = records[i];
      for (const c of ['id', 'name', 'artist', 'album', 'genre']) assert.equal(r[c], t.text[c][i], `${c}[${i}]`);
      for (const c of GENERATED_CSV_COLUMNS.slice(5)) assert.equal(Number(r[c]), t.numeric[c][i], `${c}[${i}]`);
    }
  });
});

test('labelled CSV carries a mood column', async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, 'labelled.csv');
    await writeGeneratedCsv(file, { tracks: 400, seed: 5, labelled: true });
    const records = parse(await readFile(file, 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(records.length, 400);
    assert.deepEqual(Object.keys(records[0]), [...GENERATED_CSV_COLUMNS, 'mood']);
    assert.ok(records.every((r) => ['Happy', 'Sad', 'Energetic', 'Calm'].includes(r.mood)));
  });
});

test('a failed write leaves the existing file untouched and no temp file behind', async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, 'catalogue.csv');
    await writeFile(file, 'old content\n');
    await assert.rejects(writeGeneratedCsv(file, { tracks: 100, seed: 1, chunkSize: 0 }), RangeError);
    assert.equal(await readFile(file, 'utf8'), 'old content\n');
    assert.deepEqual(await readdir(dir), ['catalogue.csv']);
    await assert.rejects(writeGeneratedCsv(path.join(dir, 'missing-dir', 'x.csv'), { tracks: 10, seed: 1 }));
    assert.deepEqual(await readdir(dir), ['catalogue.csv']);
    // a successful write replaces it
    await writeGeneratedCsv(file, { tracks: 3, seed: 1 });
    assert.equal((await readFile(file, 'utf8')).split('\n').length, 5);
  });
});
