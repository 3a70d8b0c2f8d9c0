/**
 * Several labelled sets as one training set: each set's labels mapped onto the model's moods
 * (mood-taxonomy.ts), the features every set has, tracks deduplicated across sets, per-row set
 * weights, and each row's label set for partial-label training (a set teaches only the moods it
 * labels; see mlp.ts FitOptions.labelSets).
 */
import { InputError } from '../common/errors.ts';
import { featureRowHashes, idHashes } from '../evaluate/leakage.ts';
import { availableInputs } from './feature-matrix.ts';
import { mapLabels, type LabelMap } from './label-map.ts';
import { taxonomyLabelMap, taxonomySetFor } from './mood-taxonomy.ts';
import type { TrackTable } from './track-table.ts';
import { selectRows } from './track-table.ts';

export interface LabelledSet {
  readonly name: string;
  /** The rows whose label maps to one of the classes. */
  readonly table: TrackTable;
  /** Class index of each row. */
  readonly y: Int32Array;
  /** Class indices this set labels (its label set), ascending. */
  readonly moods: readonly number[];
  /** Rows per source label that was mapped to a class. */
  readonly mapped: Readonly<Record<string, number>>;
  /** Labels with no counterpart in the taxonomy, with their row counts (kept out). */
  readonly unmapped: Readonly<Record<string, number>>;
  /** Labels mapped to a mood that is not one of the classes (e.g. Angry in a four-mood model). */
  readonly outsideClasses: Readonly<Record<string, number>>;
}

/**
 * One set's rows, mapped through `labelMap` onto `classes`. Labels that map to a mood outside
 * `classes` and labels that map to nothing are both counted, separately, and left out.
 */
export function labelledSet(name: string, table: TrackTable, labelColumn: string, classes: readonly string[], labelMap: LabelMap): LabelledSet {
  const labels = table.text[labelColumn];
  if (!labels) throw new InputError(`no label column "${labelColumn}"`, { file: name, column: labelColumn, expected: `one of the text columns: ${Object.keys(table.text).join(', ') || '(none)'}` });
  const inClasses = new Map([...labelMap].filter(([, mood]) => classes.includes(mood)));
  const m = mapLabels(labels, classes, inClasses);
  const unmapped: Record<string, number> = {}, outsideClasses: Record<string, number> = {};
  for (const [label, n] of Object.entries(m.unmapped)) (labelMap.has(label) ? outsideClasses : unmapped)[label] = n;
  if (m.keep.length === 0) {
    throw new InputError(`none of the labels of ${name} (${Object.keys(m.unmapped).join(', ')}) map to the moods ${classes.join(', ')}`, { file: name, column: labelColumn });
  }
  const moods = [...new Set(m.y)].sort((a, b) => a - b);
  return { name, table: selectRows(table, m.keep), y: m.y, moods, mapped: m.mapped, unmapped, outsideClasses };
}

/**
 * A file's rows as a labelled set, its labels mapped by the mood taxonomy (the file's own set
 * when its name says which, `overrides` first). The set is named after the taxonomy set, else
 * after the file; `taken` names are avoided.
 */
export function labelledSetFromFile(
  file: string, table: TrackTable, labelColumn: string, classes: readonly string[],
  options: { overrides?: LabelMap; taken?: ReadonlySet<string> } = {},
): { set: LabelledSet; map: Map<string, string> } {
  const tax = taxonomySetFor(file);
  const base = tax?.name ?? (file.split(/[\\/]/).pop() ?? file).replace(/\.csv$/i, '');
  let name = base;
  for (let i = 2; options.taken?.has(name); i++) name = `${base}#${i}`;
  const map = taxonomyLabelMap(table.text[labelColumn] ?? [], { ...(tax ? { set: tax } : {}), ...(options.overrides ? { overrides: options.overrides } : {}) });
  return { set: labelledSet(name, table, labelColumn, classes, map), map };
}

/** The input features every set has, in the usual feature order (e.g. pranav lacks liveness). */
export function sharedFeatures(tables: readonly TrackTable[]): string[] {
  if (tables.length === 0) return [];
  return availableInputs(tables[0]).filter((f) => tables.every((t) => f in t.numeric));
}

/**
 * How much each set weighs: 'equal' (default) gives every set the same total weight, so a large
 * set does not drown a small one; 'size' lets every row weigh the same; a record gives each named set
 * its share of the total (sets it does not name weigh 1).
 */
export type SetWeighting = 'equal' | 'size' | Readonly<Record<string, number>>;

export interface PoolOptions {
  features: readonly string[];
  /** Default 'equal'. */
  weighting?: SetWeighting;
  /** Within each set, every mood it labels weighs the same in total (class balance per set). Default true. */
  classBalanced?: boolean;
}

export interface DedupeReport {
  /** Rows dropped as the same track with the same mood as an earlier row (by id). */
  readonly duplicatesById: number;
  /** Rows dropped as identical features with the same mood as an earlier row (no shared id). */
  readonly duplicatesByFeatures: number;
  /**
   * Rows of a track (same id or identical features) that an earlier row labels with another mood.
   * They are kept: a track in a happy and a sad playlist is evidence for both.
   */
  readonly conflicts: number;
  /** Per set: rows given, rows kept. */
  readonly perSet: readonly { readonly name: string; readonly rows: number; readonly kept: number; readonly weight: number }[];
}

export interface PooledSets {
  /** The kept rows of every set, with the shared features and the ids. */
  readonly table: TrackTable;
  readonly y: Int32Array;
  /** Index of the set each row came from. */
  readonly setIndex: Int32Array;
  /** Each row's label set: n × K flags (its set's moods). */
  readonly labelSets: Uint8Array;
  /** Per-row loss weights, mean 1. */
  readonly sampleWeight: Float64Array;
  readonly dedupe: DedupeReport;
}

/**
 * Pools the sets in order. A row is a duplicate of an earlier one (of any set) when they share an
 * id, or when their feature vectors are identical; an exact duplicate (same mood) is dropped, a
 * conflict (another mood) is kept and counted.
 */
export function poolSets(sets: readonly LabelledSet[], nClasses: number, options: PoolOptions): PooledSets {
  const weighting = options.weighting ?? 'equal';
  const classBalanced = options.classBalanced ?? true;
  if (typeof weighting === 'object') {
    const unknown = Object.keys(weighting).filter((k) => !sets.some((s) => s.name === k));
    if (unknown.length) throw new InputError(`set weights name unknown sets: ${unknown.join(', ')} (sets: ${sets.map((s) => s.name).join(', ')})`);
  }
  const moodsOf = new Map<number, Set<number>>(); // track key → moods seen
  const byId = new Map<number, number>(), byRow = new Map<number, number>(); // hash → track key
  let nextKey = 0, duplicatesById = 0, duplicatesByFeatures = 0, conflicts = 0;
  const keep: { set: number; row: number }[] = [];
  const perSetKept = sets.map(() => 0);
  sets.forEach((s, si) => {
    const ids = idHashes(s.table), rows = featureRowHashes(s.table);
    for (let i = 0; i < s.table.rowCount; i++) {
      const idKey = Number.isNaN(ids[i]) ? undefined : byId.get(ids[i]);
      const rowKey = Number.isNaN(rows[i]) ? undefined : byRow.get(rows[i]);
      const key = idKey ?? rowKey;
      if (key !== undefined) {
        const seen = moodsOf.get(key)!;
        if (seen.has(s.y[i])) { if (idKey !== undefined) duplicatesById++; else duplicatesByFeatures++; continue; }
        conflicts++;
        seen.add(s.y[i]);
      } else {
        const k = nextKey++;
        moodsOf.set(k, new Set([s.y[i]]));
        if (!Number.isNaN(ids[i])) byId.set(ids[i], k);
        if (!Number.isNaN(rows[i])) byRow.set(rows[i], k);
      }
      keep.push({ set: si, row: i });
      perSetKept[si]++;
    }
  });

  const n = keep.length, K = nClasses;
  const y = new Int32Array(n), setIndex = new Int32Array(n), labelSets = new Uint8Array(n * K);
  const numeric: Record<string, Float64Array> = Object.fromEntries(options.features.map((f) => [f, new Float64Array(n)]));
  const idCol: string[] = new Array(n);
  keep.forEach(({ set, row }, r) => {
    const s = sets[set];
    y[r] = s.y[row];
    setIndex[r] = set;
    for (const c of s.moods) labelSets[r * K + c] = 1;
    for (const f of options.features) {
      const col = s.table.numeric[f];
      if (!col) throw new InputError(`${s.name} has no "${f}" feature`, { file: s.name, column: f });
      numeric[f][r] = col[row];
    }
    idCol[r] = s.table.text.id?.[row] ?? '';
  });

  // Weights: set share × (class balance within the set or 1/rows), normalised to mean 1.
  const share = sets.map((s) => (weighting === 'equal' ? 1 : weighting === 'size' ? perSetKept[sets.indexOf(s)] : (weighting[s.name] ?? 1)));
  const counts = sets.map(() => new Float64Array(K));
  for (let r = 0; r < n; r++) counts[setIndex[r]][y[r]]++;
  const raw = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const si = setIndex[r];
    raw[r] = classBalanced
      ? share[si] / (sets[si].moods.length * counts[si][y[r]])
      : share[si] / perSetKept[si];
  }
  let total = 0;
  for (let r = 0; r < n; r++) total += raw[r];
  if (!(total > 0)) throw new InputError('every set has weight 0');
  const sampleWeight = raw.map((w) => (w * n) / total);
  const shareTotal = share.reduce((a, b) => a + b, 0);
  return {
    table: { rowCount: n, numeric, text: { id: idCol } },
    y, setIndex, labelSets, sampleWeight,
    dedupe: {
      duplicatesById, duplicatesByFeatures, conflicts,
      perSet: sets.map((s, si) => ({ name: s.name, rows: s.table.rowCount, kept: perSetKept[si], weight: share[si] / shareTotal })),
    },
  };
}

/** Parses `--set-weights`: equal, size, or name=weight,… (weights ≥ 0). */
export function parseSetWeighting(spec: string): SetWeighting {
  if (spec === 'equal' || spec === 'size') return spec;
  const out: Record<string, number> = {};
  for (const part of spec.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.lastIndexOf('=');
    const w = Number(p.slice(eq + 1));
    if (eq <= 0 || !Number.isFinite(w) || w < 0) throw new InputError(`--set-weights entry "${p}" is not of the form name=weight (weight ≥ 0); or give equal or size`);
    out[p.slice(0, eq).trim()] = w;
  }
  if (Object.keys(out).length === 0) throw new InputError('--set-weights is empty; give equal, size or name=weight,…');
  return out;
}
