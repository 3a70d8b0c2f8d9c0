/**
 * The reasons every recommended track carries: its predicted mood and probability, the constraints
 * it meets, its distance to the targets, its closeness to the seeds, its place in an arc and the
 * taste shift that applied. Plain sentences, most important first.
 */
import type { Constraint } from './filter.ts';
import { formatKnob, type Knob } from './knobs.ts';
import type { TargetSpec } from './query.ts';

export interface ScoreParts {
  mood?: number;
  context?: number;
  targets?: number;
  seeds?: number;
}

export function moodReason(classes: readonly string[], probaRow: ArrayLike<number>, moods: readonly { name: string; index: number }[]): string {
  let top = 0;
  for (let j = 1; j < classes.length; j++) if (probaRow[j] > probaRow[top]) top = j;
  const base = `predicted mood ${classes[top]} (p = ${probaRow[top].toFixed(2)})`;
  const asked = moods.filter((m) => m.index !== top).map((m) => `P(${m.name}) = ${probaRow[m.index].toFixed(2)}`);
  return asked.length ? `${base}; ${asked.join(', ')}` : base;
}

export function preferReason(classes: readonly string[], probaRow: ArrayLike<number>, prefer: readonly number[], context: string): string | undefined {
  if (!prefer.length) return undefined;
  const s = prefer.reduce((a, j) => a + probaRow[j], 0);
  return `${context} prefers ${prefer.map((j) => classes[j]).join('/')}: combined probability ${Math.min(1, s).toFixed(2)}`;
}

/** One line listing the explained constraints, grouped by where they came from. */
export function constraintsReason(constraints: readonly Constraint[]): string | undefined {
  const bySource = new Map<string, string[]>();
  for (const c of constraints) {
    if (!c.explain) continue;
    const list = bySource.get(c.source) ?? [];
    list.push(c.label.replace(/ \([^)]*\)$/, ''));
    bySource.set(c.source, list);
  }
  if (!bySource.size) return undefined;
  return 'meets ' + [...bySource].map(([src, labels]) => `${labels.join(', ')} (${src})`).join('; ');
}

/** "energy 0.82 vs target 0.85 (Δ 0.03)" for the heaviest targets, plus the overall distance. */
export function targetsReason(value: (k: Knob) => number, targets: ReadonlyMap<Knob, TargetSpec>, distance: number, max = 4): string | undefined {
  if (!targets.size) return undefined;
  const parts = [...targets]
    .sort((a, b) => b[1].weight - a[1].weight)
    .slice(0, max)
    .map(([k, t]) => {
      const v = value(k);
      const d = Math.abs(v - t.value);
      return `${k} ${formatKnob(k, v)} vs target ${formatKnob(k, t.value)}${t.source === 'taste' ? ' (taste)' : ''} (Δ ${k === 'tempo' || k === 'loudness' || k === 'popularity' || k === 'duration_ms' || k === 'key' ? formatKnob(k, d) : d.toFixed(2)})`;
    });
  return `distance to targets ${distance.toFixed(3)} (0 = exact, scale-normalised): ${parts.join(', ')}`;
}

export function seedReason(seedLabel: string, distance: number): string {
  return `close to seed ${seedLabel} (distance ${distance.toFixed(2)} in the scaled feature space)`;
}

export function scoreReason(score: number, parts: ScoreParts): string {
  const named = Object.entries(parts).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${(v as number).toFixed(2)}`);
  return `score ${score.toFixed(3)}${named.length ? ` from ${named.join(', ')}` : ''}`;
}

export function arcReason(arc: string, step: number, steps: number, attributes: readonly Knob[], target: ArrayLike<number>, actual: ArrayLike<number>, error: number): string {
  const parts = attributes.map((a, j) => `${a} ${formatKnob(a, actual[j])} (target ${formatKnob(a, target[j])})`);
  return `arc ${arc}, step ${step}/${steps}: ${parts.join(', ')}; error ${error.toFixed(3)}`;
}

