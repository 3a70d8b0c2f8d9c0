/**
 * Which model a tagging command uses: the one given with --model DIR, else the built-in model
 * (said on stderr, so a user knows where the moods come from). tag, recommend and serve all
 * resolve through here.
 */
import { builtinModelDir } from '../../io/builtin-model.ts';

export interface ResolvedModel {
  readonly dir: string;
  readonly builtin: boolean;
}

export function resolveModelDir(modelDir: string | undefined, log: (line: string) => void): ResolvedModel {
  if (modelDir !== undefined) return { dir: modelDir, builtin: false };
  const dir = builtinModelDir();
  log('using the built-in mood model (trained on four public playlist-labelled sets; see models/builtin/MODEL_CARD.md); --model DIR uses your own');
  return { dir, builtin: true };
}
