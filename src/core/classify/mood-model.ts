import type { Matrix } from '../common/matrix.ts';
import type { TrackTable } from '../data/track-table.ts';

/**
 * What the rest of moodscape (recommender, explanations, server) needs from a trained mood model,
 * whatever classifier is inside it. Implemented by FittedMoodClassifier (mood-classifier.ts).
 */
export interface MoodTagger {
  /** Mood names, in the column order of every probability matrix. */
  readonly classes: readonly string[];
  /**
   * The audio features the model reads from a track, in order (canonical names from data/features.ts,
   * e.g. valence, energy …). Engineered features and scaling happen inside the model.
   */
  readonly inputFeatures: readonly string[];
  /** Probabilities (rows × classes) for raw feature values laid out in `inputFeatures` order. */
  predictProbaRaw(X: Matrix): Matrix;
  /** The raw `inputFeatures` matrix of a table (missing values must already be imputed). */
  featureMatrix(table: TrackTable): Matrix;
  /** The class mix the probabilities assume, for the prior shift; null when the model does not know it. */
  readonly trainingPriors?: ArrayLike<number> | null;
  /** The model's `uncertain` threshold on the top probability, when it has one. */
  readonly uncertainBelow?: number;
  /** Probabilities for every track of a table: featureMatrix + predictProbaRaw. */
  predictProba(table: TrackTable): Matrix;
}
