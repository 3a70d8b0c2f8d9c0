/**
 * The classifiers a mood model can hold, behind one small interface, plus the registry that
 * rebuilds a fitted classifier from its saved state by `kind`.
 */
import type { Matrix } from '../common/matrix.ts';
import type { ModelState } from './model-state.ts';
import { FittedMlp, MlpClassifier, type MlpOptions } from './mlp.ts';
import type { ClassifierFitOptions, FittedClassifier } from './fitted-classifier.ts';
import { FittedLogisticRegression, LogisticRegression, type LogRegOptions } from './logreg.ts';
import { fitEnsemble, FittedEnsemble, type EnsembleOptions } from './ensemble.ts';
import { AdaptedClassifier } from './catalogue-adapter.ts';

export type ClassifierKind = 'mlp' | 'logreg' | 'ensemble';
/** Kinds a saved classifier stage can have: the trainable ones plus `adapted` (made by CatalogueAdapter). */
export type ClassifierStateKind = ClassifierKind | 'adapted';

export type { ClassifierFitOptions, FittedClassifier } from './fitted-classifier.ts';

export interface ClassifierFactory {
  fit(X: Matrix, y: Int32Array, nClasses: number, options: Record<string, unknown>, fitOptions?: ClassifierFitOptions): FittedClassifier;
  fromState(state: ModelState): FittedClassifier;
}

const REGISTRY = new Map<string, ClassifierFactory>();

/** Whether `kind` is registered (checked before classifierFactory, whose unknown kind is an internal error). */
export function isClassifierKind(kind: string): boolean {
  return REGISTRY.has(kind);
}

/** Adds a classifier kind; a kind can be registered once (tfjs' registerClass rule). */
export function registerClassifier(kind: ClassifierStateKind, factory: ClassifierFactory): void {
  if (REGISTRY.has(kind)) throw new Error(`classifier kind "${kind}" is already registered`);
  REGISTRY.set(kind, factory);
}

export function classifierFactory(kind: string): ClassifierFactory {
  const f = REGISTRY.get(kind);
  if (!f) throw new Error(`unknown classifier kind "${kind}" (known: ${[...REGISTRY.keys()].join(', ')})`);
  return f;
}

registerClassifier('mlp', {
  fit: (X, y, n, options, fitOptions) => new MlpClassifier(options as Partial<MlpOptions>).fit(X, y, n, fitOptions),
  fromState: (s) => FittedMlp.fromState(s),
});

registerClassifier('logreg', {
  // L-BFGS from a zero start is deterministic: the seed has nothing to act on.
  fit: (X, y, n, { seed: _seed, ...options }, fitOptions) =>
    new LogisticRegression(options as Partial<LogRegOptions>).fit(X, y, n, fitOptions),
  fromState: (s) => FittedLogisticRegression.fromState(s),
});

registerClassifier('ensemble', {
  // Soft voting over mlp/logreg members (seed ensembles, blends); see ensemble.ts.
  fit: (X, y, n, options, fitOptions) =>
    fitEnsemble(X, y, n, options as Partial<EnsembleOptions>, (kind, Xm, ym, nm, o, fo) => classifierFactory(kind).fit(Xm, ym, nm, o, fo), fitOptions),
  fromState: (s) => FittedEnsemble.fromState(s, (m) => classifierFactory(m.kind).fromState(m)),
});

registerClassifier('adapted', {
  fit: () => { throw new Error('an adapted classifier is made by CatalogueAdapter from a trained model and corrections, not trained from scratch'); },
  fromState: (s) => AdaptedClassifier.fromState(s, (b) => classifierFactory(b.kind).fromState(b)),
});
