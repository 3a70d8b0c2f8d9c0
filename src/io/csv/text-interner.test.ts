import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FNV_OFFSET, fnvStep, TextInterner } from './text-interner.ts';
import { readTracksCsvText } from './read-tracks.ts';

function cell(interner: TextInterner, text: string): string {
  const bytes = Buffer.from(`,${text},`, 'latin1');
  let h = FNV_OFFSET;
  for (let i = 1; i < bytes.length - 1; i++) h = fnvStep(h, bytes[i]);
  return interner.get(bytes, 1, bytes.length - 1, h);
}

test('text interner: equal bytes give the same string, different bytes (even colliding slots) their own', () => {
  const interner = new TextInterner();
  const values = Array.from({ length: 5000 }, (_, i) => `artist ${i % 700}`);
  const seen = new Map<string, string>();
  for (const v of values) {
    const s = cell(interner, v);
    assert.equal(s, v);
    if (seen.has(v)) assert.ok(Object.is(seen.get(v), s));
    else seen.set(v, s);
  }
  assert.equal(cell(interner, ''), '');
  assert.equal(cell(interner, 'artist 1'), 'artist 1');
  assert.equal(cell(interner, 'artist 10'), 'artist 10', 'a prefix of another value is not confused with it');
  assert.ok(interner.enabled);
});

test('text interner: turns itself off on a column that hardly repeats, and still returns the right strings', () => {
  const interner = new TextInterner();
  for (let i = 0; i < 20000; i++) assert.equal(cell(interner, `track ${i}`), `track ${i}`);
  assert.equal(interner.enabled, false);
});

test('ingest with interned text columns: the same values as decoding every cell, non-ASCII and quoted cells included', () => {
  const header = 'id,name,artist,genre,danceability,energy,valence,tempo,loudness,acousticness';
  const genres = ['pop', 'rock', 'jazz', 'música', '"hip, hop"', ''];
  const rows: string[] = [];
  const want: { artist: string; genre: string }[] = [];
  for (let i = 0; i < 3000; i++) {
    const g = genres[i % genres.length];
    rows.push(`t${i},Song ${i},Artist ${i % 40},${g},0.5,0.5,0.5,120,-6,0.2`);
    want.push({ artist: `Artist ${i % 40}`, genre: g.replaceAll('"', '') });
  }
  const { table } = readTracksCsvText([header, ...rows].join('\n'));
  assert.equal(table.rowCount, 3000);
  assert.deepEqual(table.text.artist, want.map((w) => w.artist));
  assert.deepEqual(table.text.genre, want.map((w) => w.genre));
  assert.deepEqual(table.text.name.slice(0, 3), ['Song 0', 'Song 1', 'Song 2']);
  assert.ok(Object.is(table.text.artist[0], table.text.artist[40]), 'repeated values share one string');
});
