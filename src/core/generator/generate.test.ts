import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURE_SPEC } from '../data/features.ts';
import type { TrackTable } from '../data/track-table.ts';
import {
  BLOCK_SIZE,
  GENERATED_MOODS,
  GENERATED_NUMERIC_COLUMNS,
  GENERATED_TEXT_COLUMNS,
  GENERATOR_PARAMS,
  cholesky,
  generateCatalogue,
  generateCatalogueChunks,
} from './generate.ts';

function concat(tables: TrackTable[]): TrackTable {
  const first = tables[0];
  const numeric: Record<string, Float64Array> = {};
  const text: Record<string, string[]> = {};
  const n = tables.reduce((s, t) => s + t.rowCount, 0);
  for (const k of Object.keys(first.numeric)) {
    const out = new Float64Array(n);
    let o = 0;
    for (const t of tables) { out.set(t.numeric[k], o); o += t.rowCount; }
    numeric[k] = out;
  }
  for (const k of Object.keys(first.text)) text[k] = tables.flatMap((t) => t.text[k]);
  return { rowCount: n, numeric, text };
}

function sliceTable(t: TrackTable, from: number, to: number): TrackTable {
  const numeric: Record<string, Float64Array> = {};
  const text: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(t.numeric)) numeric[k] = v.slice(from, to);
  for (const [k, v] of Object.entries(t.text)) text[k] = v.slice(from, to);
  return { rowCount: to - from, numeric, text };
}

function mean(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s / a.length;
}

const big = generateCatalogue({ tracks: 20_000, seed: 7 });
const labelled = generateCatalogue({ tracks: 20_000, seed: 7, labelled: true });

test('columns: text id/name/artist/album/genre (+mood when labelled) and every feature', () => {
  assert.equal(big.rowCount, 20_000);
  assert.deepEqual(Object.keys(big.text).sort(), [...GENERATED_TEXT_COLUMNS].sort());
  assert.deepEqual(Object.keys(labelled.text).sort(), [...GENERATED_TEXT_COLUMNS, 'mood'].sort());
  assert.deepEqual(Object.keys(big.numeric).sort(), [...GENERATED_NUMERIC_COLUMNS].sort());
  for (const c of GENERATED_NUMERIC_COLUMNS) assert.equal(big.numeric[c].length, 20_000, c);
  for (const c of GENERATED_TEXT_COLUMNS) assert.ok(big.text[c].every((s) => typeof s === 'string' && s.length > 0), c);
});

test('same seed gives identical output; a different seed gives different output', () => {
  const a = generateCatalogue({ tracks: 1500, seed: 123 });
  const b = generateCatalogue({ tracks: 1500, seed: 123 });
  assert.deepEqual(a, b);
  const c = generateCatalogue({ tracks: 1500, seed: 124 });
  assert.notDeepEqual(a.text.id, c.text.id);
  let sameValence = 0;
  for (let i = 0; i < 1500; i++) if (a.numeric.valence[i] === c.numeric.valence[i]) sameValence++;
  assert.ok(sameValence < 50, `${sameValence} equal valences`);
  const la = generateCatalogue({ tracks: 500, seed: 123, labelled: true });
  assert.deepEqual(la, generateCatalogue({ tracks: 500, seed: 123, labelled: true }));
  assert.notDeepEqual(la.text.id, a.text.id.slice(0, 500));
});

test('every value is finite and within the features.ts range; discrete features are integers', () => {
  for (const t of [big, labelled]) {
    for (const c of GENERATED_NUMERIC_COLUMNS) {
      const spec = FEATURE_SPEC.get(c)!;
      const col = t.numeric[c];
      for (let i = 0; i < col.length; i++) {
        const v = col[i];
        if (!(Number.isFinite(v) && v >= spec.min && v <= spec.max)) assert.fail(`${c}[${i}] = ${v} outside [${spec.min}, ${spec.max}]`);
      }
    }
    for (const c of ['key', 'mode', 'time_signature', 'popularity', 'duration_ms']) {
      assert.ok(t.numeric[c].every((v) => Number.isInteger(v)), c);
    }
    assert.ok(t.numeric.key.every((v) => v >= 0 && v <= 11));
    assert.ok(t.numeric.mode.every((v) => v === 0 || v === 1));
    assert.ok(t.numeric.tempo.every((v) => v >= 30), 'tempo of a generated track is never a no-beat 0');
  }
});

test('ids are 22-char base62 and unique; artists repeat (~tracks/8)', () => {
  assert.ok(big.text.id.every((id) => /^[0-9A-Za-z]{22}$/.test(id)));
  assert.equal(new Set(big.text.id).size, big.rowCount);
  const artists = new Map<string, number>();
  for (const a of big.text.artist) artists.set(a, (artists.get(a) ?? 0) + 1);
  assert.ok(artists.size > 20_000 / 14 && artists.size < 20_000 / 5, `${artists.size} artists`);
  const counts = [...artists.values()].sort((x, y) => y - x);
  assert.ok(counts[0] >= 30, `most prolific artist has ${counts[0]} tracks`);
  assert.ok(new Set(big.text.name).size > 2000, 'titles vary');
  assert.ok(new Set(big.text.genre).size >= 6, 'several genres');
});

test('per-feature means of a 20k catalogue are close to the real marginal means in the JSON', () => {
  for (const c of GENERATED_NUMERIC_COLUMNS) {
    const m = GENERATOR_PARAMS.marginals[c];
    const got = mean(big.numeric[c]);
    const z = Math.abs(got - m.mean) / m.sd;
    assert.ok(z < 0.1, `${c}: generated mean ${got.toFixed(4)} vs real ${m.mean} (sd ${m.sd}): ${z.toFixed(3)} sd apart`);
  }
  // zero inflation of instrumentalness is kept
  const small = big.numeric.instrumentalness.filter((v) => v < 0.01).length / big.rowCount;
  assert.ok(small > 0.65 && small < 0.8, `P(instrumentalness < 0.01) = ${small}`);
});

test("labelled sample: class priors match data_moods' (140/197/154/195 of 686)", () => {
  const expected: Record<string, number> = { Happy: 140 / 686, Sad: 197 / 686, Energetic: 154 / 686, Calm: 195 / 686 };
  assert.deepEqual([...GENERATED_MOODS].sort(), Object.keys(expected).sort());
  for (const c of GENERATOR_PARAMS.labelled.classes) assert.ok(Math.abs(c.prior - expected[c.mood]) < 1e-4, c.mood);
  const counts = new Map<string, number>();
  for (const m of labelled.text.mood) counts.set(m, (counts.get(m) ?? 0) + 1);
  for (const [mood, p] of Object.entries(expected)) {
    const got = (counts.get(mood) ?? 0) / labelled.rowCount;
    assert.ok(Math.abs(got - p) < 0.015, `${mood}: ${got.toFixed(3)} vs ${p.toFixed(3)}`);
  }
});

test('labelled sample: per-class means follow the real per-class means', () => {
  for (const c of GENERATOR_PARAMS.labelled.classes) {
    const rows: number[] = [];
    labelled.text.mood.forEach((m, i) => { if (m === c.mood) rows.push(i); });
    for (const f of ['valence', 'energy', 'acousticness', 'danceability', 'loudness', 'tempo']) {
      const col = labelled.numeric[f];
      const got = rows.reduce((s, i) => s + col[i], 0) / rows.length;
      const sd = GENERATOR_PARAMS.marginals[f].sd;
      assert.ok(Math.abs(got - c.marginal_means[f]) < 0.1 * sd, `${c.mood} ${f}: ${got} vs ${c.marginal_means[f]}`);
    }
  }
  // and the classes are separated the way the real ones are, not trivially
  const byMood = (f: string, mood: string): number => {
    let s = 0, n = 0;
    labelled.text.mood.forEach((m, i) => { if (m === mood) { s += labelled.numeric[f][i]; n++; } });
    return s / n;
  };
  assert.ok(byMood('energy', 'Energetic') > byMood('energy', 'Happy'));
  assert.ok(byMood('energy', 'Happy') > byMood('energy', 'Sad'));
  assert.ok(byMood('acousticness', 'Calm') > byMood('acousticness', 'Sad'));
  assert.ok(byMood('valence', 'Happy') > byMood('valence', 'Sad'));
});

test('chunked form and startIndex give the same rows as the one-shot form', () => {
  for (const lab of [false, true]) {
    const whole = generateCatalogue({ tracks: 1000, seed: 99, labelled: lab });
    const chunks = [...generateCatalogueChunks({ tracks: 1000, seed: 99, chunkSize: 97, labelled: lab })];
    assert.equal(chunks.length, Math.ceil(1000 / 97));
    assert.ok(chunks.every((c) => c.rowCount <= 97));
    assert.deepEqual(concat(chunks), whole);
    const from = BLOCK_SIZE + 13;
    assert.deepEqual(generateCatalogue({ tracks: 300, seed: 99, labelled: lab, startIndex: from }), sliceTable(whole, from, from + 300));
  }
  assert.deepEqual([...generateCatalogueChunks({ tracks: 0, seed: 1 })], []);
});

test('invalid options are rejected', () => {
  assert.throws(() => generateCatalogue({ tracks: -1, seed: 1 }), RangeError);
  assert.throws(() => generateCatalogue({ tracks: 1.5, seed: 1 }), RangeError);
  assert.throws(() => generateCatalogue({ tracks: 1, seed: Number.NaN }), RangeError);
  assert.throws(() => generateCatalogue({ tracks: 1, seed: 1, startIndex: -3 }), RangeError);
  assert.throws(() => [...generateCatalogueChunks({ tracks: 10, seed: 1, chunkSize: 0 })], RangeError);
  assert.equal(generateCatalogue({ tracks: 0, seed: 1 }).rowCount, 0);
});

test('the parameter file is small, has provenance, and every covariance factors', () => {
  const json = JSON.stringify(GENERATOR_PARAMS);
  assert.ok(json.length < 50_000, `${json.length} chars`);
  const prov = GENERATOR_PARAMS.provenance as Record<string, unknown>;
  assert.equal(prov.script, 'scripts/fit-generator.py');
  assert.ok(Array.isArray(prov.catalogue_sources) && (prov.catalogue_sources as unknown[]).length >= 9);
  assert.ok(typeof prov.sklearn === 'string');
  for (const c of GENERATOR_PARAMS.catalogue.components) assert.doesNotThrow(() => cholesky(c.cov));
  for (const k of GENERATOR_PARAMS.labelled.classes) for (const c of k.components) assert.doesNotThrow(() => cholesky(c.cov));
  assert.throws(() => cholesky([[1, 2], [2, 1]]));
});
