/**
 * Taste profiles from feedback (likes and skips) and the bounded shift of targets they cause.
 *
 * A profile keeps, per liked or skipped track, its id and a snapshot of its attributes, so it still
 * works when the catalogue changes. For each taste attribute the target moves
 *   towards the mean of the liked tracks     by  nL / (nL + 2)       × (likeMean − base)
 *   away from the mean of the skipped tracks by  nS / (nS + 2) × ½   × (base − skipMean)
 * and the total move is capped at ±MAX_SHIFT × the attribute's scale (0.15 on 0–1 attributes,
 * 15 BPM for tempo), then kept inside the attribute's range. `base` is the query's own target when it
 * has one, else the mean of the filtered pool.
 */
import { FEATURE_SPEC } from '../data/features.ts';
import { formatKnob, knobScale, type Knob } from './knobs.ts';
import type { TrackTable } from '../data/track-table.ts';

export const TASTE_KNOBS: readonly Knob[] = ['energy', 'valence', 'danceability', 'acousticness', 'instrumentalness', 'speechiness', 'tempo'];
export const MAX_SHIFT = 0.15;
/** Feedback kept per list; older entries fall off. */
export const MAX_FEEDBACK = 200;

export interface FeedbackItem {
  readonly id: string;
  readonly features: Readonly<Partial<Record<Knob, number>>>;
}

export interface TasteProfile {
  readonly user: string;
  readonly likes: readonly FeedbackItem[];
  readonly skips: readonly FeedbackItem[];
}

/** The feedback item of catalogue row `row`: its id and the taste knobs it has values for. */
export function feedbackItemAt(table: TrackTable, row: number): FeedbackItem {
  const features: Partial<Record<Knob, number>> = {};
  for (const k of TASTE_KNOBS) {
    const v = table.numeric[k]?.[row];
    if (v !== undefined && Number.isFinite(v)) features[k] = v;
  }
  return { id: table.text.id[row], features };
}

export function emptyProfile(user: string): TasteProfile {
  return { user, likes: [], skips: [] };
}

/** A new profile with the feedback added; an id liked after being skipped (or vice versa) moves list. */
export function addFeedback(p: TasteProfile, likes: readonly FeedbackItem[], skips: readonly FeedbackItem[]): TasteProfile {
  const likeIds = new Set(likes.map((x) => x.id)), skipIds = new Set(skips.map((x) => x.id));
  const keep = (list: readonly FeedbackItem[], drop: Set<string>, add: readonly FeedbackItem[]) =>
    [...list.filter((x) => !drop.has(x.id)), ...add].slice(-MAX_FEEDBACK);
  return {
    user: p.user,
    likes: keep(p.likes, new Set([...likeIds, ...skipIds]), likes),
    skips: keep(p.skips, new Set([...likeIds, ...skipIds]), skips),
  };
}

export interface TasteShift {
  readonly attribute: Knob;
  readonly from: number;
  readonly to: number;
  /** True when the cap limited the move. */
  readonly capped: boolean;
}

/** The shifted targets for `profile`; `base(k)` gives the unshifted target. Tiny moves are dropped. */
export function tasteShifts(profile: TasteProfile, base: (k: Knob) => number | undefined, maxShift = MAX_SHIFT): TasteShift[] {
  const out: TasteShift[] = [];
  for (const k of TASTE_KNOBS) {
    const b = base(k);
    if (b === undefined || !Number.isFinite(b)) continue;
    const lm = meanOf(profile.likes, k), sm = meanOf(profile.skips, k);
    let move = 0;
    if (lm) move += (lm.n / (lm.n + 2)) * (lm.mean - b);
    if (sm) move += (sm.n / (sm.n + 2)) * 0.5 * (b - sm.mean);
    const cap = maxShift * knobScale(k);
    const bounded = Math.max(-cap, Math.min(cap, move));
    const spec = FEATURE_SPEC.get(k)!;
    const to = Math.max(spec.min, Math.min(spec.max, b + bounded));
    if (Math.abs(to - b) < 0.01 * knobScale(k)) continue;
    out.push({ attribute: k, from: b, to, capped: Math.abs(move) > cap });
  }
  return out;
}

function meanOf(items: readonly FeedbackItem[], k: Knob): { mean: number; n: number } | undefined {
  let s = 0, n = 0;
  for (const it of items) {
    const v = it.features[k];
    if (v !== undefined && Number.isFinite(v)) { s += v; n++; }
  }
  return n ? { mean: s / n, n } : undefined;
}

/** One line for `why`: "taste of alice (3 likes, 1 skip): energy target 0.60 → 0.68, tempo 118 BPM → 124 BPM (capped)". */
export function describeShifts(profile: TasteProfile, shifts: readonly TasteShift[]): string | undefined {
  if (!shifts.length) return undefined;
  const parts = shifts.map((s) => `${s.attribute} ${formatKnob(s.attribute, s.from)} → ${formatKnob(s.attribute, s.to)}${s.capped ? ` (capped at ±${MAX_SHIFT * knobScale(s.attribute)})` : ''}`);
  const n = (c: number, w: string) => `${c} ${w}${c === 1 ? '' : 's'}`;
  return `taste of ${profile.user} (${n(profile.likes.length, 'like')}, ${n(profile.skips.length, 'skip')}) shifted targets: ${parts.join(', ')}`;
}
