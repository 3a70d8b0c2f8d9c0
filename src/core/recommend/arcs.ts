/**
 * Mood arcs: a playlist that follows a target curve over N steps (calm → energetic, warm-up → peak
 * → cool-down …) over energy, valence and tempo (any knob attribute may be used).
 *
 * Curve format (JSON): `{"name":"my-arc","points":[{"at":0,"energy":0.2,"tempo":80},{"at":1,"energy":0.9,"tempo":140}]}`
 * - `at` runs from 0 (first track) to 1 (last track), strictly increasing, at least two points;
 * - each attribute is interpolated linearly between the points that give it, and held flat
 *   before its first and after its last point.
 *
 * Selection is greedy in step order (nearest unused pool track to each step's target), then within
 * every monotone run of the curve's primary attribute (its first attribute) the chosen tracks are
 * sorted, so the playlist is monotone in that attribute wherever the spec is.
 */
import { InputError } from '../common/errors.ts';
import { FEATURE_SPEC } from '../data/features.ts';
import { isKnob, KNOBS, knobScale, type Knob } from './knobs.ts';

export interface ArcPoint {
  readonly at: number;
  readonly values: Readonly<Partial<Record<Knob, number>>>;
}

export interface ArcCurve {
  readonly name: string;
  readonly description?: string;
  readonly points: readonly ArcPoint[];
}

const p = (at: number, values: Partial<Record<Knob, number>>): ArcPoint => ({ at, values });

export const NAMED_ARCS: readonly ArcCurve[] = [
  {
    name: 'calm-to-energetic',
    description: 'rises steadily from calm to energetic',
    points: [p(0, { energy: 0.2, valence: 0.35, tempo: 80 }), p(1, { energy: 0.9, valence: 0.7, tempo: 140 })],
  },
  {
    name: 'energetic-to-calm',
    description: 'winds down from energetic to calm',
    points: [p(0, { energy: 0.9, valence: 0.7, tempo: 140 }), p(1, { energy: 0.2, valence: 0.35, tempo: 80 })],
  },
  {
    name: 'warm-up-peak-cool-down',
    description: 'warm-up, a peak at 60 %, then a cool-down (a workout shape)',
    points: [
      p(0, { energy: 0.4, valence: 0.5, tempo: 100 }),
      p(0.6, { energy: 0.92, valence: 0.7, tempo: 150 }),
      p(1, { energy: 0.3, valence: 0.45, tempo: 85 }),
    ],
  },
  {
    name: 'sad-to-happy',
    description: 'lifts the mood: valence and energy rise together',
    points: [p(0, { valence: 0.15, energy: 0.35 }), p(1, { valence: 0.85, energy: 0.7 })],
  },
  {
    name: 'wind-down',
    description: 'an evening: slower, quieter, softer',
    points: [p(0, { energy: 0.7, tempo: 125, valence: 0.6 }), p(1, { energy: 0.12, tempo: 70, valence: 0.3 })],
  },
];

/** A named arc, or an InputError listing the names. */
export function resolveArc(name: string): ArcCurve {
  const a = NAMED_ARCS.find((x) => x.name === name.trim().toLowerCase());
  if (!a) throw new InputError(`unknown arc "${name}"`, { expected: `one of ${NAMED_ARCS.map((x) => x.name).join(', ')}, or a JSON curve` });
  return a;
}

/** Validates a parsed JSON curve; errors name the field (`points[1].energy must be in [0, 1]`). */
export function parseArcCurve(json: unknown, file = 'arc'): ArcCurve {
  const fail = (msg: string): never => { throw new InputError(msg, { file }); };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('an arc must be an object {"name", "points": [...]}');
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['name', 'description', 'points'].includes(k)) fail(`"${k}" is not an arc field (known: name, description, points)`);
  const name = o.name === undefined ? 'custom' : o.name;
  if (typeof name !== 'string' || !name) fail('name must be a non-empty string');
  if (!Array.isArray(o.points) || o.points.length < 2) return fail('points must be an array of at least two points');
  let last = -Infinity;
  const attrs = new Set<string>();
  const points = (o.points as unknown[]).map((raw, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`points[${i}] must be an object`);
    const r = raw as Record<string, unknown>;
    if (typeof r.at !== 'number' || !(r.at >= 0 && r.at <= 1)) fail(`points[${i}].at must be a number in [0, 1]`);
    if ((r.at as number) <= last) fail(`points[${i}].at (${r.at}) must be greater than the previous point's (${last})`);
    last = r.at as number;
    const values: Partial<Record<Knob, number>> = {};
    for (const [k, v] of Object.entries(r)) {
      if (k === 'at') continue;
      if (!isKnob(k)) fail(`points[${i}].${k} is not an attribute (known: ${KNOBS.join(', ')})`);
      const spec = FEATURE_SPEC.get(k)!;
      if (typeof v !== 'number' || !(v >= spec.min && v <= spec.max)) fail(`points[${i}].${k} must be a number in [${spec.min}, ${spec.max}], got ${JSON.stringify(v)}`);
      values[k as Knob] = v as number;
      attrs.add(k);
    }
    if (Object.keys(values).length === 0) fail(`points[${i}] gives no attribute`);
    return { at: r.at as number, values };
  });
  return { name: name as string, description: typeof o.description === 'string' ? o.description : undefined, points };
}

/** The attributes an arc uses, in first-seen order (the first is the primary one). */
export function arcAttributes(arc: ArcCurve): Knob[] {
  const out: Knob[] = [];
  for (const pt of arc.points) for (const k of Object.keys(pt.values) as Knob[]) if (!out.includes(k)) out.push(k);
  return out;
}

/** Target values at `steps` evenly spaced positions: targets[step][attribute index]. */
export function sampleArc(arc: ArcCurve, steps: number): { attributes: Knob[]; targets: Float64Array[] } {
  const attributes = arcAttributes(arc);
  const targets: Float64Array[] = [];
  for (let s = 0; s < steps; s++) {
    const t = steps === 1 ? 0 : s / (steps - 1);
    targets.push(Float64Array.from(attributes, (a) => interpolate(arc, a, t)));
  }
  return { attributes, targets };
}

function interpolate(arc: ArcCurve, a: Knob, t: number): number {
  const pts = arc.points.filter((x) => x.values[a] !== undefined);
  if (t <= pts[0].at) return pts[0].values[a]!;
  for (let i = 1; i < pts.length; i++) {
    if (t <= pts[i].at) {
      const p0 = pts[i - 1], p1 = pts[i];
      const f = (t - p0.at) / (p1.at - p0.at);
      return p0.values[a]! + f * (p1.values[a]! - p0.values[a]!);
    }
  }
  return pts[pts.length - 1].values[a]!;
}

/**
 * Maximal runs of steps over which the primary attribute's targets never change direction:
 * [start, end] inclusive, with +1 (rising), -1 (falling) or 0 (flat).
 */
export function monotoneRuns(values: ArrayLike<number>): { start: number; end: number; direction: -1 | 0 | 1 }[] {
  const runs: { start: number; end: number; direction: -1 | 0 | 1 }[] = [];
  const eps = 1e-9;
  let start = 0, dir: -1 | 0 | 1 = 0;
  for (let i = 1; i < values.length; i++) {
    const d = values[i] - values[i - 1];
    const s: -1 | 0 | 1 = d > eps ? 1 : d < -eps ? -1 : 0;
    if (s === 0 || dir === 0 || s === dir) { if (dir === 0) dir = s; continue; }
    runs.push({ start, end: i - 1, direction: dir });
    start = i; dir = s;
  }
  runs.push({ start, end: values.length - 1, direction: dir });
  return runs;
}

/** Normalised distance between a track's values and a target point (attribute scales from knobs.ts). */
export function arcError(attributes: readonly Knob[], actual: ArrayLike<number>, target: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < attributes.length; j++) s += ((actual[j] - target[j]) / knobScale(attributes[j])) ** 2;
  return Math.sqrt(s / attributes.length);
}

export interface ArcStepFit {
  readonly step: number;
  readonly target: Record<string, number>;
  readonly actual: Record<string, number>;
  readonly error: number;
}

export interface ArcFitReport {
  readonly arc: string;
  readonly attributes: readonly string[];
  readonly steps: readonly ArcStepFit[];
  readonly meanError: number;
  /** The largest normalised change between neighbouring tracks (steps `from` → `from + 1`). */
  readonly largestJump: { readonly from: number; readonly size: number };
  /** Where the spec is monotone in the primary attribute, and whether the playlist is too. */
  readonly monotone: readonly { readonly attribute: string; readonly start: number; readonly end: number; readonly direction: 'rising' | 'falling' | 'flat'; readonly holds: boolean }[];
}

/** The fit report for chosen values (actual[step][attribute]) against the sampled targets. */
export function arcFitReport(arc: ArcCurve, attributes: readonly Knob[], targets: readonly Float64Array[], actual: readonly Float64Array[]): ArcFitReport {
  const steps: ArcStepFit[] = actual.map((a, s) => ({
    step: s + 1,
    target: Object.fromEntries(attributes.map((k, j) => [k, round(targets[s][j])])),
    actual: Object.fromEntries(attributes.map((k, j) => [k, round(a[j])])),
    error: round(arcError(attributes, a, targets[s])),
  }));
  const meanError = steps.length ? round(steps.reduce((x, s) => x + s.error, 0) / steps.length) : 0;
  let largestJump = { from: 0, size: 0 };
  for (let s = 1; s < actual.length; s++) {
    const size = arcError(attributes, actual[s], actual[s - 1]);
    if (size > largestJump.size) largestJump = { from: s, size: round(size) };
  }
  const primary = attributes[0];
  const monotone = monotoneRuns(targets.map((t) => t[0])).filter((r) => r.end > r.start).map((r) => {
    let holds = true;
    for (let s = r.start + 1; s <= r.end; s++) {
      const d = actual[s][0] - actual[s - 1][0];
      if ((r.direction > 0 && d < 0) || (r.direction < 0 && d > 0)) holds = false;
    }
    return { attribute: primary, start: r.start + 1, end: r.end + 1, direction: r.direction > 0 ? 'rising' as const : r.direction < 0 ? 'falling' as const : 'flat' as const, holds };
  });
  return { arc: arc.name, attributes, steps, meanError, largestJump, monotone };
}

/**
 * Greedy arc selection over a candidate pool. `valueOf(row, attribute)` reads a track's value,
 * `extraCost(row)` (≥ 0) adds a preference (mood, context) to the arc error, `accept(row)` applies
 * the diversity rules and `take(row)` records a choice. Returns the rows in playlist order, after the
 * monotone-run sort; fewer than `steps` when the pool runs out.
 */
export function selectArc(
  attributes: readonly Knob[],
  targets: readonly Float64Array[],
  pool: ArrayLike<number>,
  valueOf: (row: number, attribute: Knob) => number,
  hooks: {
    extraCost?: (row: number) => number; accept?: (row: number) => boolean; take?: (row: number) => void;
    /** The attributes' columns by row, when the caller has them (same values as valueOf, read directly). */
    columns?: readonly (ArrayLike<number> | undefined)[];
  } = {},
): number[] {
  const n = pool.length, d = attributes.length;
  const vals = new Float64Array(n * d);
  const scales = Float64Array.from(attributes, (a) => knobScale(a));
  for (let j = 0; j < d; j++) {
    const col = hooks.columns?.[j], sc = scales[j];
    if (col) for (let i = 0; i < n; i++) vals[i * d + j] = col[pool[i]] / sc;
    else for (let i = 0; i < n; i++) vals[i * d + j] = valueOf(pool[i], attributes[j]) / sc;
  }
  const extra = new Float64Array(n);
  if (hooks.extraCost) for (let i = 0; i < n; i++) extra[i] = hooks.extraCost(pool[i]);
  const used = new Uint8Array(n);
  const chosen: number[] = [];
  const tq = new Float64Array(d);
  const buckets = bucketByPrimary(vals, n, d);
  const { start, bmin, bmax, members } = buckets;
  const nb = bmin.length;
  for (const target of targets) {
    for (let j = 0; j < d; j++) tq[j] = target[j] / scales[j];
    // The unused, accepted row of least (cost, position): the same row a full scan in pool order
    // keeps (it replaces its best only on a strictly lower cost). Buckets of the primary attribute
    // are visited nearest first; a bucket whose primary gap alone costs more than the best is skipped,
    // with every bucket beyond it (cost ≥ sqrt(gap² / d) since the other terms and extraCost are ≥ 0).
    let best = -1, bestCost = Infinity;
    const t0 = tq[0];
    let c = 0;
    while (c < nb - 1 && bmax[c] < t0) c++;
    let lo = c - 1, hi = c + 1;
    const visit = (b: number) => {
      for (let q = start[b], e = start[b + 1]; q < e; q++) {
        const i = members[q];
        if (used[i]) continue;
        const o = i * d;
        let s2 = 0;
        for (let j = 0; j < d; j++) { const t = vals[o + j] - tq[j]; s2 += t * t; }
        const cost = Math.sqrt(s2 / d) + extra[i];
        if (cost < bestCost || (cost === bestCost && i < best)) {
          if (hooks.accept && !hooks.accept(pool[i])) continue;
          best = i; bestCost = cost;
        }
      }
    };
    const gapBound = (b: number) => {
      const g = bmin[b] > t0 ? bmin[b] - t0 : bmax[b] < t0 ? t0 - bmax[b] : 0;
      return Math.sqrt((g * g) / d);
    };
    if (nb) visit(c);
    for (;;) {
      const gl = lo >= 0 ? gapBound(lo) : Infinity, gh = hi < nb ? gapBound(hi) : Infinity;
      if (gl <= gh) {
        if (lo < 0 || gl > bestCost) break;
        visit(lo--);
      } else {
        if (gh > bestCost) break;
        visit(hi++);
      }
    }
    if (best < 0) break;
    used[best] = 1;
    chosen.push(pool[best]);
    hooks.take?.(pool[best]);
  }
  // Sort within the monotone runs of the primary attribute.
  for (const r of monotoneRuns(targets.slice(0, chosen.length).map((t) => t[0]))) {
    if (r.direction === 0 || r.end <= r.start) continue;
    const part = chosen.slice(r.start, r.end + 1).sort((a, b) => (valueOf(a, attributes[0]) - valueOf(b, attributes[0])) * r.direction);
    chosen.splice(r.start, part.length, ...part);
  }
  return chosen;
}

/**
 * Pool positions grouped into buckets of ascending primary value (vals[i·d]), positions ascending
 * within a bucket; rows whose primary value is not finite are left out (their cost is never finite).
 * bmin/bmax are the actual smallest and largest primary value in each bucket.
 */
function bucketByPrimary(vals: Float64Array, n: number, d: number): { start: Int32Array; bmin: Float64Array; bmax: Float64Array; members: Int32Array } {
  let mn = Infinity, mx = -Infinity, finite = 0;
  for (let i = 0, o = 0; i < n; i++, o += d) { const v = vals[o]; if (Number.isFinite(v)) { finite++; if (v < mn) mn = v; if (v > mx) mx = v; } }
  const nb = finite ? Math.max(1, Math.min(65_536, Math.ceil(finite / 16))) : 0;
  const width = nb && mx > mn ? (mx - mn) / nb : 1;
  const bucket = new Int32Array(n);
  const count = new Int32Array(nb + 1);
  for (let i = 0, o = 0; i < n; i++, o += d) {
    const v = vals[o];
    if (!Number.isFinite(v)) { bucket[i] = -1; continue; }
    const b = Math.min(nb - 1, Math.floor((v - mn) / width));
    bucket[i] = b;
    count[b + 1]++;
  }
  for (let b = 0; b < nb; b++) count[b + 1] += count[b];
  const start = Int32Array.from(count);
  const members = new Int32Array(finite);
  const bmin = new Float64Array(nb).fill(Infinity), bmax = new Float64Array(nb).fill(-Infinity);
  for (let i = 0, o = 0; i < n; i++, o += d) {
    const b = bucket[i];
    if (b < 0) continue;
    const v = vals[o];
    members[count[b]++] = i;
    if (v < bmin[b]) bmin[b] = v;
    if (v > bmax[b]) bmax[b] = v;
  }
  // Drop the empty buckets, so that every bucket has a real [bmin, bmax].
  let k = 0;
  for (let b = 0; b < nb; b++) {
    if (start[b + 1] === start[b]) continue;
    start[k] = start[b]; bmin[k] = bmin[b]; bmax[k] = bmax[b]; k++;
  }
  start[k] = finite;
  return { start: start.subarray(0, k + 1), bmin: bmin.subarray(0, k), bmax: bmax.subarray(0, k), members };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
