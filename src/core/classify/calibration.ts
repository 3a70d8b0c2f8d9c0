/**
 * Probability calibration: expected calibration error (ECE), multi-class Brier score, and
 * temperature scaling (Guo et al. 2017: divide the logits by one T fitted on held-out NLL).
 */
import { matrix, type Matrix } from '../common/matrix.ts';
import { assertLabels } from '../evaluate/metrics.ts';

function checkInput(p: Matrix, y: ArrayLike<number>, who: string): void {
  if (p.rows !== y.length) throw new RangeError(`${who}: ${y.length} labels for ${p.rows} rows`);
  if (p.rows === 0) throw new RangeError(`${who}: no rows`);
  assertLabels(y, p.cols, who);
}

export interface CalibrationBin {
  /** Bin covers (lower, upper]; the first bin also takes confidence 0. */
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Mean top-class confidence in the bin (NaN when empty). */
  readonly confidence: number;
  /** Fraction of the bin's rows whose top class is right (NaN when empty). */
  readonly accuracy: number;
}

/** Reliability diagram data: equal-width bins over the top-class confidence. */
export function reliabilityBins(proba: Matrix, y: ArrayLike<number>, nBins = 10): CalibrationBin[] {
  checkInput(proba, y, 'reliabilityBins');
  if (!Number.isInteger(nBins) || nBins < 1) throw new RangeError(`reliabilityBins: nBins must be an integer ≥ 1, got ${nBins}`);
  const K = proba.cols, d = proba.data;
  const count = new Float64Array(nBins), conf = new Float64Array(nBins), hit = new Float64Array(nBins);
  for (let i = 0; i < proba.rows; i++) {
    const o = i * K;
    let best = 0;
    for (let c = 1; c < K; c++) if (d[o + c] > d[o + best]) best = c;
    const p = d[o + best];
    // Bin b holds (b/nBins, (b+1)/nBins]; compare with the same boundaries so 0.7 lands in (0.6, 0.7].
    let b = Math.ceil(p * nBins) - 1;
    if (b > 0 && p <= b / nBins) b--;
    if (b < nBins - 1 && p > (b + 1) / nBins) b++;
    b = Math.min(nBins - 1, Math.max(0, b));
    count[b]++;
    conf[b] += p;
    if (best === y[i]) hit[b]++;
  }
  return Array.from({ length: nBins }, (_, b) => ({
    lower: b / nBins,
    upper: (b + 1) / nBins,
    count: count[b],
    confidence: count[b] ? conf[b] / count[b] : NaN,
    accuracy: count[b] ? hit[b] / count[b] : NaN,
  }));
}

/** ECE = Σ_bins (n_b / n) · |accuracy_b − confidence_b| over equal-width confidence bins. */
export function expectedCalibrationError(proba: Matrix, y: ArrayLike<number>, nBins = 10): number {
  const bins = reliabilityBins(proba, y, nBins);
  let ece = 0;
  for (const b of bins) if (b.count) ece += (b.count / proba.rows) * Math.abs(b.accuracy - b.confidence);
  return ece;
}

/** Multi-class Brier score: mean over rows of Σ_k (p_k − 1[k = y])². 0 is perfect, 2 the worst. */
export function brierScore(proba: Matrix, y: ArrayLike<number>): number {
  checkInput(proba, y, 'brierScore');
  const K = proba.cols, d = proba.data;
  let s = 0;
  for (let i = 0; i < proba.rows; i++) {
    for (let c = 0; c < K; c++) {
      const t = d[i * K + c] - (c === y[i] ? 1 : 0);
      s += t * t;
    }
  }
  return s / proba.rows;
}

export type ScoreKind = 'logits' | 'probs';

/** Logits from the input: as is, or log of clipped probabilities (softmax(log p) = p). */
function toLogits(scores: Matrix, from: ScoreKind): Matrix {
  if (from === 'logits') return scores;
  if (from !== 'probs') throw new RangeError(`calibration: "from" must be 'logits' or 'probs', got ${String(from)}`);
  const out = matrix(scores.rows, scores.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = Math.log(Math.max(scores.data[i], 1e-15));
  return out;
}

/** softmax(z / T) row-wise. */
export function applyTemperature(scores: Matrix, T: number, options: { from: ScoreKind }): Matrix {
  if (!(T > 0 && Number.isFinite(T))) throw new RangeError(`applyTemperature: T must be a finite number > 0, got ${T}`);
  const z = toLogits(scores, options.from);
  const K = z.cols, out = matrix(z.rows, K);
  for (let i = 0; i < z.rows; i++) {
    const o = i * K;
    let m = -Infinity;
    for (let c = 0; c < K; c++) if (z.data[o + c] > m) m = z.data[o + c];
    let s = 0;
    for (let c = 0; c < K; c++) { const e = Math.exp((z.data[o + c] - m) / T); out.data[o + c] = e; s += e; }
    for (let c = 0; c < K; c++) out.data[o + c] /= s;
  }
  return out;
}

/** Mean NLL at inverse temperature β and its first two derivatives in β. */
function nllDerivs(z: Matrix, y: ArrayLike<number>, beta: number): { f: number; d1: number; d2: number } {
  const K = z.cols, n = z.rows;
  let f = 0, d1 = 0, d2 = 0;
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let m = -Infinity;
    for (let c = 0; c < K; c++) if (beta * z.data[o + c] > m) m = beta * z.data[o + c];
    let s = 0, ez = 0, ez2 = 0;
    for (let c = 0; c < K; c++) {
      const zc = z.data[o + c];
      const e = Math.exp(beta * zc - m);
      s += e; ez += e * zc; ez2 += e * zc * zc;
    }
    const mean = ez / s;
    f += m + Math.log(s) - beta * z.data[o + y[i]];
    d1 += mean - z.data[o + y[i]];
    d2 += ez2 / s - mean * mean;
  }
  return { f: f / n, d1: d1 / n, d2: d2 / n };
}

/**
 * The temperature T > 0 minimising the mean NLL of softmax(z / T) on (scores, y). The NLL is
 * convex in β = 1/T, so this is a safeguarded Newton search for the root of dNLL/dβ (bisection
 * whenever Newton leaves the bracket). T is clamped to [1e-3, 1e3] (an optimum beyond means the
 * scores carry no usable ranking, e.g. all rows tied). `from` says whether `scores` are logits or
 * probabilities (then logits are log p).
 */
export function fitTemperature(scores: Matrix, y: ArrayLike<number>, options: { from: ScoreKind }): number {
  checkInput(scores, y, 'fitTemperature');
  const z = toLogits(scores, options.from);
  const betaMin = 1e-3, betaMax = 1e3;
  let lo = betaMin, hi = betaMax;
  if (nllDerivs(z, y, lo).d1 >= 0) return 1 / lo;
  if (nllDerivs(z, y, hi).d1 <= 0) return 1 / hi;
  let beta = 1;
  for (let it = 0; it < 100; it++) {
    const { d1, d2 } = nllDerivs(z, y, beta);
    if (d1 > 0) hi = beta; else lo = beta;
    if (Math.abs(d1) < 1e-12 || hi - lo < 1e-12 * beta) break;
    let next = d2 > 0 ? beta - d1 / d2 : NaN;
    if (!(next > lo && next < hi)) next = Math.sqrt(lo * hi); // bisection on log β
    if (Math.abs(next - beta) < 1e-13 * beta) { beta = next; break; }
    beta = next;
  }
  return 1 / beta;
}

/** Mean negative log-likelihood of softmax(z / T) (for reporting before/after scaling). */
export function temperatureNll(scores: Matrix, y: ArrayLike<number>, T: number, options: { from: ScoreKind }): number {
  checkInput(scores, y, 'temperatureNll');
  return nllDerivs(toLogits(scores, options.from), y, 1 / T).f;
}
