/** Plain-text forms of explanations: "energy 0.91 (+0.22)", "energy +0.12 → Energetic". */
import { FEATURE_SPEC } from '../data/features.ts';
import type { FeatureContribution, TrackExplanation } from './shapley.ts';
import type { Counterfactual } from './counterfactual.ts';

/** A feature value in its own units: 0.91, -5.1 dB, 120 BPM, 3:45. */
export function formatFeatureValue(feature: string, value: number, signed = false): string {
  if (!Number.isFinite(value)) return String(value);
  const sign = signed && value > 0 ? '+' : '';
  switch (feature) {
    case 'loudness': return `${sign}${value.toFixed(1)} dB`;
    case 'tempo': return `${sign}${value.toFixed(0)} BPM`;
    case 'duration_ms': {
      const s = Math.round(Math.abs(value) / 1000);
      return `${value < 0 ? '-' : sign}${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    }
    case 'key': case 'mode': case 'time_signature': case 'popularity':
      return `${sign}${Math.round(value)}`;
  }
  const spec = FEATURE_SPEC.get(feature);
  const digits = spec && spec.max - spec.min <= 1 ? 2 : Math.abs(value) >= 100 ? 0 : 2;
  return `${sign}${value.toFixed(digits)}`;
}

/** "+0.22" / "-0.05": a probability change with an explicit sign. */
export function formatSigned(x: number, digits = 2): string {
  const s = x.toFixed(digits);
  return x >= 0 && !s.startsWith('-') ? `+${s}` : s === `-${(0).toFixed(digits)}` ? `+${(0).toFixed(digits)}` : s;
}

/** "energy 0.91 (+0.22)". */
export function formatContribution(c: FeatureContribution, digits = 2): string {
  return `${c.feature} ${formatFeatureValue(c.feature, c.value)} (${formatSigned(c.shap, digits)})`;
}

/** Contributions ordered by |Shapley|, largest first. */
export function sortedContributions(e: TrackExplanation): FeatureContribution[] {
  return [...e.contributions].sort((a, b) => Math.abs(b.shap) - Math.abs(a.shap));
}

/** "energy +0.12 → Energetic" (changes joined by ", "). */
export function formatCounterfactual(cf: Counterfactual): string {
  const changes = cf.changes.map((c) => `${c.feature} ${formatFeatureValue(c.feature, c.delta, true)}`).join(', ');
  return `${changes} → ${cf.toMood}`;
}

/** The multi-line text `moodscape explain` prints. */
export function formatExplanation(e: TrackExplanation, cf?: Counterfactual | null, title?: string): string {
  const lines: string[] = [];
  lines.push(`${title ?? e.trackId ?? 'track'}: ${e.mood} (probability ${e.probability.toFixed(2)}; average track ${e.baseline.toFixed(2)})`);
  const method = e.exact
    ? `exact Shapley values over ${e.coalitions} coalitions`
    : `Shapley values estimated from ${e.permutations} sampled permutations (not exact)`;
  lines.push(`  why, feature value (change in ${e.mood} probability); ${method}, ${e.backgroundRows} background tracks:`);
  for (const c of sortedContributions(e)) lines.push(`    ${formatContribution(c)}`);
  const sum = e.contributions.reduce((a, c) => a + c.shap, 0);
  lines.push(`  sum ${formatSigned(sum)} = ${e.probability.toFixed(2)} - ${e.baseline.toFixed(2)}`);
  if (cf !== undefined) {
    lines.push(cf ? `  smallest change that flips it: ${formatCounterfactual(cf)} (p ${cf.toProbability.toFixed(2)})` : '  no change of one or two features flips it');
  }
  return lines.join('\n');
}
