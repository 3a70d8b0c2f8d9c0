/**
 * What every classifier a mood model can hold offers once fitted. On its own so that the
 * registry (classifiers.ts) and the ensemble (ensemble.ts), which holds fitted classifiers, both
 * depend on it and not on each other.
 */
import type { Matrix } from '../common/matrix.ts';
import type { ModelState } from './model-state.ts';
import type { EpochRecord } from './training-history.ts';
import type { RowFitOptions } from './partial-labels.ts';

export interface FittedClassifier {
  readonly nFeatures: number;
  readonly nClasses: number;
  predictProba(X: Matrix): Matrix;
  toState(): ModelState;
  /** Per-epoch loss and accuracy, for models trained in epochs. */
  readonly history?: readonly EpochRecord[];
}

/** Sample weights and partial labels: see partial-labels.ts. */
export interface ClassifierFitOptions extends RowFitOptions {
  validation?: { X: Matrix; y: Int32Array };
  onEpoch?: (e: EpochRecord) => void;
}
