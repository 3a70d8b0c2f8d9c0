/**
 * Tempo from the onset envelope: the envelope's autocorrelation (bias-corrected) scored by a comb
 * over the first four multiples of each candidate beat period, weighted by a log-normal prior on
 * tempo, then an octave check; the beat phase is the offset whose comb collects the most onset
 * strength. One pass over the envelope, no beat-by-beat dynamic programming.
 */
export interface TempoOptions {
  minBpm: number;
  maxBpm: number;
  /** Centre of the log-normal tempo prior (the tactus most listeners tap). */
  priorBpm: number;
  /** Width of that prior in octaves. */
  priorOctaves: number;
  /** A faster pulse (×2, ×3/2) replaces the chosen one when its comb reaches this share of it. */
  fasterPulseShare: number;
  /** The faster pulse is only taken up to this tempo. */
  fasterPulseMaxBpm: number;
  /**
   * Power applied to the detrended envelope before the autocorrelation: below 1 it compresses
   * strong accents (a bass on every downbeat) so the weaker beats between them still count.
   */
  envelopeExponent: number;
}

export const DEFAULT_TEMPO_OPTIONS: Readonly<TempoOptions> = Object.freeze({ minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 1, fasterPulseShare: 0.8, fasterPulseMaxBpm: 185, envelopeExponent: 0.5 });

export interface TempoEstimate {
  /** Beats per minute; NaN when the envelope has no periodicity at all (silence, a constant tone). */
  bpm: number;
  /** Beat period in envelope frames (fractional). */
  periodFrames: number;
  /** Frame of the first beat (fractional). */
  phaseFrames: number;
  /** Normalised autocorrelation of the envelope at the beat period, 0 … 1. */
  regularity: number;
  /** Mean onset strength on the beats over the mean onset strength overall (1 = no accent). */
  strength: number;
  /** Frames of the tracked beats. */
  beats: number[];
}

const COMB_MULTIPLES = 4;
/** Mean onset flux (dB per band) below which the envelope is numerical noise, not onsets. */
export const MIN_ONSET_FLUX = 0.01;
const CANDIDATES_PER_OCTAVE = 240;

export function estimateTempo(envelope: Float32Array, frameRate: number, options: Partial<TempoOptions> = {}): TempoEstimate {
  const o = { ...DEFAULT_TEMPO_OPTIONS, ...options };
  const none: TempoEstimate = { bpm: NaN, periodFrames: NaN, phaseFrames: NaN, regularity: 0, strength: 0, beats: [] };
  const n = envelope.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += envelope[i];
  if (!(sum / n >= MIN_ONSET_FLUX)) return none;
  const detrended = removeLocalMean(envelope, Math.max(1, Math.round(0.5 * frameRate)));
  if (o.envelopeExponent !== 1) for (let i = 0; i < n; i++) detrended[i] = Math.pow(detrended[i], o.envelopeExponent);
  const maxLag = Math.min(n - 1, Math.ceil((COMB_MULTIPLES * 60 * frameRate) / o.minBpm) + 2);
  if (maxLag < 4) return none;
  const acf = autocorrelation(detrended, maxLag);
  if (!(acf[0] > 0)) return none;

  const octaves = Math.log2(o.maxBpm / o.minBpm);
  const count = Math.floor(octaves * CANDIDATES_PER_OCTAVE) + 1;
  const raw = new Float64Array(count);
  const weighted = new Float64Array(count);
  let best = -1;
  for (let i = 0; i < count; i++) {
    const bpm = o.minBpm * Math.pow(2, i / CANDIDATES_PER_OCTAVE);
    const period = (60 * frameRate) / bpm;
    let s = 0, m = 0;
    for (let k = 1; k <= COMB_MULTIPLES; k++) {
      if (k * period > maxLag) break;
      s += interpolate(acf, k * period);
      m++;
    }
    raw[i] = m ? s / m : 0;
    const z = Math.log2(bpm / o.priorBpm) / o.priorOctaves;
    weighted[i] = raw[i] * Math.exp(-0.5 * z * z);
    if (best < 0 || weighted[i] > weighted[best]) best = i;
  }
  if (!(raw[best] > 0)) return none;
  // Faster-pulse check: the prior alone cannot tell 90 from 180 when every beat is played, and
  // accented bars lift the slower combs; a faster pulse (×2, ×3/2) whose own comb is nearly as
  // strong is the beat.
  for (const ratio of [2, 1.5]) {
    const up = best + Math.round(Math.log2(ratio) * CANDIDATES_PER_OCTAVE);
    if (up >= count || o.minBpm * Math.pow(2, up / CANDIDATES_PER_OCTAVE) > o.fasterPulseMaxBpm) continue;
    const peak = peakNear(raw, up, 4);
    if (raw[peak] >= o.fasterPulseShare * raw[best]) { best = peak; break; }
  }

  const bpm = refine(raw, best, o.minBpm);
  const period = (60 * frameRate) / bpm;
  const phase = bestPhase(envelope, period);
  const beats: number[] = [];
  for (let b = phase; b < n; b += period) beats.push(b);
  let total = 0;
  for (let i = 0; i < n; i++) total += envelope[i];
  const meanStrength = total / n;
  let onBeats = 0;
  for (const b of beats) onBeats += localMax(envelope, Math.round(b), 1);
  return {
    bpm,
    periodFrames: period,
    phaseFrames: phase,
    regularity: Math.max(0, Math.min(1, interpolate(acf, period) / acf[0])),
    strength: meanStrength > 0 && beats.length ? onBeats / beats.length / meanStrength : 0,
    beats,
  };
}

function removeLocalMean(x: Float32Array, radius: number): Float32Array {
  const n = x.length;
  const out = new Float32Array(n);
  let sum = 0, lo = 0, hi = -1;
  for (let i = 0; i < n; i++) {
    while (hi < Math.min(n - 1, i + radius)) sum += x[++hi];
    while (lo < i - radius) sum -= x[lo++];
    const v = x[i] - sum / (hi - lo + 1);
    out[i] = v > 0 ? v : 0;
  }
  return out;
}

/** acf[l] = mean over i of x[i]·x[i+l], divided by the overlap so long lags are not penalised. */
function autocorrelation(x: Float32Array, maxLag: number): Float64Array {
  const n = x.length;
  const acf = new Float64Array(maxLag + 1);
  for (let l = 0; l <= maxLag; l++) {
    let s = 0;
    for (let i = 0, j = l; j < n; i++, j++) s += x[i] * x[j];
    acf[l] = s / (n - l);
  }
  return acf;
}

function interpolate(a: Float64Array, at: number): number {
  const i = Math.floor(at);
  if (i + 1 >= a.length) return a[a.length - 1];
  const f = at - i;
  return a[i] * (1 - f) + a[i + 1] * f;
}

function peakNear(a: Float64Array, i: number, radius: number): number {
  let best = i;
  for (let j = Math.max(0, i - radius); j <= Math.min(a.length - 1, i + radius); j++) if (a[j] > a[best]) best = j;
  return best;
}

/** Parabolic interpolation of the score peak on the log-tempo grid. */
function refine(score: Float64Array, i: number, minBpm: number): number {
  let offset = 0;
  if (i > 0 && i < score.length - 1) {
    const l = score[i - 1], c = score[i], r = score[i + 1];
    const d = l - 2 * c + r;
    if (d < 0) offset = Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / d));
  }
  return minBpm * Math.pow(2, (i + offset) / CANDIDATES_PER_OCTAVE);
}

function bestPhase(envelope: Float32Array, period: number): number {
  let best = 0, bestScore = -1;
  const steps = Math.max(1, Math.ceil(period));
  for (let p = 0; p < steps; p++) {
    let s = 0;
    for (let b = p; b < envelope.length; b += period) s += envelope[Math.round(b)] ?? 0;
    if (s > bestScore) { bestScore = s; best = p; }
  }
  return best;
}

function localMax(x: Float32Array, i: number, radius: number): number {
  let m = 0;
  for (let j = Math.max(0, i - radius); j <= Math.min(x.length - 1, i + radius); j++) if (x[j] > m) m = x[j];
  return m;
}

/**
 * Beats per bar, 3 or 4: the grouping of the beat accents (onset strength at each beat, full band
 * plus bass) whose strongest position stands out most. NaN without beats; 4 when neither stands out.
 */
export function estimateTimeSignature(envelope: Float32Array, bassEnvelope: Float32Array, beats: readonly number[]): number {
  if (beats.length < 8) return beats.length ? 4 : NaN;
  const accentsOf = (env: Float32Array) => {
    const a = beats.map((b) => localMax(env, Math.round(b), 1));
    const mean = a.reduce((x, y) => x + y, 0) / a.length;
    const sd = Math.sqrt(a.reduce((x, y) => x + (y - mean) ** 2, 0) / a.length);
    return sd > 0 ? a.map((v) => (v - mean) / sd) : a.map(() => 0);
  };
  const full = accentsOf(envelope), bass = accentsOf(bassEnvelope);
  // z-scored accents of both envelopes added: the bass marks downbeats where the full band cannot.
  const accents = full.map((v, i) => v + bass[i]);
  const contrast = (m: number) => {
    const sums = new Array<number>(m).fill(0), counts = new Array<number>(m).fill(0);
    accents.forEach((a, i) => { sums[i % m] += a; counts[i % m]++; });
    return Math.max(...sums.map((s, i) => s / counts[i]));
  };
  const three = contrast(3), four = contrast(4);
  if (Math.max(three, four) < 0.5) return 4;
  return three > four ? 3 : 4;
}
