/**
 * From a track table to the numeric matrix a model reads: the chosen audio features in order,
 * then the chosen engineered features computed from them.
 */
import { InputError } from '../common/errors.ts';
import { ENGINEERED_BY_NAME, FEATURE_SPEC, OPTIONAL_FEATURES, REQUIRED_FEATURES } from './features.ts';
import { matrix, type Matrix } from '../common/matrix.ts';
import type { TrackTable } from './track-table.ts';

export interface FeatureSelection {
  /** Audio features read from the table, in order (canonical names). */
  readonly inputs: readonly string[];
  /** Engineered features appended after the inputs (names from ENGINEERED_FEATURES). */
  readonly engineered: readonly string[];
}

/**
 * Default clustering features: the base six plus three of the original's engineered features.
 * energy_loudness_ratio stays selectable but is left out by default: energy / (|loudness| + 1e-6)
 * explodes for tracks mastered near 0 dB, and on real catalogues K-Means then spends a cluster on
 * two or three such outliers (seen on tidytuesday: a 2-track "mood").
 */
export const CLUSTER_FEATURES: FeatureSelection = {
  inputs: [...REQUIRED_FEATURES],
  engineered: ['valence_acousticness_interaction', 'dance_energy_interaction', 'tempo_log'],
};

/** The original pipeline's full engineered set, for reproducing it. */
export const ORIGINAL_CLUSTER_FEATURES: FeatureSelection = {
  inputs: [...REQUIRED_FEATURES],
  engineered: ['energy_loudness_ratio', 'valence_acousticness_interaction', 'dance_energy_interaction', 'tempo_log'],
};

/** The required features plus every optional one the table actually has. */
export function availableInputs(table: TrackTable): string[] {
  return [...REQUIRED_FEATURES, ...OPTIONAL_FEATURES.filter((f) => f in table.numeric)];
}

/** Parses "valence,energy,tempo_log" into inputs and engineered names, with clear errors. */
export function parseFeatureList(list: readonly string[]): FeatureSelection {
  const inputs: string[] = [];
  const engineered: string[] = [];
  for (const raw of list) {
    const name = raw.trim();
    if (!name) continue;
    if (FEATURE_SPEC.has(name)) inputs.push(name);
    else if (ENGINEERED_BY_NAME.has(name)) engineered.push(name);
    else {
      throw new InputError(`unknown feature "${name}"`, {
        expected: `one of ${[...FEATURE_SPEC.keys(), ...ENGINEERED_BY_NAME.keys()].join(', ')}`,
      });
    }
  }
  // Engineered features need their inputs; add any that were not listed so the model can compute them.
  for (const e of engineered) for (const dep of ENGINEERED_BY_NAME.get(e)!.inputs) if (!inputs.includes(dep)) inputs.push(dep);
  return { inputs, engineered };
}

export function featureNames(sel: FeatureSelection): string[] {
  return [...sel.inputs, ...sel.engineered];
}

/** The raw input matrix (rows × inputs) of a table. */
export function inputMatrix(table: TrackTable, inputs: readonly string[], who = 'data'): Matrix {
  const cols = inputs.map((f) => {
    const col = table.numeric[f];
    if (!col) throw new InputError(`${who} has no "${f}" column, which the model needs`, { column: f });
    return col;
  });
  const m = matrix(table.rowCount, inputs.length);
  const d = inputs.length;
  for (let j = 0; j < d; j++) {
    const col = cols[j];
    for (let i = 0; i < table.rowCount; i++) m.data[i * d + j] = col[i];
  }
  return m;
}

/** Appends the engineered columns to a raw input matrix. */
export function withEngineered(raw: Matrix, sel: FeatureSelection): Matrix {
  if (sel.engineered.length === 0) return raw;
  const d0 = sel.inputs.length;
  if (raw.cols !== d0) throw new RangeError(`expected ${d0} input columns, got ${raw.cols}`);
  const specs = sel.engineered.map((e) => ENGINEERED_BY_NAME.get(e)!);
  const index = new Map(sel.inputs.map((f, j) => [f, j]));
  const d = d0 + specs.length;
  const out = matrix(raw.rows, d);
  for (let i = 0; i < raw.rows; i++) {
    const src = i * d0;
    const dst = i * d;
    for (let j = 0; j < d0; j++) out.data[dst + j] = raw.data[src + j];
    const get = (f: string): number => raw.data[src + index.get(f)!];
    for (let e = 0; e < specs.length; e++) out.data[dst + d0 + e] = specs[e].compute(get);
  }
  return out;
}

export function designMatrix(table: TrackTable, sel: FeatureSelection, who?: string): Matrix {
  return withEngineered(inputMatrix(table, sel.inputs, who), sel);
}
