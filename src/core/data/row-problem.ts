/**
 * Why one track cannot be tagged, or null when it can: a required feature missing, or any feature
 * outside its documented range (features.ts). Batch jobs use it to fail a bad row alone, with the
 * reason, instead of failing the whole batch.
 */
import type { TrackTable } from './track-table.ts';
import { FEATURE_SPEC, REQUIRED_FEATURES } from './features.ts';

export function rowProblem(table: TrackTable, row: number): string | null {
  for (const f of REQUIRED_FEATURES) {
    const v = table.numeric[f]?.[row];
    if (v === undefined || Number.isNaN(v)) return `${f} is missing`;
  }
  for (const [name, col] of Object.entries(table.numeric)) {
    const spec = FEATURE_SPEC.get(name);
    const v = col[row];
    if (!spec || Number.isNaN(v)) continue;
    if (!Number.isFinite(v) || v < spec.min || v > spec.max) return `${name} ${v} outside [${spec.min}, ${spec.max}]`;
  }
  return null;
}
