/**
 * A soft-voting ensemble: the weighted mean of its members' class probabilities. A member is a
 * classifier kind with its options, fitted `seeds` times with different seeds (a seed ensemble of
 * networks averages away much of one network's initialisation and shuffling noise); logistic
 * regression is deterministic, so it is fitted once whatever `seeds` says.
 *
 * State: kind 'ensemble'; config.members lists each fitted member's kind, weight and state
 * config; arrays are the members' arrays prefixed with the member index ("3/kernel0").
 */
import type { ClassifierFitOptions, FittedClassifier } from './fitted-classifier.ts';
import { matrix, type Matrix } from '../common/matrix.ts';
import { ModelStateError, readState, type ModelState } from './model-state.ts';

export interface EnsembleMemberSpec {
  kind: 'mlp' | 'logreg';
  options?: Record<string, unknown>;
  /** Relative weight of this member (split evenly over its seeds). Default 1. */
  weight?: number;
  /** Fits with seeds seed, seed+1, … (mlp only). Default 1. */
  seeds?: number;
}

export interface EnsembleOptions {
  members: readonly EnsembleMemberSpec[];
  seed?: number;
}

/** Builds a fitted member; injected by classifiers.ts to avoid an import cycle. */
export type MemberFitter = (kind: string, X: Matrix, y: Int32Array, nClasses: number, options: Record<string, unknown>, fitOptions?: ClassifierFitOptions) => FittedClassifier;
export type MemberLoader = (state: ModelState) => FittedClassifier;

export function checkEnsembleOptions(o: Partial<EnsembleOptions>): EnsembleMemberSpec[] {
  const members = o.members;
  if (!Array.isArray(members) || members.length === 0) throw new RangeError('ensemble: option "members" must be a non-empty array');
  for (const m of members) {
    if (m.kind !== 'mlp' && m.kind !== 'logreg') throw new RangeError(`ensemble: member kind must be "mlp" or "logreg", got ${String(m.kind)}`);
    if (m.weight !== undefined && !(Number.isFinite(m.weight) && m.weight > 0)) throw new RangeError('ensemble: member weight must be > 0');
    if (m.seeds !== undefined && !(Number.isInteger(m.seeds) && m.seeds >= 1)) throw new RangeError('ensemble: member seeds must be an integer ≥ 1');
  }
  return members as EnsembleMemberSpec[];
}

export function fitEnsemble(
  X: Matrix, y: Int32Array, nClasses: number, options: Partial<EnsembleOptions>, fitMember: MemberFitter, fitOptions: ClassifierFitOptions = {},
): FittedEnsemble {
  const members = checkEnsembleOptions(options);
  const seed = options.seed ?? 0;
  const fitted: FittedClassifier[] = [];
  const weights: number[] = [];
  for (const [mi, m] of members.entries()) {
    const n = m.kind === 'logreg' ? 1 : (m.seeds ?? 1);
    for (let s = 0; s < n; s++) {
      // Distinct seeds per member and per copy: member mi, copy s → seed·1000 + mi·100 + s.
      const opts = { ...(m.options ?? {}), seed: seed * 1000 + mi * 100 + s };
      fitted.push(fitMember(m.kind, X, y, nClasses, opts, {
        validation: fitOptions.validation,
        ...(fitOptions.sampleWeight ? { sampleWeight: fitOptions.sampleWeight } : {}),
        ...(fitOptions.labelSets ? { labelSets: fitOptions.labelSets } : {}),
      }));
      weights.push((m.weight ?? 1) / n);
    }
  }
  return new FittedEnsemble(options as EnsembleOptions, fitted, weights);
}

export class FittedEnsemble implements FittedClassifier {
  readonly nFeatures: number;
  readonly nClasses: number;
  private readonly norm: number[];
  constructor(readonly options: EnsembleOptions, readonly members: readonly FittedClassifier[], readonly weights: readonly number[]) {
    if (members.length === 0 || members.length !== weights.length) throw new Error('ensemble: members and weights do not match');
    this.nFeatures = members[0].nFeatures;
    this.nClasses = members[0].nClasses;
    for (const m of members) {
      if (m.nFeatures !== this.nFeatures || m.nClasses !== this.nClasses) throw new Error('ensemble: members disagree on features or classes');
    }
    const total = weights.reduce((a, b) => a + b, 0);
    this.norm = weights.map((w) => w / total);
  }

  predictProba(X: Matrix): Matrix {
    const out = matrix(X.rows, this.nClasses);
    for (let m = 0; m < this.members.length; m++) {
      const p = this.members[m].predictProba(X).data, w = this.norm[m];
      for (let i = 0; i < p.length; i++) out.data[i] += w * p[i];
    }
    return out;
  }

  toState(): ModelState {
    const arrays: ModelState['arrays'] = {};
    const members = this.members.map((m, i) => {
      const s = m.toState();
      for (const [name, a] of Object.entries(s.arrays)) arrays[`${i}/${name}`] = a;
      return { kind: s.kind, formatVersion: s.formatVersion, config: s.config, weight: this.weights[i] };
    });
    return { kind: 'ensemble', formatVersion: 1, config: { options: this.options, members }, arrays };
  }

  static fromState(s: ModelState, load: MemberLoader): FittedEnsemble {
    const r = readState(s, 'ensemble', 1);
    const members = r.objects('members', 1);
    const fitted = members.map((m, i) => {
      const prefix = `${i}/`;
      const arrays: ModelState['arrays'] = {};
      for (const name of r.arrayNames()) if (name.startsWith(prefix)) arrays[name.slice(prefix.length)] = s.arrays[name];
      const state: ModelState = { kind: m.string('kind'), formatVersion: m.int('formatVersion', 1), config: m.object('config').fields, arrays };
      try {
        return load(state);
      } catch (e) {
        // The member's own reader names its field; say which member it is.
        if (e instanceof ModelStateError) throw new ModelStateError('ensemble', `member ${i} (${e.kind}) ${e.field}`, e.problem);
        throw e;
      }
    });
    const weights = members.map((m) => m.number('weight'));
    if (weights.some((w) => !(w > 0))) r.fail('members', `have weights ${JSON.stringify(weights)}, expected all > 0`);
    const options = r.options<EnsembleOptions>((o) => ({ ...o, members: checkEnsembleOptions(o) }));
    try {
      return new FittedEnsemble(options, fitted, weights);
    } catch (e) {
      return r.fail('members', `do not fit together: ${(e as Error).message}`);
    }
  }
}
