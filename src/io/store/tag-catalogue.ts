/**
 * Tagging a catalogue store: writes tags for every track that the model has not tagged yet. The
 * model directory is registered in the store (its id is a hash of its files, so the same directory
 * always gets the same id) and becomes the current model. `tag --db`, the server at start-up and
 * library users call `tagDatabase`; the moods come from the one tagging path (core/tag).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UNCERTAIN } from '../../core/classify/uncertain.ts';
import { estimateCataloguePriors, probabilitiesOf, tagProbabilities, type PriorShiftMode } from '../../core/tag/tag-tracks.ts';
import { selectRows } from '../../core/data/track-table.ts';
import { audioMoodModelFor } from '../audio/audio-mood-model.ts';
import { InputError } from '../../core/common/errors.ts';
import { loadMoodModel, type LoadedMoodModel } from '../mood-model-dir.ts';
import { openStore } from './open-store.ts';
import type { CatalogueStore, ModelRecord, TagRow } from './catalogue-store.ts';

/** Tracks tagged per write transaction. */
export const TAG_BATCH = 20_000;

export interface TagDbSummary {
  modelId: string;
  /** Tracks tagged by this call. */
  tagged: number;
  /** Tracks in the store. */
  total: number;
  /** Tagged tracks per mood, for this call. */
  moods: Record<string, number>;
  /** Model inputs the catalogue lacks (the model uses the training mean for them). */
  missingInputs: string[];
  /** With prior shift `auto`: the catalogue's estimated mood mix (over all its tracks). */
  estimatedPriors?: Record<string, number> | null;
}

/** A stable id for a model directory: `m_` + 16 hex digits of the SHA-256 of model.json and weights.bin. */
export async function modelIdOf(modelDir: string): Promise<string> {
  const h = createHash('sha256');
  h.update(await readFile(join(modelDir, 'model.json')));
  h.update(await readFile(join(modelDir, 'weights.bin')).catch(() => Buffer.alloc(0)));
  return 'm_' + h.digest('hex').slice(0, 16);
}

/** Registers the loaded model in the store (if needed) and makes it the current model; returns its record. */
export async function registerLoadedModel(store: CatalogueStore, modelDir: string, loaded: LoadedMoodModel): Promise<ModelRecord> {
  const id = await modelIdOf(modelDir);
  let record = await store.getModel(id);
  if (!record) {
    const metrics = loaded.info.metrics ?? {};
    record = {
      id,
      name: String((metrics as Record<string, unknown>).model ?? 'mood model') + ` (${resolve(modelDir)})`,
      createdAt: loaded.manifest.createdAt,
      classes: [...loaded.model.classes],
      path: resolve(modelDir),
      metrics,
    };
    await store.registerModel(record);
  }
  const current = await store.getCurrentModel();
  if (current?.id !== id) await store.setCurrentModel(id);
  return record;
}

/**
 * Tags every untagged track of the store with the model in `modelDir` (default: the store's current
 * model, from the path it was registered with). `db` is a --db value or an open store (left open).
 * `loaded` skips reading the model again when the caller has it.
 */
export async function tagDatabase(
  db: string | CatalogueStore,
  modelDir?: string,
  opts: { loaded?: LoadedMoodModel; log?: (line: string) => void; priorShift?: PriorShiftMode } = {},
): Promise<TagDbSummary> {
  const store = typeof db === 'string' ? await openStore(db) : db;
  try {
    if (modelDir === undefined) {
      const current = await store.getCurrentModel();
      // A catalogue measured by `analyze` gets the audio mood model (audioMoodModelFor says so).
      modelDir = current?.path ?? audioMoodModelFor(await store.loadCatalog(), opts.log ?? (() => {}));
      if (!modelDir) throw new InputError('the catalogue has no current model yet: name one with --model <dir>');
    }
    const loaded = opts.loaded ?? (await loadMoodModel(modelDir));
    const { model } = loaded;
    const record = await registerLoadedModel(store, modelDir, loaded);
    const untagged = await store.untaggedTrackIds(record.id);
    const total = await store.countTracks();
    const moods: Record<string, number> = Object.fromEntries([...model.classes, UNCERTAIN].map((c) => [c, 0]));
    if (!untagged.length) return { modelId: record.id, tagged: 0, total, moods, missingInputs: [] };

    const table = await store.loadCatalog();
    const want = new Set(untagged);
    const rows: number[] = [];
    table.text.id.forEach((id, i) => { if (want.has(id)) rows.push(i); });
    const missingInputs = model.missingInputs(table);
    if (missingInputs.length) opts.log?.(`warning: the catalogue lacks ${missingInputs.join(', ')}; the model uses the training average`);
    // The mix is a property of the whole catalogue: estimated once on every track, applied per batch.
    const cataloguePriors = opts.priorShift === 'auto' ? estimateCataloguePriors(model.predictProba(table), model.trainingPriors) : null;
    const tagOptions = { uncertainBelow: model.uncertainBelow, priorShift: opts.priorShift, trainingPriors: model.trainingPriors, cataloguePriors };
    let tagged = 0;
    for (let start = 0; start < rows.length; start += TAG_BATCH) {
      const part = selectRows(table, rows.slice(start, start + TAG_BATCH));
      const result = tagProbabilities(model.classes, model.predictProba(part), tagOptions);
      const tagRows: TagRow[] = result.decisions.map((t, i) => {
        moods[t.mood]++;
        return { trackId: part.text.id[i], label: t.mood, confidence: t.confidence, probabilities: probabilitiesOf(result, i) };
      });
      tagged += (await store.writeTags(record.id, tagRows)).written;
      opts.log?.(`tagged ${tagged} of ${rows.length} tracks`);
    }
    const estimatedPriors = cataloguePriors ? Object.fromEntries(model.classes.map((c, j) => [c, cataloguePriors[j]])) : null;
    return { modelId: record.id, tagged, total, moods, missingInputs, estimatedPriors };
  } finally {
    if (typeof db === 'string') await store.close();
  }
}
