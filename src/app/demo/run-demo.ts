/**
 * The whole pipeline on the project's own generated catalogue, written into one folder: what a
 * new user runs first (`npx moodscape demo`) to see every stage work without any data of theirs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { correlations, describe } from '../../core/data/describe.ts';
import { tagTracks } from '../../core/tag/tag-tracks.ts';
import { clusterMoods, maxMembership } from '../../core/cluster/mood-clusters.ts';
import { DEFAULT_CLASSIFIER, trainMoodModel } from '../../core/classify/train-mood-model.ts';
import { designMatrix } from '../../core/data/feature-matrix.ts';
import { readTracksCsv } from '../../io/csv/read-tracks.ts';
import { writeCsv, writeTableCsv, type CsvCell } from '../../io/csv/write-csv.ts';
import { writeGeneratedCsv } from '../../io/generate-csv.ts';
import { saveTrainedModel } from '../../io/save-trained-model.ts';
import { clusterStability } from '../../core/cluster/cluster-stability.ts';
import { writeFileAtomic } from '../../io/atomic.ts';
import { writeReport } from '../../io/report/write-report.ts';
import { demoReportInput } from './demo-report.ts';
import { buildRecCatalog, recommend, type RecQuery } from '../../core/recommend/index.ts';
import { writePlaylist } from '../../io/playlist-export.ts';
import { builtinModelDir } from '../../io/builtin-model.ts';
import { loadMoodModel } from '../../io/mood-model-dir.ts';

export interface DemoOptions {
  out: string;
  tracks: number;
  labelled: number;
  seed: number;
}

export const DEMO_DEFAULTS: DemoOptions = { out: 'moodscape-demo', tracks: 20_000, labelled: 2_000, seed: 42 };

export interface DemoSummary {
  out: string;
  files: Record<string, string>;
  catalogue: { tracks: number };
  clusters: { k: number; chosenBy: string; stability: { mean: number; std: number }; moods: { name: string; size: number; reasons: readonly string[] }[] };
  honest: { rows: number; classes: string[]; accuracy: { mean: number; std: number }; macroF1: { mean: number; std: number } };
  fromClusters: { accuracy: number; macroF1: number };
  tagged: Record<string, number>;
  /** The built-in model on the same catalogue: its moods and the share of tracks where it agrees with the model trained here. */
  builtin: { tagged: Record<string, number>; agreement: number };
  seconds: number;
}

export async function runDemo(o: DemoOptions, log: (msg: string) => void): Promise<DemoSummary> {
  const t0 = performance.now();
  const out = resolve(o.out);
  await mkdir(out, { recursive: true });
  const files: Record<string, string> = {};
  const path = (name: string): string => (files[name] = join(out, name));

  log(`generating a ${o.tracks}-track catalogue and a ${o.labelled}-track mood-labelled sample (seed ${o.seed})`);
  await writeGeneratedCsv(path('catalogue.csv'), { tracks: o.tracks, seed: o.seed });
  await writeGeneratedCsv(path('labelled.csv'), { tracks: o.labelled, seed: o.seed + 1, labelled: true });
  const catalogue = await readTracksCsv(files['catalogue.csv']);
  const labelled = await readTracksCsv(files['labelled.csv']);

  log('profiling features');
  await writeFileAtomic(path('profile.json'), JSON.stringify({ describe: describe(catalogue.table), correlations: correlations(catalogue.table) }, null, 2));

  log('clustering: K-Means over k = 2..10 (elbow and silhouette), then a Gaussian mixture at the chosen k');
  const clusters = clusterMoods(catalogue.table, { k: 'auto', method: 'gmm', seed: o.seed });
  const names = clusters.names.map((n) => n.name);
  const extra: Record<string, ArrayLike<CsvCell>> = {
    mood_cluster: Array.from(clusters.labels),
    mood_name: Array.from(clusters.labels, (l) => names[l]),
    membership: Array.from(maxMembership(clusters.proba!), (v) => Math.round(v * 1e4) / 1e4),
  };
  await writeTableCsv(path('clustered.csv'), catalogue.table, extra);
  log(`cluster stability: K-Means on bootstrap resamples at k = ${clusters.k}`);
  const stability = clusterStability(clusters.scaler.transform(designMatrix(catalogue.table, clusters.options.features)), { k: clusters.k, bootstraps: 10, nInit: 3, seed: o.seed });
  await writeFileAtomic(path('clusters.json'), JSON.stringify({ k: clusters.k, sweep: clusters.sweep, stability, profiles: clusters.profiles }, null, 2));

  log('training the mood model (the default: networks averaged with logistic regression) on human-style labels, 5-fold stratified CV');
  const honest = trainMoodModel(labelled.table, { target: { type: 'label', column: 'mood' }, classifier: DEFAULT_CLASSIFIER, cv: 5, seed: o.seed });
  await saveTrainedModel(path('model'), honest, { trainingFile: files['labelled.csv'] });

  log("training the original set-up: the network re-predicting K-Means moods (80/20 holdout)");
  const fromClusters = trainMoodModel(catalogue.table, { target: { type: 'clusters', k: clusters.k, method: 'kmeans' }, classifier: { model: 'mlp' }, cv: 0, seed: o.seed });
  await saveTrainedModel(path('model-from-clusters'), fromClusters, { trainingFile: files['catalogue.csv'] });

  log('tagging the catalogue with the mood model');
  const tags = tagTracks(honest.model, catalogue.table, { uncertainBelow: honest.model.uncertainBelow });
  const { proba, decisions: top } = tags;
  const k = honest.model.classes.length;
  const t = catalogue.table;
  await writeCsv(path('tagged.csv'), ['id', 'name', 'artist', 'mood', 'confidence', ...honest.model.classes.map((c) => `p_${c}`)], (function* () {
    for (let i = 0; i < t.rowCount; i++) {
      const row: CsvCell[] = [t.text.id[i], t.text.name[i], t.text.artist[i], top[i].mood, round(top[i].confidence)];
      for (let j = 0; j < k; j++) row.push(round(proba.data[i * k + j]));
      yield row;
    }
  })());
  const tagged = { ...tags.counts };

  log('tagging the catalogue with the built-in model (trained on four public playlist-labelled sets)');
  const builtin = (await loadMoodModel(builtinModelDir())).model;
  const builtinTags = tagTracks(builtin, t, { uncertainBelow: builtin.uncertainBelow });
  await writeCsv(path('tagged-builtin.csv'), ['id', 'name', 'artist', 'mood', 'confidence', ...builtin.classes.map((c) => `p_${c}`)], (function* () {
    const kb = builtin.classes.length;
    for (let i = 0; i < t.rowCount; i++) {
      const row: CsvCell[] = [t.text.id[i], t.text.name[i], t.text.artist[i], builtinTags.decisions[i].mood, round(builtinTags.decisions[i].confidence)];
      for (let j = 0; j < kb; j++) row.push(round(builtinTags.proba.data[i * kb + j]));
      yield row;
    }
  })());
  let agree = 0;
  for (let i = 0; i < t.rowCount; i++) if (builtinTags.decisions[i].mood === top[i].mood) agree++;
  const builtinSummary = { tagged: { ...builtinTags.counts }, agreement: agree / t.rowCount };

  log('building example playlists (contexts, moods and a calm → energetic arc)');
  const recCatalog = buildRecCatalog(t, honest.model);
  const playlistQueries: { name: string; file: string; description: string; query: RecQuery }[] = [
    ...['workout', 'focus', 'relax', 'party'].map((context) => ({ name: `Context: ${context}`, file: `playlist-${context}.m3u`, description: `the ${context} preset`, query: { context, limit: 12 } })),
    ...honest.model.classes.map((mood) => ({ name: `Mood: ${mood}`, file: `playlist-${mood.toLowerCase()}.m3u`, description: `tracks most confidently ${mood}`, query: { moods: [mood], limit: 12 } })),
    { name: 'Arc: calm → energetic', file: 'playlist-arc.m3u', description: 'a 12-step arc rising in energy and tempo', query: { arc: 'calm-to-energetic', limit: 12 } },
  ];
  await mkdir(join(out, 'playlists'), { recursive: true });
  const playlists: { name: string; description: string; tracks: { id: string; name: string; artist: string; mood: string; score: number }[] }[] = [];
  for (const pq of playlistQueries) {
    const result = recommend(recCatalog, pq.query);
    await writePlaylist(join(out, 'playlists', pq.file), result, 'm3u');
    playlists.push({ name: pq.name, description: pq.description, tracks: result.tracks.map((tr) => ({ id: tr.id, name: tr.name, artist: tr.artist, mood: tr.mood, score: tr.score })) });
  }
  files.playlists = join(out, 'playlists');

  log('writing the report');
  const reportInput = demoReportInput({
    catalogue,
    clusters,
    honest,
    taggedMoods: top.map((m) => m.mood),
    playlists,
    stability: [{ k: stability.k, mean: stability.mean, std: stability.std }],
    generatedAt: new Date().toISOString(),
    seed: o.seed,
  });
  const written = await writeReport(reportInput, path('report.html'));
  for (const e of written.errors) log(`warning: chart ${e.id} could not be drawn: ${e.message}`);

  const summary: DemoSummary = {
    out,
    files,
    catalogue: { tracks: t.rowCount },
    clusters: {
      k: clusters.k,
      chosenBy: clusters.sweep?.chosenBy ?? 'user',
      stability: { mean: stability.mean, std: stability.std },
      moods: clusters.profiles.map((p) => ({ name: p.name, size: p.size, reasons: p.reasons })),
    },
    honest: {
      rows: honest.table.rowCount,
      classes: honest.target.classes,
      accuracy: { mean: honest.cv!.accuracy.mean, std: honest.cv!.accuracy.std },
      macroF1: { mean: honest.cv!.macroF1.mean, std: honest.cv!.macroF1.std },
    },
    fromClusters: { accuracy: fromClusters.holdout!.accuracy, macroF1: fromClusters.holdout!.macroF1 },
    tagged,
    builtin: builtinSummary,
    seconds: (performance.now() - t0) / 1000,
  };
  await writeFile(path('summary.json'), JSON.stringify(summary, null, 2) + '\n');
  return summary;
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

/** What demo prints at the end: what it found and where. */
export function formatDemoSummary(s: DemoSummary): string {
  const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;
  const lines = [
    `moodscape demo — ${s.catalogue.tracks} generated tracks, ${s.seconds.toFixed(0)} s`,
    '',
    `Moods found by clustering (k = ${s.clusters.k}, chosen by ${s.clusters.chosenBy === 'knee' ? 'the elbow' : s.clusters.chosenBy}; bootstrap stability ARI ${s.clusters.stability.mean.toFixed(2)} ± ${s.clusters.stability.std.toFixed(2)}):`,
    ...s.clusters.moods.map((m) => `  ${m.name.padEnd(26)} ${String(m.size).padStart(6)} tracks  (${m.reasons.slice(0, 3).join(', ')})`),
    '',
    'How good is the mood classifier?',
    `  honest: against mood labels, 5-fold CV accuracy ${pct(s.honest.accuracy.mean)} ± ${pct(s.honest.accuracy.std)}, macro-F1 ${pct(s.honest.macroF1.mean)}`,
    `  circular (the original's set-up): re-predicting K-Means moods ${pct(s.fromClusters.accuracy)} on a holdout —`,
    '    high because the labels were made from the same features; it measures agreement with K-Means, not mood.',
    '',
    'Catalogue tagged: ' + Object.entries(s.tagged).map(([m, n]) => `${m} ${n}`).join(', '),
    'By the built-in model (no labels of yours; four public playlist sets): ' + Object.entries(s.builtin.tagged).map(([m, n]) => `${m} ${n}`).join(', ') +
      ` — the same mood as the model trained here for ${pct(s.builtin.agreement)} of tracks`,
    '',
    `Everything is in ${s.out}:`,
    ...Object.entries(s.files).map(([name]) => `  ${name}`),
  ];
  return lines.join('\n');
}
