/**
 * The tunable attributes of a recommendation query, in the shape Spotify's /recommendations used
 * (target_/min_/max_ per attribute), with their documented ranges from features.ts.
 */
import { FEATURE_SPEC } from '../data/features.ts';

export const KNOBS = [
  'acousticness', 'danceability', 'duration_ms', 'energy', 'instrumentalness', 'key', 'liveness',
  'loudness', 'mode', 'popularity', 'speechiness', 'tempo', 'valence',
] as const;

export type Knob = (typeof KNOBS)[number];

const KNOB_SET: ReadonlySet<string> = new Set(KNOBS);

export function isKnob(name: string): name is Knob {
  return KNOB_SET.has(name);
}

export function knobRange(k: Knob): { min: number; max: number } {
  const s = FEATURE_SPEC.get(k)!;
  return { min: s.min, max: s.max };
}

/**
 * The scale that makes a difference in this attribute comparable to a difference of 1 in a 0–1
 * attribute: what counts as "far" (100 BPM, 30 dB, 4 minutes, 100 popularity points, 6 semitones).
 */
export function knobScale(k: Knob | string): number {
  switch (k) {
    case 'tempo': return 100;
    case 'loudness': return 30;
    case 'duration_ms': return 240_000;
    case 'popularity': return 100;
    case 'key': return 6;
    default: return 1;
  }
}

/** Short display of a knob value: 0.62, 121 BPM, -7.5 dB, 3:25. */
export function formatKnob(k: Knob | string, v: number): string {
  switch (k) {
    case 'tempo': return `${Math.round(v)} BPM`;
    case 'loudness': return `${v.toFixed(1)} dB`;
    case 'duration_ms': {
      const s = Math.round(v / 1000);
      return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    }
    case 'popularity': case 'key': case 'mode': return String(Math.round(v));
    default: return v.toFixed(2);
  }
}
