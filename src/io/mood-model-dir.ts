/**
 * Saving and loading a trained mood model directory (see model-store.ts for the file layout).
 */
import { createHash } from 'node:crypto';
import { FittedMoodClassifier } from '../core/classify/mood-classifier.ts';
import { classifierFactory } from '../core/classify/classifiers.ts';
import type { TrainingIndex } from '../core/evaluate/leakage.ts';
import type { Matrix } from '../core/common/matrix.ts';
import { ModelStateError, readState, type ModelState } from '../core/classify/model-state.ts';
import { InputError } from '../core/common/errors.ts';
import { join } from 'node:path';
import { loadModelDir, saveModelDir, type ModelManifest } from './model-store.ts';
import type { WriteDirOptions } from './atomic.ts';

/** What a model directory says about how the model was made and how good it is. */
export interface MoodModelInfo {
  /** 'label' (human/playlist moods from a column) or 'clusters' (the original's K-Means ids). */
  target: { type: 'label'; column: string } | { type: 'clusters'; k: number; method: string };
  training: { file: string; rows: number; fingerprint: string; files?: string[] };
  metrics: Record<string, unknown>;
  /** Cluster names and their evidence, when the model was trained from clusters. */
  clusters?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface LoadedMoodModel {
  readonly model: FittedMoodClassifier;
  readonly info: MoodModelInfo;
  readonly manifest: ModelManifest;
  readonly extraStages: Record<string, ModelState>;
  /** Logistic regression on the model's features and training rows (absent in older model dirs). */
  readonly baseline?: FittedMoodClassifier;
  /** Hashes of the training ids and feature rows, for overlap checks (absent in older model dirs). */
  readonly trainingIndex?: TrainingIndex;
}

/** Stage names of the evaluation extras written by `train`. */
export const BASELINE_STAGE = 'baselineClassifier';
export const TRAINING_INDEX_STAGE = 'trainingIndex';

/**
 * The extra stages `train` saves beside the model so `evaluate` can score baselines and check
 * overlap: the logistic-regression baseline's classifier (it shares the model's features and
 * scaler) and the training-set hashes (8 bytes per training row and per id).
 */
export function evaluationStages(baseline: FittedMoodClassifier | undefined, index: TrainingIndex | undefined): Record<string, ModelState> {
  const out: Record<string, ModelState> = {};
  if (baseline) out[BASELINE_STAGE] = baseline.classifier.toState();
  if (index) out[TRAINING_INDEX_STAGE] = { kind: 'training-index', formatVersion: 1, config: { hash: 'cyrb53' }, arrays: { ids: index.ids, rows: index.rows } };
  return out;
}

export async function saveMoodModel(
  dir: string,
  model: FittedMoodClassifier,
  info: MoodModelInfo,
  extraStages: Record<string, ModelState> = {},
  options: WriteDirOptions & { createdAt?: string } = {},
): Promise<void> {
  const { config, stages } = model.toStates();
  const { createdAt, ...write } = options;
  await saveModelDir(dir, { meta: { kind: 'mood-model', classifier: config, ...info }, stages: { ...stages, ...extraStages }, ...(createdAt ? { createdAt } : {}) }, write);
}

/**
 * Loads a model directory. Every stage is read through its estimator's validating reader; a
 * malformed one (a field missing or of the wrong type, an array of the wrong length) fails with
 * an InputError naming model.json and the field.
 */
export async function loadMoodModel(dir: string): Promise<LoadedMoodModel> {
  const { manifest, meta, stages } = await loadModelDir(dir);
  try {
    return fromContents(manifest, meta, stages);
  } catch (e) {
    if (e instanceof ModelStateError) throw new InputError(e.message, { file: join(dir, 'model.json') });
    throw e;
  }
}

function fromContents(manifest: ModelManifest, meta: Record<string, unknown>, stages: Record<string, ModelState>): LoadedMoodModel {
  if (meta === null || typeof meta !== 'object') throw new ModelStateError('mood-model', 'meta', 'must be an object');
  const { classifier, kind: _kind, ...info } = meta;
  let model = FittedMoodClassifier.fromStates(classifier as Record<string, unknown>, stages);
  if (!model.trainingPriors) model = model.withTrainingPriors(priorsFromClassCounts(model.classes, (info as Partial<MoodModelInfo>).metrics));
  const { scaler: _s, classifier: _c, ...extraStages } = stages;
  let baseline: FittedMoodClassifier | undefined;
  const b = stages[BASELINE_STAGE];
  if (b) {
    if (b.kind !== 'logreg') throw new ModelStateError('mood-model', `stages.${BASELINE_STAGE}.kind`, `must be "logreg", got ${JSON.stringify(b.kind)}`);
    const options = { ...model.options, model: 'logreg' as const, classifierOptions: {} };
    baseline = new FittedMoodClassifier(options, model.selection, model.classes, model.scaler, classifierFactory(b.kind).fromState(b), 1, model.uncertainBelow, model.trainingPriors);
  }
  const ti = stages[TRAINING_INDEX_STAGE];
  let trainingIndex: TrainingIndex | undefined;
  if (ti) {
    const r = readState(ti, 'training-index', 1);
    trainingIndex = { ids: Float64Array.from(r.array('ids', 'float64')), rows: Float64Array.from(r.array('rows', 'float64')) };
  }
  return { model, info: info as MoodModelInfo, manifest, extraStages, ...(baseline ? { baseline } : {}), ...(trainingIndex ? { trainingIndex } : {}) };
}

/**
 * Models saved before the classifier stored its training priors still carry the training class
 * counts in their metrics: the same numbers. Null when those are missing too (prior shift refuses).
 */
function priorsFromClassCounts(classes: readonly string[], metrics: Record<string, unknown> | undefined): Float64Array | null {
  const counts = metrics?.classCounts as Record<string, unknown> | undefined;
  if (!counts || typeof counts !== 'object') return null;
  const p = classes.map((c) => counts[c]);
  if (!p.every((v): v is number => typeof v === 'number' && v >= 0) || !p.some((v) => v > 0)) return null;
  return Float64Array.from(p);
}

/** A fingerprint of training data: SHA-256 over the feature values and labels, in row order. */
export function fingerprint(X: Matrix, labels: ArrayLike<number>): string {
  const h = createHash('sha256');
  h.update(Buffer.from(X.data.buffer, X.data.byteOffset, X.data.byteLength));
  h.update(Buffer.from(Int32Array.from(labels).buffer));
  return 'sha256:' + h.digest('hex');
}
