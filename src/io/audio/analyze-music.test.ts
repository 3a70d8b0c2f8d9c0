import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, symlink, utimes, writeFile, copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ANALYZER_VERSION } from '../../core/audio/analyze-signal.ts';
import { readTracksCsv } from '../csv/read-tracks.ts';
import { openStore } from '../store/open-store.ts';
import { tagDatabase } from '../store/tag-catalogue.ts';
import { buildMusicFolder, MBID, writeSilentWav, type MusicFile } from '../../../test/support/music-folder.ts';
import { analyzeMusic } from './analyze-music.ts';
import { analyzeFile } from './analyze-file.ts';
import { decodeAudioFile } from './decode-audio.ts';

let dir: string;
let files: MusicFile[];

before(async () => {
  ({ dir, files } = await buildMusicFolder());
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('analyze a music folder', () => {
  it('decodes every format with audio-decode (WAV, extensible WAV, MP3, FLAC, Vorbis, Opus, M4A) and reads the tags', async () => {
    for (const f of files) {
      const r = await analyzeFile(join(dir, f.rel), { ffmpegFallback: false });
      assert.ok(r.ok, `${f.rel}: ${r.ok ? '' : r.message}`);
      assert.match(r.decoder, /^audio-decode\//, f.rel);
      assert.ok(Math.abs(r.track.features.duration_ms - 4000) < 60, `${f.rel}: duration ${r.track.features.duration_ms}`);
      assert.equal(r.track.name, f.title, f.rel);
      assert.equal(r.track.analyzer_version, ANALYZER_VERSION);
      if (f.rel.endsWith('.flac')) assert.equal(r.track.id, MBID, 'MusicBrainz recording id is the track id');
      else assert.match(r.track.id, /^a_[0-9a-f]{24}$/);
      assert.ok(Number.isFinite(r.track.features.loudness) && Number.isFinite(r.track.features.tempo));
    }
    const ext = await readFile(join(dir, files[1].rel));
    assert.equal(ext.readUInt16LE(20), 0xfffe, 'the 24-bit file really is WAVE_FORMAT_EXTENSIBLE');
  });

  it('the content id does not depend on the path', async () => {
    const copy = join(dir, 'elsewhere.wav');
    await copyFile(join(dir, files[0].rel), copy);
    const [a, b] = await Promise.all([analyzeFile(join(dir, files[0].rel)), analyzeFile(copy)]);
    await rm(copy);
    assert.ok(a.ok && b.ok);
    assert.equal(a.track.id, b.track.id);
    // …nor on where the decoder cuts its chunks (tags written before the data chunk move the cuts).
    const [small, large] = await Promise.all([decodeAudioFile(copy.replace('elsewhere.wav', files[0].rel), { chunkBytes: 4098 }), decodeAudioFile(join(dir, files[0].rel), { chunkBytes: 1 << 20 })]);
    assert.equal(small.sampleHash, large.sampleHash);
  });

  it('writes a CSV that loads like any features CSV, resumes by path/size/mtime/version, and reports bad files per file', async () => {
    const bad = join(dir, 'bad');
    await mkdir(bad, { recursive: true });
    await writeFile(join(bad, 'empty.mp3'), '');
    await writeFile(join(bad, 'garbage.ogg'), 'not audio at all');
    const flac = await readFile(join(dir, files.find((f) => f.rel.endsWith('.flac'))!.rel));
    await writeFile(join(bad, 'cut.flac'), flac.subarray(0, flac.length / 3));
    const wav = await readFile(join(dir, files[0].rel));
    await writeFile(join(bad, 'cut.wav'), wav.subarray(0, wav.length / 2));
    await writeFile(join(bad, '.hidden.wav'), wav);
    await symlink('..', join(bad, 'loop'));
    const out = join(dir, 'out', 'features.csv');
    try {
      const first = await analyzeMusic([dir], { out });
      assert.equal(first.analysed, files.length);
      assert.deepEqual(first.failures.map((f) => [f.path.slice(bad.length + 1), f.reason]).sort(), [
        ['cut.flac', 'truncated'], ['cut.wav', 'truncated'], ['empty.mp3', 'empty'], ['garbage.ogg', 'unsupported'],
      ]);
      const { table } = await readTracksCsv(out);
      assert.equal(table.rowCount, files.length, 'hidden files and the symlink loop add nothing');
      assert.ok(['tempo', 'loudness', 'duration_ms'].every((c) => c in table.numeric));
      assert.deepEqual(table.text.analyzer_version.filter((v) => v !== ANALYZER_VERSION), []);
      const json = JSON.parse(await readFile(join(dir, 'out', 'analysis.json'), 'utf8'));
      assert.equal(json.columns.tempo.kind, 'measured');
      assert.ok(json.columns.tempo.check.length > 0);
      if (json.columns.energy) assert.equal(json.columns.energy.kind, 'estimated');

      const again = await analyzeMusic([dir], { out });
      assert.equal(again.skipped, files.length);
      assert.equal(again.analysed, 0);
      const touched = join(dir, files[2].rel);
      const later = new Date(Date.now() + 5000);
      await utimes(touched, later, later);
      const third = await analyzeMusic([dir], { out });
      assert.equal(third.analysed, 1, 'a changed mtime re-analyses that file only');
      assert.equal((await readTracksCsv(out)).table.rowCount, files.length);
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });

  it('worker threads give the same rows as one thread', async () => {
    const one = join(dir, 'one.csv'), two = join(dir, 'two.csv');
    await analyzeMusic([join(dir, 'Artist B')], { out: one, jobs: 1 });
    await analyzeMusic([join(dir, 'Artist B')], { out: two, jobs: 2 });
    assert.equal(await readFile(one, 'utf8'), await readFile(two, 'utf8'));
    await rm(one); await rm(two); await rm(join(dir, 'analysis.json'), { force: true });
  });

  it('writes into a catalogue store in one go and resumes from it; exits cleanly when nothing succeeds', async () => {
    const db = join(dir, 'music.db');
    const r = await analyzeMusic([dir], { db });
    assert.equal(r.analysed, files.length);
    const store = await openStore(db);
    try {
      assert.equal(await store.countTracks(), files.length);
      const t = await store.getTrack(MBID);
      assert.ok(t && t.features.tempo !== null && String(t.extra.path).endsWith('.flac'));
    } finally {
      await store.close();
    }
    assert.equal((await analyzeMusic([dir], { db })).skipped, files.length);
    await writeFile(join(dir, 'only-bad.wav'), 'RIFF');
    const none = await analyzeMusic([join(dir, 'only-bad.wav')], { out: join(dir, 'none.csv') });
    assert.equal(none.analysed, 0);
    await assert.rejects(readFile(join(dir, 'none.csv')), 'no output written when nothing succeeded');
    await rm(join(dir, 'only-bad.wav'));
  });

  it('a store with empty cells (the loudness of silence) is tagged with the audio mood model', async () => {
    const quiet = join(dir, 'quiet');
    await mkdir(quiet, { recursive: true });
    await writeSilentWav(join(quiet, 'silence.wav'), 3, 8000);
    await copyFile(join(dir, files[0].rel), join(quiet, 'tone.wav'));
    const db = join(dir, 'quiet.db');
    try {
      assert.equal((await analyzeMusic([quiet], { db })).analysed, 2);
      const store = await openStore(db);
      try {
        const silent = (await store.loadCatalog()).numeric.loudness;
        assert.ok(silent.some((v) => Number.isNaN(v)), 'silence has no loudness');
        const logged: string[] = [];
        const r = await tagDatabase(store, undefined, { log: (l) => logged.push(l) });
        assert.equal(r.tagged, 2);
        assert.match(logged.join('\n'), /audio mood model/);
      } finally {
        await store.close();
      }
    } finally {
      await rm(quiet, { recursive: true, force: true });
      await rm(db, { force: true });
    }
  });

  it('bounds memory on a 2-hour file: features from the window, duration from the whole file', async () => {
    const long = join(dir, 'long', 'two-hours.wav');
    await mkdir(join(dir, 'long'), { recursive: true });
    await writeSilentWav(long, 7200);
    try {
      const decoded = await decodeAudioFile(long, { maxSeconds: 60 });
      assert.equal(decoded.channels[0].length, 60 * 4000, 'only the window is kept');
      assert.equal(decoded.totalFrames, 7200 * 4000);
      const r = await analyzeFile(long, { maxSeconds: 60 });
      assert.ok(r.ok && r.clipped);
      assert.equal(r.track.features.duration_ms, 7_200_000);
    } finally {
      await rm(join(dir, 'long'), { recursive: true, force: true });
    }
  });
});
