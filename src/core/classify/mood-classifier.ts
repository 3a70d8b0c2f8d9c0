/**
 * The supervised mood model as one estimator: feature selection → engineered features → scaler →
 * classifier. Fitting the whole chain at once is what keeps cross-validation honest: each fold
 * fits its own scaler on its own training rows.
 */
import { classifierFactory, isClassifierKind, type ClassifierKind, type ClassifierFitOptions, type FittedClassifier } from './classifiers.ts';
import { InputError } from '../common/errors.ts';
import { availableInputs, designMatrix, featureNames, withEngineered, type FeatureSelection } from '../data/feature-matrix.ts';
import { argmaxRows, assertWidth, type Matrix } from '../common/matrix.ts';
import { ModelStateError, StateReader, type ModelState } from './model-state.ts';
import { ENGINEERED_BY_NAME, FEATURE_SPEC } from '../data/features.ts';
import type { MoodTagger } from './mood-model.ts';
import { resolveOptions } from '../common/options.ts';
import { FittedStandardScaler, StandardScaler } from '../data/scaler.ts';
import type { TrackTable } from '../data/track-table.ts';
import { inputMatrix } from '../data/feature-matrix.ts';
import { applyTemperature } from './calibration.ts';
import { DEFAULT_UNCERTAIN_BELOW, checkThreshold } from './uncertain.ts';
import { classPriors, normalisePriors } from '../tag/prior-shift.ts';

export interface MoodClassifierOptions {
  /** Features to use; null = the required features plus every optional one the data has. */
  features: FeatureSelection | null;
  model: ClassifierKind;
  /** Options passed to the classifier (MlpOptions or LogisticRegressionOptions), seed excluded. */
  classifierOptions: Record<string, unknown>;
  seed: number;
}

export const MOOD_CLASSIFIER_DEFAULTS: MoodClassifierOptions = {
  features: null,
  model: 'mlp',
  classifierOptions: {},
  seed: 0,
};

/** Target labels as class indices plus the class names (sorted, so the order is reproducible). */
export interface EncodedLabels {
  readonly y: Int32Array;
  readonly classes: string[];
}

export function encodeLabels(labels: readonly string[], classes?: readonly string[]): EncodedLabels {
  const names = classes ? [...classes] : [...new Set(labels)].sort((a, b) => a.localeCompare(b));
  const index = new Map(names.map((c, i) => [c, i]));
  const y = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const k = index.get(labels[i]);
    if (k === undefined) throw new InputError(`label "${labels[i]}" is not one of the model's classes (${names.join(', ')})`);
    y[i] = k;
  }
  return { y, classes: names };
}

export class MoodClassifier {
  constructor(readonly options: Partial<MoodClassifierOptions> = {}) {}

  fit(table: TrackTable, target: EncodedLabels, fitOptions: ClassifierFitOptions & { validationTable?: TrackTable; validationY?: Int32Array } = {}): FittedMoodClassifier {
    const o = resolveOptions(MOOD_CLASSIFIER_DEFAULTS, this.options, {
      model: (v) => (v === 'mlp' || v === 'logreg' || v === 'ensemble' ? undefined : '"mlp", "logreg" or "ensemble"'),
    }, 'MoodClassifier');
    if (target.y.length !== table.rowCount) throw new RangeError(`got ${target.y.length} labels for ${table.rowCount} tracks`);
    if (target.classes.length < 2) throw new InputError(`training needs at least two classes, got ${target.classes.length} (${target.classes.join(', ')})`);
    const selection = o.features ?? { inputs: availableInputs(table), engineered: [] };
    const X = designMatrix(table, selection, 'training data');
    const scaler = new StandardScaler().fit(X);
    const Xs = scaler.transform(X);
    let validation: ClassifierFitOptions['validation'];
    if (fitOptions.validationTable && fitOptions.validationY) {
      validation = { X: scaler.transform(designMatrix(fitOptions.validationTable, selection)), y: fitOptions.validationY };
    }
    const classifier = classifierFactory(o.model).fit(Xs, target.y, target.classes.length, { ...o.classifierOptions, seed: o.seed }, {
      validation,
      onEpoch: fitOptions.onEpoch,
      ...(fitOptions.sampleWeight ? { sampleWeight: fitOptions.sampleWeight } : {}),
      ...(fitOptions.labelSets ? { labelSets: fitOptions.labelSets } : {}),
    });
    const priors = classPriors(target.y, target.classes.length);
    return new FittedMoodClassifier(o, selection, target.classes, scaler, classifier, 1, DEFAULT_UNCERTAIN_BELOW, priors);
  }
}

export class FittedMoodClassifier implements MoodTagger {
  readonly inputFeatures: readonly string[];
  constructor(
    readonly options: MoodClassifierOptions,
    readonly selection: FeatureSelection,
    readonly classes: readonly string[],
    readonly scaler: FittedStandardScaler,
    readonly classifier: FittedClassifier,
    /**
     * Temperature applied to the classifier's probabilities (softmax(log p / T)); 1 = none.
     * Fitted on held-out predictions by trainMoodModel (see withTemperature).
     */
    readonly temperature: number = 1,
    /** Top probability below which `decide` answers "uncertain". */
    readonly uncertainBelow: number = DEFAULT_UNCERTAIN_BELOW,
    /**
     * The class mix the probabilities assume (the training labels' frequencies), for the prior
     * shift at tag time; null in models saved before moodscape stored it.
     */
    readonly trainingPriors: Float64Array | null = null,
  ) {
    if (!(temperature > 0 && Number.isFinite(temperature))) throw new RangeError(`temperature must be a finite number > 0, got ${temperature}`);
    checkThreshold(uncertainBelow);
    if (trainingPriors) this.trainingPriors = normalisePriors(trainingPriors, classes.length);
    this.inputFeatures = selection.inputs;
  }

  /** The same model with another temperature (and optionally another uncertain threshold). */
  withTemperature(temperature: number, uncertainBelow: number = this.uncertainBelow): FittedMoodClassifier {
    return new FittedMoodClassifier(this.options, this.selection, this.classes, this.scaler, this.classifier, temperature, uncertainBelow, this.trainingPriors);
  }

  /** The same model assuming another training class mix (e.g. weighted over several sets). */
  withTrainingPriors(priors: ArrayLike<number> | null): FittedMoodClassifier {
    return new FittedMoodClassifier(this.options, this.selection, this.classes, this.scaler, this.classifier, this.temperature, this.uncertainBelow, priors ? Float64Array.from(priors) : null);
  }

  /** The same model with another classifier stage (e.g. adapted to a catalogue), everything else kept. */
  withClassifier(classifier: FittedClassifier): FittedMoodClassifier {
    return new FittedMoodClassifier(this.options, this.selection, this.classes, this.scaler, classifier, this.temperature, this.uncertainBelow, this.trainingPriors);
  }

  /** Every column the classifier sees: inputs then engineered features. */
  get featureNames(): string[] {
    return featureNames(this.selection);
  }

  /** Input features the table lacks; featureMatrix fills them with the training mean. */
  missingInputs(table: TrackTable): string[] {
    return this.selection.inputs.filter((f) => !(f in table.numeric));
  }

  featureMatrix(table: TrackTable): Matrix {
    const missing = this.missingInputs(table);
    // A catalogue without, say, duration_ms can still be tagged: the absent column takes the
    // training mean, which scales to 0 and so contributes what an average track would. So does an
    // empty cell (a store keeps them: `analyze` leaves the loudness of silence or the tempo of a
    // pulseless track empty rather than invent one).
    const numeric = { ...table.numeric };
    for (const f of missing) {
      const j = this.selection.inputs.indexOf(f);
      numeric[f] = new Float64Array(table.rowCount).fill(this.scaler.mean[j]);
    }
    const X = inputMatrix({ ...table, numeric }, this.selection.inputs, 'data');
    const width = this.selection.inputs.length;
    for (let i = 0; i < X.data.length; i++) if (X.data[i] !== X.data[i]) X.data[i] = this.scaler.mean[i % width];
    return X;
  }

  /** Calibrated probabilities (the temperature applied). */
  predictProbaRaw(X: Matrix): Matrix {
    const p = this.predictProbaUncalibrated(X);
    return this.temperature === 1 ? p : applyTemperature(p, this.temperature, { from: 'probs' });
  }

  /** The classifier's own probabilities, before temperature scaling. */
  predictProbaUncalibrated(X: Matrix): Matrix {
    assertWidth(X, this.selection.inputs.length, 'mood model');
    return this.classifier.predictProba(this.scaler.transform(withEngineered(X, this.selection)));
  }

  predictProba(table: TrackTable): Matrix {
    return this.predictProbaRaw(this.featureMatrix(table));
  }

  predict(table: TrackTable): Int32Array {
    return argmaxRows(this.predictProba(table));
  }

  toStates(): { config: Record<string, unknown>; stages: Record<string, ModelState> } {
    return {
      config: {
        model: this.options.model,
        seed: this.options.seed,
        classifierOptions: this.options.classifierOptions,
        features: { inputs: [...this.selection.inputs], engineered: [...this.selection.engineered] },
        classes: [...this.classes],
        temperature: this.temperature,
        uncertainBelow: this.uncertainBelow,
        ...(this.trainingPriors ? { trainingPriors: Array.from(this.trainingPriors) } : {}),
      },
      stages: { scaler: this.scaler.toState(), classifier: this.classifier.toState() },
    };
  }

  /**
   * The model of a saved config (model.json's meta.classifier) and stages; a malformed one throws a
   * ModelStateError naming the field ("meta.classifier.classes", "stages.classifier (mlp) …").
   */
  static fromStates(config: Record<string, unknown>, stages: Record<string, ModelState>): FittedMoodClassifier {
    const r = new StateReader({ kind: 'mood-model', formatVersion: 1, config: config ?? {}, arrays: {} }, 'mood-model', 'meta.classifier');
    const f = r.object('features');
    const features: FeatureSelection = { inputs: f.strings('inputs', 1), engineered: f.strings('engineered') };
    const unknown = [...features.inputs.filter((n) => !FEATURE_SPEC.has(n)), ...features.engineered.filter((n) => !ENGINEERED_BY_NAME.has(n))];
    if (unknown.length) r.fail('features', `name unknown features: ${unknown.join(', ')}`);
    const classes = r.strings('classes', 2);
    const model = r.json<ClassifierKind>('model', (v) => (typeof v === 'string' ? undefined : 'a classifier kind'));
    const options: MoodClassifierOptions = {
      features,
      model,
      classifierOptions: r.has('classifierOptions') ? r.object('classifierOptions').fields : {},
      seed: r.int('seed', -Infinity, 0),
    };
    const stage = <T>(role: string, load: (s: ModelState) => T): T => {
      const s = stages[role];
      if (!s) throw new ModelStateError('mood-model', `stages.${role}`, 'is missing');
      try {
        return load(s);
      } catch (e) {
        if (e instanceof ModelStateError) throw new ModelStateError('mood-model', `stages.${role} (${e.kind}) ${e.field}`, e.problem);
        throw e;
      }
    };
    const scaler = stage('scaler', (s) => FittedStandardScaler.fromState(s));
    const classifier = stage('classifier', (s) => {
      const factory = isClassifierKind(s.kind) ? classifierFactory(s.kind) : unknownKind(s.kind);
      return factory.fromState(s);
    });
    const width = featureNames(features).length;
    if (scaler.nFeatures !== width) r.fail('features', `list ${width} columns, but the scaler stage was fitted on ${scaler.nFeatures}`);
    if (classifier.nFeatures !== width) r.fail('features', `list ${width} columns, but the classifier stage was fitted on ${classifier.nFeatures}`);
    if (classifier.nClasses !== classes.length) r.fail('classes', `list ${classes.length} moods, but the classifier stage predicts ${classifier.nClasses}`);
    const temperature = r.number('temperature', 1);
    if (!(temperature > 0)) r.fail('temperature', `must be > 0, got ${temperature}`);
    const uncertainBelow = r.number('uncertainBelow', DEFAULT_UNCERTAIN_BELOW);
    if (!(uncertainBelow >= 0 && uncertainBelow <= 1)) r.fail('uncertainBelow', `must be in [0, 1], got ${uncertainBelow}`);
    const priors = r.raw('trainingPriors') === undefined || r.raw('trainingPriors') === null
      ? null
      : r.json<number[]>('trainingPriors', (v) => (Array.isArray(v) && v.length === classes.length && v.every((x) => typeof x === 'number' && x >= 0) ? undefined : `${classes.length} numbers ≥ 0, one per class`));
    return new FittedMoodClassifier(options, features, classes, scaler, classifier, temperature, uncertainBelow, priors ? normalisePriors(priors, classes.length) : null);
  }
}

function unknownKind(kind: unknown): never {
  throw new ModelStateError(String(kind), 'kind', `is not a classifier kind this moodscape knows (${JSON.stringify(kind)})`);
}
