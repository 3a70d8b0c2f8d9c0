/**
 * `moodscape analyze` end to end, as a user runs it, against the real tools music lives in: a
 * folder of generated pieces plus a few of Debian's wesnoth Ogg recordings; a private beets
 * library; a private mpd on a free loopback port; mutagen for a second reading of the tags.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFile } from 'music-metadata';
import { parse } from 'csv-parse/sync';
import { parseM3u } from '../../../io/playlist-export.ts';
import { decodeAudioFile } from '../../../io/audio/decode-audio.ts';
import { BIN, runCli } from '../../../../test/support/cli.ts';
import { buildMusicFolder, type MusicFile } from '../../../../test/support/music-folder.ts';
import { buildBeetsLibrary, run, startMpd } from '../../../../test/support/music-services.ts';

const WESNOTH = '/usr/share/games/wesnoth/1.16/data/core/music';
const REAL = ['defeat.ogg', 'elf-land.ogg', 'revelation.ogg', 'sad.ogg', 'transience.ogg'];

let root: string;
let music: string;
let files: string[];

before(async () => {
  const built = await buildMusicFolder({ formats: ['wav', 'mp3', 'flac', 'ogg', 'opus'] });
  root = built.dir;
  music = join(root, 'Music');
  await mkdir(join(music, 'wesnoth'), { recursive: true });
  const generated: MusicFile[] = built.files;
  for (const f of generated) {
    await mkdir(join(music, f.rel, '..'), { recursive: true });
    await copyFile(join(root, f.rel), join(music, f.rel));
  }
  for (const f of REAL) await copyFile(join(WESNOTH, f), join(music, 'wesnoth', f));
  files = [...generated.map((f) => join(music, f.rel)), ...REAL.map((f) => join(music, 'wesnoth', f))].sort();
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('moodscape analyze (CLI)', () => {
  it('analyze --db, then recommend --context focus --format m3u, and a private mpd loads the playlist', async () => {
    const db = join(root, 'music.db');
    const a = await runCli(['analyze', music, '--db', db, '--jobs', '2']);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, new RegExp(`analysed ${files.length} files`));
    const playlists = join(root, 'playlists');
    await mkdir(playlists);
    const out = join(playlists, 'focus.m3u');
    const r = await runCli(['recommend', '--db', db, '--context', 'focus', '--format', 'm3u', '--music-dir', music, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /audio mood model/, 'says which model it used');
    const entries = parseM3u(await readFile(out, 'utf8'));
    assert.ok(entries.length > 0, 'focus finds tracks among the recordings');
    for (const e of entries) assert.ok(!e.location.startsWith('/') && files.includes(join(music, e.location)), e.location);

    const mpd = await startMpd(join(root, 'mpd'), music, playlists);
    try {
      mpd.mpc('update', '--wait');
      mpd.mpc('load', 'focus');
      const queued = mpd.mpc('-f', '%file%', 'playlist').trim().split('\n');
      assert.deepEqual(queued, entries.map((e) => e.location));
    } finally {
      await mpd.stop();
    }
  });

  it('--write-tags and --beets: moods in the files (audio untouched, read back by music-metadata and mutagen) and in beets', async () => {
    const beets = buildBeetsLibrary(join(root, 'beets'), music);
    const before = new Map<string, string>();
    for (const f of files) before.set(f, (await decodeAudioFile(f)).sampleHash);
    const out = join(root, 'tagged', 'features.csv');
    const a = await runCli(['analyze', music, '--out', out, '--write-tags', '--beets', beets.library, '--json']);
    assert.equal(a.code, 0, a.stderr);
    const summary = JSON.parse(a.stdout);
    assert.equal(summary.analysed, files.length);
    assert.equal(summary.beets.written, files.length);
    assert.equal(summary.tagsWritten.written + summary.tagsWritten.uncertain, files.length);
    assert.deepEqual(summary.tagsWritten.failed, []);
    assert.ok(summary.tagsWritten.written > 0, 'some files got a mood');

    const tagged = await runCli(['tag', out, '--out', join(root, 'tagged', 'moods.csv')]);
    assert.equal(tagged.code, 0, tagged.stderr);
    assert.match(tagged.stderr, /using moodscape's audio mood model/);
    const rows = parse(await readFile(join(root, 'tagged', 'moods.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const features = parse(await readFile(out, 'utf8'), { columns: true }) as Record<string, string>[];
    const pathOf = new Map(features.map((r) => [r.id, r.path]));
    const moodOf = new Map(rows.map((r) => [pathOf.get(r.id)!, r.mood]));
    assert.equal(moodOf.size, files.length);

    for (const f of files) {
      assert.equal((await decodeAudioFile(f)).sampleHash, before.get(f), `${f}: decoded samples unchanged`);
      const mood = moodOf.get(f)!;
      const meta = await parseFile(f);
      if (mood === 'uncertain') { assert.equal(meta.common.mood, undefined, `${f}: no mood written for uncertain`); continue; }
      assert.equal(meta.common.mood, mood, f);
      assert.ok(Number(meta.common.bpm) > 0, `${f}: bpm`);
      const py = `import mutagen,sys,json\nm=mutagen.File(sys.argv[1])\nt=m.tags\nif hasattr(t,'getall'):\n  print(json.dumps({'mood':str(t.getall('TMOO')[0]),'bpm':str(t.getall('TBPM')[0])}))\nelse:\n  print(json.dumps({'mood':t['mood'][0],'bpm':t['bpm'][0]}))`;
      const cross = JSON.parse(run('/usr/bin/python3', ['-c', py, f]));
      assert.equal(cross.mood, mood, `${f}: mutagen reads the same mood`);
      assert.equal(Number(cross.bpm), Number(meta.common.bpm));
    }

    for (const mood of new Set(moodOf.values())) {
      const listed = beets.beet('ls', '-p', `mood:${mood}`).trim().split('\n').filter(Boolean).sort();
      const expected = [...moodOf].filter(([, m]) => m === mood).map(([p]) => p).sort();
      assert.deepEqual(listed, expected, `beet ls mood:${mood}`);
    }

    const again = await runCli(['analyze', music, '--out', out, '--json']);
    assert.equal(JSON.parse(again.stdout).skipped, files.length, 'writing tags keeps the files resumable');
  });

  it('an unreadable file is reported and the run goes on (root without its DAC capabilities, which otherwise read everything)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'moodscape-perm-'));
    try {
      await copyFile(files[0], join(dir, 'ok.' + files[0].split('.').pop()));
      await copyFile(files[0], join(dir, 'locked.wav'));
      await chmod(join(dir, 'locked.wav'), 0o000);
      const caps = '-dac_override,-dac_read_search';
      const r = spawnSync('setpriv', [`--bounding-set=${caps}`, `--inh-caps=${caps}`, process.execPath, BIN, 'analyze', dir, '--out', join(dir, 'f.csv')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /locked\.wav: permission denied/);
      assert.match(r.stdout, /analysed 1 files, .* 1 failed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exit status 2 with a per-file report when nothing could be analysed', async () => {
    const bad = join(root, 'bad');
    await mkdir(bad);
    await writeFile(join(bad, 'empty.flac'), '');
    const r = await runCli(['analyze', bad, join(bad, 'missing.mp3'), '--out', join(bad, 'f.csv')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /empty\.flac: zero-length file/);
    assert.match(r.stderr, /missing\.mp3: no such file/);
  });
});
