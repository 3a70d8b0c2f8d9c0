import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, existsSync } from 'node:fs';
import { rm, mkdtemp, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { readTracksCsv, readTracksCsvText } from './read-tracks.ts';
import { InputError } from '../../core/common/errors.ts';

const DATA = process.env.MOODSCAPE_DATA ?? path.resolve(process.cwd(), '../shared/data');
const haveData = existsSync(path.join(DATA, 'catalogues'));

const H = 'id,name,valence,danceability,energy,acousticness,tempo,loudness';
const row = (id: string, v = '0.5') => `${id},Song ${id},${v},0.6,0.7,0.1,120.5,-6.2`;

function assertInputError(fn: () => unknown, expect: { row?: number; column?: string; match?: RegExp }): InputError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof InputError, `expected InputError, got ${String(caught)}`);
  const e = caught as InputError;
  if (expect.row !== undefined) {
    assert.equal(e.row, expect.row);
    assert.match(e.message, new RegExp(`row ${expect.row}\\b`));
  }
  if (expect.column !== undefined) {
    assert.equal(e.column, expect.column);
    assert.ok(e.message.includes(`"${expect.column}"`) || e.message.includes(expect.column), e.message);
  }
  if (expect.match) assert.match(e.message, expect.match);
  assert.ok(e.message.startsWith('t.csv'), e.message);
  return e;
}

describe('readTracksCsvText: format', () => {
  test('LF and CRLF give the same table', () => {
    const lf = [H, row('a'), row('b')].join('\n') + '\n';
    const crlf = lf.replaceAll('\n', '\r\n');
    const a = readTracksCsvText(lf).table;
    const b = readTracksCsvText(crlf).table;
    assert.deepEqual(b, a);
    assert.equal(a.rowCount, 2);
    assert.deepEqual(a.text.id, ['a', 'b']);
    assert.equal(a.numeric.tempo[1], 120.5);
    assert.equal(a.numeric.loudness[0], -6.2);
  });

  test('no trailing newline, lone-CR line ends and blank lines', () => {
    const t = readTracksCsvText([H, row('a'), '', row('b')].join('\r') + '\r\n\r\n' + row('c'));
    assert.deepEqual(t.table.text.id, ['a', 'b', 'c']);
    assert.equal(t.report.rowsRead, 3);
  });

  test('UTF-8 BOM is skipped and non-ASCII text decodes', () => {
    const t = readTracksCsvText('\ufeff' + H + '\n' + 'x,Beyoncé – Halo 🎵,0.1,0.2,0.3,0.4,100,-5\n');
    assert.deepEqual(Object.keys(t.table.text), ['id', 'name']);
    assert.equal(t.table.text.name[0], 'Beyoncé – Halo 🎵');
  });

  test('quoted fields with commas, newlines and escaped quotes', () => {
    const csv =
      H + '\r\n' +
      '"q1","Hello, ""World""\r\nsecond line",0.5,0.6,0.7,0.1,"120.5",-6.2\r\n' +
      'q2,"",0.5,0.6,0.7,0.1,120,-6\r\n' +
      '"q3","say ""hi""",0.5,0.6,0.7,0.1,120,-6';
    const t = readTracksCsvText(csv).table;
    assert.equal(t.rowCount, 3);
    assert.deepEqual(t.text.id, ['q1', 'q2', 'q3']);
    assert.equal(t.text.name[0], 'Hello, "World"\r\nsecond line');
    assert.equal(t.text.name[1], '');
    assert.equal(t.text.name[2], 'say "hi"');
    assert.equal(t.numeric.tempo[0], 120.5);
  });

  test('row numbers count records (header = 1) even after embedded newlines', () => {
    const csv = H + '\n' + 'a,"two\nlines",0.5,0.6,0.7,0.1,120,-6\n' + 'b,x,abc,0.6,0.7,0.1,120,-6\n';
    const e = assertInputError(() => readTracksCsvText(csv, 't.csv'), { row: 3, column: 'valence' });
    assert.match(e.message, /line 4/);
  });

  test('numbers: signs, exponents, odd spellings', () => {
    const csv = [
      'id,valence,danceability,energy,acousticness,tempo,loudness,instrumentalness',
      'a,.5,1.,+0.25,1.2e-05,1E2,-0.0,6.24e-06',
      'b,0.13699999999999998,0,1,0,0.000,-60,0.5',
    ].join('\n');
    const n = readTracksCsvText(csv).table.numeric;
    assert.deepEqual([...n.valence], [0.5, 0.13699999999999998]);
    assert.equal(n.danceability[0], 1);
    assert.equal(n.energy[0], 0.25);
    assert.equal(n.acousticness[0], 1.2e-5);
    assert.equal(n.tempo[0], 100);
    assert.equal(n.instrumentalness[0], 6.24e-6);
    assert.equal(n.loudness[1], -60);
  });

  test('header aliases and id priority', () => {
    const csv = [
      ',Track_URI ,Track_Name,artist_name,length,valence,danceability,energy,acousticness,tempo,loudness,track_popularity,uri,mood',
      '0,spotify:track:AAA,Song,Art,200000,0.5,0.6,0.7,0.1,120,-6,55,spotify:track:ZZZ,happy',
    ].join('\n');
    const { table, report } = readTracksCsvText(csv);
    assert.deepEqual(table.text.id, ['AAA']);
    assert.deepEqual(table.text.uri, ['spotify:track:ZZZ']);
    assert.deepEqual(table.text.name, ['Song']);
    assert.deepEqual(table.text.artist, ['Art']);
    assert.deepEqual(table.text.mood, ['happy']);
    assert.equal(table.numeric.duration_ms[0], 200000);
    assert.equal(table.numeric.popularity[0], 55);
    assert.equal(report.columns[0].kind, 'ignored');
    assert.deepEqual(report.columns[1], { source: 'Track_URI ', canonical: 'id', kind: 'text' });
    assert.deepEqual(report.missingOptional, ['speechiness', 'instrumentalness', 'liveness', 'mode']);
  });

  test('id > track_id > uri, falling back to the next when the preferred cell is empty', () => {
    const csv = [
      'uri,track_id,id,valence,danceability,energy,acousticness,tempo,loudness',
      'spotify:track:U1,T1,I1,0.5,0.6,0.7,0.1,120,-6',
      'spotify:track:U2,T2,,0.5,0.6,0.7,0.1,120,-6',
      'spotify:track:U3,,,0.5,0.6,0.7,0.1,120,-6',
    ].join('\n');
    const { table } = readTracksCsvText(csv);
    assert.deepEqual(table.text.id, ['I1', 'T2', 'U3']);
    assert.deepEqual(table.text.track_id, ['T1', 'T2', '']);
  });

  test('duplicate ids: first kept, rest counted; empty ids always kept; dedupe can be turned off', () => {
    const csv = [H, row('a', '0.1'), row(''), row('a', '0.9'), row(''), row('b')].join('\n');
    const { table, report } = readTracksCsvText(csv);
    assert.deepEqual(table.text.id, ['a', '', '', 'b']);
    assert.equal(table.numeric.valence[0], 0.1);
    assert.equal(report.duplicates, 1);
    assert.equal(report.rowsRead, 5);
    assert.equal(report.rowsKept, 4);
    assert.equal(readTracksCsvText(csv, 'x', { dedupe: false }).table.rowCount, 5);
  });
});

describe('readTracksCsvText: missing values', () => {
  const csv = [
    H + ',mode,key,liveness',
    'a,n,0.1,0.6,0.7,0.1,120,-6,1,5,',
    'b,n,,0.6,0.7,0.1,100,-6,0,,',
    'c,n,0.3,0.6,0.7,0.1,,-6,1,7,0.2',
    'd,n,0.4,0.6,0.7,0.1,140,-6,,8,',
  ].join('\n');

  test('median (default) fills gaps and reports counts; mostly-empty optional column is dropped', () => {
    const { table, report } = readTracksCsvText(csv);
    assert.equal(table.rowCount, 4);
    assert.deepEqual([...table.numeric.valence], [0.1, 0.3, 0.3, 0.4]);
    assert.deepEqual([...table.numeric.tempo], [120, 100, 120, 140]);
    assert.equal(table.numeric.mode[3], 1); // discrete: rounded
    assert.equal(table.numeric.key[1], 7);
    assert.deepEqual(report.imputed, { valence: 1, tempo: 1, mode: 1, key: 1 });
    assert.deepEqual(report.droppedColumns.map((d) => d.column), ['liveness']);
    assert.ok(report.missingOptional.includes('liveness'));
    assert.ok(!('liveness' in table.numeric));
  });

  test('mean', () => {
    const { table } = readTracksCsvText(csv, 'x', { missing: 'mean' });
    assert.ok(Math.abs(table.numeric.valence[1] - 0.8 / 3) < 1e-12);
  });

  test('drop', () => {
    const { table, report } = readTracksCsvText(csv, 'x', { missing: 'drop' });
    assert.deepEqual(table.text.id, ['a']);
    assert.equal(report.droppedMissing, 3);
    assert.deepEqual(report.imputed, {});
  });

  test('naValues are treated as empty', () => {
    const t = readTracksCsvText([H, row('a', 'NA'), row('b', '0.2')].join('\n'), 'x', { naValues: ['NA'] });
    assert.deepEqual([...t.table.numeric.valence], [0.2, 0.2]);
  });
});

describe('readTracksCsvText: errors', () => {
  test('missing required column names the columns found', () => {
    const e = assertInputError(() => readTracksCsvText('id,valence,energy\na,0.5,0.5\n', 't.csv'), {
      match: /missing required columns danceability, acousticness, tempo, loudness; columns found: id, valence, energy/,
    });
    assert.equal(e.file, 't.csv');
  });

  test('non-numeric cell', () => {
    assertInputError(() => readTracksCsvText([H, row('a'), row('b', 'high')].join('\n'), 't.csv'), {
      row: 3,
      column: 'valence',
      match: /"high" is not a number \(expected a number in \[0, 1\]/,
    });
  });

  test('out-of-range values', () => {
    assertInputError(() => readTracksCsvText([H, row('a', '1.7')].join('\n'), 't.csv'), {
      row: 2,
      column: 'valence',
      match: /1\.7 is out of range/,
    });
    const neg = `${H}\na,n,0.5,0.6,0.7,0.1,-3,-6`;
    assertInputError(() => readTracksCsvText(neg, 't.csv'), { row: 2, column: 'tempo' });
    const loud = `${H}\na,n,0.5,0.6,0.7,0.1,120,20`;
    assertInputError(() => readTracksCsvText(loud, 't.csv'), { row: 2, column: 'loudness', match: /\[-80, 10\]/ });
  });

  test('empty file and header-only file', () => {
    assertInputError(() => readTracksCsvText('', 't.csv'), { match: /empty/ });
    assertInputError(() => readTracksCsvText('\ufeff\r\n', 't.csv'), { match: /empty/ });
    assertInputError(() => readTracksCsvText(H + '\r\n', 't.csv'), { match: /no data rows/ });
  });

  test('ragged rows (too few and too many fields)', () => {
    assertInputError(() => readTracksCsvText(`${H}\n${row('a')}\na,b,c\n`, 't.csv'), { row: 3, column: 'danceability', match: /3 fields and ends before this column \(expected 8 fields/ });
    assertInputError(() => readTracksCsvText(`${H}\n${row('a')},extra\n`, 't.csv'), { row: 2, match: /9 fields/ });
  });

  test('a repeated id is an error with uniqueIds, and a counted duplicate without', () => {
    const csv = `${H}\n${row('a')}\n${row('b')}\n${row('a')}\n`;
    assertInputError(() => readTracksCsvText(csv, 't.csv', { uniqueIds: true }), { row: 4, column: 'id', match: /duplicate id "a"/ });
    const { report } = readTracksCsvText(csv, 't.csv');
    assert.equal(report.duplicates, 1);
    assert.equal(report.rowsKept, 2);
  });

  test('unterminated quote', () => {
    assertInputError(() => readTracksCsvText(`${H}\n"a,n,0.5\n`, 't.csv'), { row: 2, match: /never closed/ });
  });

  test('lenient mode drops and reports bad rows', () => {
    const csv = [H, row('a'), row('b', 'x'), 'c,1,2', row('d', '1.5'), row('e')].join('\n');
    const { table, report } = readTracksCsvText(csv, 't.csv', { lenient: true });
    assert.deepEqual(table.text.id, ['a', 'e']);
    assert.deepEqual(
      report.rejected.map((r) => [r.row, r.column]),
      [
        [3, 'valence'],
        [4, 'danceability'],
        [5, 'valence'],
      ],
    );
    assert.match(report.rejected[0].message, /not a number/);
    assert.equal(report.rowsRead, 5);
    assert.equal(report.rowsKept, 2);
  });

  test('an entirely empty required column is an error', () => {
    assertInputError(() => readTracksCsvText(`${H}\na,n,,0.6,0.7,0.1,120,-6\n`, 't.csv'), { column: 'valence', match: /no values/ });
  });
});

describe('readTracksCsv: files', () => {
  test('streams a ~200k-row generated file in small chunks, with progress', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'moodscape-ingest-'));
    const file = path.join(dir, 'big.csv');
    try {
      const n = 200_000;
      const out = createWriteStream(file);
      out.write('\ufefftrack_uri,track_name,danceability,energy,valence,acousticness,tempo,loudness,mode\r\n');
      let buf = '';
      for (let i = 0; i < n; i++) {
        // every 1000th row repeats the previous id; every 7th name is quoted with a comma
        const id = i % 1000 === 999 ? i - 1 : i;
        const name = i % 7 === 0 ? `"Song, ${i}"` : `Song ${i}`;
        buf += `spotify:track:T${id},${name},${(i % 100) / 100},0.5,${((i * 7) % 100) / 100},1.2e-05,${100 + (i % 50)}.25,-${i % 30}.5,${i % 2}\r\n`;
        if (buf.length > 1 << 16) {
          if (!out.write(buf)) await once(out, 'drain');
          buf = '';
        }
      }
      out.end(buf);
      await once(out, 'close');
      let calls = 0;
      let last = 0;
      const { table, report } = await readTracksCsv(file, {
        chunkSize: 64 * 1024 + 3, // odd size: records and CRLFs straddle chunk boundaries
        onProgress: (read, total) => {
          calls++;
          last = read;
          assert.ok(read <= total);
        },
      });
      assert.ok(calls > 10);
      assert.equal(last, report.bytes);
      assert.equal(report.rowsRead, n);
      assert.equal(report.duplicates, n / 1000);
      assert.equal(table.rowCount, n - n / 1000);
      assert.equal(table.text.id[0], 'T0');
      assert.equal(table.text.name[7], 'Song, 7');
      let sumMode = 0;
      for (const v of table.numeric.mode) sumMode += v;
      assert.equal(sumMode, n / 2 - n / 1000); // the dropped duplicates are all odd rows (mode 1)
      assert.equal(table.numeric.acousticness[12345], 1.2e-5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a missing file is an InputError', async () => {
    await assert.rejects(readTracksCsv('/nonexistent/x.csv'), (e: unknown) => e instanceof InputError && /not found/.test(e.message));
  });

  test('file and text readers agree, including tiny chunks', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'moodscape-ingest-'));
    try {
      const csv = '\ufeff' + H + '\r\n' + '"q1","a ""b"", c\r\nd",0.5,0.6,0.7,0.1,120,-6\r\n' + row('q2') + '\r\n';
      await writeFile(path.join(dir, 'x.csv'), csv);
      for (const chunkSize of [1, 2, 3, 5, 1024]) {
        const a = await readTracksCsv(path.join(dir, 'x.csv'), { chunkSize });
        assert.deepEqual(a.table, readTracksCsvText(csv).table, `chunkSize ${chunkSize}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('real datasets', { skip: haveData ? false : `no data at ${DATA}` }, () => {
  // [file, rows read, rows kept, duplicates]; figures from SOURCES.md (per-file duplicate counts
  // cross-checked with Python's csv module).
  const cases: [string, number, number, number][] = [
    ['mood_labelled/data_moods.csv', 686, 686, 0],
    ['mood_labelled/bdizon_playlist_moods_angry_happy_sad.csv', 2552, 2548, 4],
    ['mood_labelled/pranav_playlist_moods_8class.csv', 4857, 4464, 393],
    ['mood_labelled/skerjanec_moods_5class.csv', 3788, 3375, 413],
    ['catalogues/tidytuesday_spotify_songs.csv', 32833, 28356, 4477],
    ['catalogues/hit_predictor/dataset-of-60s.csv', 8642, 8625, 17],
    ['catalogues/hit_predictor/dataset-of-70s.csv', 7766, 7749, 17],
    ['catalogues/hit_predictor/dataset-of-80s.csv', 6908, 6898, 10],
    ['catalogues/hit_predictor/dataset-of-90s.csv', 5520, 5506, 14],
    ['catalogues/hit_predictor/dataset-of-00s.csv', 5872, 5855, 17],
    ['catalogues/hit_predictor/dataset-of-10s.csv', 6398, 6378, 20],
    ['catalogues/spotify_1921_2020_tracks_2000_2020_subset.csv', 20311, 20311, 0],
    ['catalogues/spotify_1921_2020_data_by_genres.csv', 2973, 2973, 0],
    ['catalogues/spotify_1921_2020_data_by_year.csv', 100, 100, 0],
    ['catalogues/spotify_popularity_2024_high.csv', 1686, 1437, 249],
    ['catalogues/spotify_popularity_2024_low.csv', 3145, 3101, 44],
    ['catalogues/spotify_song_attributes_user_likes_2017.csv', 2017, 2017, 0],
  ];
  for (const [file, read, kept, dups] of cases) {
    test(file, async () => {
      const { table, report } = await readTracksCsv(path.join(DATA, file));
      assert.equal(report.rowsRead, read);
      assert.equal(report.duplicates, dups);
      assert.equal(table.rowCount, kept);
      assert.equal(report.rejected.length, 0);
      for (const f of ['valence', 'danceability', 'energy', 'acousticness', 'tempo', 'loudness']) {
        assert.equal(table.numeric[f].length, kept, f);
      }
      for (const col of Object.values(table.text)) assert.equal(col.length, kept);
    });
  }

  test('hit_predictor uris become bare ids; track becomes name', async () => {
    const { table } = await readTracksCsv(path.join(DATA, 'catalogues/hit_predictor/dataset-of-00s.csv'));
    assert.equal(table.text.id[0], '4GiXBCUF7H6YfNQsnBRIzl');
    assert.equal(table.text.name[0], 'Lucky Man');
    assert.equal(table.text.artist[0], 'Montgomery Gentry');
    assert.ok(table.text.target && table.text.decade);
  });

  test('popularity 2024: id preferred, track_id/uri kept; the row without features is imputed or dropped', async () => {
    const file = path.join(DATA, 'catalogues/spotify_popularity_2024_low.csv');
    const med = await readTracksCsv(file);
    const i = med.table.text.id.indexOf('2teI76KKFE6qkpLZJs7tZ7'); // its `id` cell is empty: falls back to track_id
    assert.ok(i >= 0);
    assert.ok(Number.isFinite(med.table.numeric.valence[i]));
    assert.equal(med.report.imputed.valence, 1);
    assert.ok('track_id' in med.table.text && 'uri' in med.table.text);
    assert.ok(med.table.numeric.popularity.every((p) => p >= 11 && p <= 68));
    const drop = await readTracksCsv(file, { missing: 'drop' });
    assert.equal(drop.report.droppedMissing, 1);
    assert.equal(drop.table.rowCount, 3100);
    assert.equal(drop.table.text.id.indexOf('2teI76KKFE6qkpLZJs7tZ7'), -1);
  });

  test('pranav: empty ids kept, sparse liveness/duration_ms dropped and reported', async () => {
    const { table, report } = await readTracksCsv(path.join(DATA, 'mood_labelled/pranav_playlist_moods_8class.csv'));
    assert.equal(table.text.id.filter((x) => x === '').length, 2381);
    assert.deepEqual(report.droppedColumns.map((d) => d.column).sort(), ['duration_ms', 'liveness']);
    assert.deepEqual(report.missingOptional, ['liveness', 'duration_ms']);
  });

  test('user_likes_2017: unnamed index column ignored, song_title → name', async () => {
    const { table, report } = await readTracksCsv(path.join(DATA, 'catalogues/spotify_song_attributes_user_likes_2017.csv'));
    assert.equal(report.columns[0].kind, 'ignored');
    assert.equal(table.text.name[0], 'Mask Off');
    assert.ok(!('id' in table.text));
    assert.equal(table.numeric.time_signature[0], 4);
  });

  test('data_moods: length → duration_ms, no mode column reported', async () => {
    const { table, report } = await readTracksCsv(path.join(DATA, 'mood_labelled/data_moods.csv'));
    assert.equal(table.numeric.duration_ms[0], 379266);
    assert.equal(table.numeric.acousticness[0], 0.13699999999999998);
    assert.deepEqual(report.missingOptional, ['mode']);
    assert.equal(table.text.mood.filter((m) => m === 'Sad').length, 197);
  });
});
