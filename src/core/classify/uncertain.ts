/**
 * The "uncertain" outcome: a track whose most probable mood is below a threshold is not given a
 * mood. With calibrated probabilities (temperature scaling) the threshold means what it says: of
 * the tracks tagged at confidence ≈ 0.4, about 40 % are right.
 */
import type { Matrix } from '../common/matrix.ts';

export const UNCERTAIN = 'uncertain';
/** Default threshold on the top probability (4 moods: 0.25 is chance). */
export const DEFAULT_UNCERTAIN_BELOW = 0.4;

export interface MoodDecision {
  /** The top mood, or UNCERTAIN when its probability is below the threshold. */
  readonly mood: string;
  /** The top mood whatever the threshold. */
  readonly topMood: string;
  readonly confidence: number;
  readonly uncertain: boolean;
}

export function checkThreshold(t: number): void {
  if (!(Number.isFinite(t) && t >= 0 && t <= 1)) throw new RangeError(`the uncertain threshold must be in [0, 1], got ${t}`);
}

export interface UncertainSummary {
  readonly threshold: number;
  /** Rows whose top probability is below the threshold. */
  readonly count: number;
  readonly fraction: number;
  /** Accuracy on the rows that do get a mood (NaN when there are none or no labels). */
  readonly accuracyWhenCertain: number;
  /** Accuracy on the uncertain rows, had their top mood been used (NaN when none). */
  readonly accuracyWhenUncertain: number;
}

/** Counts uncertain rows and, given true labels, the accuracy on either side of the threshold. */
export function summarizeUncertain(proba: Matrix, uncertainBelow: number, yTrue?: ArrayLike<number>): UncertainSummary {
  checkThreshold(uncertainBelow);
  const k = proba.cols, d = proba.data;
  let count = 0, okC = 0, nC = 0, okU = 0;
  for (let i = 0; i < proba.rows; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (d[i * k + j] > d[i * k + best]) best = j;
    const unc = d[i * k + best] < uncertainBelow;
    if (unc) count++; else nC++;
    if (yTrue && best === yTrue[i]) { if (unc) okU++; else okC++; }
  }
  return {
    threshold: uncertainBelow,
    count,
    fraction: proba.rows ? count / proba.rows : 0,
    accuracyWhenCertain: yTrue && nC ? okC / nC : NaN,
    accuracyWhenUncertain: yTrue && count ? okU / count : NaN,
  };
}
