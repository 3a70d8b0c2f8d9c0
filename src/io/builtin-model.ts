/**
 * The built-in mood model that ships in the package (models/builtin/, written by
 * scripts/train-builtin-model.ts from the four shared labelled sets; MODEL_CARD.md beside it).
 * `tag`, `recommend` and `serve` use it when no --model is given.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the built-in model lives relative to the package root. */
export const BUILTIN_MODEL_PATH = 'models/builtin';

/** The built-in model's directory, found from this module upwards (src/io/ in a checkout, dist/ in a build). */
export function builtinModelDir(): string {
  return packagedModelDir(BUILTIN_MODEL_PATH, 'the built-in model');
}

/** A model directory shipped in the package under `path` (e.g. models/audio-moods), found from this module upwards. */
export function packagedModelDir(path: string, what: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, path);
    if (existsSync(join(candidate, 'model.json'))) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`${what} (${path}/model.json) is missing from this moodscape installation`);
}
