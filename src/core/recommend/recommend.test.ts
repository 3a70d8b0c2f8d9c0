import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../common/errors.ts';
import {
  BUILTIN_CONTEXTS, buildRecCatalog, diversityViolations, maxPerArtist, recommend, resolveContext, parseContextPresets,
  parseArcCurve, NAMED_ARCS, monotoneRuns, sampleArc, addFeedback, emptyProfile, MAX_SHIFT, exactNearest,
  buildScaledSpace, trackSimilarity, exactIndex, buildIvfIndex, type RecCatalog, type RecResult,
} from './index.ts';
import { syntheticCatalogue, stubTagger } from '../../../test/support/recommend-fixtures.ts';

const table = syntheticCatalogue(3000);
const catalog: RecCatalog = buildRecCatalog(table, stubTagger);

function throwsInput(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof InputError && re.test(e.message), `expected InputError matching ${re}`);
}

function assertRules(res: RecResult): void {
  assert.deepEqual(diversityViolations(table, res.rows), []);
  assert.equal(new Set(res.tracks.map((t) => t.id)).size, res.tracks.length);
  for (const t of res.tracks) assert.ok(t.why.length >= 2, 'every track carries reasons');
}

describe('mood playlists', () => {
  it('returns only tracks of the mood, ranked by its probability, within the diversity rules', () => {
    const res = recommend(catalog, { moods: ['Happy'] });
    assert.equal(res.tracks.length, 20);
    for (const t of res.tracks) assert.equal(t.mood, 'happy');
    assert.equal(res.pool.initial, 3000);
    assert.ok(res.pool.afterFiltering < 3000 && res.pool.afterFiltering > 20);
    assertRules(res);
    const artists = new Map<string, number>();
    for (const t of res.tracks) artists.set(t.artist, (artists.get(t.artist) ?? 0) + 1);
    assert.ok(Math.max(...artists.values()) <= 2, 'artist cap 2 per 20');
    assert.ok(res.tracks[0].why[0].startsWith('predicted mood happy'));
    assert.ok(typeof res.tracks[0].energy === 'number', 'features are in the output');
  });

  it('λ trades relevance for diversity', () => {
    const ild = (res: RecResult) => {
      let s = 0, c = 0;
      for (let i = 0; i < res.rows.length; i++) for (let j = i + 1; j < res.rows.length; j++) { s += 1 - trackSimilarity(catalog.scaled, catalog.dims, res.rows[i], res.rows[j]); c++; }
      return s / c;
    };
    const relevant = recommend(catalog, { moods: ['calm'], lambda: 1 });
    const diverse = recommend(catalog, { moods: ['calm'], lambda: 0.3 });
    assert.ok(ild(diverse) > ild(relevant));
    const meanScore = (r: RecResult) => r.tracks.reduce((a, t) => a + t.score, 0) / r.tracks.length;
    assert.ok(meanScore(relevant) >= meanScore(diverse));
  });

  it('artist cap scales with the limit and holds for 100 tracks', () => {
    const res = recommend(catalog, { moods: ['energetic'], limit: 100, artistCap: 1 });
    assert.equal(maxPerArtist(100, { cap: 1, per: 20 }), 5);
    assert.deepEqual(diversityViolations(table, res.rows, { cap: 1, per: 20 }), []);
  });
});

describe('contexts', () => {
  for (const ctx of BUILTIN_CONTEXTS) {
    it(`${ctx.name}: every returned track meets the context's constraints`, () => {
      const res = recommend(catalog, { context: ctx.name, limit: 15 });
      assert.ok(res.tracks.length > 0);
      assertRules(res);
      for (const t of res.tracks) {
        for (const [k, v] of Object.entries(ctx.min ?? {})) assert.ok((t[k] as number) >= v, `${t.id} ${k} ${t[k]} ≥ ${v}`);
        for (const [k, v] of Object.entries(ctx.max ?? {})) assert.ok((t[k] as number) <= v, `${t.id} ${k} ${t[k]} ≤ ${v}`);
        if (ctx.tempoBands) assert.ok(ctx.tempoBands.some(([a, b]) => (t.tempo as number) >= a && (t.tempo as number) <= b));
        for (const p of ctx.excludeMoods ?? []) assert.ok(!new RegExp(p, 'i').test(t.mood), `${t.mood} excluded by ${p}`);
      }
    });
  }

  it('study is an alias of focus and the error lists the contexts', () => {
    assert.equal(resolveContext('Study').name, 'focus');
    throwsInput(() => recommend(catalog, { context: 'gym' }), /unknown context "gym".*workout/);
  });

  it('user presets are validated with errors naming the field', () => {
    const [p] = parseContextPresets({ contexts: [{ name: 'gym', min: { energy: 0.7 }, tempoBands: [[120, 140]], preferMoods: ['energ'] }] });
    const res = recommend(catalog, { context: 'gym' }, { contexts: [p] });
    for (const t of res.tracks) assert.ok((t.energy as number) >= 0.7 && (t.tempo as number) >= 120 && (t.tempo as number) <= 140);
    throwsInput(() => parseContextPresets([{ name: 'x', min: { energy: 2 } }], 'p.json'), /p\.json: context "x": min\.energy must be in \[0, 1\], got 2/);
    throwsInput(() => parseContextPresets([{ name: 'x', min: { vibe: 1 } }]), /min\.vibe is not an attribute/);
    throwsInput(() => parseContextPresets([{ name: 'x', min: { energy: 0.8 }, max: { energy: 0.2 } }]), /min\.energy \(0\.8\) is greater than max\.energy/);
    throwsInput(() => parseContextPresets([{ name: 'x', tempoBands: [[140, 120]] }]), /tempoBands\[0\]/);
    throwsInput(() => parseContextPresets([{ name: 'x', colour: 'red' }]), /colour is not a context field/);
    throwsInput(() => parseContextPresets({ nope: 1 }), /expected an array/);
  });
});

describe('seeds and knobs', () => {
  it('never returns the seeds and ranks neighbours of the seeds first', () => {
    const seeds = ['t00010', 't00020'];
    const res = recommend(catalog, { seeds, lambda: 1, limit: 10 });
    for (const t of res.tracks) assert.ok(!seeds.includes(t.id));
    assert.ok(res.tracks[0].why.some((w) => w.startsWith('close to seed')));
    const nn = exactNearest(catalog.scaled, catalog.dims, catalog.scaled.subarray(10 * catalog.dims, 11 * catalog.dims), 2);
    assert.equal(nn.rows[0], 10);
  });

  it('the index path (large catalogues) gives the same seed playlist as the exact scan, through an exact or an IVF index', () => {
    const q = { seeds: ['t00042'], limit: 10 };
    const want = recommend(catalog, q).tracks.map((t) => t.id);
    for (const index of [exactIndex(catalog.scaled, catalog.dims), buildIvfIndex(catalog.scaled, catalog.dims)]) {
      const viaIndex = recommend({ ...catalog, index }, q, { exactLimit: 0 });
      assert.deepEqual(viaIndex.tracks.map((t) => t.id), want, index.kind);
      assert.ok(!viaIndex.tracks.some((t) => t.id === 't00042'));
    }
  });

  it('seed moods and seed tracks combine, up to five in all', () => {
    const res = recommend(catalog, { seeds: ['t00001'], moods: ['sad'], limit: 5 });
    for (const t of res.tracks) assert.equal(t.mood, 'sad');
    throwsInput(() => recommend(catalog, { seeds: ['t00001', 't00002', 't00003', 't00004'], moods: ['sad', 'calm'] }), /at most 5 seeds/);
  });

  it('min_/max_ are hard, target_ pulls, and the query echoes them', () => {
    const res = recommend(catalog, { min: { tempo: 120 }, max: { speechiness: 0.1 }, target: { energy: 0.8 } });
    for (const t of res.tracks) {
      assert.ok((t.tempo as number) >= 120 && (t.speechiness as number) <= 0.1);
      assert.ok(Math.abs((t.energy as number) - 0.8) < 0.15);
    }
    assert.deepEqual(res.query.min, { tempo: 120 });
    assert.deepEqual(res.query.target, { energy: 0.8 });
    assert.ok(res.tracks[0].why.some((w) => w.includes('min_tempo 120')));
  });
});

describe('bad input', () => {
  it('unknown mood lists the model moods', () => throwsInput(() => recommend(catalog, { moods: ['joyful'] }), /unknown mood "joyful".*happy, sad, energetic, calm/));
  it('unknown seed id names the nearest ids', () => throwsInput(() => recommend(catalog, { seeds: ['t0001x'] }), /unknown seed track id "t0001x".*nearest: t0001/));
  it('limit out of range', () => {
    throwsInput(() => recommend(catalog, { moods: ['sad'], limit: 0 }), /limit must be an integer in 1\.\.100, got 0/);
    throwsInput(() => recommend(catalog, { moods: ['sad'], limit: 101 }), /got 101/);
  });
  it('min > max, also against a context', () => {
    throwsInput(() => recommend(catalog, { moods: ['sad'], min: { energy: 0.8 }, max: { energy: 0.2 } }), /min_energy \(0\.8\) is greater than max_energy \(0\.2\)/);
    throwsInput(() => recommend(catalog, { context: 'sleep', min: { energy: 0.5 } }), /min_energy 0\.5 \(query\) is greater than max_energy 0\.35 \(context sleep\)/);
  });
  it('target outside the attribute range', () => {
    throwsInput(() => recommend(catalog, { target: { energy: 1.5 } }), /target_energy must be in \[0, 1\], got 1\.5/);
    throwsInput(() => recommend(catalog, { target: { tempo: -3 } }), /target_tempo must be in \[0, 300\]/);
    throwsInput(() => recommend(catalog, { target: { vibe: 1 } }), /unknown attribute "vibe"/);
  });
  it('an empty pool names the constraint that emptied it', () => {
    throwsInput(() => recommend(catalog, { moods: ['calm'], min: { energy: 0.95 } }), /empty pool: the constraint "min_energy 0\.95 \(query\)" removed every remaining track/);
    throwsInput(() => recommend(catalog, { context: 'sleep', min: { tempo: 150 } }), /"min_tempo 150 \(query\)" removed every remaining track \(on its own it keeps \d+ tracks.*tempo in 40–110 BPM/);
  });
  it('a query with nothing to go on', () => throwsInput(() => recommend(catalog, {}), /nothing to recommend/));
});

describe('arcs', () => {
  it('calm-to-energetic is monotone in energy, with a fit report', () => {
    const res = recommend(catalog, { arc: 'calm-to-energetic', limit: 20 });
    assert.equal(res.tracks.length, 20);
    const e = res.tracks.map((t) => t.energy as number);
    for (let i = 1; i < e.length; i++) assert.ok(e[i] >= e[i - 1], `energy rises at step ${i + 1}`);
    assert.ok(res.arc);
    assert.equal(res.arc.steps.length, 20);
    assert.ok(res.arc.meanError < 0.1, `mean error ${res.arc.meanError}`);
    assert.ok(res.arc.largestJump.size > 0);
    assert.ok(res.arc.monotone.every((m) => m.holds));
    assertRules(res);
  });

  it('warm-up-peak-cool-down rises to the peak then falls', () => {
    const res = recommend(catalog, { arc: 'warm-up-peak-cool-down', limit: 21 });
    const e = res.tracks.map((t) => t.energy as number);
    const runs = monotoneRuns(sampleArc(NAMED_ARCS[2], 21).targets.map((t) => t[0]));
    assert.equal(runs.length, 2);
    for (const r of runs) for (let i = r.start + 1; i <= r.end; i++) assert.ok((e[i] - e[i - 1]) * r.direction >= 0);
  });

  it('JSON curves are validated and arcs combine with contexts', () => {
    const arc = parseArcCurve({ name: 'dip', points: [{ at: 0, valence: 0.8 }, { at: 0.5, valence: 0.2 }, { at: 1, valence: 0.8 }] });
    const res = recommend(catalog, { arc, context: 'commute', limit: 12 });
    for (const t of res.tracks) assert.ok((t.energy as number) >= 0.4 && (t.energy as number) <= 0.9);
    throwsInput(() => parseArcCurve({ points: [{ at: 0, energy: 0.2 }] }), /at least two points/);
    throwsInput(() => parseArcCurve({ points: [{ at: 0.5, energy: 0.2 }, { at: 0.4, energy: 0.3 }] }), /points\[1\]\.at/);
    throwsInput(() => parseArcCurve({ points: [{ at: 0, energy: 2 }, { at: 1, energy: 0.3 }] }), /points\[0\]\.energy must be a number in \[0, 1\]/);
    throwsInput(() => recommend(catalog, { arc: 'rollercoaster' }), /unknown arc.*calm-to-energetic/);
  });
});

describe('taste', () => {
  it('shifts targets towards likes, bounded, explained, and skips are not returned', () => {
    const liked = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ id: `x${i}`, features: { energy: 0.95, valence: 0.9 } }));
    const skipped = [{ id: 't00100', features: { energy: 0.1 } }];
    const profile = addFeedback(emptyProfile('alice'), liked, skipped);
    const res = recommend(catalog, { target: { energy: 0.4 }, taste: profile, limit: 30 });
    const shift = (res.query.tasteShifts as { attribute: string; from: number; to: number; capped: boolean }[]).find((s) => s.attribute === 'energy')!;
    assert.equal(shift.from, 0.4);
    assert.ok(shift.to > 0.4 && shift.to <= 0.4 + MAX_SHIFT + 1e-9);
    assert.equal(shift.capped, true);
    assert.ok(res.tracks.every((t) => t.id !== 't00100'));
    assert.ok(res.tracks[0].why.some((w) => /taste of alice \(8 likes, 1 skip\).*energy 0\.40 → 0\.55/.test(w)));
  });

  it('feedback moves an id between lists', () => {
    let p = addFeedback(emptyProfile('bob'), [{ id: 'a', features: {} }], []);
    p = addFeedback(p, [], [{ id: 'a', features: {} }]);
    assert.deepEqual(p.likes, []);
    assert.equal(p.skips.length, 1);
  });
});

describe('similarity', () => {
  it('exact scan agrees with a sort', () => {
    const space = buildScaledSpace(table);
    const q = space.scaled.subarray(50 * space.dims, 51 * space.dims);
    const got = exactNearest(space.scaled, space.dims, q, 10);
    const all = Array.from({ length: table.rowCount }, (_, i) => {
      let s = 0;
      for (let j = 0; j < space.dims; j++) s += (space.scaled[i * space.dims + j] - q[j]) ** 2;
      return { i, s };
    }).sort((a, b) => a.s - b.s || a.i - b.i);
    assert.deepEqual(Array.from(got.rows), all.slice(0, 10).map((x) => x.i));
  });
});

describe('one-mood queries scanned by descending probability', () => {
  it('give the same playlists, scores and reasons as the scan in pool order', async () => {
    const { createRng } = await import('../common/random.ts');
    // A coarse catalogue: many rows share a probability, so ties decide who enters the candidates.
    const coarse = syntheticCatalogue(4000, 3);
    const tied: RecCatalog = buildRecCatalog(coarse, {
      ...stubTagger,
      predictProba: (t) => {
        const p = stubTagger.predictProba(t);
        for (let i = 0; i < p.data.length; i++) p.data[i] = Math.round(p.data[i] * 20) / 20;
        return p;
      },
    });
    const rng = createRng(17);
    for (let q = 0; q < 40; q++) {
      const query = {
        moods: [['happy', 'sad', 'calm', 'energetic'][q % 4]],
        target: q % 3 === 0 ? {} : { energy: Math.round(rng.next() * 10) / 10, ...(q % 2 ? { valence: rng.next() } : {}) },
        ...(q % 5 === 0 ? { min: { tempo: 90 } } : {}),
        limit: 5 + (q % 4) * 10,
      };
      for (const cat of [catalog, tied]) {
        const ordered = recommend(cat, query);
        const poolOrder = recommend(cat, query, { orderedScan: false });
        assert.deepEqual(ordered.rows, poolOrder.rows, JSON.stringify(query));
        assert.deepEqual(ordered.tracks, poolOrder.tracks, JSON.stringify(query));
      }
    }
  });
});

describe('moods of returned tracks', () => it('a returned track\'s mood is the tagging path\'s: uncertain below the catalogue\'s threshold, topMood whatever it', () => {
  const base = catalog;
  const strict = recommend({ ...base, uncertainBelow: 1 }, { moods: ['happy'], limit: 10 });
  const lax = recommend({ ...base, uncertainBelow: 0 }, { moods: ['happy'], limit: 10 });
  assert.deepEqual(strict.tracks.map((t) => t.id), lax.tracks.map((t) => t.id));
  for (const [i, t] of strict.tracks.entries()) {
    assert.equal(t.mood, 'uncertain');
    assert.equal(lax.tracks[i].mood, t.topMood);
    assert.ok(base.classes.includes(t.topMood));
  }
}));
