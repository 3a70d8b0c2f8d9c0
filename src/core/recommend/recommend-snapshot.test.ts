/**
 * Pins recommend()'s output on a fixed synthetic catalogue: for a spread of queries, every returned
 * track (id, mood, confidence, score and reasons, in order), the pool steps, the query description,
 * the arc report and the warnings, compared with test/fixtures/recommend-snapshot.json (readable
 * JSON, so a failure shows the difference). The fixture was first checked against the hashes the
 * straightforward implementation gave before it was optimised; any change in results — tracks,
 * order, scores or reasons — fails here. (A track's features are its catalogue row's, fixed by its id.)
 *
 * To regenerate after a deliberate change of behaviour (then review the diff of the fixture):
 *   REC_SNAPSHOT_WRITE=1 node --import tsx --test src/core/recommend/recommend-snapshot.test.ts
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRng } from '../common/random.ts';
import {
  addFeedback, buildRecCatalog, knobScale, monotoneRuns, selectArc, type Knob, emptyProfile, exactIndex, recommend, type RecCatalog, type RecOptions, type RecQuery, type RecResult,
} from './index.ts';
import { syntheticCatalogue, stubTagger } from '../../../test/support/recommend-fixtures.ts';

const table = syntheticCatalogue(6000, 3);
const catalog: RecCatalog = buildRecCatalog(table, stubTagger);
const indexed: RecCatalog = { ...catalog, index: exactIndex(catalog.scaled, catalog.dims) };

const profile = addFeedback(
  emptyProfile('carol'),
  [0, 1, 2, 3, 4, 5].map((i) => ({ id: `x${i}`, features: { energy: 0.9, valence: 0.8, tempo: 150 } })),
  [{ id: 't00042', features: { energy: 0.2 } }, { id: 't00043', features: { energy: 0.25 } }],
);

const CASES: readonly { name: string; query: RecQuery; catalog?: RecCatalog; opts?: RecOptions }[] = [
  { name: 'mood happy', query: { moods: ['happy'] } },
  { name: 'mood calm λ=1', query: { moods: ['calm'], lambda: 1 } },
  { name: 'moods sad+calm λ=0.2 limit 35', query: { moods: ['sad', 'calm'], lambda: 0.2, limit: 35 } },
  { name: 'mood energetic limit 100 cap 1', query: { moods: ['energetic'], limit: 100, artistCap: 1 } },
  { name: 'context workout', query: { context: 'workout' } },
  { name: 'context relax + target valence', query: { context: 'relax', target: { valence: 0.6 }, limit: 15 } },
  { name: 'context party + max tempo', query: { context: 'party', max: { tempo: 140 } } },
  { name: 'mood happy + target energy (server bench shape)', query: { moods: ['Happy'], target: { energy: 0.512345 }, limit: 20 } },
  { name: 'targets only + bounds', query: { target: { energy: 0.7, danceability: 0.6, tempo: 120 }, min: { valence: 0.3 }, max: { acousticness: 0.5 } } },
  { name: 'seeds 2', query: { seeds: ['t00010', 't00020'] } },
  { name: 'seeds + mood', query: { seeds: ['t00100'], moods: ['happy'], lambda: 0.5 } },
  { name: 'seeds via index', query: { seeds: ['t00010', 't00777', 't01234'], limit: 25 }, catalog: indexed, opts: { exactLimit: 0 } },
  { name: 'arc calm-to-energetic', query: { arc: 'calm-to-energetic', limit: 20 } },
  { name: 'arc warm-up + mood', query: { arc: 'warm-up-peak-cool-down', moods: ['energetic'], limit: 12 } },
  { name: 'arc sad-to-happy + context', query: { arc: 'sad-to-happy', context: 'dinner', limit: 10 } },
  { name: 'taste', query: { target: { energy: 0.4 }, taste: profile, limit: 30 } },
  { name: 'taste + context', query: { context: 'focus', taste: profile } },
  { name: 'tiny pool (warning)', query: { moods: ['happy'], min: { valence: 0.9, energy: 0.7 }, max: { energy: 0.75 }, limit: 25 } },
];

/** A result as the fixture holds it: as JSON says it, without the features (fixed by the id) and row numbers. */
function readable(r: RecResult): unknown {
  const { rows: _rows, tracks, ...rest } = r;
  const t = tracks.map((x) => ({ id: x.id, name: x.name, artist: x.artist, mood: x.mood, confidence: x.confidence, score: x.score, why: x.why }));
  return JSON.parse(JSON.stringify({ tracks: t, ...rest }));
}

const FIXTURE_FILE = fileURLToPath(new URL('../../../test/fixtures/recommend-snapshot.json', import.meta.url));
const WRITE = process.env.REC_SNAPSHOT_WRITE === '1';
const FIXTURE: Record<string, unknown> = WRITE ? {} : JSON.parse(readFileSync(FIXTURE_FILE, 'utf8'));
const FRESH: Record<string, unknown> = {};
after(() => {
  if (WRITE) writeFileSync(FIXTURE_FILE, JSON.stringify(FRESH, null, 1) + '\n');
});

describe('recommend() output is pinned', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const r = recommend(c.catalog ?? catalog, c.query, c.opts);
      if (WRITE) FRESH[c.name] = readable(r);
      else assert.deepEqual(readable(r), FIXTURE[c.name]);
    });
  }
  it('an emptied pool names the constraint, as before', () => {
    assert.throws(() => recommend(catalog, { moods: ['sad'], min: { energy: 0.6, valence: 0.45 } }), {
      message: 'empty pool: the constraint "min_valence 0.45 (query)" removed every remaining track (on its own it keeps 3273 tracks, but none of the 187 left by the earlier constraints; 6000 in the catalogue → 1145 after predicted mood is sad → 187 after min_energy 0.6 (query) → 0 after min_valence 0.45 (query))',
    });
  });
});

/** selectArc as it was: a full scan of the pool per step (the reference for the bucketed search). */
function selectArcReference(
  attributes: readonly Knob[], targets: readonly Float64Array[], pool: ArrayLike<number>,
  valueOf: (row: number, attribute: Knob) => number,
  hooks: { extraCost?: (row: number) => number; accept?: (row: number) => boolean; take?: (row: number) => void },
): number[] {
  const n = pool.length, d = attributes.length;
  const vals = new Float64Array(n * d);
  const scales = attributes.map((a) => knobScale(a));
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) vals[i * d + j] = valueOf(pool[i], attributes[j]) / scales[j];
  const extra = new Float64Array(n);
  if (hooks.extraCost) for (let i = 0; i < n; i++) extra[i] = hooks.extraCost(pool[i]);
  const used = new Uint8Array(n);
  const chosen: number[] = [];
  for (const target of targets) {
    let best = -1, bestCost = Infinity;
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      let s = 0;
      for (let j = 0; j < d; j++) { const t = vals[i * d + j] - target[j] / scales[j]; s += t * t; }
      const cost = Math.sqrt(s / d) + extra[i];
      if (cost < bestCost) {
        if (hooks.accept && !hooks.accept(pool[i])) continue;
        best = i; bestCost = cost;
      }
    }
    if (best < 0) break;
    used[best] = 1;
    chosen.push(pool[best]);
    hooks.take?.(pool[best]);
  }
  for (const r of monotoneRuns(targets.slice(0, chosen.length).map((t) => t[0]))) {
    if (r.direction === 0 || r.end <= r.start) continue;
    const part = chosen.slice(r.start, r.end + 1).sort((a, b) => (valueOf(a, attributes[0]) - valueOf(b, attributes[0])) * r.direction);
    chosen.splice(r.start, part.length, ...part);
  }
  return chosen;
}

describe('selectArc picks what a full scan picks', () => {
  const attributes: Knob[] = ['energy', 'valence', 'tempo'];
  for (const [name, levels, nanShare, withExtra] of [
    ['continuous values', 0, 0, false], ['continuous, extra cost, NaNs', 0, 0.05, true],
    ['coarse values (many ties)', 4, 0, false], ['coarse values, extra cost, NaNs', 5, 0.1, true], ['one value', 1, 0, true],
  ] as const) {
    it(name, () => {
      const rng = createRng(levels * 31 + (withExtra ? 7 : 1));
      const n = 3000;
      const q = (x: number) => (levels ? Math.floor(x * levels) / levels : x);
      const cols: Record<string, Float64Array> = {
        energy: Float64Array.from({ length: n }, () => (rng.next() < nanShare ? NaN : q(rng.next()))),
        valence: Float64Array.from({ length: n }, () => (rng.next() < nanShare ? NaN : q(rng.next()))),
        tempo: Float64Array.from({ length: n }, () => 60 + 120 * q(rng.next())),
      };
      const extra = Float64Array.from({ length: n }, () => (levels ? q(rng.next()) * 0.1 : 0.1 * rng.next()));
      const pool = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 1);
      const valueOf = (r: number, a: Knob) => cols[a][r];
      for (const steps of [1, 12, 60]) {
        const targets = Array.from({ length: steps }, (_, s) => Float64Array.from([0.1 + 0.8 * s / Math.max(1, steps - 1), 0.7 - 0.4 * s / Math.max(1, steps - 1), 150 - s]));
        const run = (f: typeof selectArcReference) => {
          const taken = new Set<number>();
          return f(attributes, targets, pool, valueOf, {
            extraCost: withExtra ? (r) => extra[r] : undefined,
            accept: (r) => r % 7 !== 3 && !(taken.has(r - 1) && r % 2 === 0),
            take: (r) => { taken.add(r); },
          });
        };
        assert.deepEqual(run(selectArc), run(selectArcReference), `${steps} steps`);
      }
    });
  }
  it('equal costs on both sides of the target go to the earlier pool row', () => {
    const n = 400;
    const energy = Float64Array.from({ length: n }, (_, i) => ((i * 7) % 4) / 4);
    const flat = new Float64Array(n).fill(0.5);
    const cols: Record<string, Float64Array> = { energy, valence: flat, tempo: flat };
    const pool = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
    const targets = [0.125, 0.375, 0.625, 0.125, 0.375, 0.875, 0.625].map((e) => Float64Array.from([e, 0.5, 0.5]));
    const valueOf = (r: number, a: Knob) => cols[a][r];
    assert.deepEqual(selectArc(attributes, targets, pool, valueOf), selectArcReference(attributes, targets, pool, valueOf, {}));
  });
});

describe('id lookups', () => {
  it('a caller-supplied rowOf map gives the same results', () => {
    const rowOf = new Map(table.text.id!.map((id, i) => [id, i] as const));
    const withMap: RecCatalog = { ...catalog, rowOf };
    for (const name of ['seeds 2', 'seeds + mood', 'taste', 'taste + context']) {
      const c = CASES.find((x) => x.name === name)!;
      if (!WRITE) assert.deepEqual(readable(recommend(withMap, c.query, c.opts)), FIXTURE[name], name);
    }
  });

  it('with duplicate ids, every row carrying a seed or skipped id is left out', () => {
    const seedQ: RecQuery = { seeds: ['t00010'], limit: 30, lambda: 1 };
    const skipQ: RecQuery = { target: { energy: 0.3 }, taste: profile, limit: 30, lambda: 1 };
    const nearest = recommend(catalog, seedQ).rows[0], best = recommend(catalog, skipQ).rows[0];
    const ids = [...table.text.id!];
    ids[nearest] = 't00010';
    ids[best] = 't00042';
    const dup = buildRecCatalog({ ...table, text: { ...table.text, id: ids } }, stubTagger);
    const res = recommend(dup, seedQ);
    assert.ok(!res.rows.includes(10) && !res.rows.includes(nearest));
    assert.equal(res.tracks.length, 30);
    const skip = recommend(dup, skipQ);
    assert.ok(!skip.rows.includes(42) && !skip.rows.includes(best));
    assert.equal(skip.tracks.length, 30);
  });
});

describe('exact ties (every track three times)', () => {
  // Scores tie exactly between copies, so which rows survive the top-m cut depends on the order rows
  // are offered; the fixture was checked against the implementation before the optimisation.
  const src = syntheticCatalogue(1500, 5);
  const n = src.rowCount * 3;
  const numeric: Record<string, Float64Array> = {};
  for (const [k, c] of Object.entries(src.numeric)) numeric[k] = Float64Array.from({ length: n }, (_, i) => c[i % src.rowCount]);
  const text = {
    id: Array.from({ length: n }, (_, i) => `d${i}`),
    name: Array.from({ length: n }, (_, i) => `${src.text.name![i % src.rowCount]} v${Math.floor(i / src.rowCount)}`),
    artist: Array.from({ length: n }, (_, i) => `${src.text.artist![i % src.rowCount]} ${Math.floor(i / src.rowCount)}`),
  };
  const dup = buildRecCatalog({ rowCount: n, numeric, text }, stubTagger);
  const cases: RecQuery[] = [
    { moods: ['happy'], target: { energy: 0.6 } },
    { moods: ['calm'], lambda: 1, limit: 40 },
    { context: 'workout', limit: 30 },
    { seeds: ['d7'], moods: ['sad'] },
    { seeds: ['d100', 'd2000'], target: { tempo: 120 }, lambda: 0.9 },
    { target: { valence: 0.5, energy: 0.5 }, lambda: 1, limit: 100 },
  ];
  for (const q of cases) {
    it(JSON.stringify(q), () => {
      const r = recommend(dup, q), name = `exact ties: ${JSON.stringify(q)}`;
      if (WRITE) FRESH[name] = readable(r);
      else assert.deepEqual(readable(r), FIXTURE[name]);
    });
  }
});
