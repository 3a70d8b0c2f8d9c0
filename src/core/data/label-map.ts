/**
 * Mapping another data set's labels onto a model's classes, for cross-set evaluation:
 * `happy=Happy,sad=Sad` maps bdizon's lower-case moods onto data_moods' classes. Labels without
 * a mapping are not scored; they are counted and reported, never silently dropped.
 */
import { InputError } from '../common/errors.ts';

export type LabelMap = ReadonlyMap<string, string>;

/** Parses "from=to,from=to" (spaces around names ignored). A label may map to one class only. */
export function parseLabelMap(spec: string): LabelMap {
  const map = new Map<string, string>();
  for (const part of spec.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq <= 0 || eq === p.length - 1) throw new InputError(`--map entry "${p}" is not of the form label=Class`);
    const from = p.slice(0, eq).trim(), to = p.slice(eq + 1).trim();
    if (!from || !to) throw new InputError(`--map entry "${p}" is not of the form label=Class`);
    const prev = map.get(from);
    if (prev !== undefined && prev !== to) throw new InputError(`--map maps "${from}" twice (to "${prev}" and "${to}")`);
    map.set(from, to);
  }
  if (map.size === 0) throw new InputError('--map is empty; give label=Class pairs separated by commas');
  return map;
}

export interface MappedLabels {
  /** Row indices (into the input labels) that map to a class, in order. */
  readonly keep: Int32Array;
  /** Class index of each kept row. */
  readonly y: Int32Array;
  /** Labels that map to no class, with their row counts (empty labels are not counted). */
  readonly unmapped: Record<string, number>;
  readonly unmappedRows: number;
  /** Empty labels (rows without a label). */
  readonly emptyRows: number;
  /** Rows per mapped source label, e.g. { happy: 967, sad: 858 }. */
  readonly mapped: Record<string, number>;
}

/**
 * Applies a label map (or, without one, identity on the class names) to raw labels. Every target
 * of the map must be one of `classes`, else an InputError names the bad targets.
 */
export function mapLabels(labels: readonly string[], classes: readonly string[], map?: LabelMap): MappedLabels {
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  if (map) {
    const bad = [...new Set(map.values())].filter((c) => !classIndex.has(c));
    if (bad.length) throw new InputError(`--map targets ${bad.map((b) => `"${b}"`).join(', ')} are not classes of this model (${classes.join(', ')})`);
  }
  const keep: number[] = [], y: number[] = [];
  const unmapped: Record<string, number> = {}, mapped: Record<string, number> = {};
  let unmappedRows = 0, emptyRows = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = (labels[i] ?? '').trim();
    if (l === '') { emptyRows++; continue; }
    const target = map ? map.get(l) : l;
    const k = target === undefined ? undefined : classIndex.get(target);
    if (k === undefined) { unmapped[l] = (unmapped[l] ?? 0) + 1; unmappedRows++; continue; }
    keep.push(i); y.push(k);
    mapped[l] = (mapped[l] ?? 0) + 1;
  }
  return { keep: Int32Array.from(keep), y: Int32Array.from(y), unmapped, unmappedRows, emptyRows, mapped };
}

export function formatLabelMap(map: LabelMap): string {
  return [...map].map(([a, b]) => `${a}=${b}`).join(',');
}
