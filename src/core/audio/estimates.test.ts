import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSignal } from './analyze-signal.ts';
import { analysedCorpus, type AnalysedCorpusFile } from '../../../test/support/audio-corpus.ts';

const corpus = analysedCorpus(analyzeSignal);
const named = (files: AnalysedCorpusFile[], re: RegExp) => {
  const hit = files.filter((f) => re.test(f.name));
  assert.ok(hit.length > 0, `no corpus file matches ${re}`);
  return hit;
};
const show = (files: AnalysedCorpusFile[], column: string) => files.map((f) => `${f.name}=${f.features[column].toFixed(3)}`).join(', ');

test('acousticness: each acoustic instrument above each electronic one, playing the same notes', async () => {
  const files = await corpus;
  const acoustic = named(files, /^chords-Cmaj-100bpm-44-(piano|nylonGuitar|strings)-/);
  const electronic = named(files, /^chords-Cmaj-100bpm-44-(sawLead|squareLead|distortedGuitar)-/);
  const low = Math.min(...acoustic.map((f) => f.features.acousticness));
  const high = Math.max(...electronic.map((f) => f.features.acousticness));
  assert.ok(low > high, `acoustic ${show(acoustic, 'acousticness')} vs electronic ${show(electronic, 'acousticness')}`);
});

test('speechiness: espeak-ng speech above every rendered music piece', async () => {
  const files = await corpus;
  const speech = files.filter((f) => f.kind === 'speech');
  const music = files.filter((f) => f.kind === 'piece');
  const low = Math.min(...speech.map((f) => f.features.speechiness));
  const top = music.reduce((a, b) => (b.features.speechiness > a.features.speechiness ? b : a));
  assert.ok(speech.length >= 2 && low > top.features.speechiness, `speech ${show(speech, 'speechiness')} vs music max ${top.name}=${top.features.speechiness}`);
});

test('energy: loud dense groove above quiet sparse piano; white noise above silence', async () => {
  const files = await corpus;
  const [loud] = named(files, /^groove-.*distortedGuitar-v120/);
  const [quiet] = named(files, /^sparse-/);
  const [noise] = named(files, /^white-noise/);
  const [silence] = named(files, /^silence$/);
  assert.ok(loud.features.energy > quiet.features.energy + 0.2, `${loud.features.energy} vs ${quiet.features.energy}`);
  assert.ok(noise.features.energy > silence.features.energy);
});

test('danceability: a steady groove at 118 BPM above sustained strings on the same chords and above speech', async () => {
  const files = await corpus;
  const [groove] = named(files, /^groove-Dmaj-118bpm/);
  const [pad] = named(files, /^pad-Dmaj-118bpm/);
  const speech = files.filter((f) => f.kind === 'speech');
  assert.ok(groove.features.danceability > pad.features.danceability, `${groove.features.danceability} vs pad ${pad.features.danceability}`);
  for (const s of speech) assert.ok(groove.features.danceability > s.features.danceability, `${groove.features.danceability} vs ${s.name} ${s.features.danceability}`);
});

test('valence: the same tune fast in major above slow in minor', async () => {
  const files = await corpus;
  const [happy] = named(files, /^chords-Gmaj-140bpm-44-piano/);
  const [sad] = named(files, /^chords-Gmin-70bpm-44-piano/);
  assert.ok(happy.features.valence > sad.features.valence + 0.2, `${happy.features.valence} vs ${sad.features.valence}`);
});

test('estimates stay on the 0 … 1 scale on every corpus file (NaN only where undefined: silence)', async () => {
  for (const f of await corpus) {
    for (const c of ['energy', 'danceability', 'acousticness', 'speechiness', 'valence']) {
      const v = f.features[c];
      if (f.kind === 'silence' && Number.isNaN(v)) continue;
      assert.ok(v >= 0 && v <= 1, `${f.name} ${c} = ${v}`);
    }
  }
});
