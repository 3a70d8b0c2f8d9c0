/**
 * Listening contexts (workout, focus, sleep …) as declarative, inspectable specs: hard bounds per
 * attribute, soft targets with weights, tempo bands, and preferred / excluded moods.
 *
 * Moods are matched by case-insensitive name pattern (regular-expression source), because every
 * mood model has its own vocabulary (Happy/Sad/Energetic/Calm, angry/happy/sad, chill/party …).
 * A pattern that matches none of a model's classes simply has no effect.
 *
 * User presets come from a JSON file: `{"contexts":[{…spec…}]}` or a bare array of specs. They are
 * validated here with errors naming the preset and the field.
 */
import { InputError } from '../common/errors.ts';
import { FEATURE_SPEC } from '../data/features.ts';
import { KNOBS, isKnob, type Knob } from './knobs.ts';

export type KnobValues = Partial<Record<Knob, number>>;

export interface ContextSpec {
  readonly name: string;
  readonly description: string;
  /** Other names that select this context (study → focus). */
  readonly aliases?: readonly string[];
  /** Hard lower bounds: a track below one is never returned. */
  readonly min?: KnobValues;
  /** Hard upper bounds. */
  readonly max?: KnobValues;
  /** Soft targets: tracks closer to them rank higher. */
  readonly target?: KnobValues;
  /** Weight of each target in the distance (default 1). */
  readonly weights?: KnobValues;
  /** Tempo must fall in one of these [low, high] BPM bands (half/double-time bands may be listed). */
  readonly tempoBands?: readonly (readonly [number, number])[];
  /** Mood name patterns whose probability raises a track's score. */
  readonly preferMoods?: readonly string[];
  /** Mood name patterns: a track whose predicted (top) mood matches one is never returned. */
  readonly excludeMoods?: readonly string[];
}

export const BUILTIN_CONTEXTS: readonly ContextSpec[] = [
  {
    name: 'workout',
    description: 'high energy, driving tempo, danceable',
    min: { energy: 0.65, danceability: 0.45 },
    max: { acousticness: 0.5 },
    target: { energy: 0.85, danceability: 0.7, valence: 0.6 },
    weights: { energy: 2, danceability: 1, valence: 0.5 },
    tempoBands: [[115, 180]],
    preferMoods: ['energ', 'activ', 'party', 'angry', 'spirit', 'hype', 'power'],
    excludeMoods: ['sad', 'calm', 'sleep', 'chill', 'relax'],
  },
  {
    name: 'running',
    description: 'steady cadence tempo (150–190 BPM, or half-time 75–95), energetic',
    min: { energy: 0.6 },
    max: { acousticness: 0.5, speechiness: 0.5 },
    target: { energy: 0.85, valence: 0.65, tempo: 165 },
    weights: { energy: 2, valence: 0.5, tempo: 1 },
    tempoBands: [[150, 190], [75, 95]],
    preferMoods: ['energ', 'activ', 'happy', 'party', 'spirit'],
    excludeMoods: ['sad', 'calm', 'sleep', 'chill'],
  },
  {
    name: 'focus',
    aliases: ['study'],
    description: 'few words, moderate-to-low energy, instrumental where possible',
    max: { speechiness: 0.15, energy: 0.65, liveness: 0.5 },
    target: { instrumentalness: 0.7, energy: 0.35, valence: 0.45, acousticness: 0.6 },
    weights: { instrumentalness: 2, energy: 1, valence: 0.5, acousticness: 0.5 },
    tempoBands: [[50, 130]],
    preferMoods: ['calm', 'chill', 'instrument', 'focus'],
    excludeMoods: ['angry', 'party', 'energ'],
  },
  {
    name: 'commute',
    description: 'upbeat but not frantic, mid tempo',
    min: { energy: 0.4 },
    max: { energy: 0.9, speechiness: 0.5 },
    target: { energy: 0.65, valence: 0.6, danceability: 0.6 },
    weights: { energy: 1, valence: 1, danceability: 0.5 },
    tempoBands: [[85, 145]],
    preferMoods: ['happy', 'chill', 'energ', 'activ'],
    excludeMoods: ['sleep'],
  },
  {
    name: 'relax',
    description: 'low energy, warm and acoustic',
    max: { energy: 0.5, speechiness: 0.3, loudness: -5 },
    target: { energy: 0.3, valence: 0.5, acousticness: 0.65 },
    weights: { energy: 2, valence: 0.5, acousticness: 1 },
    tempoBands: [[50, 125]],
    preferMoods: ['calm', 'chill', 'relax', 'romanc'],
    excludeMoods: ['angry', 'party', 'energ', 'activ'],
  },
  {
    name: 'sleep',
    description: 'very quiet and slow, few words',
    max: { energy: 0.35, loudness: -9, speechiness: 0.2, danceability: 0.7 },
    target: { energy: 0.15, acousticness: 0.85, instrumentalness: 0.6, valence: 0.3 },
    weights: { energy: 2, acousticness: 1, instrumentalness: 1, valence: 0.25 },
    tempoBands: [[40, 110]],
    preferMoods: ['calm', 'sleep', 'chill', 'instrument'],
    excludeMoods: ['angry', 'party', 'energ', 'activ'],
  },
  {
    name: 'party',
    description: 'danceable, loud and happy',
    min: { danceability: 0.65, energy: 0.6 },
    max: { acousticness: 0.4, speechiness: 0.5 },
    target: { danceability: 0.8, energy: 0.8, valence: 0.7 },
    weights: { danceability: 2, energy: 1, valence: 1 },
    tempoBands: [[95, 135]],
    preferMoods: ['party', 'happy', 'energ', 'danc'],
    excludeMoods: ['sad', 'calm', 'sleep'],
  },
  {
    name: 'dinner',
    description: 'soft, warm background music',
    min: { energy: 0.15 },
    max: { energy: 0.6, speechiness: 0.2, loudness: -5 },
    target: { energy: 0.4, acousticness: 0.6, valence: 0.55 },
    weights: { energy: 1, acousticness: 1, valence: 1 },
    tempoBands: [[60, 130]],
    preferMoods: ['romanc', 'calm', 'chill', 'happy'],
    excludeMoods: ['angry', 'party'],
  },
];

/** All contexts by lower-case name and alias; user presets override built-ins of the same name. */
export function contextRegistry(extra: readonly ContextSpec[] = []): Map<string, ContextSpec> {
  const m = new Map<string, ContextSpec>();
  for (const c of [...BUILTIN_CONTEXTS, ...extra]) {
    m.set(c.name.toLowerCase(), c);
    for (const a of c.aliases ?? []) m.set(a.toLowerCase(), c);
  }
  return m;
}

/** The context named `name` (or an alias), or an InputError listing the valid names. */
export function resolveContext(name: string, extra: readonly ContextSpec[] = []): ContextSpec {
  const reg = contextRegistry(extra);
  const found = reg.get(name.trim().toLowerCase());
  if (found) return found;
  throw new InputError(`unknown context "${name}"`, { expected: `one of ${[...reg.keys()].sort().join(', ')}` });
}

/** Human-readable rules of a context, one line each (for `moodscape contexts` and `why`). */
export function describeContext(c: ContextSpec): string[] {
  const lines: string[] = [];
  const bounds = new Set<string>([...Object.keys(c.min ?? {}), ...Object.keys(c.max ?? {})]);
  for (const k of bounds) {
    const lo = c.min?.[k as Knob], hi = c.max?.[k as Knob];
    if (lo !== undefined && hi !== undefined) lines.push(`${k} in [${lo}, ${hi}]`);
    else if (lo !== undefined) lines.push(`${k} ≥ ${lo}`);
    else lines.push(`${k} ≤ ${hi}`);
  }
  if (c.tempoBands?.length) lines.push(`tempo in ${c.tempoBands.map(([a, b]) => `${a}–${b}`).join(' or ')} BPM`);
  const targets = Object.entries(c.target ?? {}).map(([k, v]) => `${k}≈${v}${c.weights?.[k as Knob] !== undefined ? ` (weight ${c.weights[k as Knob]})` : ''}`);
  if (targets.length) lines.push(`targets ${targets.join(', ')}`);
  if (c.preferMoods?.length) lines.push(`prefers moods matching ${c.preferMoods.join('|')}`);
  if (c.excludeMoods?.length) lines.push(`excludes tracks whose mood matches ${c.excludeMoods.join('|')}`);
  return lines;
}

/** Case-insensitive regex over mood names; an invalid pattern is a user error. */
export function moodPattern(patterns: readonly string[], where = 'mood pattern'): RegExp {
  try {
    return new RegExp(patterns.map((p) => `(?:${p})`).join('|'), 'i');
  } catch (e) {
    throw new InputError(`${where}: invalid pattern (${(e as Error).message})`);
  }
}

/** Indices of `classes` whose name matches one of `patterns`. */
export function matchingClasses(classes: readonly string[], patterns: readonly string[] | undefined): number[] {
  if (!patterns?.length) return [];
  const re = moodPattern(patterns);
  const out: number[] = [];
  classes.forEach((c, i) => { if (re.test(c)) out.push(i); });
  return out;
}

// ---- user presets -------------------------------------------------------------------------------

/**
 * Validates user presets parsed from JSON (`{"contexts":[…]}` or `[…]`). Every error names the
 * file, the preset and the field, e.g. `presets.json: context "gym": min.energy must be in [0, 1], got 2`.
 */
export function parseContextPresets(json: unknown, file = 'presets'): ContextSpec[] {
  const list = Array.isArray(json) ? json : isObject(json) && Array.isArray(json.contexts) ? json.contexts : undefined;
  if (!list) throw new InputError('expected an array of contexts or {"contexts": [...]}', { file });
  const seen = new Set<string>();
  return list.map((raw, i) => {
    const where = (field: string) => `${isObject(raw) && typeof raw.name === 'string' ? `context "${raw.name}"` : `contexts[${i}]`}: ${field}`;
    const fail = (field: string, msg: string): never => { throw new InputError(`${where(field)} ${msg}`, { file }); };
    if (!isObject(raw)) return fail('entry', 'must be an object');
    const known = new Set(['name', 'description', 'aliases', 'min', 'max', 'target', 'weights', 'tempoBands', 'preferMoods', 'excludeMoods']);
    for (const k of Object.keys(raw)) if (!known.has(k)) fail(k, `is not a context field (known: ${[...known].join(', ')})`);
    if (typeof raw.name !== 'string' || !/^[a-z0-9][a-z0-9_-]*$/i.test(raw.name)) fail('name', 'must be a word of letters, digits, - or _');
    const name = raw.name as string;
    if (seen.has(name.toLowerCase())) fail('name', 'is defined twice');
    seen.add(name.toLowerCase());
    if (raw.description !== undefined && typeof raw.description !== 'string') fail('description', 'must be a string');
    const knobs = (field: 'min' | 'max' | 'target' | 'weights'): KnobValues | undefined => {
      const v = raw[field];
      if (v === undefined) return undefined;
      if (!isObject(v)) return fail(field, 'must be an object of attribute → number');
      const out: KnobValues = {};
      for (const [k, x] of Object.entries(v)) {
        if (!isKnob(k)) fail(`${field}.${k}`, `is not an attribute (known: ${KNOBS.join(', ')})`);
        if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${field}.${k}`, `must be a number, got ${JSON.stringify(x)}`);
        const spec = FEATURE_SPEC.get(k)!;
        if (field === 'weights') { if ((x as number) < 0) fail(`${field}.${k}`, `must be ≥ 0, got ${x}`); }
        else if ((x as number) < spec.min || (x as number) > spec.max) fail(`${field}.${k}`, `must be in [${spec.min}, ${spec.max}], got ${x}`);
        out[k as Knob] = x as number;
      }
      return out;
    };
    const min = knobs('min'), max = knobs('max'), target = knobs('target'), weights = knobs('weights');
    for (const k of Object.keys(min ?? {}) as Knob[]) {
      if (max?.[k] !== undefined && min![k]! > max[k]!) fail(`min.${k}`, `(${min![k]}) is greater than max.${k} (${max[k]})`);
    }
    const strings = (field: 'aliases' | 'preferMoods' | 'excludeMoods'): string[] | undefined => {
      const v = raw[field];
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || !s)) return fail(field, 'must be an array of non-empty strings');
      if (field !== 'aliases') moodPattern(v as string[], where(field));
      return v as string[];
    };
    let tempoBands: [number, number][] | undefined;
    if (raw.tempoBands !== undefined) {
      const b = raw.tempoBands;
      if (!Array.isArray(b)) return fail('tempoBands', 'must be an array of [low, high] pairs');
      tempoBands = b.map((p, j) => {
        if (!Array.isArray(p) || p.length !== 2 || p.some((x) => typeof x !== 'number' || !Number.isFinite(x))) return fail(`tempoBands[${j}]`, 'must be a [low, high] pair of numbers');
        if (p[0] > p[1]) fail(`tempoBands[${j}]`, `low (${p[0]}) is greater than high (${p[1]})`);
        if (p[0] < 0 || p[1] > 300) fail(`tempoBands[${j}]`, 'must lie within 0–300 BPM');
        return [p[0], p[1]] as [number, number];
      });
    }
    return {
      name,
      description: (raw.description as string | undefined) ?? 'user preset',
      aliases: strings('aliases'),
      min, max, target, weights, tempoBands,
      preferMoods: strings('preferMoods'),
      excludeMoods: strings('excludeMoods'),
    };
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
