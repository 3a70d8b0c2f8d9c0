/**
 * A recommendation query, as a user or the CLI/HTTP layer states it, and its validation against a
 * catalogue and a model's mood vocabulary. Every mistake is an InputError that says what was wrong
 * and what would be valid (the moods the model knows, the nearest track ids, the attribute range …).
 */
import { InputError } from '../common/errors.ts';
import type { TrackTable } from '../data/track-table.ts';
import { resolveArc, arcAttributes, type ArcCurve } from './arcs.ts';
import { resolveContext, matchingClasses, type ContextSpec, type KnobValues } from './contexts.ts';
import { DEFAULT_ARTIST_CAP } from './diversity.ts';
import { isKnob, knobRange, KNOBS, type Knob } from './knobs.ts';
import { DEFAULT_LAMBDA } from './mmr.ts';
import type { TasteProfile } from './taste.ts';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
export const MAX_SEEDS = 5;

export interface RecQuery {
  /** Mood playlist / seed moods: tracks whose predicted mood is one of these. */
  readonly moods?: readonly string[];
  /** A context preset name (built-in or user preset). */
  readonly context?: string;
  /** Seed track ids ("more like these"); 1–5 seeds in all, moods included. */
  readonly seeds?: readonly string[];
  /** A named arc or a parsed curve; the playlist follows it over `limit` steps. */
  readonly arc?: string | ArcCurve;
  readonly target?: Readonly<Record<string, number>>;
  readonly min?: Readonly<Record<string, number>>;
  readonly max?: Readonly<Record<string, number>>;
  /** 1–100, default 20. */
  readonly limit?: number;
  /** MMR trade-off in [0, 1]: 1 = relevance only. Default 0.7. */
  readonly lambda?: number;
  /** Tracks per artist per 20 tracks, default 2. */
  readonly artistCap?: number;
  /** Feedback profile that shifts the targets. */
  readonly taste?: TasteProfile;
}

export interface TargetSpec {
  readonly value: number;
  readonly weight: number;
  readonly source: string;
}

export interface BoundSpec {
  readonly knob: Knob;
  readonly op: '≥' | '≤';
  readonly value: number;
  readonly source: string;
}

export interface ResolvedQuery {
  readonly moods: readonly { readonly name: string; readonly index: number }[];
  readonly context?: ContextSpec;
  readonly seeds: readonly { readonly id: string; readonly row: number }[];
  readonly arc?: ArcCurve;
  readonly bounds: readonly BoundSpec[];
  readonly targets: ReadonlyMap<Knob, TargetSpec>;
  readonly tempoBands?: readonly (readonly [number, number])[];
  readonly preferClasses: readonly number[];
  readonly excludeClasses: readonly number[];
  readonly limit: number;
  readonly lambda: number;
  readonly artistCap: number;
  readonly taste?: TasteProfile;
  /** Things the user should know (a context rule skipped because the catalogue lacks the column …). */
  readonly notes: readonly string[];
}

export function resolveQuery(
  table: TrackTable,
  classes: readonly string[],
  q: RecQuery,
  presets: readonly ContextSpec[] = [],
): ResolvedQuery {
  const notes: string[] = [];
  const limit = q.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new InputError(`limit must be an integer in 1..${MAX_LIMIT}, got ${limit}`);
  const lambda = q.lambda ?? DEFAULT_LAMBDA;
  if (typeof lambda !== 'number' || !(lambda >= 0 && lambda <= 1)) throw new InputError(`lambda must be a number in [0, 1], got ${lambda}`);
  const artistCap = q.artistCap ?? DEFAULT_ARTIST_CAP.cap;
  if (!Number.isInteger(artistCap) || artistCap < 1) throw new InputError(`artist cap must be an integer ≥ 1, got ${artistCap}`);

  const moods = (q.moods ?? []).map((m) => resolveMood(classes, m));
  const seedIds = q.seeds ?? [];
  if (moods.length + seedIds.length > MAX_SEEDS) {
    throw new InputError(`at most ${MAX_SEEDS} seeds (tracks and moods together), got ${moods.length + seedIds.length}`);
  }
  const seeds = seedIds.map((id) => ({ id: normaliseId(id), row: findTrack(table, id) }));

  const context = q.context !== undefined ? resolveContext(q.context, presets) : undefined;
  const arc = q.arc === undefined ? undefined : typeof q.arc === 'string' ? resolveArc(q.arc) : q.arc;
  if (arc) for (const a of arcAttributes(arc)) {
    if (!table.numeric[a]) throw new InputError(`arc "${arc.name}" uses ${a}, which this catalogue does not have`);
  }

  const hasColumn = (k: Knob) => table.numeric[k] !== undefined;
  const userKnobs = (field: 'target' | 'min' | 'max'): KnobValues => {
    const out: KnobValues = {};
    for (const [k, v] of Object.entries(q[field] ?? {})) {
      if (!isKnob(k)) throw new InputError(`unknown attribute "${k}" in ${field}_${k}`, { expected: `one of ${KNOBS.join(', ')}` });
      const r = knobRange(k);
      if (typeof v !== 'number' || !Number.isFinite(v) || v < r.min || v > r.max) {
        throw new InputError(`${field}_${k} must be in [${r.min}, ${r.max}], got ${v}`);
      }
      if (!hasColumn(k)) throw new InputError(`${field}_${k}: this catalogue has no ${k} column`, { expected: `one of ${KNOBS.filter(hasColumn).join(', ')}` });
      out[k] = v;
    }
    return out;
  };
  const uTarget = userKnobs('target'), uMin = userKnobs('min'), uMax = userKnobs('max');
  for (const k of Object.keys(uMin) as Knob[]) {
    if (uMax[k] !== undefined && uMin[k]! > uMax[k]!) throw new InputError(`min_${k} (${uMin[k]}) is greater than max_${k} (${uMax[k]})`);
  }
  for (const k of Object.keys(uTarget) as Knob[]) {
    if (uMin[k] !== undefined && uTarget[k]! < uMin[k]!) throw new InputError(`target_${k} (${uTarget[k]}) is below min_${k} (${uMin[k]})`);
    if (uMax[k] !== undefined && uTarget[k]! > uMax[k]!) throw new InputError(`target_${k} (${uTarget[k]}) is above max_${k} (${uMax[k]})`);
  }

  // Bounds: the user's and the context's both apply (their intersection).
  const bounds: BoundSpec[] = [];
  const ctxSource = context ? `context ${context.name}` : '';
  const addBounds = (vals: KnobValues | undefined, op: '≥' | '≤', source: string, optional: boolean) => {
    for (const [k, v] of Object.entries(vals ?? {}) as [Knob, number][]) {
      if (!hasColumn(k)) {
        if (optional) { notes.push(`${source}: rule ${k} ${op} ${v} skipped (no ${k} column in this catalogue)`); continue; }
      }
      bounds.push({ knob: k, op, value: v, source });
    }
  };
  addBounds(context?.min, '≥', ctxSource, true);
  addBounds(context?.max, '≤', ctxSource, true);
  addBounds(uMin, '≥', 'query', false);
  addBounds(uMax, '≤', 'query', false);
  for (const lo of bounds.filter((b) => b.op === '≥')) {
    for (const hi of bounds.filter((b) => b.op === '≤' && b.knob === lo.knob)) {
      if (lo.value > hi.value) {
        throw new InputError(`min_${lo.knob} ${lo.value} (${lo.source}) is greater than max_${hi.knob} ${hi.value} (${hi.source})`);
      }
    }
  }

  const targets = new Map<Knob, TargetSpec>();
  for (const [k, v] of Object.entries(context?.target ?? {}) as [Knob, number][]) {
    if (!hasColumn(k)) { notes.push(`${ctxSource}: target ${k} skipped (no ${k} column in this catalogue)`); continue; }
    targets.set(k, { value: v, weight: context?.weights?.[k] ?? 1, source: ctxSource });
  }
  for (const [k, v] of Object.entries(uTarget) as [Knob, number][]) {
    targets.set(k, { value: v, weight: Math.max(1, context?.weights?.[k] ?? 1), source: 'query' });
  }

  let tempoBands = context?.tempoBands;
  if (tempoBands && !hasColumn('tempo')) { notes.push(`${ctxSource}: tempo bands skipped (no tempo column)`); tempoBands = undefined; }

  const preferClasses = matchingClasses(classes, context?.preferMoods);
  const excludeClasses = matchingClasses(classes, context?.excludeMoods);
  if (context && context.preferMoods?.length && !preferClasses.length) notes.push(`${ctxSource}: none of this model's moods (${classes.join(', ')}) matches its preferred moods`);

  if (!moods.length && !seeds.length && !context && !arc && !targets.size) {
    throw new InputError('nothing to recommend from: give a mood, a context, seed tracks, an arc or a target_ attribute');
  }
  return { moods, context, seeds, arc, bounds, targets, tempoBands, preferClasses, excludeClasses, limit, lambda, artistCap, taste: q.taste, notes };
}

/** A mood of the model by case-insensitive name, or an InputError listing the model's moods. */
export function resolveMood(classes: readonly string[], name: string): { name: string; index: number } {
  const want = name.trim().toLowerCase();
  const i = classes.findIndex((c) => c.toLowerCase() === want);
  if (i < 0) throw new InputError(`unknown mood "${name}"`, { expected: `one of this model's moods: ${classes.join(', ')}` });
  return { name: classes[i], index: i };
}

/** `spotify:track:X` and open.spotify.com URLs become the bare id. */
export function normaliseId(raw: string): string {
  const t = raw.trim();
  if (t.startsWith('spotify:track:')) return t.slice('spotify:track:'.length);
  const m = /^https?:\/\/open\.spotify\.com\/track\/([A-Za-z0-9]+)/.exec(t);
  return m ? m[1] : t;
}

/** The row of a track id; an InputError naming the nearest ids when there is none. */
export function findTrack(table: TrackTable, rawId: string): number {
  const ids = table.text.id;
  if (!ids) throw new InputError('this catalogue has no id column, so seed tracks cannot be used');
  const id = normaliseId(rawId);
  const row = idIndex(ids).first.get(id);
  if (row !== undefined) return row;
  const near = nearestIds(ids, id, 3);
  throw new InputError(`unknown seed track id "${rawId}"`, { expected: near.length ? `an id in the catalogue; nearest: ${near.join(', ')}` : 'an id in the catalogue' });
}

export interface IdIndex {
  /** The first row of every id (what `ids.indexOf(id)` returns). */
  readonly first: ReadonlyMap<string, number>;
  /** Every id occurs once. */
  readonly unique: boolean;
  readonly length: number;
}

const idIndexes = new WeakMap<readonly string[], IdIndex>();

/** The row lookup of an id column, built once per column array (tables are not modified in place). */
export function idIndex(ids: readonly string[]): IdIndex {
  let ix = idIndexes.get(ids);
  if (!ix || ix.length !== ids.length) {
    const first = new Map<string, number>();
    let unique = true;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (first.has(id)) unique = false;
      else first.set(id, i);
    }
    ix = { first, unique, length: ids.length };
    idIndexes.set(ids, ix);
  }
  return ix;
}

/**
 * Uses a caller's id → row map as the index of `ids` when it covers every row once (all ids unique)
 * and agrees with `ids` at the ends; otherwise idIndex builds its own on first use.
 */
export function adoptIdIndex(ids: readonly string[], rowOf: ReadonlyMap<string, number>): void {
  const have = idIndexes.get(ids);
  if (have && have.length === ids.length) return;
  const n = ids.length;
  if (rowOf.size !== n || (n && (rowOf.get(ids[0]) !== 0 || rowOf.get(ids[n - 1]) !== n - 1))) return;
  idIndexes.set(ids, { first: rowOf, unique: true, length: n });
}

/** The `k` ids closest to `id` by edit distance (case-insensitive). */
export function nearestIds(ids: readonly string[], id: string, k: number): string[] {
  const want = id.toLowerCase();
  const best: { id: string; d: number }[] = [];
  let worst = Infinity;
  const seen = new Set<string>();
  for (const cand of ids) {
    if (!cand || seen.has(cand)) continue;
    if (Math.abs(cand.length - want.length) >= worst) continue;
    const d = editDistance(want, cand.toLowerCase(), worst);
    if (d < worst || best.length < k) {
      seen.add(cand);
      best.push({ id: cand, d });
      best.sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1));
      if (best.length > k) best.pop();
      if (best.length === k) worst = best[k - 1].d;
    }
  }
  return best.map((b) => b.id);
}

/** Levenshtein distance, giving up (returning ≥ cutoff) once every cell of a row reaches `cutoff`. */
export function editDistance(a: string, b: string, cutoff = Infinity): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= cutoff) return cutoff;
    prev = cur;
  }
  return prev[b.length];
}
