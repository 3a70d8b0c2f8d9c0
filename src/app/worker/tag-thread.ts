/**
 * Worker-thread entry for tag jobs: loads a model directory once (cached by path) and runs the one
 * tagging path (`tagTracks`) over the tracks it is sent, so model inference never blocks the event
 * loop that keeps the worker's connections and jobs alive.
 */
import { parentPort } from 'node:worker_threads';
import { tagTracks } from '../../core/tag/tag-tracks.ts';
import type { TrackTable } from '../../core/data/track-table.ts';
import { loadMoodModel, type LoadedMoodModel } from '../../io/mood-model-dir.ts';

export interface TagRequest {
  id: number;
  modelDir: string;
  table: TrackTable;
}

export interface TagAnswer {
  id: number;
  error?: string;
  classes?: readonly string[];
  labels?: string[];
  confidences?: Float64Array;
  /** rows × classes. */
  proba?: Float64Array;
}

const models = new Map<string, Promise<LoadedMoodModel>>();

async function answer(req: TagRequest): Promise<TagAnswer> {
  let loaded = models.get(req.modelDir);
  if (!loaded) models.set(req.modelDir, (loaded = loadMoodModel(req.modelDir)));
  const { model } = await loaded.catch((e) => {
    models.delete(req.modelDir);
    throw e;
  });
  const r = tagTracks(model, req.table, { uncertainBelow: model.uncertainBelow });
  return {
    id: req.id,
    classes: r.classes,
    labels: r.decisions.map((d) => d.mood),
    confidences: Float64Array.from(r.decisions, (d) => d.confidence),
    proba: Float64Array.from(r.proba.data),
  };
}

parentPort?.on('message', (req: TagRequest) => {
  answer(req).then(
    (a) => parentPort!.postMessage(a, [a.confidences!.buffer as ArrayBuffer, a.proba!.buffer as ArrayBuffer]),
    (e) => parentPort!.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) } satisfies TagAnswer),
  );
});
