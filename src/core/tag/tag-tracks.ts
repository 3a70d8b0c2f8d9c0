/**
 * The one tagging path: every caller that turns mood probabilities into moods (`tag` on a CSV,
 * `tag --db` on a store, the server, the fleet workers) goes through `tagProbabilities`, so the
 * threshold, the `uncertain` outcome and the prior shift mean the same thing everywhere.
 */
import type { Matrix } from '../common/matrix.ts';
import type { TrackTable } from '../data/track-table.ts';
import type { MoodTagger } from '../classify/mood-model.ts';
import { checkThreshold, DEFAULT_UNCERTAIN_BELOW, UNCERTAIN, type MoodDecision } from '../classify/uncertain.ts';

/** `off` keeps the model's probabilities; `auto` adapts them to the catalogue's estimated mood mix. */
export type PriorShiftMode = 'off' | 'auto';
export const PRIOR_SHIFT_MODES: readonly PriorShiftMode[] = ['off', 'auto'];

export interface TagOptions {
  /** A track whose top probability is below this is tagged `uncertain` (default 0.4). */
  readonly uncertainBelow?: number;
  /** Default `off` until the transfer evaluation shows `auto` helps. */
  readonly priorShift?: PriorShiftMode;
  /** The model's training priors, in class order; needed for `priorShift: 'auto'`. */
  readonly trainingPriors?: ArrayLike<number>;
}

export interface TagResult {
  readonly classes: readonly string[];
  /** Probabilities used for the decisions (after the prior shift, when applied), rows × classes. */
  readonly proba: Matrix;
  readonly decisions: readonly MoodDecision[];
  /** Tracks per mood, `uncertain` included. */
  readonly counts: Readonly<Record<string, number>>;
  readonly uncertainBelow: number;
  readonly priorShift: PriorShiftMode;
  /** The catalogue's estimated mood mix when the prior shift ran, else null. */
  readonly estimatedPriors: Readonly<Record<string, number>> | null;
}

/** Moods for probabilities already computed (by the TypeScript model or onnxruntime). */
export function tagProbabilities(classes: readonly string[], proba: Matrix, options: TagOptions = {}): TagResult {
  const uncertainBelow = options.uncertainBelow ?? DEFAULT_UNCERTAIN_BELOW;
  checkThreshold(uncertainBelow);
  const priorShift = options.priorShift ?? 'off';
  if (!PRIOR_SHIFT_MODES.includes(priorShift)) throw new RangeError(`priorShift must be one of ${PRIOR_SHIFT_MODES.join(', ')}, got ${String(priorShift)}`);
  if (proba.cols !== classes.length) throw new RangeError(`probabilities have ${proba.cols} columns for ${classes.length} moods`);
  const used = proba;
  const estimatedPriors: Record<string, number> | null = null;
  if (priorShift === 'auto') {
    // Filled in by the prior-shift estimator (issue 12); until then `auto` is refused rather than ignored.
    throw new RangeError('priorShift "auto" is not available yet');
  }
  const k = classes.length, d = used.data;
  const decisions: MoodDecision[] = [];
  const counts: Record<string, number> = Object.fromEntries([...classes, UNCERTAIN].map((c) => [c, 0]));
  for (let i = 0; i < used.rows; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (d[i * k + j] > d[i * k + best]) best = j;
    const confidence = d[i * k + best];
    const uncertain = confidence < uncertainBelow;
    const mood = uncertain ? UNCERTAIN : classes[best];
    counts[mood]++;
    decisions.push({ mood, topMood: classes[best], confidence, uncertain });
  }
  return { classes, proba: used, decisions, counts, uncertainBelow, priorShift, estimatedPriors };
}

/** Moods for every track of a table. */
export function tagTracks(model: MoodTagger, table: TrackTable, options: TagOptions = {}): TagResult {
  return tagProbabilities(model.classes, model.predictProba(table), options);
}

/** Probabilities of row `i` keyed by mood. */
export function probabilitiesOf(result: Pick<TagResult, 'classes' | 'proba'>, i: number): Record<string, number> {
  const out: Record<string, number> = {};
  const k = result.classes.length;
  result.classes.forEach((c, j) => { out[c] = result.proba.data[i * k + j]; });
  return out;
}
