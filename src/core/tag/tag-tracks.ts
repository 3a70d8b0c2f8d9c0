/**
 * The one tagging path: every caller that turns mood probabilities into moods (`tag` on a CSV,
 * `tag --db` on a store, the server, the fleet workers) goes through `tagProbabilities`, so the
 * threshold, the `uncertain` outcome and the prior shift mean the same thing everywhere.
 */
import type { Matrix } from '../common/matrix.ts';
import type { TrackTable } from '../data/track-table.ts';
import type { MoodTagger } from '../classify/mood-model.ts';
import { checkThreshold, DEFAULT_UNCERTAIN_BELOW, UNCERTAIN, type MoodDecision } from '../classify/uncertain.ts';
import { InputError } from '../common/errors.ts';
import { adjustToPriors, normalisePriors, PriorShiftEM } from './prior-shift.ts';

/** `off` keeps the model's probabilities; `auto` adapts them to the catalogue's estimated mood mix. */
export type PriorShiftMode = 'off' | 'auto';
export const PRIOR_SHIFT_MODES: readonly PriorShiftMode[] = ['off', 'auto'];
/** What `tag`, `recommend` and `serve` use without `--prior-shift`. */
export const DEFAULT_PRIOR_SHIFT: PriorShiftMode = 'off';

export const PRIOR_SHIFT_HELP = 'auto | off: auto estimates the catalogue\'s mood mix (EM on the calibrated probabilities) and adjusts the probabilities to it; off keeps the model\'s (default ' + DEFAULT_PRIOR_SHIFT + ')';

/** "Calm 31.0 %, Energetic 22.1 %, …": an estimated mix for a status line. */
export function formatMix(mix: Readonly<Record<string, number>>): string {
  return Object.entries(mix).map(([m, v]) => `${m} ${(v * 100).toFixed(1)} %`).join(', ');
}

/** Parses a `--prior-shift` value. */
export function parsePriorShift(value: string | undefined): PriorShiftMode {
  if (value === undefined) return DEFAULT_PRIOR_SHIFT;
  if (!PRIOR_SHIFT_MODES.includes(value as PriorShiftMode)) throw new InputError(`--prior-shift must be ${PRIOR_SHIFT_MODES.join(' or ')}, got "${value}"`);
  return value as PriorShiftMode;
}

export interface TagOptions {
  /** A track whose top probability is below this is tagged `uncertain` (default 0.4). */
  readonly uncertainBelow?: number;
  /** Default `off` until the transfer evaluation shows `auto` helps (see DEFAULT_PRIOR_SHIFT). */
  readonly priorShift?: PriorShiftMode;
  /** The model's training priors, in class order; needed for `priorShift: 'auto'`. */
  readonly trainingPriors?: ArrayLike<number> | null;
  /**
   * With `auto`: the catalogue's priors, already estimated on all of it (see estimateCataloguePriors),
   * so that a batch of it is adjusted as the whole would be instead of by its own mix.
   */
  readonly cataloguePriors?: ArrayLike<number> | null;
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
  const priorShift = options.priorShift ?? DEFAULT_PRIOR_SHIFT;
  if (!PRIOR_SHIFT_MODES.includes(priorShift)) throw new RangeError(`priorShift must be one of ${PRIOR_SHIFT_MODES.join(', ')}, got ${String(priorShift)}`);
  if (proba.cols !== classes.length) throw new RangeError(`probabilities have ${proba.cols} columns for ${classes.length} moods`);
  let used = proba;
  let estimatedPriors: Record<string, number> | null = null;
  if (priorShift === 'auto' && proba.rows > 0) {
    const training = requireTrainingPriors(options.trainingPriors, classes.length);
    const priors = options.cataloguePriors ? normalisePriors(options.cataloguePriors, classes.length) : new PriorShiftEM().fit(proba, training).priors;
    used = adjustToPriors(proba, training, priors);
    estimatedPriors = Object.fromEntries(classes.map((c, j) => [c, priors[j]]));
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

/** The catalogue's mood mix by EM on all its probabilities (for callers that tag it in batches). */
export function estimateCataloguePriors(proba: Matrix, trainingPriors: ArrayLike<number> | null | undefined): Float64Array {
  return new PriorShiftEM().fit(proba, requireTrainingPriors(trainingPriors, proba.cols)).priors;
}

function requireTrainingPriors(p: ArrayLike<number> | null | undefined, K: number): Float64Array {
  // Refused rather than assuming uniform training priors: that guess would shift every catalogue
  // towards the moods the training sets happened to hold least of.
  if (!p) throw new InputError('prior shift "auto" needs the training priors of the model, and this model has none (saved by an older moodscape without class counts): retrain it, or use --prior-shift off');
  return normalisePriors(p, K);
}

/** Moods for every track of a table. */
export function tagTracks(model: MoodTagger, table: TrackTable, options: TagOptions = {}): TagResult {
  return tagProbabilities(model.classes, model.predictProba(table), { trainingPriors: model.trainingPriors, ...options });
}

/** Probabilities of row `i` keyed by mood. */
export function probabilitiesOf(result: Pick<TagResult, 'classes' | 'proba'>, i: number): Record<string, number> {
  const out: Record<string, number> = {};
  const k = result.classes.length;
  result.classes.forEach((c, j) => { out[c] = result.proba.data[i * k + j]; });
  return out;
}
