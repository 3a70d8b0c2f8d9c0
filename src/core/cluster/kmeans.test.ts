import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRows, matrix, type Matrix } from '../common/matrix.ts';
import { createRng } from '../common/random.ts';
import { KMeans, FittedKMeans, KMEANS_DEFAULTS, RestartWinner, drawSeeding, kmeansPlusPlus, lloydRestartShared, restartsInline, seedCentres, shareKMeansRows } from './kmeans.ts';
import { wasmSimdAvailable } from '../wasm/kernels.ts';
import { kmeansKernelBytes } from '../wasm/kmeans-kernel.ts';
import { adjustedRandIndex } from '../evaluate/adjusted-rand.ts';

/** n rows per centre, isotropic normal noise of the given sd. */
function blobs(centres: number[][], n: number, sd: number, seed: number): { X: Matrix; y: Int32Array } {
  const rng = createRng(seed);
  const d = centres[0].length;
  const X = matrix(centres.length * n, d);
  const y = new Int32Array(centres.length * n);
  for (let c = 0; c < centres.length; c++) {
    for (let i = 0; i < n; i++) {
      const r = c * n + i;
      y[r] = c;
      for (let j = 0; j < d; j++) X.data[r * d + j] = centres[c][j] + sd * rng.normal();
    }
  }
  return { X, y };
}

const CENTRES = [[0, 0, 0], [10, 0, 0], [0, 10, 0], [0, 0, 10]];

test('defaults are valid and fit works with no options', () => {
  const { X } = blobs(CENTRES, 30, 1, 1);
  const m = new KMeans().fit(X);
  assert.deepEqual(m.options, KMEANS_DEFAULTS);
  assert.equal(m.centroids.rows, KMEANS_DEFAULTS.k);
});

test('recovers well-separated blobs', () => {
  const { X, y } = blobs(CENTRES, 50, 0.5, 2);
  const m = new KMeans({ k: 4, nInit: 3, seed: 7 }).fit(X);
  assert.equal(adjustedRandIndex(y, m.labels), 1);
  // Each true centre has a fitted centroid within 0.3.
  for (const c of CENTRES) {
    let best = Infinity;
    for (let r = 0; r < 4; r++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += (m.centroids.data[r * 3 + j] - c[j]) ** 2;
      best = Math.min(best, Math.sqrt(s));
    }
    assert.ok(best < 0.3, `centre ${c} off by ${best}`);
  }
  // Inertia is the sum of squared distances to the assigned centre.
  let inertia = 0;
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < 3; j++) inertia += (X.data[i * 3 + j] - m.centroids.data[m.labels[i] * 3 + j]) ** 2;
  assert.ok(Math.abs(inertia - m.inertia) < 1e-9 * inertia);
  assert.deepEqual(m.predict(X), m.labels);
  assert.ok(m.nIter >= 1 && m.nIter <= 300);
});

test('known answer: two pairs on a line', () => {
  const X = fromRows([[0], [1], [10], [11]]);
  const m = new KMeans({ k: 2, nInit: 2 }).fit(X);
  assert.equal(m.inertia, 1);
  const cs = Array.from(m.centroids.data).sort((a, b) => a - b);
  assert.deepEqual(cs, [0.5, 10.5]);
  assert.equal(m.labels[0], m.labels[1]);
  assert.notEqual(m.labels[1], m.labels[2]);
});

test('seeded determinism; different seeds may differ but nInit keeps the best', () => {
  const { X } = blobs([[0, 0], [3, 0], [0, 3], [3, 3], [1.5, 1.5]], 40, 0.9, 3);
  const a = new KMeans({ k: 5, nInit: 4, seed: 11 }).fit(X);
  const b = new KMeans({ k: 5, nInit: 4, seed: 11 }).fit(X);
  assert.deepEqual(a.centroids.data, b.centroids.data);
  assert.deepEqual(a.labels, b.labels);
  assert.equal(a.inertia, b.inertia);
  const single = new KMeans({ k: 5, nInit: 1, seed: 11 }).fit(X);
  assert.ok(a.inertia <= single.inertia);
});

test('state round-trip gives identical predictions', () => {
  const { X } = blobs(CENTRES, 20, 1, 4);
  const m = new KMeans({ k: 4, nInit: 2, seed: 3 }).fit(X);
  const s = m.toState();
  assert.equal(s.kind, 'kmeans');
  assert.equal(s.formatVersion, 1);
  // config must survive JSON; arrays are copied as the model store would.
  const r = FittedKMeans.fromState({ ...s, config: JSON.parse(JSON.stringify(s.config)), arrays: { centroids: s.arrays.centroids.slice(), labels: s.arrays.labels.slice() } });
  assert.deepEqual(r.predict(X), m.predict(X));
  assert.equal(r.inertia, m.inertia);
  assert.equal(r.nIter, m.nIter);
  assert.deepEqual(r.options, m.options);
  assert.deepEqual(r.labels, m.labels);
  assert.throws(() => FittedKMeans.fromState({ ...s, formatVersion: 2 }), /format version 2/);
  assert.throws(() => FittedKMeans.fromState({ ...s, kind: 'gmm' }), /expected a kmeans/);
});

test('wrong width is rejected', () => {
  const { X } = blobs(CENTRES, 10, 1, 5);
  const m = new KMeans({ k: 4, nInit: 1 }).fit(X);
  assert.throws(() => m.predict(matrix(2, 2)), /fitted on 3 features but got 2/);
});

test('option and input validation happens in fit, naming the field', () => {
  const X = fromRows([[0], [1], [2]]);
  const bad = new KMeans({ k: 0 }); // constructor only stores
  assert.throws(() => bad.fit(X), /option "k" must be an integer ≥ 1, got 0/);
  assert.throws(() => new KMeans({ k: 4 }).fit(X), /"k" must be ≤ the number of rows \(3\)/);
  assert.throws(() => new KMeans({ nInit: 0 }).fit(X), /"nInit"/);
  assert.throws(() => new KMeans({ maxIter: 1.5 }).fit(X), /"maxIter"/);
  assert.throws(() => new KMeans({ tol: -1 }).fit(X), /"tol"/);
  assert.throws(() => new KMeans({ k: 2, seed: 0.5 }).fit(X), /"seed"/);
  assert.throws(() => new KMeans({ k: 2 }).fit(fromRows([[0], [NaN], [1]])), /non-finite value \(NaN\) at row 1/);
});

test('duplicate points: more clusters than distinct points still terminates', () => {
  const X = fromRows([[1, 1], [1, 1], [1, 1], [2, 2]]);
  const m = new KMeans({ k: 3, nInit: 2 }).fit(X);
  assert.ok(Number.isFinite(m.inertia));
  assert.ok(m.inertia < 1e-12);
});

test('k-means++ picks distinct far-apart seeds on clear blobs', () => {
  const { X } = blobs(CENTRES, 25, 0.2, 6);
  const c = kmeansPlusPlus(X, 4, createRng(1));
  const owners = new Set<number>();
  for (let r = 0; r < 4; r++) {
    let best = 0, bestD = Infinity;
    for (let t = 0; t < 4; t++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += (c.data[r * 3 + j] - CENTRES[t][j]) ** 2;
      if (s < bestD) { bestD = s; best = t; }
    }
    owners.add(best);
  }
  assert.equal(owners.size, 4);
});

test('blocked nearest-centre kernel: same labels as a one-centre-at-a-time scan, first centre on ties', () => {
  const rng = createRng(11);
  for (let k = 1; k <= 9; k++) {
    for (const d of [1, 3, 9]) {
      const n = 200;
      const X = matrix(n, d);
      for (let i = 0; i < X.data.length; i++) X.data[i] = Math.round((rng.next() - 0.5) * 8) / 2; // coarse grid: many ties
      const cen = matrix(k, d);
      for (let i = 0; i < cen.data.length; i++) cen.data[i] = Math.round((rng.next() - 0.5) * 8) / 2;
      if (k >= 6) cen.data.copyWithin(5 * d, 1 * d, 2 * d); // centre 5 duplicates centre 1: ties across blocks
      const fitted = new FittedKMeans({ ...KMEANS_DEFAULTS, k }, d, cen, 0, 0, new Int32Array(0));
      const got = fitted.predict(X);
      for (let i = 0; i < n; i++) {
        let best = 0, bestD = Infinity;
        for (let c = 0; c < k; c++) {
          let norm = 0, dot = 0;
          for (let j = 0; j < d; j++) { norm += cen.data[c * d + j] ** 2; dot += X.data[i * d + j] * cen.data[c * d + j]; }
          const dd = norm - 2 * dot;
          if (dd < bestD) { bestD = dd; best = c; }
        }
        assert.equal(got[i], best, `k=${k} d=${d} row ${i}`);
      }
    }
  }
});

test('WebAssembly and TypeScript assignment give identical labels, centres, inertia and nIter', () => {
  const fit = (X: Matrix, o: Partial<typeof KMEANS_DEFAULTS>, wasm: boolean): FittedKMeans =>
    new KMeans({ ...o, kernels: wasm ? 'wasm' : 'ts' }).fit(X);
  const same = (a: FittedKMeans, b: FittedKMeans, what: string): void => {
    assert.deepEqual(a.labels, b.labels, what);
    assert.deepEqual(a.centroids.data, b.centroids.data, what);
    assert.ok(Object.is(a.inertia, b.inertia), `${what}: inertia ${a.inertia} vs ${b.inertia}`);
    assert.equal(a.nIter, b.nIter, what);
  };
  const rng = createRng(21);
  for (let k = 2; k <= 9; k++) {
    for (const d of [1, 3, 5, 9]) {
      const n = 300 + 37 * k;
      const X = matrix(n, d);
      // Coarse grid (many exact ties between centres) on even k, continuous values on odd k.
      for (let i = 0; i < X.data.length; i++) X.data[i] = k % 2 === 0 ? Math.round((rng.next() - 0.5) * 8) / 2 : (rng.next() - 0.5) * 8 + (i % 3);
      for (const o of [{ k, nInit: 2, seed: k * 10 + d }, { k, nInit: 1, maxIter: 2, seed: k + d }]) {
        const what = `k=${k} d=${d} maxIter=${o.maxIter ?? 300}`;
        const w = fit(X, o, true), t = fit(X, o, false);
        same(w, t, what);
        const big = matrix(1500, d);
        for (let i = 0; i < big.data.length; i++) big.data[i] = Math.round((rng.next() - 0.5) * 8) / 2;
        assert.deepEqual(w.predict(big), t.predict(big), `${what}: predict`);
      }
    }
  }
  // Duplicate points: empty clusters relocated identically.
  const dup = fromRows([[1, 1, 1], [1, 1, 1], [1, 1, 1], [2, 2, 2], [2, 2, 2], [5, 5, 5]]);
  same(fit(dup, { k: 5, nInit: 3, seed: 2 }, true), fit(dup, { k: 5, nInit: 3, seed: 2 }, false), 'duplicates');
  // Where WebAssembly SIMD exists the kernels compile, so the runs above really compared both paths.
  if (wasmSimdAvailable()) for (let k = 2; k <= 9; k++) assert.ok(WebAssembly.validate(kmeansKernelBytes(5, k)), `k=${k}`);
});

test('restarts on shared memory: any slot gives the run restartsInline gives, and the best run wins', () => {
  const rng = createRng(8);
  const X = matrix(2000, 4);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.next() * 2 + (i % 8 < 4 ? 0 : 3);
  const seedRng = createRng(3);
  const seedings = [0, 1, 2].map(() => drawSeeding(seedRng, X.rows, 3));
  const job = { X, k: 3, seedings, maxIter: 300, tolAbs: 1e-6, kernels: 'wasm' as const };
  const rows = shareKMeansRows(job, 2);
  assert.ok(rows, 'shared WebAssembly memory is available on Node 20');
  const runs = seedings.map((seeding, i) => lloydRestartShared(rows!, i % 2, seeding, job.maxIter, job.tolAbs));
  const inline = restartsInline(job);
  const winner = new RestartWinner();
  runs.forEach((run, i) => winner.offer(run, i));
  const best = winner.run;
  assert.equal(best.inertia, inline.inertia);
  assert.deepEqual(Array.from(best.labels), Array.from(inline.labels));
  assert.deepEqual(Array.from(best.centroids.data), Array.from(inline.centroids.data));
  // A seeding can be replayed: running a restart again gives the same run.
  assert.equal(lloydRestartShared(rows!, 1, seedings[0], job.maxIter, job.tolAbs).inertia, runs[0].inertia);
  assert.throws(() => lloydRestartShared(rows!, 2, seedings[0], job.maxIter, job.tolAbs), /slot 2 outside 0\.\.1/);
});

test('a recorded seeding draws exactly what k-means++ draws: same centres, generator left in the same state', () => {
  const rng0 = createRng(12);
  const X = matrix(500, 3);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng0.next();
  for (const k of [1, 2, 4, 7, 10]) {
    const direct = createRng(k), recorded = createRng(k);
    const centres = kmeansPlusPlus(X, k, direct);
    const seeding = drawSeeding(recorded, X.rows, k);
    assert.deepEqual(Array.from(seedCentres(X, k, seeding).data), Array.from(centres.data));
    assert.equal(recorded.next(), direct.next(), `k = ${k}: both generators continue from the same state`);
  }
});

test('many centres (a large unrolled kernel): WebAssembly and TypeScript agree', () => {
  const rng = createRng(41);
  const n = 1500, d = 12, k = 400;
  const X = matrix(n, d);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.normal();
  const fit = (wasm: boolean): FittedKMeans => new KMeans({ k, nInit: 1, maxIter: 4, seed: 3, kernels: wasm ? 'wasm' : 'ts' }).fit(X);
  const w = fit(true), t = fit(false);
  assert.deepEqual(w.labels, t.labels);
  assert.deepEqual(w.centroids.data, t.centroids.data);
  assert.ok(Object.is(w.inertia, t.inertia));
  if (wasmSimdAvailable()) assert.ok(WebAssembly.validate(kmeansKernelBytes(d, k)), 'a 400-centre kernel encodes and validates');
});
