/**
 * A real model for CLI tests: logistic regression on data_moods.csv (686 tracks, 80/20 holdout),
 * saved through the product's own saveTrainedModel. About a second to train.
 */
import { join } from 'node:path';
import { trainMoodModel } from '../../src/core/classify/train-mood-model.ts';
import { readTracksCsv } from '../../src/io/csv/read-tracks.ts';
import { saveTrainedModel } from '../../src/io/save-trained-model.ts';
import { DATA_MOODS } from './server-fixtures.ts';

/** Trains and saves into `dir`/model; returns the model directory. */
export async function trainMoodsModel(dir: string, o: { uncertainBelow?: number } = {}): Promise<string> {
  const { table } = await readTracksCsv(DATA_MOODS);
  const outcome = trainMoodModel(table, {
    target: { type: 'label', column: 'mood' }, classifier: { model: 'logreg' }, cv: 0, seed: 0, uncertainBelow: o.uncertainBelow,
  });
  const modelDir = join(dir, 'model');
  await saveTrainedModel(modelDir, outcome, { trainingFile: DATA_MOODS });
  return modelDir;
}
