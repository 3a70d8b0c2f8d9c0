/**
 * Test fixtures for the recommender: a synthetic catalogue and a stub MoodTagger whose
 * probabilities are a fixed function of valence and energy (happy / sad / energetic / calm on the
 * circumplex quadrants). Used by the tests only.
 */
import { matrix, type Matrix } from '../../src/core/common/matrix.ts';
import type { MoodTagger } from '../../src/core/classify/mood-model.ts';
import { createRng } from '../../src/core/common/random.ts';
import type { TrackTable } from '../../src/core/data/track-table.ts';
import { exactNearest, recallAtK, type NearestNeighbourIndex, type Neighbours } from '../../src/core/recommend/similarity.ts';

export const STUB_CLASSES = ['happy', 'sad', 'energetic', 'calm'] as const;

/** Probabilities from valence (v) and energy (e): softmax of quadrant affinities. */
export function stubProba(v: number, e: number, out: Float64Array, o: number): void {
  const s = 4;
  const logits = [s * (v - 0.5) + s * 0.5 * (0.6 - Math.abs(e - 0.6)), s * (0.5 - v) + s * (0.5 - e) * 0.5, s * (e - 0.55) * 1.5, s * (0.5 - e) * 1.5 + s * 0.2 * (v - 0.3)];
  const m = Math.max(...logits);
  let z = 0;
  for (let j = 0; j < 4; j++) { out[o + j] = Math.exp(logits[j] - m); z += out[o + j]; }
  for (let j = 0; j < 4; j++) out[o + j] /= z;
}

export const stubTagger: MoodTagger = {
  classes: STUB_CLASSES,
  inputFeatures: ['valence', 'energy'],
  featureMatrix(table: TrackTable): Matrix {
    const X = matrix(table.rowCount, 2);
    for (let i = 0; i < table.rowCount; i++) { X.data[2 * i] = table.numeric.valence[i]; X.data[2 * i + 1] = table.numeric.energy[i]; }
    return X;
  },
  predictProbaRaw(X: Matrix): Matrix {
    const P = matrix(X.rows, 4);
    for (let i = 0; i < X.rows; i++) stubProba(X.data[2 * i], X.data[2 * i + 1], P.data, 4 * i);
    return P;
  },
  predictProba(table: TrackTable): Matrix {
    return this.predictProbaRaw(this.featureMatrix(table));
  },
};

/** `n` tracks by `n / 8` artists (a few artists have many tracks), with every knob attribute. */
export function syntheticCatalogue(n = 2000, seed = 7): TrackTable {
  const rng = createRng(seed);
  const col = () => new Float64Array(n);
  const numeric: Record<string, Float64Array> = {
    valence: col(), danceability: col(), energy: col(), acousticness: col(), tempo: col(), loudness: col(),
    speechiness: col(), instrumentalness: col(), liveness: col(), mode: col(), duration_ms: col(), key: col(), popularity: col(),
  };
  const id: string[] = [], name: string[] = [], artist: string[] = [];
  const nArtists = Math.max(4, Math.floor(n / 8));
  for (let i = 0; i < n; i++) {
    const e = rng.next();
    numeric.energy[i] = e;
    numeric.valence[i] = rng.next();
    numeric.danceability[i] = Math.min(1, Math.max(0, 0.3 + 0.5 * e + 0.3 * (rng.next() - 0.5)));
    numeric.acousticness[i] = Math.min(1, Math.max(0, 1 - e + 0.3 * (rng.next() - 0.5)));
    numeric.tempo[i] = 60 + 130 * rng.next();
    numeric.loudness[i] = -25 + 22 * e + 3 * (rng.next() - 0.5);
    numeric.speechiness[i] = 0.3 * rng.next() ** 2;
    numeric.instrumentalness[i] = rng.next() < 0.3 ? rng.next() : 0.01 * rng.next();
    numeric.liveness[i] = 0.05 + 0.4 * rng.next() ** 2;
    numeric.mode[i] = rng.next() < 0.6 ? 1 : 0;
    numeric.duration_ms[i] = 150_000 + 150_000 * rng.next();
    numeric.key[i] = rng.int(12);
    numeric.popularity[i] = rng.int(101);
    id.push(`t${String(i).padStart(5, '0')}`);
    name.push(`Song ${i % 700}`);
    // skewed: artist 0..3 get many tracks
    artist.push(`Artist ${rng.next() < 0.2 ? rng.int(4) : rng.int(nArtists)}`);
  }
  return { rowCount: n, numeric, text: { id, name, artist } };
}

/** n standard-normal vectors of `dims` values (the shape of the z-scored similarity space), row-major. */
export function randomVectors(n: number, dims: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const v = new Float32Array(n * dims);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  return v;
}

/** Each of `queries` (row-major) answered by the exact scan and by `index`, k neighbours, and recall@k. */
export function againstExact(index: NearestNeighbourIndex, data: Float32Array, dims: number, queries: Float32Array, k: number): { exact: Neighbours[]; approx: Neighbours[]; recall: number } {
  const exact: Neighbours[] = [], approx: Neighbours[] = [];
  for (let q = 0; q < queries.length / dims; q++) {
    const v = queries.subarray(q * dims, (q + 1) * dims);
    exact.push(exactNearest(data, dims, v, k));
    approx.push(index.search(v, k));
  }
  return { exact, approx, recall: recallAtK(exact, approx, k) };
}
