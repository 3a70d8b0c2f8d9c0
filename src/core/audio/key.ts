/**
 * Key and mode from mean chroma: Pearson correlation with the 24 rotations of a major and a minor
 * key profile; the best rotation is the key (0 = C … 11 = B) and its profile the mode (1 major,
 * 0 minor). Key −1 when the chroma is flat or empty (Spotify's "no key detected").
 */
export type KeyProfileName = 'krumhansl' | 'temperley';

/** Krumhansl & Kessler (1982) probe-tone ratings; Temperley (2001, Kostka–Payne corpus) frequencies. */
export const KEY_PROFILES: Record<KeyProfileName, { major: readonly number[]; minor: readonly number[] }> = {
  krumhansl: {
    major: [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88],
    minor: [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17],
  },
  temperley: {
    major: [0.748, 0.06, 0.488, 0.082, 0.67, 0.46, 0.096, 0.715, 0.104, 0.366, 0.057, 0.4],
    minor: [0.712, 0.084, 0.474, 0.618, 0.049, 0.46, 0.105, 0.747, 0.404, 0.067, 0.133, 0.33],
  },
};

export interface KeyEstimate {
  key: number;
  /** 1 major, 0 minor; NaN with key −1. */
  mode: number;
  /** Correlation of the chroma with the winning profile, −1 … 1 (0 with key −1). */
  strength: number;
}

function correlation(a: readonly number[], b: readonly number[], shift: number): number {
  let ma = 0, mb = 0;
  for (let i = 0; i < 12; i++) { ma += a[i]; mb += b[i]; }
  ma /= 12; mb /= 12;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < 12; i++) {
    const x = a[(i + shift) % 12] - ma, y = b[i] - mb;
    num += x * y; da += x * x; db += y * y;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0;
}

export function estimateKey(chroma: readonly number[], profile: KeyProfileName = 'temperley'): KeyEstimate {
  const max = Math.max(...chroma), min = Math.min(...chroma);
  if (!(max > 0) || max - min < 1e-3 * max) return { key: -1, mode: NaN, strength: 0 };
  const p = KEY_PROFILES[profile];
  let best: KeyEstimate = { key: -1, mode: NaN, strength: -Infinity };
  for (let key = 0; key < 12; key++) {
    for (const [mode, prof] of [[1, p.major], [0, p.minor]] as const) {
      const r = correlation(chroma, prof, key);
      if (r > best.strength) best = { key, mode, strength: r };
    }
  }
  return best.strength > 0 ? best : { key: -1, mode: NaN, strength: 0 };
}
