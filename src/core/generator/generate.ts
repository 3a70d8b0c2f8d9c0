/**
 * The seeded generator of a realistic synthetic catalogue, used by `demo` because the real data
 * cannot ship with moodscape. Pure: no I/O, no Math.random; everything follows from the seed.
 *
 * The figures come from catalogue-params.json, fitted by scripts/fit-generator.py on the real
 * catalogues (see that script for the model). In short: a Gaussian mixture over the continuous
 * features in a space where they are unbounded (logit for [0, 1] features, log for duration),
 * zero-inflated instrumentalness, and per-component key / mode / time signature / popularity /
 * genre. The labelled sample (`labelled: true`) draws from per-mood parameters fitted the same way
 * on data_moods.csv and carries a `mood` text column.
 *
 * Row i of a catalogue depends only on (seed, labelled, i): rows are generated in fixed blocks of
 * BLOCK_SIZE rows, each block with its own Rng seeded from (seed, block index), so any slice of a
 * catalogue can be generated on its own (startIndex) and the chunked form gives the same rows as
 * the one-shot form.
 */
import rawParams from './catalogue-params.json' with { type: 'json' };
import { createRng, fmix32, SPLITMIX32_GAMMA, type Rng } from '../common/random.ts';
import { FEATURE_SPEC } from '../data/features.ts';
import type { TrackTable } from '../data/track-table.ts';
import { albumName, artistName, base62Id, songTitle } from './names.ts';

// ---------------------------------------------------------------------------------------------
// Parameter file shape

export interface GaussianParams {
  readonly weight: number;
  readonly mean: readonly number[];
  readonly cov: readonly (readonly number[])[];
}

interface GroupExtras {
  readonly instr_p_small: number;
  readonly instr_logit: {
    readonly intercept: number;
    readonly x_mean: readonly number[];
    readonly coef: readonly number[];
    readonly resid_sd: number;
  };
  readonly key_probs: readonly number[];
  readonly mode_p_major: number;
  readonly time_signature_probs: readonly number[];
  readonly popularity: { readonly p_zero: number; readonly mean: number; readonly sd: number };
  readonly genres: Readonly<Record<string, number>>;
}

export interface CatalogueComponent extends GaussianParams, GroupExtras {
  readonly label: string;
  readonly n_rows: number;
}

export interface MoodClass extends GroupExtras {
  readonly mood: string;
  readonly prior: number;
  readonly n_rows: number;
  readonly components: readonly GaussianParams[];
  readonly marginal_means: Readonly<Record<string, number>>;
}

export interface MarginalStats {
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export interface GeneratorParams {
  readonly format: string;
  readonly provenance: Readonly<Record<string, unknown>>;
  readonly transform: {
    readonly dims: readonly string[];
    readonly logit: readonly string[];
    readonly logit_eps: number;
    readonly instr_small_threshold: number;
  };
  readonly time_signatures: readonly number[];
  readonly instr_small: { readonly p_exact_zero: number; readonly log10_mean: number; readonly log10_sd: number };
  readonly marginals: Readonly<Record<string, MarginalStats>>;
  readonly correlations: { readonly features: readonly string[]; readonly matrix: readonly (readonly number[])[] };
  readonly catalogue: { readonly components: readonly CatalogueComponent[] };
  readonly labelled: { readonly classes: readonly MoodClass[]; readonly marginals: Readonly<Record<string, MarginalStats>> };
}

/** The fitted figures, as committed. */
export const GENERATOR_PARAMS: GeneratorParams = rawParams as unknown as GeneratorParams;

// ---------------------------------------------------------------------------------------------
// Public API

export interface GenerateOptions {
  /** Number of rows to generate. */
  readonly tracks: number;
  readonly seed: number;
  /** Draw from the per-mood parameters and add a `mood` text column. */
  readonly labelled?: boolean;
  /** Index of the first row in the (conceptually infinite) catalogue of this seed. Default 0. */
  readonly startIndex?: number;
}

export interface GenerateChunksOptions {
  readonly tracks: number;
  readonly seed: number;
  /** Rows per yielded table; default 65,536. */
  readonly chunkSize?: number;
  readonly labelled?: boolean;
}

/** Text columns of a generated table, in CSV order (`mood` only when labelled). */
export const GENERATED_TEXT_COLUMNS = ['id', 'name', 'artist', 'album', 'genre'] as const;
/** Numeric columns of a generated table, in the column order of a typical Spotify export. */
export const GENERATED_NUMERIC_COLUMNS = [
  'danceability', 'energy', 'key', 'loudness', 'mode', 'speechiness', 'acousticness', 'instrumentalness',
  'liveness', 'valence', 'tempo', 'duration_ms', 'time_signature', 'popularity',
] as const;
/** Mood labels of the labelled sample, in the order of the parameter file. */
export const GENERATED_MOODS: readonly string[] = GENERATOR_PARAMS.labelled.classes.map((c) => c.mood);

/** Rows per independently seeded block; part of the output's definition (changing it changes rows). */
export const BLOCK_SIZE = 256;

/** Generate `tracks` rows (starting at row `startIndex`) of the synthetic catalogue for `seed`. */
export function generateCatalogue(options: GenerateOptions): TrackTable {
  const n = options.tracks;
  const start = options.startIndex ?? 0;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`tracks must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(start) || start < 0) throw new RangeError(`startIndex must be a non-negative integer, got ${start}`);
  if (start + n > 0xffffffff) throw new RangeError('at most 2^32 - 1 rows per catalogue');
  if (!Number.isFinite(options.seed)) throw new RangeError(`seed must be a finite number, got ${options.seed}`);
  const labelled = options.labelled ?? false;
  const model = getModel();

  const numeric: Record<string, Float64Array> = {};
  for (const c of GENERATED_NUMERIC_COLUMNS) numeric[c] = new Float64Array(n);
  const text: Record<string, string[]> = {};
  for (const c of GENERATED_TEXT_COLUMNS) text[c] = new Array<string>(n);
  if (labelled) text.mood = new Array<string>(n);
  if (n === 0) return { rowCount: 0, numeric, text };

  const seedKey = seedHash(options.seed, labelled);
  const groups = labelled ? model.classes : model.components;
  const groupCum = labelled ? model.classCum : model.componentCum;
  const out: RowOut = { numeric, text, labelled };
  const row = new Float64Array(N_OUT);
  const x = new Float64Array(DIMS);
  const z = new Float64Array(DIMS);

  const end = start + n;
  for (let b = Math.floor(start / BLOCK_SIZE); b * BLOCK_SIZE < end; b++) {
    const rng = createRng(mix32(seedKey, b));
    const blockEnd = Math.min(end, (b + 1) * BLOCK_SIZE);
    for (let i = b * BLOCK_SIZE; i < blockEnd; i++) {
      const g = groups[sampleCum(groupCum, rng)];
      sampleFeatures(g, model, rng, x, z, row);
      const genre = g.genreNames[sampleCum(g.genreCum, rng)];
      const title = songTitle(rng);
      // Zipf-ish artist pool that grows with the catalogue (~1 artist per 8 tracks) and needs no
      // knowledge of the catalogue's total size: row i picks among the first (i + 48) / 6 artists,
      // skewed towards the early (hence most prolific) ones.
      const pool = Math.floor((i + 48) / 6);
      const artistIdx = Math.floor(pool * Math.pow(rng.next(), ARTIST_SKEW));
      const u = rng.next();
      const albumIdx = Math.floor(u * u * 4);
      const idTag = idBijection(i, seedKey);
      const id = base62Id(rng, idTag);
      if (i < start) continue; // rows of the first block before startIndex: drawn, not kept
      const r = i - start;
      for (let c = 0; c < N_OUT; c++) numeric[NUMERIC_BY_OUT[c]][r] = row[c];
      text.id[r] = id;
      text.name[r] = title;
      text.artist[r] = artistFor(seedKey, artistIdx);
      text.album[r] = albumFor(seedKey, artistIdx, albumIdx);
      text.genre[r] = genre;
      if (out.labelled) text.mood[r] = (g as CompiledClass).mood;
    }
  }
  return { rowCount: n, numeric, text };
}

/** The same rows as generateCatalogue({tracks, seed, labelled}), as a sequence of smaller tables. */
export function* generateCatalogueChunks(options: GenerateChunksOptions): Generator<TrackTable, void, undefined> {
  const chunk = options.chunkSize ?? 65_536;
  if (!Number.isInteger(chunk) || chunk <= 0) throw new RangeError(`chunkSize must be a positive integer, got ${chunk}`);
  for (let start = 0; start < options.tracks; start += chunk) {
    yield generateCatalogue({
      tracks: Math.min(chunk, options.tracks - start),
      seed: options.seed,
      labelled: options.labelled,
      startIndex: start,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Compiled model

const DIMS = 9;
const ARTIST_SKEW = 1.4;
/** Output slots of one sampled row, in this order. */
const OUT = [
  'valence', 'danceability', 'energy', 'acousticness', 'liveness', 'speechiness', 'tempo', 'loudness',
  'duration_ms', 'instrumentalness', 'key', 'mode', 'time_signature', 'popularity',
] as const;
const N_OUT = OUT.length;
const NUMERIC_BY_OUT: readonly string[] = OUT;
const O_INSTR = 9, O_KEY = 10, O_MODE = 11, O_TS = 12, O_POP = 13;

interface RowOut {
  readonly numeric: Record<string, Float64Array>;
  readonly text: Record<string, string[]>;
  readonly labelled: boolean;
}

interface CompiledGaussian {
  readonly mean: Float64Array;
  /** Lower Cholesky factor, row-major DIMS × DIMS. */
  readonly chol: Float64Array;
}

interface CompiledGroup {
  readonly gaussians: CompiledGaussian[];
  readonly gaussCum: Float64Array;
  readonly instrPSmall: number;
  readonly instrIntercept: number;
  readonly instrXMean: Float64Array;
  readonly instrCoef: Float64Array;
  readonly instrSd: number;
  readonly keyCum: Float64Array;
  readonly modeP: number;
  readonly tsCum: Float64Array;
  readonly popPZero: number;
  readonly popMean: number;
  readonly popSd: number;
  readonly genreNames: string[];
  readonly genreCum: Float64Array;
}

interface CompiledClass extends CompiledGroup {
  readonly mood: string;
}

interface CompiledModel {
  readonly components: CompiledGroup[];
  readonly componentCum: Float64Array;
  readonly classes: CompiledClass[];
  readonly classCum: Float64Array;
  readonly timeSignatures: Float64Array;
  /** Clip bounds per OUT slot: the features.ts range intersected with the real data's range. */
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly instrSmall: number;
  readonly pExactZero: number;
  readonly log10Mean: number;
  readonly log10Sd: number;
}

let compiled: CompiledModel | null = null;

function getModel(): CompiledModel {
  if (compiled) return compiled;
  const p = GENERATOR_PARAMS;
  const expectDims = ['valence', 'danceability', 'energy', 'acousticness', 'liveness', 'speechiness', 'tempo', 'loudness', 'duration_ms'];
  if (p.transform.dims.join() !== expectDims.join()) throw new Error(`catalogue-params.json: unexpected dims ${p.transform.dims.join()}`);
  const lo = new Float64Array(N_OUT);
  const hi = new Float64Array(N_OUT);
  OUT.forEach((name, i) => {
    const spec = FEATURE_SPEC.get(name);
    const m = p.marginals[name];
    if (!spec || !m) throw new Error(`no range for ${name}`);
    lo[i] = Math.max(spec.min, m.min);
    hi[i] = Math.min(spec.max, m.max);
  });
  const components = p.catalogue.components.map((c) => compileGroup([{ weight: 1, mean: c.mean, cov: c.cov }], c));
  const classes = p.labelled.classes.map((c) => ({ ...compileGroup(c.components, c), mood: c.mood }));
  compiled = {
    components,
    componentCum: cumulative(p.catalogue.components.map((c) => c.weight)),
    classes,
    classCum: cumulative(p.labelled.classes.map((c) => c.prior)),
    timeSignatures: Float64Array.from(p.time_signatures),
    lo,
    hi,
    instrSmall: p.transform.instr_small_threshold,
    pExactZero: p.instr_small.p_exact_zero,
    log10Mean: p.instr_small.log10_mean,
    log10Sd: p.instr_small.log10_sd,
  };
  return compiled;
}

function compileGroup(gaussians: readonly GaussianParams[], ex: GroupExtras): CompiledGroup {
  const genreNames = Object.keys(ex.genres);
  return {
    gaussians: gaussians.map((g) => ({ mean: Float64Array.from(g.mean), chol: cholesky(g.cov) })),
    gaussCum: cumulative(gaussians.map((g) => g.weight)),
    instrPSmall: ex.instr_p_small,
    instrIntercept: ex.instr_logit.intercept,
    instrXMean: Float64Array.from(ex.instr_logit.x_mean),
    instrCoef: Float64Array.from(ex.instr_logit.coef),
    instrSd: ex.instr_logit.resid_sd,
    keyCum: cumulative(ex.key_probs),
    modeP: ex.mode_p_major,
    tsCum: cumulative(ex.time_signature_probs),
    popPZero: ex.popularity.p_zero,
    popMean: ex.popularity.mean,
    popSd: ex.popularity.sd,
    genreNames,
    genreCum: cumulative(genreNames.map((g) => ex.genres[g])),
  };
}

/** Normalised cumulative sums (last entry exactly 1). */
function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) { s += weights[i]; out[i] = s; }
  for (let i = 0; i < out.length; i++) out[i] /= s;
  out[out.length - 1] = 1;
  return out;
}

function sampleCum(cum: Float64Array, rng: Rng): number {
  const u = rng.next();
  let i = 0;
  while (i < cum.length - 1 && u >= cum[i]) i++;
  return i;
}

/** Cholesky factor of a (rounded, so possibly slightly indefinite) covariance; adds jitter if needed. */
export function cholesky(cov: readonly (readonly number[])[]): Float64Array {
  const d = cov.length;
  for (let attempt = 0, jitter = 0; attempt < 10; attempt++, jitter = jitter === 0 ? 1e-9 : jitter * 10) {
    const L = new Float64Array(d * d);
    let ok = true;
    for (let i = 0; i < d && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0.5 * (cov[i][j] + cov[j][i]);
        if (i === j) s += jitter * Math.max(1, cov[i][i]);
        for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
        if (i === j) {
          if (!(s > 0)) { ok = false; break; }
          L[i * d + i] = Math.sqrt(s);
        } else {
          L[i * d + j] = s / L[j * d + j];
        }
      }
    }
    if (ok) return L;
  }
  throw new Error('covariance is not positive definite');
}

function sigmoid(t: number): number {
  return 1 / (1 + Math.exp(-t));
}

/** Round to 3 significant digits, as Spotify reports its [0, 1] features. */
function sig3(v: number): number {
  if (v === 0) return 0;
  const e = Math.floor(Math.log10(Math.abs(v)));
  if (e >= 2) return Math.round(v);
  const f = Math.pow(10, 2 - e);
  return Math.round(v * f) / f;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function clip(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function sampleFeatures(g: CompiledGroup, m: CompiledModel, rng: Rng, x: Float64Array, z: Float64Array, row: Float64Array): void {
  const gauss = g.gaussians.length === 1 ? g.gaussians[0] : g.gaussians[sampleCum(g.gaussCum, rng)];
  for (let d = 0; d < DIMS; d++) z[d] = rng.normal();
  const L = gauss.chol;
  for (let i = 0; i < DIMS; i++) {
    let s = gauss.mean[i];
    for (let k = 0; k <= i; k++) s += L[i * DIMS + k] * z[k];
    x[i] = s;
  }
  // dims 0..5 are logit features, 6 tempo, 7 loudness, 8 log duration (same order as OUT 0..8)
  for (let d = 0; d < 6; d++) row[d] = clip(sig3(sigmoid(x[d])), m.lo[d], m.hi[d]);
  row[6] = clip(round3(x[6]), m.lo[6], m.hi[6]);
  row[7] = clip(round3(x[7]), m.lo[7], m.hi[7]);
  row[8] = clip(Math.round(Math.exp(x[8])), m.lo[8], m.hi[8]);

  // instrumentalness: zero-inflated
  let instr: number;
  if (rng.next() < g.instrPSmall) {
    if (rng.next() < m.pExactZero) instr = 0;
    else instr = Math.min(Math.pow(10, m.log10Mean + m.log10Sd * rng.normal()), m.instrSmall * 0.99);
  } else {
    let t = g.instrIntercept + g.instrSd * rng.normal();
    for (let d = 0; d < DIMS; d++) t += g.instrCoef[d] * (x[d] - g.instrXMean[d]);
    instr = Math.max(sigmoid(t), m.instrSmall);
  }
  row[O_INSTR] = clip(sig3(instr), m.lo[O_INSTR], m.hi[O_INSTR]);
  row[O_KEY] = sampleCum(g.keyCum, rng);
  row[O_MODE] = rng.next() < g.modeP ? 1 : 0;
  row[O_TS] = clip(m.timeSignatures[sampleCum(g.tsCum, rng)], m.lo[O_TS], m.hi[O_TS]);
  row[O_POP] = rng.next() < g.popPZero ? 0 : clip(Math.round(g.popMean + g.popSd * rng.normal()), 1, 100);
}

// ---------------------------------------------------------------------------------------------
// Hashing: seeds, ids, names

function mix32(a: number, b: number): number {
  return fmix32((a ^ Math.imul(b >>> 0, 0x9e3779b1) ^ fmix32(b + 0x7f4a7c15)) >>> 0);
}

function seedHash(seed: number, labelled: boolean): number {
  const s = Math.floor(seed);
  const lo = s >>> 0;
  const hi = Math.floor(s / 4294967296) >>> 0;
  return mix32(mix32(lo, hi), labelled ? 0x4c414231 : 0x43415431);
}

/** A bijection of the row index for a given seed, so that ids never collide within a catalogue. */
function idBijection(i: number, key: number): number {
  let t = (i ^ key) >>> 0;
  t = Math.imul(t, 0x2c1b3c6d) >>> 0;
  t = (t ^ (t >>> 12)) >>> 0;
  t = Math.imul(t, 0x297a2d39) >>> 0;
  return (t ^ (t >>> 15)) >>> 0;
}

/**
 * A re-seedable splitmix32 stream for deriving a name from an index (artist k, album j of artist k).
 * Names need a fresh seeded stream per row; createRng builds closures each time, which costs more
 * than the rest of the row, so this one object is re-seeded instead. Seeded and deterministic
 * like createRng; used only for names.
 */
class IndexRng implements Rng {
  private s = 0;
  reset(seed: number): this {
    this.s = seed >>> 0;
    return this;
  }
  private u32(): number {
    this.s = (this.s + SPLITMIX32_GAMMA) >>> 0;
    return fmix32(this.s);
  }
  next(): number {
    return this.u32() / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  fork(): Rng {
    return new IndexRng().reset(this.u32());
  }
}

const nameRng = new IndexRng();

function artistFor(key: number, artistIdx: number): string {
  return artistName(nameRng.reset(mix32(key ^ 0x41525431, artistIdx)));
}

function albumFor(key: number, artistIdx: number, albumIdx: number): string {
  return albumName(nameRng.reset(mix32(mix32(key ^ 0x414c4231, artistIdx), albumIdx)));
}
