/**
 * `moodscape tag --db … --model <dir>`: tags every track of a catalogue store that the current
 * model has not tagged yet (io/store/tag-catalogue.ts) and prints what it did.
 */
import { createLogger } from '../progress.ts';
import { printJson } from '../run-action.ts';
import { tagDatabase, type TagDbSummary } from '../../../io/store/tag-catalogue.ts';
import { redactStoreSpec } from '../../../io/store/store-spec.ts';
import { formatMix, type PriorShiftMode } from '../../../core/tag/tag-tracks.ts';

/**
 * What `moodscape tag --db <spec> [--model <dir>] [--json] [--quiet]` does; tag.ts calls this when
 * --db is given (the CSV form stays as it is).
 */
export async function tagDbCommand(db: string, modelDir: string | undefined, flags: { json?: boolean; quiet?: boolean; priorShift?: PriorShiftMode } = {}): Promise<TagDbSummary> {
  const log = createLogger(Boolean(flags.quiet || flags.json));
  const r = await tagDatabase(db, modelDir, { log, priorShift: flags.priorShift });
  if (flags.json) printJson({ db: redactStoreSpec(db), ...r });
  else {
    log(`${redactStoreSpec(db)}: tagged ${r.tagged} of ${r.total} tracks with model ${r.modelId}${r.tagged ? '' : ' (every track already had a tag from it)'}`);
    if (r.estimatedPriors) log(`prior shift: estimated mood mix ${formatMix(r.estimatedPriors)}`);
    if (r.tagged) process.stdout.write(Object.entries(r.moods).map(([m, n]) => `${m.padEnd(24)} ${n}`).join('\n') + '\n');
  }
  return r;
}
