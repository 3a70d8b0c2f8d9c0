/**
 * Which model a tagging command uses: the one given with --model DIR, else the built-in model
 * (said on stderr, so a user knows where the moods come from). tag, recommend and serve all
 * resolve through here.
 */
import { builtinModelDir } from '../../io/builtin-model.ts';
import { audioMoodModelFor } from '../../io/audio/audio-mood-model.ts';
import type { TrackTable } from '../../core/data/track-table.ts';

export interface ResolvedModel {
  readonly dir: string;
  readonly builtin: boolean;
}

/**
 * With `table`, a catalogue written by `moodscape analyze` gets the audio mood model instead of
 * the built-in one: it reads only the columns the analyzer measures (io/audio/audio-mood-model.ts).
 */
export function resolveModelDir(modelDir: string | undefined, log: (line: string) => void, table?: TrackTable): ResolvedModel {
  if (modelDir !== undefined) return { dir: modelDir, builtin: false };
  const audio = table ? audioMoodModelFor(table, log) : undefined;
  if (audio) return { dir: audio, builtin: false };
  const dir = builtinModelDir();
  log('using the built-in mood model (trained on four public playlist-labelled sets; see models/builtin/MODEL_CARD.md); --model DIR uses your own');
  return { dir, builtin: true };
}
