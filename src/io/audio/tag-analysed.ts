/**
 * Moods for the files of an analysed catalogue (an `analyze` CSV or store): the catalogue is
 * tagged through core/tag (the one tagging path) with the named model, or the audio mood model,
 * and each file gets its mood, confidence, BPM and key — what --write-tags and --beets write.
 */
import { tagTracks } from '../../core/tag/tag-tracks.ts';
import type { TrackTable } from '../../core/data/track-table.ts';
import { readTracksCsv } from '../csv/read-tracks.ts';
import { loadMoodModel } from '../mood-model-dir.ts';
import { openStore } from '../store/open-store.ts';
import { audioMoodModelDir, audioMoodModelFor } from './audio-mood-model.ts';
import { keyName } from './write-file-tags.ts';
import type { AnalysedTrack } from './analyze-file.ts';
import { analysisCacheFromStore, readAnalysedCsv } from './analysis-output.ts';

export interface FileMood {
  path: string;
  id: string;
  mood: string;
  confidence: number;
  bpm?: number;
  key?: string;
}

/** The catalogue as a table (gaps imputed, for the model) and as the raw analysed tracks (for BPM and key). */
async function readAnalysedCatalogue(output: { out?: string; db?: string }): Promise<{ table: TrackTable; raw: AnalysedTrack[] }> {
  if (output.out) return { table: (await readTracksCsv(output.out)).table, raw: await readAnalysedCsv(output.out) };
  const store = await openStore(output.db!);
  try {
    return { table: await store.loadCatalog(), raw: [...(await analysisCacheFromStore(store)).values()] };
  } finally {
    await store.close();
  }
}

export async function moodsOfAnalysedFiles(output: { out?: string; db?: string }, opts: { modelDir?: string; log?: (line: string) => void } = {}): Promise<FileMood[]> {
  const { table, raw } = await readAnalysedCatalogue(output);
  const byPath = new Map(raw.map((t) => [t.path, t.features]));
  const { model } = await loadMoodModel(opts.modelDir ?? audioMoodModelFor(table, opts.log ?? (() => {})) ?? audioMoodModelDir());
  const result = tagTracks(model, table, { uncertainBelow: model.uncertainBelow });
  const paths = table.text.path ?? [];
  const num = (c: string, i: number) => byPath.get(paths[i])?.[c] ?? NaN;
  const out: FileMood[] = [];
  for (let i = 0; i < table.rowCount; i++) {
    if (!paths[i]) continue;
    const d = result.decisions[i];
    const bpm = num('tempo', i);
    out.push({ path: paths[i], id: table.text.id[i], mood: d.mood, confidence: d.confidence, bpm: Number.isFinite(bpm) ? bpm : undefined, key: keyName(num('key', i), num('mode', i)) });
  }
  return out;
}
