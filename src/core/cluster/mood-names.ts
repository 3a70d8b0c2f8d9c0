/**
 * Names clusters as moods from their centroids. A name depends only on where a centroid sits
 * (its z-scores), never on the cluster's index, so the same clusters found in another order get
 * the same names — the original pipeline named clusters by index, which silently mislabels moods
 * whenever K-Means numbers them differently.
 */

export interface MoodName {
  readonly name: string;
  /** The centroid's z-score per feature: the evidence behind the name. */
  readonly evidence: Readonly<Record<string, number>>;
  /** Plain-language reasons, strongest first ("energy +1.2σ"). */
  readonly reasons: readonly string[];
}

/** |z| above which a trait counts as clearly high or low. */
const CLEAR = 0.5;

interface Trait {
  readonly feature: string;
  readonly high?: string;
  readonly low?: string;
}

/** Secondary traits, each giving a word for the clearly-high and/or clearly-low side. */
const SECONDARY_TRAITS: readonly Trait[] = [
  { feature: 'acousticness', high: 'Acoustic', low: 'Electric' },
  { feature: 'danceability', high: 'Groove', low: 'Drift' },
  { feature: 'instrumentalness', high: 'Instrumental' },
  { feature: 'speechiness', high: 'Spoken' },
  { feature: 'tempo', high: 'Drive', low: 'Slow-Burn' },
  { feature: 'liveness', high: 'Live' },
  { feature: 'loudness', high: 'Loud', low: 'Hushed' },
];

/**
 * The word for a place on the valence × arousal plane (Russell's circumplex): rows are energy
 * low/mid/high, columns valence low/mid/high.
 */
const CIRCUMPLEX: readonly (readonly string[])[] = [
  ['Melancholic', 'Calm', 'Mellow'],
  ['Moody', 'Steady', 'Upbeat'],
  ['Intense', 'Energetic', 'Euphoric'],
];

function band(z: number): 0 | 1 | 2 {
  return z < -CLEAR ? 0 : z > CLEAR ? 2 : 1;
}

function fmtZ(z: number): string {
  return `${z >= 0 ? '+' : '−'}${Math.abs(z).toFixed(1)}σ`;
}

/** Candidate names for one centroid, most descriptive first. */
function candidates(z: Readonly<Record<string, number>>): { names: string[]; reasons: string[] } {
  const valence = z.valence ?? 0;
  const energy = z.energy ?? 0;
  const primary = CIRCUMPLEX[band(energy)][band(valence)];
  const reasons = [`valence ${fmtZ(valence)}`, `energy ${fmtZ(energy)}`];
  const traits = SECONDARY_TRAITS.filter((t) => t.feature in z)
    .map((t) => ({ t, z: z[t.feature] }))
    .filter(({ t, z: v }) => (v > CLEAR && t.high) || (v < -CLEAR && t.low))
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.t.feature.localeCompare(b.t.feature));
  const words = traits.map(({ t, z: v }) => (v > 0 ? t.high! : t.low!));
  for (const { t, z: v } of traits) reasons.push(`${t.feature} ${fmtZ(v)}`);
  const names: string[] = [];
  if (words.length > 0) names.push(`${primary} ${words[0]}`);
  names.push(primary);
  for (let i = 1; i < words.length; i++) names.push(`${primary} ${words[i]}`);
  for (let i = 1; i < words.length; i++) names.push(`${primary} ${words[0]} ${words[i]}`);
  return { names, reasons };
}

/**
 * Names every centroid. `centroidZ[i]` maps feature → z-score of cluster i's centroid (centroids
 * of standardised data are z-scores already). Names are unique; where two clusters would share
 * one, the cluster further from the origin keeps it and the other takes its next candidate.
 */
export function nameMoods(centroidZ: readonly Readonly<Record<string, number>>[]): MoodName[] {
  const cands = centroidZ.map((z) => candidates(z));
  // Assign in an order that depends on the centroids alone (strength, then a canonical key), so
  // permuting the clusters permutes the names with them.
  const key = (z: Readonly<Record<string, number>>): string =>
    Object.keys(z).sort().map((f) => z[f].toFixed(6)).join('|');
  const strength = (z: Readonly<Record<string, number>>): number =>
    Math.hypot(...Object.values(z));
  const order = centroidZ
    .map((z, i) => ({ i, s: strength(z), k: key(z) }))
    .sort((a, b) => b.s - a.s || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((o) => o.i);
  const taken = new Set<string>();
  const names: string[] = new Array(centroidZ.length);
  for (const i of order) {
    let chosen = cands[i].names.find((n) => !taken.has(n));
    if (!chosen) {
      const base = cands[i].names[0];
      let n = 2;
      while (taken.has(`${base} ${roman(n)}`)) n++;
      chosen = `${base} ${roman(n)}`;
    }
    taken.add(chosen);
    names[i] = chosen;
  }
  return centroidZ.map((z, i) => ({ name: names[i], evidence: { ...z }, reasons: cands[i].reasons }));
}

function roman(n: number): string {
  const table: [number, string][] = [[10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let out = '';
  for (const [v, s] of table) while (n >= v) { out += s; n -= v; }
  return out;
}
