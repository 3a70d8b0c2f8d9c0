import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRecCatalog, recommend } from '../core/recommend/index.ts';
import { syntheticCatalogue, stubTagger } from '../../test/support/recommend-fixtures.ts';
import { readTracksCsvText } from './csv/read-tracks.ts';
import { formatM3u, parseM3u, toCsv, toJson, toM3u } from './playlist-export.ts';

const table = syntheticCatalogue(800, 5);
table.text.name[3] = 'Intro – Part 2, "Live"';
const catalog = buildRecCatalog(table, stubTagger);
const res = recommend(catalog, { moods: ['happy'], limit: 15 });

describe('playlist export', () => {
  it('M3U round-trips artist, title, duration and location', () => {
    const text = toM3u(res);
    assert.ok(text.startsWith('#EXTM3U\n#EXTINF:'));
    const back = parseM3u(text);
    assert.equal(back.length, res.tracks.length);
    back.forEach((e, i) => {
      const t = res.tracks[i];
      assert.equal(e.artist, t.artist);
      assert.equal(e.title, t.name);
      assert.equal(e.location, `spotify:track:${t.id}`);
      assert.equal(e.duration, Math.round((t.duration_ms as number) / 1000));
    });
    const tricky = [{ duration: 200, artist: 'Sigur Rós', title: 'Intro – Part 2, "Live"', location: '/music/a b.mp3' }, { duration: -1, artist: '', title: 'Untitled', location: 'x.flac' }];
    assert.deepEqual(parseM3u(formatM3u(tricky)), tricky);
    assert.deepEqual(parseM3u(formatM3u(tricky).replace(/\n/g, '\r\n')), tricky);
  });

  it('CSV reads back through the ingest with the same ids and features', () => {
    const { table: back } = readTracksCsvText(toCsv(res), 'export.csv');
    assert.equal(back.rowCount, res.tracks.length);
    assert.deepEqual(back.text.id, res.tracks.map((t) => t.id));
    back.numeric.energy.forEach((e, i) => assert.equal(e, res.tracks[i].energy));
  });

  it('JSON has the documented shape', () => {
    const j = JSON.parse(toJson(res));
    assert.deepEqual(Object.keys(j).slice(0, 3), ['tracks', 'pool', 'query']);
    for (const k of ['id', 'name', 'artist', 'mood', 'confidence', 'score', 'why', 'energy']) assert.ok(k in j.tracks[0], k);
    assert.deepEqual(Object.keys(j.pool).slice(0, 2), ['initial', 'afterFiltering']);
    assert.equal(j.rows, undefined);
  });
});
