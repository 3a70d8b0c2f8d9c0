/**
 * Offline evaluation of mood playlists against held-out labels.
 *
 * For every mood M the model knows that also occurs among the labels (case-insensitive, or through
 * `moodMap` model mood → label), the recommender builds the mood playlist of M with k tracks, and:
 * - precision@k: share of the k tracks labelled M (the base rate of M is reported beside it);
 * - nDCG@k: binary relevance (label = M), ideal = min(k, tracks labelled M) relevant tracks first;
 * - intra-list diversity: mean pairwise Euclidean distance in the scaled feature space (the
 *   catalogue's mean distance between random pairs is reported as a reference);
 * - artist repetition: 1 − distinct artists / tracks;
 * and, over all moods, catalogue coverage: distinct tracks recommended / catalogue size.
 */
import { InputError } from '../common/errors.ts';
import { createRng } from '../common/random.ts';
import { recommend, type RecCatalog } from './recommend.ts';
import { squaredDistance } from './similarity.ts';

export interface EvalOptions {
  readonly ks?: readonly number[];
  /** Model mood → label value, for vocabularies that differ ("Energetic" → "angry"). */
  readonly moodMap?: Readonly<Record<string, string>>;
  readonly lambda?: number;
}

export interface MoodEval {
  readonly mood: string;
  readonly label: string;
  readonly k: number;
  readonly returned: number;
  readonly precision: number;
  readonly baseRate: number;
  readonly ndcg: number;
  readonly intraListDiversity: number;
  readonly artistRepetition: number;
}

export interface EvalSummary {
  readonly k: number;
  readonly moods: number;
  readonly precision: number;
  readonly baseRate: number;
  readonly ndcg: number;
  readonly intraListDiversity: number;
  readonly artistRepetition: number;
  readonly coverage: number;
}

export interface EvalReport {
  readonly catalogueSize: number;
  readonly labelled: number;
  readonly randomPairDistance: number;
  readonly perMood: readonly MoodEval[];
  readonly summary: readonly EvalSummary[];
  /** Model moods with no matching label, and why a mood was skipped. */
  readonly skipped: readonly { readonly mood: string; readonly reason: string }[];
}

export function evaluateRecs(catalog: RecCatalog, labels: readonly string[], o: EvalOptions = {}): EvalReport {
  const ks = o.ks ?? [10, 20];
  const n = catalog.table.rowCount;
  if (labels.length !== n) throw new RangeError(`evaluateRecs: ${labels.length} labels for ${n} tracks`);
  const norm = (s: string) => s.trim().toLowerCase();
  const labelCounts = new Map<string, number>();
  let labelled = 0;
  for (const l of labels) if (l && l.trim()) { labelCounts.set(norm(l), (labelCounts.get(norm(l)) ?? 0) + 1); labelled++; }
  if (!labelled) throw new InputError('the label column is empty');

  const pairs: { mood: string; label: string }[] = [];
  const skipped: { mood: string; reason: string }[] = [];
  for (const mood of catalog.classes) {
    const label = norm(o.moodMap?.[mood] ?? mood);
    if (labelCounts.has(label)) pairs.push({ mood, label });
    else skipped.push({ mood, reason: `no track is labelled "${label}"` });
  }
  if (!pairs.length) {
    throw new InputError(`none of the model's moods (${catalog.classes.join(', ')}) occurs among the labels (${[...labelCounts.keys()].join(', ')})`, { expected: 'a model trained on the same mood vocabulary, or a mood map' });
  }

  const perMood: MoodEval[] = [];
  const summary: EvalSummary[] = [];
  const { table, scaled, dims } = catalog;
  const artists = table.text.artist;
  for (const k of ks) {
    const covered = new Set<number>();
    const rows: MoodEval[] = [];
    for (const { mood, label } of pairs) {
      let res;
      try {
        res = recommend(catalog, { moods: [mood], limit: k, lambda: o.lambda });
      } catch (e) {
        if (e instanceof InputError) { if (k === ks[0]) skipped.push({ mood, reason: e.message }); continue; }
        throw e;
      }
      const got = res.rows;
      got.forEach((r) => covered.add(r));
      let hits = 0, dcg = 0;
      got.forEach((r, i) => { if (labels[r] && norm(labels[r]) === label) { hits++; dcg += 1 / Math.log2(i + 2); } });
      let idcg = 0;
      for (let i = 0; i < Math.min(k, labelCounts.get(label)!); i++) idcg += 1 / Math.log2(i + 2);
      let dsum = 0, pairsN = 0;
      for (let i = 0; i < got.length; i++) for (let j = i + 1; j < got.length; j++) {
        dsum += Math.sqrt(squaredDistance(scaled, got[i] * dims, scaled, got[j] * dims, dims)); pairsN++;
      }
      const distinctArtists = artists ? new Set(got.map((r) => artists[r]?.toLowerCase())).size : got.length;
      rows.push({
        mood, label, k, returned: got.length,
        precision: round(hits / k),
        baseRate: round(labelCounts.get(label)! / labelled),
        ndcg: round(idcg ? dcg / idcg : 0),
        intraListDiversity: round(pairsN ? dsum / pairsN : 0),
        artistRepetition: round(got.length ? 1 - distinctArtists / got.length : 0),
      });
    }
    perMood.push(...rows);
    const mean = (f: (m: MoodEval) => number) => round(rows.length ? rows.reduce((a, m) => a + f(m), 0) / rows.length : 0);
    summary.push({
      k, moods: rows.length,
      precision: mean((m) => m.precision), baseRate: mean((m) => m.baseRate), ndcg: mean((m) => m.ndcg),
      intraListDiversity: mean((m) => m.intraListDiversity), artistRepetition: mean((m) => m.artistRepetition),
      coverage: round(covered.size / n),
    });
  }
  return { catalogueSize: n, labelled, randomPairDistance: round(randomPairDistance(scaled, dims, n)), perMood, summary, skipped };
}

function randomPairDistance(scaled: Float32Array, dims: number, n: number, pairs = 2000): number {
  if (n < 2) return 0;
  const rng = createRng(12345);
  let s = 0;
  for (let p = 0; p < pairs; p++) {
    const a = rng.int(n), b = rng.int(n);
    s += Math.sqrt(squaredDistance(scaled, a * dims, scaled, b * dims, dims));
  }
  return s / pairs;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
