/**
 * Adapting a saved model directory to a catalogue's mood corrections and saving the result as a
 * new model directory (written under a temporary name and renamed into place). `moodscape adapt`
 * and the server's POST /models/adapt both call `adaptModelDir`.
 */
import { resolve } from 'node:path';
import { CatalogueAdapter, type AdaptationSummary, type CatalogueAdapterOptions } from '../core/classify/catalogue-adapter.ts';
import { InputError } from '../core/common/errors.ts';
import { matrix } from '../core/common/matrix.ts';
import type { FittedMoodClassifier } from '../core/classify/mood-classifier.ts';
import { saveMoodModel, type LoadedMoodModel } from './mood-model-dir.ts';
import type { Correction } from './taste-store.ts';

export interface AdaptResult {
  readonly out: string;
  readonly model: FittedMoodClassifier;
  readonly summary: AdaptationSummary;
  /** Corrections whose track lacked some model inputs (they took the training mean). */
  readonly imputed: number;
}

/**
 * Adapts `loaded` (from `from`) to `corrections` and writes the adapted model to `out`. A
 * correction naming a mood the model does not have is refused, naming the track.
 */
export async function adaptModelDir(
  loaded: LoadedMoodModel, from: string, corrections: readonly Correction[], out: string,
  options: Partial<CatalogueAdapterOptions> = {},
): Promise<AdaptResult> {
  const { model } = loaded;
  if (!corrections.length) throw new InputError('there are no mood corrections to adapt to (record some with moodscape feedback --relabel ID=MOOD or POST /feedback {"kind":"relabel",…})');
  const index = new Map(model.classes.map((c, k) => [c, k]));
  const d = model.inputFeatures.length;
  const X = matrix(corrections.length, d), y = new Int32Array(corrections.length);
  let imputed = 0;
  corrections.forEach((c, i) => {
    const k = index.get(c.mood);
    if (k === undefined) throw new InputError(`correction of track "${c.trackId}": "${c.mood}" is not a mood of the model (${model.classes.join(', ')})`);
    y[i] = k;
    let missing = false;
    model.inputFeatures.forEach((f, j) => {
      const v = c.features[f];
      // A track without an input is scored as the model scores it when tagging: at the training mean.
      if (typeof v === 'number' && Number.isFinite(v)) X.data[i * d + j] = v;
      else { X.data[i * d + j] = model.scaler.mean[j]; missing = true; }
    });
    if (missing) imputed++;
  });
  const { model: adapted, summary } = new CatalogueAdapter(options).fit(model, X, y);
  const info = {
    ...loaded.info,
    adaptation: {
      from: resolve(from),
      corrections: summary.corrections,
      perClass: summary.perClass,
      l2: Number.isFinite(summary.l2) ? summary.l2 : null,
      features: summary.features,
      crossEntropy: { original: summary.originalCrossEntropy, chosen: summary.candidates.find((c) => c.l2 === summary.l2 && c.features === summary.features)?.crossEntropy ?? null },
    },
  };
  await saveMoodModel(out, adapted, info, loaded.extraStages);
  return { out, model: adapted, summary, imputed };
}
