/**
 * moodscape's audio mood model: trained by scripts/train-audio-mood-model.ts on the four labelled
 * sets, on the columns `moodscape analyze` measures faithfully, and shipped in models/audio-moods.
 * `tag` and `recommend` use it for a catalogue that analyze wrote (it has an analyzer_version
 * column) when no model is named.
 */
import { packagedModelDir } from '../builtin-model.ts';
import { ANALYZER_VERSION_COLUMN } from '../../core/data/features.ts';
import { MOOD_TAXONOMY } from '../../core/data/mood-taxonomy.ts';
import type { TrackTable } from '../../core/data/track-table.ts';

/** The features the model reads: measured by the analyzer in Spotify's units. */
export const AUDIO_MOOD_FEATURES = ['tempo', 'loudness', 'duration_ms', 'key', 'mode', 'time_signature'];
/** The taxonomy's default moods. */
export const AUDIO_MOOD_CLASSES = [...MOOD_TAXONOMY.defaultMoods];

/** The labelled sets it is trained on; their labels map onto the classes through core/data/mood-taxonomy.ts. */
export const AUDIO_MOOD_TRAINING_SETS = [
  'data_moods.csv', 'bdizon_playlist_moods_angry_happy_sad.csv', 'skerjanec_moods_5class.csv', 'pranav_playlist_moods_8class.csv',
] as const;

export const AUDIO_MOOD_MODEL_PATH = 'models/audio-moods';

/** The shipped audio mood model's directory (src/io/audio/ in a checkout, dist/ in a build). */
export function audioMoodModelDir(): string {
  return packagedModelDir(AUDIO_MOOD_MODEL_PATH, 'the audio mood model');
}

/** Whether `moodscape analyze` wrote this table (its rows carry the analyzer version). */
export function isAnalysedCatalogue(table: TrackTable): boolean {
  return ANALYZER_VERSION_COLUMN in table.text;
}

/** The audio mood model's directory for a catalogue written by `analyze` (saying so through `log`), else undefined. */
export function audioMoodModelFor(table: TrackTable, log: (line: string) => void): string | undefined {
  if (!isAnalysedCatalogue(table)) return undefined;
  const dir = audioMoodModelDir();
  log(`using moodscape's audio mood model (${AUDIO_MOOD_MODEL_PATH}): the catalogue was measured by \`analyze\`, and this model reads only ${AUDIO_MOOD_FEATURES.join(', ')}`);
  return dir;
}
