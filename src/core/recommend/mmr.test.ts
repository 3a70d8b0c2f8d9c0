import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../common/random.ts';
import { mmrSelect, mmrSelectScan, type MmrOptions } from './mmr.ts';

test('lazy MMR picks exactly what scanning every candidate every round picks: ties, duplicates, rejections, every λ', () => {
  const rng = createRng(23);
  for (let trial = 0; trial < 300; trial++) {
    const rows = 60 + Math.floor(rng.next() * 200), dims = 1 + Math.floor(rng.next() * 6);
    const scaled = new Float32Array(rows * dims);
    // A coarse grid: many identical vectors (equal similarities) and equal distances.
    for (let i = 0; i < scaled.length; i++) scaled[i] = Math.round(rng.normal() * 2) / 2;
    const relevance = new Float64Array(rows);
    const levels = trial % 3 === 0 ? 4 : 1000; // few levels: many equal relevances
    for (let i = 0; i < rows; i++) relevance[i] = Math.floor(rng.next() * levels) / levels;
    const m = 1 + Math.floor(rng.next() * rows);
    const candidates = Int32Array.from({ length: m }, () => Math.floor(rng.next() * rows)).filter((r, i, a) => a.indexOf(r) === i);
    const lambda = [0, 0.3, 0.7, 1][trial % 4];
    const k = 1 + Math.floor(rng.next() * 25);
    // An artist cap: row % 5 is the artist, at most `cap` picks each (a rule that changes with the picks).
    const cap = 1 + (trial % 3);
    const run = (select: typeof mmrSelect): number[] => {
      const perArtist = new Map<number, number>();
      const o: MmrOptions = {
        k, lambda,
        accept: trial % 5 === 4 ? undefined : (r) => (perArtist.get(r % 5) ?? 0) < cap,
        take: (r) => perArtist.set(r % 5, (perArtist.get(r % 5) ?? 0) + 1),
      };
      return select(candidates, relevance, scaled, dims, o);
    };
    assert.deepEqual(run(mmrSelect), run(mmrSelectScan), `trial ${trial} (λ ${lambda}, k ${k}, ${candidates.length} candidates)`);
  }
});
